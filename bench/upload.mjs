#!/usr/bin/env node
// `node bench/upload.mjs`: upload() against @aws-sdk/lib-storage on the same moto S3 (signature checks on), the same
// generated stream, part size and concurrency, each upload in its own Node process (peak RSS is its own), rounds
// alternating; both with no checksum and with CRC32. Then the gzip size of each as a browser app bundles it
// (esbuild, minified, as scripts/size.mjs measures). Writes bench/upload-results.md.
//
//   node bench/upload.mjs                      200 MiB, 8 MiB parts, 4 in flight, 3 rounds
//   node bench/upload.mjs --size-mib 64 --rounds 1 --out /tmp/upload.md
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
const partMib = Number(args['part-mib'] ?? 8)
const concurrency = Number(args.concurrency ?? 4)
const rounds = Number(args.rounds ?? 3)
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

// test/helpers/moto.ts starts moto through the Python wrapper next to it: the bundle needs it next to itself.
copyFileSync(join(here, '..', 'test', 'helpers', 'moto_server.py'), join(dirname(bundle), 'moto_server.py'))

const { results } = await new Promise((resolve, reject) => {
  const child = spawn(
    process.execPath,
    [bundle, String(sizeMib * MIB), String(partMib * MIB), String(concurrency), String(rounds)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.on('exit', (code) =>
    code === 0 ? resolve(JSON.parse(output.trim().split('\n').at(-1))) : reject(new Error(`exit ${code}`)),
  )
})

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
const rows = []
for (const checksum of [false, true]) {
  for (const contender of ['webcrypto-sigv4 upload', '@aws-sdk/lib-storage Upload']) {
    const mine = results.filter((result) => result.contender === contender && result.checksum === checksum)
    const seconds = median(mine.map((result) => result.seconds))
    rows.push({
      label: `${contender}${checksum ? ' + CRC32' : ''}`,
      seconds,
      throughput: sizeMib / seconds,
      peakRss: median(mine.map((result) => result.peakRss)) / MIB,
      growth: median(mine.map((result) => result.peakRss - result.baselineRss)) / MIB,
      spread: `${Math.min(...mine.map((r) => r.seconds)).toFixed(2)}-${Math.max(...mine.map((r) => r.seconds)).toFixed(2)} s`,
    })
  }
}

const NOTES =
  'Where the differences come from: AwsClient.fetch reads every body into a Request and an ArrayBuffer (to re-send it on a retry) and signs its SHA-256, so each part in flight is held about four times and hashed once; V8 frees those copies lazily, hence the higher peak RSS (bounded: it does not grow with the body, see test/node/upload/big.test.ts). With CRC32, lib-storage signs UNSIGNED-PAYLOAD and lets the signed checksum protect the body, while upload() still signs the SHA-256 of each part (and computes its CRC in JavaScript).'

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
  `${sizeMib} MiB generated stream (length unknown to the uploader), ${partMib} MiB parts, ${concurrency} in flight, to moto S3 on 127.0.0.1 with signature checks on; each upload in its own Node ${process.version} process; ${rounds} rounds, alternating order; every stored object checked by SHA-256. Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')} (shared with other jobs: moto's own speed bounds both sides).`,
  '',
  '| contender | median time | throughput | peak RSS | peak RSS over start | time range |',
  '|---|---:|---:|---:|---:|---|',
  ...rows.map(
    (row) =>
      `| ${row.label} | ${row.seconds.toFixed(2)} s | ${row.throughput.toFixed(0)} MiB/s | ${row.peakRss.toFixed(0)} MiB | ${row.growth.toFixed(0)} MiB | ${row.spread} |`,
  ),
  '',
  'Bundle size for a browser app (esbuild, minified ESM, gzip -9, as `npm run size` measures):',
  '',
  '| bundle | minified | gzip |',
  '|---|---:|---:|',
  ...sizeRows.map((row) => `| ${row.label} | ${row.minified} B | ${row.gzip} B |`),
  '',
  NOTES,
  '',
]
writeFileSync(out, lines.join('\n'))
console.log(lines.join('\n'))
