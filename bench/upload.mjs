#!/usr/bin/env node
// `node bench/upload.mjs`: upload() against @aws-sdk/lib-storage, the same generated stream, part size and
// concurrency, each upload in its own Node process (peak RSS is its own), rounds alternating; both with no checksum
// and with CRC32. Throughput and memory are measured against a fast local S3 sink (test/helpers/s3-sink.ts: Node http,
// hashes and discards the bodies), next to the server's ceiling (plain PUTs of the same parts, by fetch and by
// node:http); then once more at --growth-mib to show whether memory grows with the object; then a correctness pass on
// moto with signature checks on (every stored object equal to the source by SHA-256). Prints the targets, MET or NOT
// MET, and the gzip size of each as a browser app bundles it. Writes bench/upload-results.md.
//
//   node bench/upload.mjs                      200 MiB (and 1 GiB once), 8 MiB parts, 4 in flight, 3 rounds
//   node bench/upload.mjs --size-mib 64 --growth-mib 0 --rounds 1 --moto 0 --out /tmp/upload.md
import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { measureBundle } from '../scripts/size.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const MIB = 1024 * 1024
const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg, i, all) => (arg.startsWith('--') ? [[arg.slice(2), all[i + 1]]] : [])),
)
const sizeMib = Number(args['size-mib'] ?? 200)
const growthMib = Number(args['growth-mib'] ?? 1024)
const partMib = Number(args['part-mib'] ?? 8)
const concurrency = Number(args.concurrency ?? 4)
const rounds = Number(args.rounds ?? 3)
const withMoto = args.moto !== '0'
const out = args.out ?? join(here, 'upload-results.md')

// Bundled for Node with the packages left to node_modules, next to this file so that they resolve.
const bundle = join(here, '.out', 'upload-bench.mjs')
mkdirSync(dirname(bundle), { recursive: true })
await build({
  entryPoints: [join(here, 'upload-bench.ts')],
  outfile: bundle,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
})

// scripts/local-servers.mjs starts moto through the Python wrapper next to it: the bundle needs it next to itself.
copyFileSync(join(here, '..', 'scripts', 'moto_server.py'), join(dirname(bundle), 'moto_server.py'))

const plan = {
  size: sizeMib * MIB,
  partSize: partMib * MIB,
  concurrency,
  rounds,
  growthSizes: growthMib > 0 ? [growthMib * MIB] : [],
  moto: withMoto,
}
const { results } = await new Promise((resolve, reject) => {
  // The AWS SDK warns on stderr about Node 20; the bench's own lines go through.
  const child = spawn(process.execPath, [bundle, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => {
    for (const line of String(chunk).split('\n')) if (/^\[|Error|error/.test(line)) process.stderr.write(line + '\n')
  })
  child.on('exit', (code) =>
    code === 0 ? resolve(JSON.parse(output.trim().split('\n').at(-1))) : reject(new Error(`exit ${code}`)),
  )
})

const CEILING = 'fetch PUTs (server ceiling)'
const HTTP_CEILING = 'node:http PUTs (server ceiling)'
const MINE = 'webcrypto-sigv4 upload'
const THEIRS = '@aws-sdk/lib-storage Upload'
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
const LABELS = {
  [`${MINE}|false`]: `${MINE} (SHA-256 payload signed)`,
  [`${MINE}|true`]: `${MINE} + CRC32 (UNSIGNED-PAYLOAD + signed CRC32, as over https; opted in over http)`,
  [`${THEIRS}|false`]: THEIRS,
  [`${THEIRS}|true`]: `${THEIRS} + CRC32`,
  [`${CEILING}|false`]: CEILING,
  [`${HTTP_CEILING}|false`]: HTTP_CEILING,
}
function row(server, size, contender, checksum) {
  const mine = results.filter(
    (r) => r.server === server && r.size === size && r.contender === contender && r.checksum === checksum,
  )
  if (!mine.length) return undefined
  const seconds = median(mine.map((r) => r.seconds))
  return {
    label: LABELS[`${contender}|${checksum}`],
    seconds,
    throughput: size / MIB / seconds,
    peakRss: median(mine.map((r) => r.peakRss)) / MIB,
    growth: median(mine.map((r) => r.peakRss - r.baselineRss)) / MIB,
    spread: `${Math.min(...mine.map((r) => r.seconds)).toFixed(2)}-${Math.max(...mine.map((r) => r.seconds)).toFixed(2)} s`,
    runs: mine.length,
  }
}
const table = (rows) => [
  '| contender | runs | median time | throughput | peak RSS | peak RSS over start | time range |',
  '|---|---:|---:|---:|---:|---:|---|',
  ...rows
    .filter(Boolean)
    .map(
      (r) =>
        `| ${r.label} | ${r.runs} | ${r.seconds.toFixed(2)} s | ${r.throughput.toFixed(0)} MiB/s | ${r.peakRss.toFixed(0)} MiB | ${r.growth.toFixed(0)} MiB | ${r.spread} |`,
    ),
]

const size = sizeMib * MIB
const main = [
  row('sink', size, CEILING, false),
  row('sink', size, HTTP_CEILING, false),
  row('sink', size, MINE, false),
  row('sink', size, THEIRS, false),
  row('sink', size, MINE, true),
  row('sink', size, THEIRS, true),
]
const verdict = (met) => (met ? '**MET**' : '**NOT MET**')
const targets = []
const ceilingRow = row('sink', size, HTTP_CEILING, false)
const fetchCeiling = row('sink', size, CEILING, false)
for (const checksum of [false, true]) {
  const what = checksum ? 'with CRC32' : 'no checksum'
  const mine = row('sink', size, MINE, checksum)
  const theirs = row('sink', size, THEIRS, checksum)
  const ratio = mine.throughput / theirs.throughput
  targets.push(
    `- ${what}, throughput ≥ 1.2× lib-storage's: ${mine.throughput.toFixed(0)} vs ${theirs.throughput.toFixed(0)} MiB/s = ${ratio.toFixed(2)}× → ${verdict(ratio >= 1.2)}`,
    `- ${what}, peak RSS over start ≤ lib-storage's: ${mine.growth.toFixed(0)} vs ${theirs.growth.toFixed(0)} MiB → ${verdict(mine.growth <= theirs.growth)}`,
  )
  if (growthMib > 0) {
    const big = row('sink', growthMib * MIB, MINE, checksum)
    // Memory that grows with the object would add a share of the extra bytes: a tenth of them is the bound (the
    // garbage collector's timing moves a run's peak by a few parts either way).
    const allowance = (growthMib - sizeMib) / 10
    targets.push(
      `- ${what}, peak RSS over start not growing with the object (${sizeMib} MiB → ${growthMib} MiB: less than a tenth of the ${growthMib - sizeMib} extra MiB, ${allowance.toFixed(0)} MiB, more): ${mine.growth.toFixed(0)} → ${big.growth.toFixed(0)} MiB → ${verdict(big.growth < mine.growth + allowance)}`,
    )
  }
  targets.push(
    `- ${what}, both below the server's ceiling (${ceilingRow.throughput.toFixed(0)} MiB/s by node:http): ${mine.throughput.toFixed(0)} and ${theirs.throughput.toFixed(0)} MiB/s → ${verdict(mine.throughput < ceilingRow.throughput && theirs.throughput < ceilingRow.throughput)}`,
  )
}
const growthRows =
  growthMib > 0
    ? [MINE, THEIRS].flatMap((contender) =>
        [false, true].map((checksum) => {
          const small = row('sink', size, contender, checksum)
          const big = row('sink', growthMib * MIB, contender, checksum)
          return `| ${LABELS[`${contender}|${checksum}`]} | ${small.growth.toFixed(0)} MiB | ${big.growth.toFixed(0)} MiB | ${big.throughput.toFixed(0)} MiB/s |`
        }),
      )
    : []
const motoRows = [MINE, THEIRS].flatMap((contender) =>
  [false, true].map((checksum) => row('moto', size, contender, checksum)),
)

const mineRow = row('sink', size, MINE, false)
const mineCrcRow = row('sink', size, MINE, true)
const NOTES = [
  `Where the figures come from. Both uploaders stay below what the sink takes from plain node:http PUTs, so the server is not the bottleneck. In Node, upload() sends through the global fetch (undici), and plain fetch PUTs of the same parts, with no signing and no checksum, are the ceiling of any fetch-based uploader: ${fetchCeiling.throughput.toFixed(0)} MiB/s and ${fetchCeiling.growth.toFixed(0)} MiB over start, against ${ceilingRow.throughput.toFixed(0)} MiB/s and ${ceilingRow.growth.toFixed(0)} MiB by node:http, which lib-storage sends with (undici copies each body into its Request, as the Fetch standard says, and frees the copies at a later garbage collection). upload() runs at ${mineRow.throughput.toFixed(0)} MiB/s and ${mineRow.growth.toFixed(0)} MiB with the SHA-256 signed, ${mineCrcRow.throughput.toFixed(0)} MiB/s and ${mineCrcRow.growth.toFixed(0)} MiB with CRC32. Each part is held once (one buffer per part from a stream, a Blob slice from a Blob) and re-sent as it is on a retry: AwsClient no longer builds a Request around it to read it back.`,
  `With a checksum over https (here opted in over http, labelled), the payload is signed UNSIGNED-PAYLOAD with the part's x-amz-checksum-crc32 signed, as lib-storage does, so no SHA-256 pass. The CRC32 is slicing-by-8 in JavaScript (about 1.2 GB/s alone, some 0.9 GB/s inside the upload: a quarter of the main thread's time in a CPU profile), where lib-storage uses Node's native zlib.crc32; src/ uses no Node built-ins.`,
  `Each child process sends one small request by fetch and one by node:http before its baseline, so that "over start" does not count a transport's one-time setup (undici's first request costs some 20 MiB). Peak RSS is the child's own VmHWM: ru_maxrss is carried over fork and exec on Linux and reported the parent's RSS. The machine is shared (2 cores, the sink on one of them): the time ranges show the noise; medians of ${rounds} rounds.`,
]
const root = join(here, '..')
const sizes = [
  [
    'upload + AwsClient (webcrypto-sigv4)',
    `export { upload } from ${JSON.stringify(join(root, 'src/s3.ts'))}\nexport { AwsClient } from ${JSON.stringify(join(root, 'src/client.ts'))}`,
  ],
  [
    'upload + AwsClient, with checksums',
    `export { upload } from ${JSON.stringify(join(root, 'src/s3.ts'))}\nexport { AwsClient } from ${JSON.stringify(join(root, 'src/client.ts'))}\nexport { checksum } from ${JSON.stringify(join(root, 'src/s3.ts'))}`,
  ],
  [
    'Upload + S3Client (@aws-sdk/lib-storage, @aws-sdk/client-s3)',
    `export { Upload } from '@aws-sdk/lib-storage'\nexport { S3Client } from '@aws-sdk/client-s3'`,
  ],
]
const sizeRows = []
for (const [label, contents] of sizes) {
  const { minified, gzip } = await measureBundle(contents)
  sizeRows.push({ label, minified, gzip })
}

const lines = [
  '# Upload benchmark (`node bench/upload.mjs`)',
  '',
  `${sizeMib} MiB generated stream (length unknown to the uploader), ${partMib} MiB parts, ${concurrency} in flight; each upload in its own Node ${process.version} process; ${rounds} rounds, alternating order. Throughput and memory against the local S3 sink on 127.0.0.1 (test/helpers/s3-sink.ts: hashes each part and discards it; every part checked by SHA-256 against the source). Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')} after the run.`,
  '',
  ...table(main),
  '',
  '## Targets',
  '',
  ...targets,
  '',
  ...(growthRows.length
    ? [
        `## Memory against the object's size (one run at ${growthMib} MiB)`,
        '',
        `| contender | peak RSS over start, ${sizeMib} MiB | peak RSS over start, ${growthMib} MiB | throughput, ${growthMib} MiB |`,
        '|---|---:|---:|---:|',
        ...growthRows,
        '',
      ]
    : []),
  ...(withMoto
    ? [
        '## Correctness: moto S3 with signature checks on (one run each; moto, in Python, bounds the speed here)',
        '',
        ...table(motoRows),
        '',
        'Every object moto stored is equal to the source by SHA-256, and moto checked every signature (UNSIGNED-PAYLOAD ones included).',
        '',
      ]
    : []),
  'Bundle size for a browser app (esbuild, minified ESM, gzip -9, as `npm run size` measures):',
  '',
  '| bundle | minified | gzip |',
  '|---|---:|---:|',
  ...sizeRows.map((row) => `| ${row.label} | ${row.minified} B | ${row.gzip} B |`),
  '',
  ...NOTES.flatMap((note) => [note, '']),
]
writeFileSync(out, lines.join('\n'))
console.log(lines.join('\n'))
