// 200 MiB uploads at 4 in flight to moto (signature checks on), each in a child process so its peak RSS is its own:
// content equal to the source (SHA-256 of GetObject), peak RSS bounded by a few parts in flight, far below the body.
// And a resume after the uploading process is killed midway: only the missing parts are sent.
import { createHash } from 'node:crypto'
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startChild, type ChildLine } from './child-runner.js'
import { partNumberOf, randomBytes, startProxy, startS3, type S3Setup } from './s3.js'

const MIB = 1024 * 1024
const SIZE = 200 * MIB
const PART_SIZE = 8 * MIB
const CONCURRENCY = 4
// What the process may hold above its start. upload() holds at most CONCURRENCY parts (test/node/upload/moto.test.ts
// proves it exactly), each once (AwsClient re-sends the part as it is); fetch copies it into the Request it sends and
// the SHA-256 of the signature copies it for crypto.subtle, and V8 frees those copies lazily: measured (VmHWM) 190-205
// MiB over the start at 4 in flight, the same for 200 and 400 MiB bodies.
const RSS_ALLOWANCE = 10 * CONCURRENCY * PART_SIZE

let s3: S3Setup
let dir: string

beforeAll(async () => {
  s3 = await startS3()
  dir = mkdtempSync(join(tmpdir(), 'upload-big-'))
})
afterAll(async () => {
  await s3?.moto.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

// Writes `size` pseudo-random bytes to a file in 8 MiB pieces; returns its SHA-256.
async function writeSource(path: string, size: number, seed: number): Promise<string> {
  const hash = createHash('sha256')
  const out = createWriteStream(path)
  for (let written = 0, piece = 0; written < size; piece++) {
    const bytes = randomBytes(Math.min(8 * MIB, size - written), seed + piece)
    hash.update(bytes)
    if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
    written += bytes.length
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  return hash.digest('hex')
}

// The SHA-256 of what the child's generated stream yields (same generator, 1 MiB chunks).
function generatedSha256(size: number, seed: number): string {
  const hash = createHash('sha256')
  let state = seed >>> 0 || 1
  for (let produced = 0; produced < size; produced += MIB) {
    const length = Math.min(MIB, size - produced)
    const words = new Uint32Array(length >> 2)
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      words[i] = state >>> 0
    }
    hash.update(new Uint8Array(words.buffer))
  }
  return hash.digest('hex')
}

function doneLine(lines: ChildLine[]): {
  result: { parts: unknown[] }
  peakRss: number
  baselineRss: number
  seconds: number
} {
  const done = lines.find((line) => line.type === 'done')
  if (!done) throw new Error(`the child did not finish: ${JSON.stringify(lines.filter((l) => l.type === 'error'))}`)
  return done as never
}

async function uploadStream(key: string, size: number, seed: number) {
  const child = await startChild({
    url: s3.objectUrl(key),
    credentials: s3.credentials,
    body: { kind: 'stream', size, seed },
    partSize: PART_SIZE,
    concurrency: CONCURRENCY,
  })
  expect(await child.exited).toBe(0)
  const done = doneLine(child.lines)
  expect(done.result.parts).toHaveLength(size / PART_SIZE)
  expect(child.lines.filter((line) => line.type === 'progress')).toHaveLength(size / PART_SIZE)
  expect(await s3.storedSha256(key)).toBe(generatedSha256(size, seed))
  console.log(
    `stream ${size / MIB} MiB: ${done.seconds.toFixed(1)} s, peak RSS ${(done.peakRss / MIB).toFixed(0)} MiB ` +
      `(start ${(done.baselineRss / MIB).toFixed(0)} MiB)`,
  )
  return done
}

describe('200 MiB at 4 in flight (child process, moto with signature checks on)', () => {
  test(
    'a stream of unknown length: content equal; peak RSS bounded, not growing with the body',
    { timeout: 300_000 },
    async () => {
      const small = await uploadStream('big-stream.bin', SIZE, 41)
      expect(small.peakRss - small.baselineRss).toBeLessThan(RSS_ALLOWANCE)
      // Twice the body: a copy of the body anywhere would add 200 MiB to the peak; parts in flight add nothing.
      const large = await uploadStream('bigger-stream.bin', 2 * SIZE, 42)
      expect(large.peakRss - large.baselineRss).toBeLessThan(RSS_ALLOWANCE)
      expect(large.peakRss - small.peakRss).toBeLessThan(SIZE / 2)
    },
  )

  test(
    'a file-backed Blob (fs.openAsBlob) is sliced, not read whole: content equal, peak RSS bounded',
    { timeout: 300_000 },
    async () => {
      const path = join(dir, 'source.bin')
      const sha256 = await writeSource(path, SIZE, 43)
      const child = await startChild({
        url: s3.objectUrl('big-file.bin'),
        credentials: s3.credentials,
        body: { kind: 'file', path },
        partSize: PART_SIZE,
        concurrency: CONCURRENCY,
      })
      expect(await child.exited).toBe(0)
      const done = doneLine(child.lines)
      expect(await s3.storedSha256('big-file.bin')).toBe(sha256)
      console.log(
        `file 200 MiB: ${done.seconds.toFixed(1)} s, peak RSS ${(done.peakRss / MIB).toFixed(0)} MiB ` +
          `(start ${(done.baselineRss / MIB).toFixed(0)} MiB)`,
      )
      expect(done.peakRss - done.baselineRss).toBeLessThan(RSS_ALLOWANCE)
    },
  )

  test(
    'killed midway, then resumed with its uploadId: only the missing parts are sent',
    { timeout: 300_000 },
    async () => {
      const path = join(dir, 'resume.bin')
      const size = 80 * MIB
      const sha256 = await writeSource(path, size, 47)
      const url = s3.objectUrl('resumed.bin')
      const first = await startChild({
        url,
        credentials: s3.credentials,
        body: { kind: 'file', path },
        partSize: PART_SIZE,
        concurrency: 2,
      })
      let uploadId: string | undefined
      const stored = new Set<number>()
      first.onLine((line) => {
        if (line.type !== 'progress') return
        uploadId = line.uploadId as string
        stored.add(line.part as number)
        if (stored.size === 4) first.process.kill('SIGKILL')
      })
      expect(await first.exited).toBeNull() // killed, not finished
      expect(uploadId).toBeTruthy()
      expect(await s3.listUploads()).toContain(uploadId)

      const proxy = await startProxy(s3.moto.endpoint)
      try {
        const second = await startChild({
          url: s3.objectUrl('resumed.bin', proxy.url),
          credentials: s3.credentials,
          body: { kind: 'file', path },
          partSize: PART_SIZE,
          concurrency: 2,
          uploadId,
        })
        expect(await second.exited).toBe(0)
        const sent = proxy.requests.map(partNumberOf).filter((n): n is number => n !== undefined)
        // Every part the first run reported stored is skipped; all the others are sent, once each.
        expect(sent.filter((n) => stored.has(n))).toEqual([])
        expect(new Set(sent).size).toBe(sent.length)
        expect(sent.length).toBeLessThanOrEqual(10 - stored.size)
        expect(sent.length).toBeGreaterThan(0)
        expect(doneLine(second.lines).result.parts).toHaveLength(10)
        expect(await s3.storedSha256('resumed.bin')).toBe(sha256)
        expect(await s3.listUploads()).not.toContain(uploadId)
      } finally {
        await proxy.stop()
      }
    },
  )
})
