#!/usr/bin/env node
// `npm run bench`: bundles bench/suite.ts once, runs it in Node, workerd (miniflare), Deno, Bun and Chromium one
// after the other, prints the tables and the targets, and writes bench/results.md.
//
//   npm run bench                         full run (about 3-4 minutes on 2 cores)
//   npm run bench -- --quick              few short rounds, to check the harness
//   npm run bench -- --runtimes node,deno --workloads kinesis,presign --rounds 9 --batch-ms 50 --out /tmp/r.md
//   npm run bench -- --baseline HEAD~3   also times that revision's signers, in the same run and the same rounds
//   npm run bench -- --from bench/.out/last-results.json   re-renders the last run's report without measuring
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { OFFLINE_ENV as OFFLINE } from '../scripts/offline-env.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const bundlePath = join(here, '.out', 'suite.js')
const ALL_RUNTIMES = ['node', 'workerd', 'deno', 'bun', 'chromium']
const LABELS = { node: 'Node', workerd: 'workerd', deno: 'Deno', bun: 'Bun', chromium: 'Chromium' }
/** Runtimes where WebCrypto runs in the caller's thread (a call costs no thread-pool hop). */
const IN_PROCESS_CRYPTO = new Set(['workerd', 'chromium'])

const args = parseArgs(process.argv.slice(2))
const quick = 'quick' in args
const config = {
  inflight: [1, 64],
  rounds: Number(args.rounds ?? (quick ? 3 : 7)),
  batchMs: Number(args['batch-ms'] ?? (quick ? 10 : 30)),
  ...(args.workloads ? { workloads: args.workloads.split(',') } : {}),
}
const runtimes = args.runtimes ? args.runtimes.split(',') : ALL_RUNTIMES
const out = args.out ?? (quick ? null : join(here, 'results.md'))

if (args.from) {
  // Re-renders a saved run (bench/.out/last-results.json) with this script's tables and targets.
  const saved = JSON.parse(readFileSync(args.from, 'utf8'))
  const markdown = report(saved.results, saved.environment, saved.config, saved.seconds ?? 0)
  console.log(markdown)
  if (args.out) writeFileSync(args.out, markdown)
  process.exit(0)
}

const started = Date.now()
mkdirSync(dirname(bundlePath), { recursive: true })
const baseline = args.baseline ? checkoutBaseline(args.baseline) : null
await build({
  entryPoints: [join(here, 'suite.ts')],
  outfile: bundlePath,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  // Not minified, so that workerd's script can call runBench by name and stack traces stay readable.
  define: { 'process.env.NODE_ENV': '"production"' },
  // bench/baseline.ts stands in for a revision's src/index.ts: without --baseline it exports no signers.
  plugins: baseline ? [baselinePlugin(join(baseline.dir, 'src', 'index.ts'))] : [],
  logLevel: 'warning',
})
if (baseline) execFileSync('git', ['worktree', 'remove', '--force', baseline.dir], { cwd: root })

const environment = describeEnvironment()
console.log(`machine: ${environment.machine}; load average ${environment.load}`)
console.log(`libraries: ${environment.libraries.join(', ')}`)
console.log(`config: ${JSON.stringify(config)}\n`)

const results = []
for (const runtime of runtimes) {
  const runtimeStarted = Date.now()
  console.log(`=== ${runtime}`)
  try {
    const result = await runIn(runtime)
    console.log(`${result.runtime} (${((Date.now() - runtimeStarted) / 1000).toFixed(0)} s)\n`)
    results.push({ name: runtime, ...result })
  } catch (error) {
    console.log(`${runtime}: not measured: ${error.message}\n`)
    results.push({ name: runtime, runtime: runtime, error: error.message.split('\n')[0], cells: [], workloads: [] })
  }
}

environment.endLoad = loadavg()
  .map((value) => value.toFixed(1))
  .join(' ')
// The raw figures too, so that the report can be re-rendered (`--from <json>`) without measuring again.
writeFileSync(
  join(here, '.out', 'last-results.json'),
  JSON.stringify({ results, environment, config, seconds: (Date.now() - started) / 1000 }),
)
const markdown = report(results, environment, config, (Date.now() - started) / 1000)
console.log('\n' + markdown)
if (out) {
  writeFileSync(out, markdown)
  console.log(`written to ${out}`)
}

async function runIn(runtime) {
  const log = (line) => console.log('  ' + line)
  if (runtime === 'workerd') {
    const { runWorkerd } = await import('./runners/workerd.mjs')
    return runWorkerd(bundlePath, config, log)
  }
  if (runtime === 'chromium') {
    const { runChromium, CHROMIUM } = await import('./runners/chromium.mjs')
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`)
    return runChromium(bundlePath, config, log)
  }
  const bin = join(root, 'node_modules', '.bin')
  const commands = {
    node: [process.execPath, []],
    deno: [join(bin, 'deno'), ['run', '--no-prompt']],
    bun: [join(bin, 'bun'), []],
  }
  if (!commands[runtime]) throw new Error(`unknown runtime (use ${ALL_RUNTIMES.join(', ')})`)
  const [command, prefix] = commands[runtime]
  const output = await spawnLogged(command, [...prefix, join(here, 'runners', 'cli.mjs'), JSON.stringify(config)], log)
  const line = output.split('\n').find((text) => text.startsWith('BENCH_RESULT '))
  if (!line) throw new Error('the runner printed no result')
  return JSON.parse(line.slice('BENCH_RESULT '.length))
}

/** Resolves the suite's `./baseline.js` to a revision's src/index.ts. */
function baselinePlugin(indexPath) {
  return {
    name: 'baseline',
    setup(build) {
      build.onResolve({ filter: /^\.\/baseline\.js$/ }, () => ({ path: indexPath }))
    },
  }
}

/** A throw-away checkout of a revision, to bundle its src/ next to the working tree's. */
function checkoutBaseline(revision) {
  const commit = execFileSync('git', ['rev-parse', '--short', revision], { cwd: root, encoding: 'utf8' }).trim()
  const dir = join(here, '.out', `baseline-${commit}`)
  execFileSync('git', ['worktree', 'add', '--force', '--detach', dir, commit], { cwd: root, stdio: 'ignore' })
  return { commit, dir }
}

function spawnLogged(command, commandArgs, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: root,
      env: { ...process.env, ...OFFLINE },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      for (const line of String(chunk).split('\n')) if (line.trim()) log(line)
    })
    // A runtime that hangs must not hold the whole run.
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new Error(`exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`))
    })
  })
}

function describeEnvironment() {
  const version = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
  let commit = ''
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
    if (execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root, encoding: 'utf8' }).trim())
      commit += ' + uncommitted src changes'
  } catch {
    // Not a git checkout (a tarball): the report says no commit.
  }
  let os = `Linux ${release()}`
  try {
    os = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1] + ` (kernel ${release()})`
  } catch {
    // No /etc/os-release: keep the kernel name alone.
  }
  const cpu = cpus()
  return {
    date: new Date().toISOString(),
    // Other work on the machine skews every figure: the report says how busy it was.
    load: loadavg()
      .map((value) => value.toFixed(1))
      .join(' '),
    machine: `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${os}`,
    libraries: [
      `webcrypto-sigv4 ${own}${commit ? ` (${commit})` : ''}`,
      ...(baseline ? [`baseline: webcrypto-sigv4 at ${baseline.commit} (--baseline ${args.baseline})`] : []),
      `aws4fetch ${version('aws4fetch')}`,
      `@smithy/signature-v4 ${version('@smithy/signature-v4')}`,
      `@smithy/protocol-http ${version('@smithy/protocol-http')}`,
      `@aws-crypto/sha256-js ${version('@aws-crypto/sha256-js')}`,
      `esbuild ${version('esbuild')} (bundles the suite)`,
    ],
  }
}

function cell(result, workload, inflight) {
  return result.cells.find((entry) => entry.workload === workload && entry.inflight === inflight)
}

function median(result, workload, inflight, contender) {
  return cell(result, workload, inflight)?.contenders.find((entry) => entry.id === contender)?.medianUs
}

function formatUs(value) {
  if (value === undefined) return '–'
  return value >= 1000
    ? `${(value / 1000).toFixed(2)} ms`
    : value >= 100
      ? `${value.toFixed(0)} µs`
      : `${value.toFixed(1)} µs`
}

/**
 * The speed targets, one per runtime, workload and in-flight count, each as { text, ok, detail }; ok is undefined
 * when a figure is missing.
 * - sign() and presign() against the faster peer (aws4fetch, smithy with sha256-js building what fetch takes): at most
 *   0.9× its time. Where that peer is faster than the runtime's own WebCrypto floor (pure-JS hashing of tiny inputs,
 *   where a WebCrypto call is a thread-pool hop), the target is at most 1.15× the floor instead (+ one Request for
 *   sign()). sign() at 1 in flight in Node, Deno and Bun: at most 1.25× the floor + one Request.
 * - a 1 MiB body: bytes and Blob at most 1.1× one native digest + building the Request; a string 1.1× TextEncoder +
 *   digest + the Request; a Request 1.2× building it, reading its clone and one digest.
 */
function targets(results) {
  const list = []
  const us = (value) => formatUs(value)
  for (const result of results.filter((entry) => entry.cells.length)) {
    const runtime = LABELS[result.name]
    const figure = (workload, inflight, id) => median(result, workload, inflight, id)
    const push = (text, ours, limit, base, baseText) => {
      if (ours === undefined || base === undefined) {
        list.push({ text: `${runtime}, ${text}`, ok: undefined, detail: 'not measured' })
        return
      }
      const ratio = ours / base
      list.push({
        text: `${runtime}, ${text}: ≤ ${limit}× ${baseText}`,
        ok: ratio <= limit,
        detail: `${us(ours)} against ${us(base)}: ${ratio.toFixed(2)}×`,
      })
    }
    for (const [workload, name, floorId] of [
      ['kinesis', 'sign()', 'floorRequest'],
      ['presign', 'presign()', 'floor'],
    ]) {
      for (const inflight of [1, 64]) {
        const ours = figure(workload, inflight, 'sign')
        const floor = figure(workload, inflight, floorId)
        const floorText = floorId === 'floor' ? 'the WebCrypto floor' : 'the WebCrypto floor + one Request'
        const label = `${workload} ×${inflight} ${name}`
        if (workload === 'kinesis' && inflight === 1 && !IN_PROCESS_CRYPTO.has(result.name)) {
          push(label, ours, 1.25, floor, `${floorText} (${us(floor)})`)
          continue
        }
        const peers = [
          ['aws4fetch', figure(workload, inflight, 'aws4fetch')],
          ['smithy', figure(workload, inflight, 'smithyRequest')],
        ].filter(([, value]) => value !== undefined)
        const [peer, peerUs] = peers.sort((a, b) => a[1] - b[1])[0] ?? []
        if (peerUs !== undefined && floor !== undefined && peerUs < floor) {
          // Both figures shown: the peer's, and the floor the target falls back to.
          push(label, ours, 1.15, floor, `${floorText} (${us(floor)}; the faster peer, ${peer}, takes ${us(peerUs)})`)
        } else push(label, ours, 0.9, peerUs, `the faster peer (${peer} ${us(peerUs)})`)
      }
    }
    for (const [id, kind, limit, base, baseText] of [
      ['sign', 'bytes', 1.1, 'digestRequest', 'one native digest + the Request'],
      ['signBlob', 'Blob', 1.1, 'digestRequest', 'one native digest + the Request'],
      ['signString', 'string', 1.1, 'encodeDigestRequest', 'TextEncoder + digest + the Request'],
      ['signRequest', 'Request', 1.2, 'cloneDigest', 'building the Request + its clone read + digest'],
    ]) {
      for (const inflight of [1, 64]) {
        const baseUs = figure('body1m', inflight, base)
        push(`1 MiB ×${inflight} sign() of ${kind}`, figure('body1m', inflight, id), limit, baseUs, baseText)
      }
    }
  }
  return list
}

function report(results, environment, config, seconds) {
  const measured = results.filter((result) => result.cells.length)
  const lines = []
  lines.push('# Benchmark results', '')
  lines.push(`- Date: ${environment.date}`)
  lines.push(
    `- Machine: ${environment.machine}; load average ${environment.load} at the start, ${environment.endLoad} at the end`,
  )
  for (const result of results)
    lines.push(
      `- ${LABELS[result.name] ?? result.name}: ${result.error ? `not measured (${result.error})` : result.runtime}`,
    )
  lines.push(`- Libraries: ${environment.libraries.join(', ')}`)
  lines.push(
    `- Method: \`npm run bench\`; one esbuild bundle of bench/suite.ts run unchanged in every runtime. Per workload and`,
    `  in-flight count, each contender runs a calibrated batch (about ${config.batchMs} ms) per round, ${config.rounds} rounds, the order`,
    '  rotating every round; the figure is the median over rounds of batch wall time / batch size, so at 64 in flight it',
    '  is the inverse of throughput. A contender whose smallest batch lasts over 10× that (pure-JS hashing of 1 MiB at',
    `  64 in flight) is timed in 3 rounds only. Whole run: ${seconds.toFixed(0)} s.`,
    '',
  )
  const workloads = measured[0]?.workloads ?? []
  const columns = measured.flatMap((result) => config.inflight.map((inflight) => ({ result, inflight })))
  for (const workload of workloads) {
    lines.push(`## ${workload.title}`, '')
    lines.push(
      `| time per signature (median) | ${columns.map(({ result, inflight }) => `${LABELS[result.name]} ×${inflight}`).join(' | ')} |`,
    )
    lines.push(`|---|${columns.map(() => '--:').join('|')}|`)
    const contenders = cell(measured[0], workload.id, config.inflight[0])?.contenders ?? []
    for (const contender of contenders) {
      const values = columns.map(({ result, inflight }) =>
        formatUs(median(result, workload.id, inflight, contender.id)),
      )
      lines.push(`| ${contender.label} | ${values.join(' | ')} |`)
    }
    lines.push('')
  }
  lines.push('## Targets', '')
  for (const target of targets(results))
    lines.push(`- ${target.ok === undefined ? '–' : target.ok ? 'MET' : 'NOT MET'}: ${target.text}: ${target.detail}`)
  const counted = targets(results).filter((target) => target.ok !== undefined)
  lines.push('', `${counted.filter((target) => target.ok).length} of ${counted.length} targets met.`)
  // Honest note from the issue: in Node a WebCrypto call is an async hop to the thread pool, which pure JS
  // hashing of a tiny input does not pay.
  const node = measured.find((result) => result.name === 'node')
  const smithy = node && median(node, 'kinesis', 1, 'smithy')
  const floor = node && median(node, 'kinesis', 1, 'floor')
  if (smithy && floor) {
    lines.push(
      '',
      smithy < floor
        ? `Note: in Node, pure-JS hashing beats any WebCrypto call for tiny inputs: smithy + sha256-js signs the 200 B PutRecord in ${formatUs(smithy)}, below the WebCrypto floor of ${formatUs(floor)} (each crypto.subtle call is an async hop to the thread pool).`
        : `Note: in Node, smithy + sha256-js took ${formatUs(smithy)} for the 200 B PutRecord against a WebCrypto floor of ${formatUs(floor)}.`,
    )
  }
  // The profiles section is written by hand (bench/profile/node.mjs, bench/profile/chromium.mjs): carried into the report.
  const profiles = join(here, 'profile', 'profiles.md')
  if (existsSync(profiles)) lines.push('', readFileSync(profiles, 'utf8').trimEnd())
  return lines.join('\n') + '\n'
}

function parseArgs(list) {
  const parsed = {}
  for (let index = 0; index < list.length; index++) {
    const match = list[index].match(/^--([\w-]+)(?:=(.*))?$/)
    if (!match) throw new Error(`unexpected argument ${list[index]}`)
    if (match[2] !== undefined) parsed[match[1]] = match[2]
    else if (list[index + 1] !== undefined && !list[index + 1].startsWith('--')) parsed[match[1]] = list[++index]
    else parsed[match[1]] = ''
  }
  return parsed
}
