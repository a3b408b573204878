// appSyncEvents in Chromium, Firefox and WebKit, with each browser's own WebSocket, against the fake AppSync Events
// endpoint in workerd: the page subscribes and publishes events with <>, emoji and a long payload, and a wrong secret
// is refused; the endpoint re-checked every signature with verify().
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { browsers, type BrowserSession } from '../../helpers/browser-session.js'
import { servePage, type Listening } from '../../helpers/loopback.js'
import { API_URL, credentials, startFake, type Fake } from './fake.js'

let fake: Fake
let page: Listening | undefined

beforeAll(async () => {
  fake = await startFake()
  const script = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
  })
  page = await servePage({
    '/index.html': '<!doctype html><title>appsync</title><script src="/page.js"></script><p>appsync page</p>',
    '/page.js': script.outputFiles[0]!.text,
  })
}, 60_000)
afterAll(async () => {
  await page?.close()
  await fake?.dispose()
})

const events = [{ html: '<script>x</script> & <b>' }, { text: 'héllo 👋🏽 日本語' }, { long: '<>🦄'.repeat(10_000) }]

describe.each(['chromium', 'firefox', 'webkit'] as const)('%s', (name) => {
  test(
    'subscribes, publishes and is refused with a wrong secret; every signature verified',
    { timeout: 120_000 },
    async () => {
      const { launchBrowser, within } = await browsers()
      let browser: BrowserSession | undefined
      try {
        browser = await within(90_000, `${name} start`, launchBrowser(name))
        await browser.goto(`${page!.endpoint}/`)
        const before = await fake.log()
        const outcome = (await browser.evaluate(
          `appsyncPage.run(${JSON.stringify({ realtime: fake.realtime, apiUrl: API_URL, credentials, events })})`,
        )) as { received: unknown[]; indexes: number[]; refused?: string; hasWebSocket: boolean }
        expect(outcome.hasWebSocket).toBe(true)
        expect(outcome.received).toEqual(events)
        expect(outcome.indexes).toEqual([0, 1, 2])
        expect(outcome.refused).toBe('ERR_APPSYNC_ERROR')
        const after = await fake.log()
        expect(after.connects - before.connects).toBe(1)
        expect(after.subscribes - before.subscribes).toBe(1)
        expect(after.publishes - before.publishes).toBe(1)
        expect(after.refused.slice(before.refused.length)).toEqual(['connect:ERR_SIGNATURE_MISMATCH'])
      } finally {
        await browser?.close()
      }
    },
  )
})
