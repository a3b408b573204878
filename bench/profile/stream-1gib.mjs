#!/usr/bin/env node
// Benchmark (not a test): signs a generated 1 GiB stream with aws-chunked framing and reports throughput and
// peak memory, next to one native SHA-256 (node:crypto) over the same bytes. Nothing is sent anywhere.
//   node bench/profile/stream-1gib.mjs [MiB=1024] [chunkKiB=64]
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'

const mib = Number(process.argv[2] ?? 1024)
const chunkSize = Number(process.argv[3] ?? 64) * 1024
const total = mib * 1024 * 1024
const root = resolve(import.meta.dirname, '../..')

// The sources are TypeScript: bundle src/stream.ts once, then import it.
const bundled = await build({
  entryPoints: [join(root, 'src/stream.ts')],
  bundle: true,
  format: 'esm',
  write: false,
  logLevel: 'silent',
})
const file = join(mkdtempSync(join(tmpdir(), 'sigv4-bench-')), 'stream.mjs')
writeFileSync(file, bundled.outputFiles[0].text)
const { signStreamParts, chunkedContentLength } = await import(file)

// 1 MiB of pattern, handed out as fresh 256 KiB copies, like a file or socket source would.
const pattern = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) % 251)
const piece = 256 * 1024
function source() {
  let sent = 0
  return new ReadableStream(
    {
      pull(controller) {
        if (sent >= total) return controller.close()
        const size = Math.min(piece, total - sent)
        const offset = sent % pattern.length
        controller.enqueue(pattern.slice(offset, offset + size))
        sent += size
      },
    },
    { highWaterMark: 0 },
  )
}

let peakRss = 0
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss))
const timer = setInterval(sample, 20)
globalThis.gc?.()
const baseRss = process.memoryUsage().rss

// Signed aws-chunked stream first (so the peak memory is its own), consumed and discarded.
let started = performance.now()
const signed = await signStreamParts(
  { method: 'PUT', host: 'bench.s3.us-east-1.amazonaws.com', path: '/1gib.bin', body: source() },
  {
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'bench-secret' },
    region: 'us-east-1',
    service: 's3',
    contentLength: total,
    chunkSize,
  },
)
let framed = 0
for await (const frame of signed.body) framed += frame.length
const signSeconds = (performance.now() - started) / 1000
sample()
const signPeak = peakRss

// Baselines: a native streaming SHA-256 over the same generated stream, and one WebCrypto digest of all the
// bytes at once (which needs the whole body in memory).
started = performance.now()
const hash = createHash('sha256')
for await (const chunk of source()) hash.update(chunk)
hash.digest('hex')
const nativeSeconds = (performance.now() - started) / 1000
const whole = new Uint8Array(total)
for (let offset = 0; offset < total; offset += pattern.length)
  whole.set(pattern.subarray(0, Math.min(pattern.length, total - offset)), offset)
started = performance.now()
await crypto.subtle.digest('SHA-256', whole)
const digestSeconds = (performance.now() - started) / 1000
clearInterval(timer)

if (framed !== chunkedContentLength(total, { chunkSize }))
  throw new Error(`framed ${framed} bytes, expected ${chunkedContentLength(total, { chunkSize })}`)
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1)
console.log(
  `body: ${mib} MiB in ${chunkSize / 1024} KiB chunks (${Math.ceil(total / chunkSize)} chunk signatures), ${framed} bytes framed`,
)
console.log(
  `aws-chunked signing:               ${signSeconds.toFixed(2)} s, ${(mib / signSeconds).toFixed(0)} MiB/s, peak RSS ${mb(signPeak)} MiB (${mb(signPeak - baseRss)} MiB above the ${mb(baseRss)} MiB at start)`,
)
console.log(
  `node:crypto sha256 of the stream:  ${nativeSeconds.toFixed(2)} s, ${(mib / nativeSeconds).toFixed(0)} MiB/s`,
)
console.log(
  `one crypto.subtle digest in memory: ${digestSeconds.toFixed(2)} s, ${(mib / digestSeconds).toFixed(0)} MiB/s (needs all ${mib} MiB in memory)`,
)
console.log(`signing time / one native digest: ${(signSeconds / digestSeconds).toFixed(2)}x`)
