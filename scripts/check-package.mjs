#!/usr/bin/env node
// The package as a user receives it (`npm test` suite `package`). Packs ONE tarball from a fresh copy of the
// repository (so `prepack` must build dist/), installs only that tarball, offline, into a scratch project in a
// temporary folder, and checks it: its files and package.json, a Node ESM script importing every subpath and
// signing an official vector case (and require() from CommonJS), tsc under node16/nodenext/bundler with
// exactOptionalPropertyTypes, publint and attw, a Vite page in Chromium, a Worker bundled by wrangler and run in
// workerd without nodejs_compat, Deno and Bun, and the API report against the built .d.ts.
// Prints one `tarball (<group>): N passed, M failed` line per group; exits non-zero on any failure.
// Usage: node scripts/check-package.mjs [--only contents,node,types,lint,chromium,workerd,deno,bun,api] [--keep]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { API_REPORT_PATH, apiReport } from './api-report.mjs'
import { runCommand } from '../test/package/command.mjs'
import {
  browserConsumer,
  lintConsumers,
  prepareConsumer,
  requireConsumer,
  runtimeConsumer,
  typeConsumers,
  workerConsumer,
} from '../test/package/consumers.mjs'
import { packageJsonChecks } from '../test/package/metadata.mjs'
import { readPackageJson } from '../test/package/subpaths.mjs'
import { contentChecks, installTarball, packFreshClone, tarballFiles } from '../test/package/tarball.mjs'

const GROUPS = ['contents', 'node', 'types', 'lint', 'chromium', 'workerd', 'deno', 'bun', 'api']
const TIME_LIMIT_MS = 600_000
const root = fileURLToPath(new URL('..', import.meta.url))
const { values: flags } = parseArgs({ options: { only: { type: 'string' }, keep: { type: 'boolean' } } })
const selected = flags.only ? flags.only.split(',') : GROUPS
const unknown = selected.filter((group) => !GROUPS.includes(group))
if (unknown.length) {
  console.error(`unknown group(s) ${unknown.join(', ')}; use ${GROUPS.join(',')}`)
  process.exit(2)
}

const work = mkdtempSync(join(tmpdir(), 'webcrypto-sigv4-package-'))
const counts = new Map() // group → { passed, failed }
let currentGroup = 'contents' // the group a failure outside any check is counted under
const started = Date.now()
let exitCode = 0
const finish = () => {
  for (const [group, { passed, failed }] of counts)
    console.log(`tarball (${group}): ${passed} passed, ${failed} failed`)
  if (flags.keep) console.log(`kept ${work}`)
  else rmSync(work, { recursive: true, force: true })
  console.log(`package checks took ${((Date.now() - started) / 1000).toFixed(1)} s`)
  process.exit(exitCode)
}
setTimeout(() => {
  console.error(`package: timed out after ${TIME_LIMIT_MS / 1000} s`)
  record(currentGroup, false)
  exitCode = 1
  finish()
}, TIME_LIMIT_MS).unref()

function record(group, ok) {
  const count = counts.get(group) ?? { passed: 0, failed: 0 }
  count[ok ? 'passed' : 'failed']++
  counts.set(group, count)
  if (!ok) exitCode = 1
}
/** Runs one named check of a group; a throw fails it with its message. */
async function check(group, name, fn) {
  currentGroup = group
  try {
    await fn()
    record(group, true)
    console.log(`ok   ${group}: ${name}`)
  } catch (error) {
    record(group, false)
    console.log(`FAIL ${group}: ${name}\n     ${String(error?.message ?? error).replaceAll('\n', '\n     ')}`)
  }
}
/** Counts the runtime check results (from fixtures/check.mjs) under a group. */
async function runtimeChecks(group, results) {
  for (const result of await results)
    await check(group, result.name, () => {
      if (!result.ok) throw new Error(result.error)
    })
}
/** A tool run that must exit 0. */
function succeeded(what, { code, output }) {
  if (code !== 0) throw new Error(`${what} (exit ${code}):\n${output.trim()}`)
}

try {
  const { tarball, distBeforePack } = await packFreshClone(root, work)
  console.log(`packed ${tarball}`)
  const consumer = join(work, 'consumer')
  const packageDir = await installTarball(tarball, consumer, readPackageJson(root).name)
  const pkg = readPackageJson(packageDir)
  await prepareConsumer(consumer, pkg)
  const enabled = (group) => selected.includes(group)

  if (enabled('contents')) {
    const files = tarballFiles(tarball)
    console.log(`the tarball: ${files.length} files, ${readFileSync(tarball).length} bytes`)
    for (const [name, fn] of contentChecks({ files, packageDir, pkg, distBeforePack }))
      await check('contents', name, fn)
    for (const [name, fn] of packageJsonChecks(pkg)) await check('contents', name, fn)
  }
  if (enabled('node')) {
    await runtimeChecks('node', runtimeConsumer('node', consumer).catch(failure('node')))
    await check('node', 'require() of every subpath from CommonJS', async () => {
      const outcome = await requireConsumer(consumer, pkg)
      if (!outcome) throw new Error(`this Node (${process.version}) cannot require() ES modules: use Node >= 20.19`)
    })
  }
  if (enabled('types'))
    for (const [name, outcome] of await typeConsumers(consumer))
      await check('types', `tsc --noEmit, moduleResolution ${name}, exactOptionalPropertyTypes`, () =>
        succeeded(`tsc (${name})`, outcome),
      )
  if (enabled('lint'))
    for (const [name, , findings] of await lintConsumers(tarball, work, pkg))
      await check('lint', `${name} reports nothing`, () => {
        if (findings.length) throw new Error(findings.join('\n'))
      })
  if (enabled('chromium')) await runtimeChecks('chromium', browserConsumer(consumer).catch(failure('vite + chromium')))
  if (enabled('workerd')) await runtimeChecks('workerd', workerConsumer(consumer).catch(failure('wrangler + workerd')))
  if (enabled('deno')) await runtimeChecks('deno', runtimeConsumer('deno', consumer).catch(failure('deno')))
  if (enabled('bun')) await runtimeChecks('bun', runtimeConsumer('bun', consumer).catch(failure('bun')))
  if (enabled('api'))
    await check(
      'api',
      `${API_REPORT_PATH} matches the built .d.ts (run \`npm run api\` after a surface change)`,
      async () => {
        const built = apiReport(packageDir)
        const committed = readFileSync(join(root, API_REPORT_PATH), 'utf8')
        if (built === committed) return
        const builtFile = join(work, 'api-report.built.md')
        writeFileSync(builtFile, built)
        const diff = await runCommand('diff', ['-u', join(root, API_REPORT_PATH), builtFile], { cwd: work })
        throw new Error(`the public surface changed:\n${diff.output}`)
      },
    )
} catch (error) {
  console.log(`FAIL ${currentGroup}: ${error?.stack ?? error}`)
  record(currentGroup, false)
}
finish()

/** Turns a consumer that could not run at all into one failed result. */
function failure(what) {
  return (error) => [{ name: `${what} runs`, ok: false, error: String(error?.stack ?? error) }]
}
