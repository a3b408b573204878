// Chromium uploads a 100 MiB File from a page on 127.0.0.1 to moto S3 (signature checks on) with upload(): progress
// events, a pause midway (abort with keepPartsOnAbort), a resume that sends only the missing parts, the content
// verified by SHA-256. moto answers CORS preflights with 500 when its checks are on, so a small CORS front (the
// proxy of ./s3.ts) answers them and exposes ETag; a second front that does not expose it shows the typed error.
// Progress comes once per part: Chromium streams a fetch upload body only over HTTP/2 (moto speaks HTTP/1.1),
// and AwsClient re-sends (so reads) every body anyway, so per-chunk progress is not available in a browser here.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { partNumberOf, startProxy, startS3, type S3Proxy, type S3Setup } from './s3.js'
import { browsers, type BrowserSession } from '../../helpers/browser-session.js'
import { servePage, type Listening } from '../../helpers/loopback.js'

interface RunOutcome {
  events: { loaded: number; total?: number; part: number; uploadId?: string }[]
  result?: { etag: string; uploadId?: string; parts: { partNumber: number }[] }
  error?: { name: string; message: string; code?: string; uploadId?: string }
}

const MIB = 1024 * 1024
const SIZE = 100 * MIB
const PART_SIZE = 8 * MIB
let s3: S3Setup
let cors: S3Proxy
let hidden: S3Proxy
let page: Listening | undefined
let pageUrl: string
let browser: BrowserSession | undefined

beforeAll(async () => {
  s3 = await startS3()
  cors = await startProxy(s3.moto.endpoint, { cors: { exposeHeaders: ['ETag'] } })
  hidden = await startProxy(s3.moto.endpoint, { cors: { exposeHeaders: [] } })
  const script = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
  })
  const js = script.outputFiles[0]!.text
  page = await servePage({
    '/index.html': '<!doctype html><title>upload</title><script src="/page.js"></script><p>upload page</p>',
    '/page.js': js,
  })
  pageUrl = `${page.endpoint}/`
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await page?.close()
  await cors?.stop()
  await hidden?.stop()
  await s3?.moto.stop()
})

const run = (options: object) => browser!.evaluate(`uploadPage.run(${JSON.stringify(options)})`) as Promise<RunOutcome>

describe('Chromium uploads a File with upload() (moto, signature checks on, behind a CORS front)', () => {
  test(
    '100 MiB with progress, paused midway, resumed: only the missing parts sent, content equal',
    { timeout: 240_000 },
    async () => {
      const { launchBrowser, within } = await browsers()
      browser = await within(90_000, 'chromium start', launchBrowser('chromium'))
      await browser.goto(pageUrl)
      const sha256 = (await browser.evaluate(`uploadPage.makeFile(${SIZE}, 101)`)) as string
      const url = s3.objectUrl('from-chromium.bin', cors.url)
      const common = { url, credentials: s3.credentials, partSize: PART_SIZE, concurrency: 4 }

      const paused = await run({ ...common, pauseAfterParts: 5 })
      expect(paused.error).toMatchObject({ name: 'AbortError', message: 'paused by the test' })
      expect(paused.events).toHaveLength(5)
      const uploadId = paused.events[0]!.uploadId!
      expect(uploadId).toBeTruthy()
      for (const event of paused.events) expect(event).toMatchObject({ total: SIZE, uploadId })
      expect(paused.events.map((event) => event.loaded)).toEqual([1, 2, 3, 4, 5].map((n) => n * PART_SIZE))
      expect(await s3.listUploads()).toContain(uploadId)

      const before = cors.requests.length
      const resumed = await run({ ...common, uploadId })
      expect(resumed.error).toBeUndefined()
      const parts = Math.ceil(SIZE / PART_SIZE)
      expect(resumed.result!.parts).toHaveLength(parts)
      expect(resumed.events).toHaveLength(parts) // stored parts are reported too, as found
      expect(resumed.events.at(-1)!.loaded).toBe(SIZE)
      const sentAgain = cors.requests
        .slice(before)
        .map(partNumberOf)
        .filter((n) => n !== undefined)
      const storedFirst = new Set(paused.events.map((event) => event.part))
      expect(sentAgain.filter((n) => storedFirst.has(n))).toEqual([])
      expect(sentAgain.length).toBeLessThanOrEqual(parts - storedFirst.size)
      expect(await s3.storedSha256('from-chromium.bin')).toBe(sha256)
      expect(await s3.listUploads()).toEqual([])
    },
  )

  test(
    'a bucket whose CORS rules do not expose ETag: ERR_UPLOAD_ETAG_HIDDEN with the rule to add',
    { timeout: 60_000 },
    async () => {
      expect(browser).toBeDefined()
      await browser!.evaluate(`uploadPage.makeFile(${6 * MIB}, 103)`)
      const outcome = await run({
        url: s3.objectUrl('hidden.bin', hidden.url),
        credentials: s3.credentials,
        partSize: 5 * MIB,
        concurrency: 2,
      })
      expect(outcome.error?.code).toBe('ERR_UPLOAD_ETAG_HIDDEN')
      expect(outcome.error?.message).toContain('"ExposeHeaders": ["ETag"]')
    },
  )
})
