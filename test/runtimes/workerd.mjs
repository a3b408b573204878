#!/usr/bin/env node
// workerd runner: bundles test/runtimes/workerd/worker.ts (suite + src) with esbuild for a neutral platform, so an
// import of a Node built-in fails the build, and runs it in Miniflare's workerd WITHOUT nodejs_compat.
// Prints `workerd: N passed, M failed`; exits non-zero on any failure, on zero checks, or after the time limit.
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const TIME_LIMIT_MS = 120_000
const COMPATIBILITY_DATE = '2025-09-01'
let mf
const finish = async (passed, failed) => {
  console.log(`workerd: ${passed} passed, ${failed} failed`)
  await Promise.race([mf?.dispose(), new Promise((resolve) => setTimeout(resolve, 5_000))]).catch(() => {})
  process.exit(passed > 0 && failed === 0 ? 0 : 1)
}
setTimeout(
  () => (console.error(`workerd: timed out after ${TIME_LIMIT_MS / 1000} s`), finish(0, 1)),
  TIME_LIMIT_MS,
).unref()

try {
  const require = createRequire(createRequire(import.meta.url).resolve('miniflare'))
  const workerd = require('workerd/package.json').version
  console.log(`workerd version: ${workerd} (compatibility date ${COMPATIBILITY_DATE}, no compatibility flags)`)
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('workerd/worker.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'error',
  })
  mf = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0].text,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: [],
    cf: false,
  })
  const response = await mf.dispatchFetch('http://localhost/')
  if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${await response.text()}`)
  const { passed, failed, results } = await response.json()
  for (const result of results) {
    if (!result.ok) console.log(`FAIL ${result.name}\n     ${result.error}`)
    else if (result.note) console.log(`NOTE ${result.name}\n     ${result.note}`)
  }
  await finish(passed, failed)
} catch (error) {
  console.error('workerd: the suite could not run:', error)
  await finish(0, 1)
}
