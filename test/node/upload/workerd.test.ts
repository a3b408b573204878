// upload() inside workerd (Miniflare, no nodejs_compat), against moto: a Worker uploads a stream it receives
// (its length unknown to it) with bounded memory, measured as the workerd process's peak RSS (VmHWM); and the
// no-credentials pattern: the Worker presigns the part URLs, plain fetch uploads the parts, the Worker completes.
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createHash } from 'node:crypto'
import { startMoto } from '../../helpers/moto.js'
import { randomBytes, sha256Hex, startS3, type S3Setup } from './s3.js'

const MIB = 1024 * 1024
let s3: S3Setup
let mf: Miniflare | undefined

async function workerScript(): Promise<string> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral', // a Node built-in anywhere in src/ fails the build
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'error',
  })
  return bundle.outputFiles[0]!.text
}

function startWorker(
  script: string,
  setup: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string },
) {
  return new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2025-09-01',
    cf: false,
    bindings: {
      ENDPOINT: setup.endpoint,
      BUCKET: setup.bucket,
      ACCESS_KEY_ID: setup.accessKeyId,
      SECRET_ACCESS_KEY: setup.secretAccessKey,
    },
  })
}

// The workerd processes this test process started (Miniflare spawns `workerd serve`).
function workerdPids(): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('workerd'))
        pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024
}

// `size` pseudo-random bytes in 1 MiB chunks, generated as they are read; hashes what it yields.
function generatedStream(size: number, seed: number) {
  const hash = createHash('sha256')
  let produced = 0
  let piece = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= size) return controller.close()
      const bytes = randomBytes(Math.min(MIB, size - produced), seed + piece++)
      hash.update(bytes)
      produced += bytes.length
      controller.enqueue(bytes)
    },
  })
  return { stream, sha256: () => hash.digest('hex') }
}

beforeAll(async () => {
  s3 = await startS3()
})
afterAll(async () => {
  await mf?.dispose()
  await s3?.moto.stop()
})

describe('upload in workerd (Miniflare)', () => {
  test(
    'a Worker uploads the stream it receives: content equal, workerd peak RSS bounded',
    { timeout: 240_000 },
    async () => {
      mf = startWorker(await workerScript(), { endpoint: s3.moto.endpoint, bucket: s3.bucket, ...s3.credentials })
      expect(await (await mf.dispatchFetch('http://worker/ping')).text()).toBe('pong')
      const [pid] = workerdPids()
      expect(pid).toBeTruthy()
      const start = peakRss(pid!)
      const uploadThroughWorker = async (key: string, size: number, seed: number) => {
        const source = generatedStream(size, seed)
        const response = await mf!.dispatchFetch(`http://worker/upload?key=${key}`, {
          method: 'POST',
          body: source.stream,
          duplex: 'half',
        } as never)
        const result = (await response.json()) as { parts: unknown[]; progressEvents: number; error?: unknown }
        expect(result.error).toBeUndefined()
        expect(result.parts).toHaveLength(Math.ceil(size / (5 * MIB)))
        expect(result.progressEvents).toBe(result.parts.length)
        expect(await s3.storedSha256(key)).toBe(source.sha256())
        return peakRss(pid!)
      }
      const afterSmall = await uploadThroughWorker('from-worker-60.bin', 60 * MIB, 83)
      const afterLarge = await uploadThroughWorker('from-worker-180.bin', 180 * MIB, 89)
      console.log(
        `workerd: peak RSS +${((afterSmall - start) / MIB).toFixed(0)} MiB after a 60 MiB stream, ` +
          `+${((afterLarge - start) / MIB).toFixed(0)} MiB after a 180 MiB one (2 × 5 MiB parts in flight)`,
      )
      // Three times the body: holding the body anywhere would add 120 MiB to the peak; parts in flight add nothing.
      expect(afterLarge - afterSmall).toBeLessThan(60 * MIB)
      // 2 parts in flight, each copied a few times on its way out and freed lazily (see big.test.ts).
      expect(afterLarge - start).toBeLessThan(160 * MIB)
    },
  )
})

// moto answers presigned requests with 500 when its signature checks are on (/work/shared/RUNTIMES.md): this flow runs
// against a moto without checks, and the part URLs' signatures are checked against @smithy/signature-v4 in
// ./presign.test.ts.
describe('presigned part URLs: the Worker presigns and completes, plain fetch uploads (moto without checks)', () => {
  test(
    'presign → fetch PUT each part → complete; and presign → abort leaves no upload',
    { timeout: 120_000 },
    async () => {
      const moto = await startMoto({ authChecks: false })
      const worker = startWorker(await workerScript(), {
        endpoint: moto.endpoint,
        bucket: 'presigned',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      })
      try {
        expect((await fetch(`${moto.endpoint}/presigned`, { method: 'PUT' })).status).toBe(200)
        const bytes = randomBytes(11 * MIB, 97)
        const partSize = 5 * MIB
        const count = Math.ceil(bytes.length / partSize)
        const presigned = (await (
          await worker.dispatchFetch(`http://worker/presign?key=page.bin&parts=${count}`, { method: 'POST' })
        ).json()) as { uploadId: string; parts: { partNumber: number; url: string }[] }
        expect(presigned.parts).toHaveLength(count)
        // The page: no credentials, plain fetch, the ETag of each answer.
        const parts = await Promise.all(
          presigned.parts.map(async ({ partNumber, url }) => {
            expect(url).toContain('X-Amz-Signature=')
            const response = await fetch(url, {
              method: 'PUT',
              body: bytes.slice((partNumber - 1) * partSize, partNumber * partSize),
            })
            expect(response.status).toBe(200)
            return { partNumber, etag: response.headers.get('etag')! }
          }),
        )
        const completed = (await (
          await worker.dispatchFetch('http://worker/complete?key=page.bin', {
            method: 'POST',
            body: JSON.stringify({ uploadId: presigned.uploadId, parts }),
          })
        ).json()) as { etag: string; error?: unknown }
        expect(completed.error).toBeUndefined()
        expect(completed.etag).toMatch(/-3"$/)
        const stored = await fetch(`${moto.endpoint}/presigned/page.bin`)
        expect(sha256Hex(new Uint8Array(await stored.arrayBuffer()))).toBe(sha256Hex(bytes))

        const other = (await (
          await worker.dispatchFetch('http://worker/presign?key=dropped.bin&parts=2', { method: 'POST' })
        ).json()) as { uploadId: string }
        await worker.dispatchFetch('http://worker/abort?key=dropped.bin', {
          method: 'POST',
          body: JSON.stringify({ uploadId: other.uploadId }),
        })
        const uploads = await (await fetch(`${moto.endpoint}/presigned?uploads=`)).text()
        expect(uploads).not.toContain('<UploadId>')
      } finally {
        await worker.dispose()
        await moto.stop()
      }
    },
  )
})
