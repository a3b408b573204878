#!/usr/bin/env node
// `node bench/upload-chromium.mjs`: a 200 MiB File uploaded from headless Chromium (Debian's, through playwright-core,
// test/helpers/browsers.mjs) to the local S3 sink (test/helpers/s3-sink.ts, with CORS), by upload() and by
// @aws-sdk/lib-storage (bundled for the browser), with and without CRC32, next to plain fetch PUTs of the File's
// slices (the ceiling in a browser). Each run in a fresh browser; memory is the peak of the summed RSS of the browser's
// processes (its process group, sampled every 50 ms) over their RSS once the File is built. Every part the sink
// received is checked by SHA-256 against the source. Appends a section to bench/upload-results.md (or --out).
//
//   node bench/upload-chromium.mjs --size-mib 200 --rounds 3
import { readFileSync, readdirSync, appendFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { servePage } from '../scripts/local-servers.mjs'
import { launchBrowser } from '../test/helpers/browsers.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const MIB = 1024 * 1024
const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg, i, all) => (arg.startsWith('--') ? [[arg.slice(2), all[i + 1]]] : [])),
)
const sizeMib = Number(args['size-mib'] ?? 200)
const partMib = Number(args['part-mib'] ?? 8)
const concurrency = Number(args.concurrency ?? 4)
const rounds = Number(args.rounds ?? 3)
const out = args.out ?? join(here, 'upload-results.md')
const size = sizeMib * MIB
const partSize = partMib * MIB

// The sink and the generator for Node, and the page for the browser.
const node = await build({
  stdin: {
    contents: `export { startSink } from './test/helpers/s3-sink.ts'\nexport { parts } from './bench/generated.ts'`,
    resolveDir: join(here, '..'),
    loader: 'ts',
  },
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
})
const { startSink, parts } = await import(
  `data:text/javascript;base64,${Buffer.from(node.outputFiles[0].text).toString('base64')}`
)
const page = await build({
  entryPoints: [join(here, 'upload-chromium-page.ts')],
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  logLevel: 'error',
})
const server = await servePage({
  '/index.html': '<!doctype html><title>upload bench</title><script src="/page.js"></script>',
  '/page.js': page.outputFiles[0].text,
})
const sink = await startSink({ cors: true })

const PAGE_SIZE = 4096
/** Summed RSS (bytes) of the processes in a process group, from /proc. */
function groupRss(pgid) {
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // fields[2] is pgrp, fields[21] rss in pages (stat(5), counted from the state field).
      if (Number(fields[2]) === pgid) total += Number(fields[21]) * PAGE_SIZE
    } catch {
      // the process ended meanwhile
    }
  }
  return total
}

const expected = Array.from(parts(size, partSize), (part) => createHash('sha256').update(part).digest('hex'))
const CEILING = 'fetch PUTs of the File slices (ceiling)'
const MINE = 'webcrypto-sigv4 upload'
const THEIRS = '@aws-sdk/lib-storage Upload'
const results = []
let browserVersion = ''

async function run(contender, checksum) {
  const browser = await launchBrowser('chromium', { timeout: 60_000 })
  try {
    browserVersion = browser.version
    await browser.goto(`${server.endpoint}/index.html`)
    await browser.evaluate(`uploadBench.prepare(${size})`)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const pgid = browser.groups[0]
    const baseline = groupRss(pgid)
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, groupRss(pgid))), 50)
    const key = `${contender.replace(/\W+/g, '-')}-${checksum}-${results.length}.bin`
    const job = { contender, endpoint: sink.endpoint, bucket: 'bench', key, partSize, concurrency, checksum }
    let seconds
    try {
      ;({ seconds } = await browser.evaluate(`uploadBench.run(${JSON.stringify(job)})`))
    } finally {
      clearInterval(sampler)
    }
    peak = Math.max(peak, groupRss(pgid))
    if (contender !== CEILING) {
      const stored = sink.object(`bench/${key}`)?.parts.map((part) => part.sha256)
      if (JSON.stringify(stored) !== JSON.stringify(expected))
        throw new Error(`${contender}: the sink received other bytes than the source's`)
    }
    results.push({ contender, checksum, seconds, growth: peak - baseline, baseline })
    process.stderr.write(
      `[chromium ${sizeMib} MiB] ${contender}${checksum ? ' + CRC32' : ''}: ${seconds.toFixed(2)} s, peak RSS over start ${((peak - baseline) / MIB).toFixed(0)} MiB\n`,
    )
  } finally {
    await browser.close()
  }
}

try {
  for (let round = 0; round < rounds; round++) {
    await run(CEILING, false)
    for (const checksum of [false, true]) {
      const order = round % 2 === 0 ? [MINE, THEIRS] : [THEIRS, MINE]
      for (const contender of order) await run(contender, checksum)
    }
  }
} finally {
  await sink.stop()
  await server.close()
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const row = (contender, checksum) => {
  const mine = results.filter((r) => r.contender === contender && r.checksum === checksum)
  const seconds = median(mine.map((r) => r.seconds))
  return {
    label: `${contender}${checksum ? (contender === MINE ? ' + CRC32 (UNSIGNED-PAYLOAD + signed CRC32, opted in over http)' : ' + CRC32') : ''}`,
    seconds,
    throughput: sizeMib / seconds,
    growth: median(mine.map((r) => r.growth)) / MIB,
    spread: `${Math.min(...mine.map((r) => r.seconds)).toFixed(2)}-${Math.max(...mine.map((r) => r.seconds)).toFixed(2)} s`,
  }
}
const rows = [row(CEILING, false), row(MINE, false), row(THEIRS, false), row(MINE, true), row(THEIRS, true)]
const verdict = (met) => (met ? '**MET**' : '**NOT MET**')
const targets = [false, true].flatMap((checksum) => {
  const mine = row(MINE, checksum)
  const theirs = row(THEIRS, checksum)
  const what = checksum ? 'with CRC32' : 'no checksum'
  const ratio = mine.throughput / theirs.throughput
  return [
    `- ${what}, throughput ≥ 1.2× lib-storage's: ${mine.throughput.toFixed(0)} vs ${theirs.throughput.toFixed(0)} MiB/s = ${ratio.toFixed(2)}× → ${verdict(ratio >= 1.2)}`,
    `- ${what}, peak RSS over start ≤ lib-storage's: ${mine.growth.toFixed(0)} vs ${theirs.growth.toFixed(0)} MiB → ${verdict(mine.growth <= theirs.growth)}`,
  ]
})
const lines = [
  '',
  `## Chromium: a ${sizeMib} MiB File (\`node bench/upload-chromium.mjs\`)`,
  '',
  `${browserVersion}, headless, page on 127.0.0.1, to the same sink (with CORS); ${partMib} MiB parts, ${concurrency} in flight; each run in a fresh browser, ${rounds} rounds, alternating order; every part the sink received checked by SHA-256. Peak RSS over start: the browser's processes summed, sampled every 50 ms, over their RSS once the File was built.`,
  '',
  '| contender | median time | throughput | peak RSS over start | time range |',
  '|---|---:|---:|---:|---|',
  ...rows.map(
    (r) =>
      `| ${r.label} | ${r.seconds.toFixed(2)} s | ${r.throughput.toFixed(0)} MiB/s | ${r.growth.toFixed(0)} MiB | ${r.spread} |`,
  ),
  '',
  ...targets,
  '',
]
appendFileSync(out, lines.join('\n'))
console.log(lines.join('\n'))
