#!/usr/bin/env node
// Benchmark (not a test): checksum(…, 'crc32c' | 'crc64nvme' | 'crc32') of 64 MiB against @aws-crypto/crc32c,
// @aws-sdk/crc64-nvme and @aws-crypto/crc32 in Node, for one buffer and for a stream of 64 KiB pieces (peak
// memory is reported for the stream: it must not grow with the length). Target: within 2x of the packages.
// SHA-256 is reported beside them (no target): whole bytes go through crypto.subtle, a stream through pure JS.
//   node bench/profile/checksum.mjs [MiB=64] [rounds=5]
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { AwsCrc32 } from '@aws-crypto/crc32'
import { AwsCrc32c } from '@aws-crypto/crc32c'
import { Sha256 } from '@aws-crypto/sha256-js'
import { Crc64Nvme } from '@aws-sdk/crc64-nvme'
import { build } from 'esbuild'

const mib = Number(process.argv[2] ?? 64)
const rounds = Number(process.argv[3] ?? 5)
const total = mib * 1024 * 1024
const root = resolve(import.meta.dirname, '../..')

// The sources are TypeScript: bundle src/s3.ts once, then import it.
const bundled = await build({
  entryPoints: [join(root, 'src/s3.ts')],
  bundle: true,
  format: 'esm',
  write: false,
  logLevel: 'silent',
})
const file = join(mkdtempSync(join(tmpdir(), 'sigv4-bench-')), 's3.mjs')
writeFileSync(file, bundled.outputFiles[0].text)
const { checksum } = await import(file)

const data = new Uint8Array(total).map((_, i) => (i * 31 + (i >>> 10)) % 251)
const PIECE = 64 * 1024

/** A stream of fresh 64 KiB copies of `data`, like a file or socket would hand out. */
function pieces() {
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= total) return controller.close()
      controller.enqueue(data.slice(offset, offset + PIECE))
      offset += PIECE
    },
  })
}

async function reference(Hash, input) {
  const hash = new Hash()
  if (input === 'stream') {
    const reader = pieces().getReader()
    for (let result = await reader.read(); !result.done; result = await reader.read()) hash.update(result.value)
  } else hash.update(data)
  return Buffer.from(await hash.digest()).toString('base64')
}

const contenders = [
  ['crc32c', AwsCrc32c, '@aws-crypto/crc32c'],
  ['crc64nvme', Crc64Nvme, '@aws-sdk/crc64-nvme'],
  ['crc32', AwsCrc32, '@aws-crypto/crc32'],
  // SHA-256 of a stream: the pure-JS incremental hash (bounded memory) against the SDK's pure-JS one; of a buffer,
  // crypto.subtle. No target: reported so the cost of hashing a stream in JS is known.
  ['sha256', Sha256, '@aws-crypto/sha256-js'],
]

async function time(action) {
  const started = performance.now()
  const value = await action()
  return { ms: performance.now() - started, value }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

console.log(`${mib} MiB, ${rounds} rounds (median), Node ${process.version}`)
console.log('| algorithm | input | webcrypto-sigv4/s3 | package | ratio (ours / package) |')
console.log('|---|---|---|---|---|')
let worst = 0
for (const [algorithm, Hash, name] of contenders) {
  for (const input of ['buffer', 'stream']) {
    const ours = []
    const theirs = []
    // Alternate rounds so a busy machine slows both sides alike.
    for (let round = 0; round < rounds; round++) {
      const a = await time(() => checksum(input === 'stream' ? pieces() : data, algorithm))
      const b = await time(() => reference(Hash, input))
      if (a.value !== b.value) throw new Error(`${algorithm} (${input}): ${a.value} !== ${b.value}`)
      ours.push(a.ms)
      theirs.push(b.ms)
    }
    const ratio = median(ours) / median(theirs)
    if (algorithm !== 'sha256') worst = Math.max(worst, ratio)
    const speed = (ms) => `${median([ms]).toFixed(0)} ms (${(mib / (ms / 1000)).toFixed(0)} MiB/s)`
    console.log(
      `| ${algorithm} | ${input} | ${speed(median(ours))} | ${name}: ${speed(median(theirs))} | ${ratio.toFixed(2)} |`,
    )
  }
}

// Memory of a stream: checksum a stream 4x longer than the buffer above, never held whole; the peak RSS
// growth must stay far below its length.
const before = process.memoryUsage().rss
let peak = before
const watch = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
let left = total * 4
const long = new ReadableStream({
  pull(controller) {
    if (left <= 0) return controller.close()
    controller.enqueue(data.slice(0, PIECE))
    left -= PIECE
  },
})
await checksum(long, 'crc64nvme')
clearInterval(watch)
console.log(
  `\nstream of ${mib * 4} MiB (crc64nvme): peak RSS growth ${((peak - before) / 1024 / 1024).toFixed(1)} MiB (the stream is ${mib * 4} MiB)`,
)
console.log(`worst CRC ratio ${worst.toFixed(2)} (target: at most 2.00) ${worst <= 2 ? 'MET' : 'NOT MET'}`)
