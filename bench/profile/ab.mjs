#!/usr/bin/env node
// A paired A/B of sign() between the working tree and another revision, in whatever runtime runs this script (node,
// bun, deno run -A), both bundled into the same process and timed in alternating rounds: on a shared machine the
// bench's per-runtime medians move by 10-20 % between runs, a paired ratio much less.
//
//   node bench/profile/ab.mjs --baseline c30a695                 Kinesis PutRecord, 1 in flight
//   INFLIGHT=64 bun bench/profile/ab.mjs --baseline c30a695      Bun, 64 in flight
//   node bench/profile/ab.mjs --baseline HEAD~1 --workload body  a 1 MiB body
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const argv = process.argv.slice(2)
const option = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback)
const revision = option('baseline')
if (!revision) throw new Error('Pass --baseline <revision>')
const workload = option('workload', 'kinesis')
const rounds = Number(option('rounds', 15))
const inflight = Number(process.env.INFLIGHT ?? 1)

const commit = execFileSync('git', ['rev-parse', '--short', revision], { cwd: root, encoding: 'utf8' }).trim()
const baselineDir = join(root, 'bench', '.out', `ab-${commit}`)
if (!existsSync(baselineDir))
  execFileSync('git', ['worktree', 'add', '--force', '--detach', baselineDir, commit], { cwd: root, stdio: 'ignore' })

async function bundle(dir, name) {
  const outfile = join(root, 'bench', '.out', `ab-${name}.mjs`)
  await build({
    stdin: { contents: "export { sign } from './src/index.ts'", resolveDir: dir, loader: 'ts' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'warning',
  })
  return import(outfile)
}
let current, baseline
try {
  current = await bundle(root, 'current')
  baseline = await bundle(baselineDir, commit)
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', baselineDir], { cwd: root })
}

const credentials = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjE' + 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/'.repeat(22),
}
const workloads = {
  kinesis: {
    count: 2000,
    request: () => ({
      method: 'POST',
      url: 'https://kinesis.us-east-1.amazonaws.com/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' },
      body: JSON.stringify({ StreamName: 'clickstream', PartitionKey: 'user-0042', Data: 'QUJD'.repeat(36) }),
    }),
    options: { credentials, region: 'us-east-1', service: 'kinesis' },
  },
  body: {
    count: 64,
    request: () => ({
      method: 'POST',
      url: 'https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/upload',
      headers: { 'content-type': 'application/octet-stream' },
      body: (bytes ??= new Uint8Array(1 << 20).map((_, index) => (index * 31 + 7) & 0xff)),
    }),
    options: { credentials, region: 'us-east-1', service: 'execute-api' },
  },
}
let bytes
const job = workloads[workload]
if (!job) throw new Error(`unknown workload ${workload} (${Object.keys(workloads).join(', ')})`)
const contenders = [
  ['current', () => current.sign(job.request(), job.options)],
  [commit, () => baseline.sign(job.request(), job.options)],
]
const samples = new Map(contenders.map(([name]) => [name, []]))
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of round % 2 ? [...contenders].reverse() : contenders) {
    let started = 0
    const begin = performance.now()
    const lane = async () => {
      while (started < job.count) {
        started++
        await run()
      }
    }
    await Promise.all(Array.from({ length: inflight }, lane))
    samples.get(name).push(((performance.now() - begin) * 1000) / job.count)
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]
const [ours, theirs] = contenders.map(([name]) => median(samples.get(name)))
console.log(
  `${workload}, ${inflight} in flight, median of ${rounds} alternating rounds: current ${ours.toFixed(1)} µs, ` +
    `${commit} ${theirs.toFixed(1)} µs, ratio ${(ours / theirs).toFixed(3)}`,
)
