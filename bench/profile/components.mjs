#!/usr/bin/env node
// Times the pieces of one signature (bench/profile/components.ts) in workerd (miniflare), Chromium or Node, optionally against a
// baseline revision in the same process and rounds, so that a change of a few percent shows above the noise of a
// shared machine:
//
//   node bench/profile/components.mjs                         workerd and Chromium, the working tree
//   node bench/profile/components.mjs --baseline HEAD~2       each case of HEAD~2 too, alternating with the working tree's
//   node bench/profile/components.mjs --runtimes workerd --rounds 15
//   node bench/profile/components.mjs --runtimes node --inflight 64    Node, 64 operations in flight
//   node bench/profile/components.mjs --runtimes node --no-crypto      Node, crypto.subtle a no-op: the JavaScript alone
//
// Each case runs a batch calibrated to about 40 ms (workerd's clock moves in whole milliseconds) per round; the
// figure is the fastest round's time per operation, in µs (the least disturbed round on a noisy machine).
import { execFileSync } from 'node:child_process'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { servePage } from '../../scripts/local-servers.mjs'
import { launchBrowser } from '../../test/helpers/browsers.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((arg, index, all) => (arg.startsWith('--') ? [arg.slice(2), all[index + 1] ?? ''] : null))
    .filter(Boolean),
)
const runtimes = (args.runtimes ?? 'workerd,chromium').split(',')
const rounds = Number(args.rounds ?? 25)
const inflight = Number(args.inflight ?? 1)

/** Bundles bench/profile/components.ts as a script that sets `globalThis[name]`, its src/ imports taken from `srcDir`. */
async function bundle(name, srcDir) {
  const redirect = {
    name: 'src',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^(\.\.\/)+src\// }, (input) => ({
        path: join(srcDir, relative(join(root, 'src'), join(input.resolveDir, input.path)).replace(/\.js$/, '.ts')),
      }))
    },
  }
  const result = await build({
    entryPoints: [join(here, 'components.ts')],
    bundle: true,
    format: 'iife',
    globalName: name,
    write: false,
    plugins: [redirect],
    logLevel: 'warning',
  })
  // A module-scoped `var` in workerd's ES module: published on globalThis for the runner.
  return `${result.outputFiles[0].text}\nglobalThis.${name} = ${name};\n`
}

let baselineDir
if (args.baseline) {
  const commit = execFileSync('git', ['rev-parse', '--short', args.baseline], { cwd: root, encoding: 'utf8' }).trim()
  baselineDir = join(root, 'bench', '.out', `components-${commit}`)
  execFileSync('git', ['worktree', 'add', '--force', '--detach', baselineDir, commit], { cwd: root, stdio: 'ignore' })
}
let script
try {
  script =
    (await bundle('current', join(root, 'src'))) +
    (baselineDir ? await bundle('baseline', join(baselineDir, 'src')) : '')
} finally {
  if (baselineDir) execFileSync('git', ['worktree', 'remove', '--force', baselineDir], { cwd: root })
}

// The timing loop, the same text in both runtimes. Case names of the baseline get a "baseline " prefix.
const runner = `
async function runComponents(rounds, inflight = 1) {
  const sets = [['', globalThis.current.components()]]
  if (globalThis.baseline) sets.push(['baseline ', globalThis.baseline.components()])
  const cases = []
  for (const name of Object.keys(sets[0][1])) for (const [prefix, set] of sets) if (set[name]) cases.push([prefix + name, set[name]])
  const time = async (run, count) => {
    const started = performance.now()
    let next = 0
    const lane = async () => {
      while (next < count) {
        next++
        const result = run()
        if (result && typeof result.then === 'function') await result
      }
    }
    await Promise.all(Array.from({ length: inflight }, lane))
    return performance.now() - started
  }
  const sizes = new Map()
  for (const [name, run] of cases) {
    let count = 50
    while ((await time(run, count)) < 40) count *= 2
    sizes.set(name, count)
  }
  const best = new Map()
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of round % 2 ? [...cases].reverse() : cases) {
      const perCall = ((await time(run, sizes.get(name))) * 1000) / sizes.get(name)
      best.set(name, Math.min(best.get(name) ?? Infinity, perCall))
    }
  }
  return Object.fromEntries(best)
}
`

async function inWorkerd() {
  const source = `${script}\n${runner}\nexport default { async fetch() { return Response.json(await runComponents(${rounds}, ${inflight})) } }`
  const mf = new Miniflare({ modules: true, script: source, compatibilityDate: '2025-09-01', cf: false })
  try {
    return await (await mf.dispatchFetch('http://localhost/')).json()
  } finally {
    await mf.dispose()
  }
}

async function inChromium() {
  const server = await servePage({
    '/index.html': '<!doctype html><script src="/components.js"></script>',
    '/components.js': `${script}\n${runner}`,
  })
  let browser
  try {
    browser = await launchBrowser('chromium', { timeout: 60_000 })
    await browser.goto(`${server.endpoint}/`)
    return await browser.evaluate(`runComponents(${rounds}, ${inflight})`)
  } finally {
    await browser?.close().catch(() => {})
    server.close()
  }
}

async function inNode() {
  // --no-crypto: crypto.subtle answers at once, so that what is left is the signer's own JavaScript.
  if ('no-crypto' in args) {
    const answer = new ArrayBuffer(32)
    const subtle = {
      digest: () => Promise.resolve(answer),
      sign: () => Promise.resolve(answer),
      importKey: () => Promise.resolve({}),
    }
    Object.defineProperty(globalThis, 'crypto', { value: { subtle }, configurable: true })
  }
  // The bundles set globalThis.current / baseline; the runner becomes a global function.
  ;(0, eval)(`${script}\n${runner}\nglobalThis.runComponents = runComponents`)
  return globalThis.runComponents(rounds, inflight)
}

const results = {}
for (const runtime of runtimes) {
  if (runtime === 'node') results.Node = await inNode()
  else if (runtime === 'workerd') results.workerd = await inWorkerd()
  else if (runtime === 'chromium') results.Chromium = await inChromium()
  else throw new Error(`unknown runtime ${runtime} (node, workerd, chromium)`)
}
const names = Object.keys(Object.values(results)[0] ?? {})
const columns = Object.keys(results)
console.log(`| µs per operation (fastest of ${rounds} rounds, ${inflight} in flight) | ${columns.join(' | ')} |`)
console.log(`|---|${columns.map(() => '--:').join('|')}|`)
for (const name of names) {
  const cells = columns.map((column) => {
    const value = results[column][name]
    const base = results[column][`baseline ${name}`]
    if (name.startsWith('baseline ') || base === undefined) return value.toFixed(2)
    return `${value.toFixed(2)} (${((value / base - 1) * 100).toFixed(0)}%)`
  })
  console.log(`| ${name} | ${cells.join(' | ')} |`)
}
