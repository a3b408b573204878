#!/usr/bin/env node
// The JSR package (`npm test` suite `jsr`): jsr.json publishes src/*.ts under the same subpaths as package.json's
// "exports", at the same version, and `deno publish --dry-run` passes offline, slow-type check included (no
// --allow-slow-types), and `deno doc --lint` has no finding on the exported modules (JSR's documentation score: every
// exported symbol and member documented, no public type naming an unexported one). Prints `jsr: N passed, M failed`;
// exits non-zero on any failure.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCommand } from './command.mjs'
import { jsrChecks } from './metadata.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const deno = join(root, 'node_modules/.bin/deno')
const PUBLISH_TIME_LIMIT_MS = 180_000
let passed = 0
let failed = 0
async function check(name, fn) {
  try {
    await fn()
    passed++
    console.log(`ok   ${name}`)
  } catch (error) {
    failed++
    console.log(`FAIL ${name}\n     ${String(error?.message ?? error).replaceAll('\n', '\n     ')}`)
  }
}

for (const [name, fn] of jsrChecks(root)) await check(name, fn)

const jsr = JSON.parse(readFileSync(join(root, 'jsr.json'), 'utf8'))
const version = await runCommand(deno, ['--version'], { cwd: root, timeoutMs: 30_000 })
console.log(`deno version: ${version.output.split('\n')[0]}`)
const publish = await runCommand(deno, ['publish', '--dry-run', '--allow-dirty'], {
  cwd: root,
  timeoutMs: PUBLISH_TIME_LIMIT_MS,
})
await check('deno publish --dry-run passes (type check and slow types)', () => {
  if (publish.code !== 0 || !/Success Dry run complete/.test(publish.output))
    throw new Error(`exit ${publish.code}:\n${publish.output}`)
  if (!/Checking for slow types/.test(publish.output)) throw new Error(`no slow-type check ran:\n${publish.output}`)
})
await check('the dry run publishes every exported module and nothing from test/, demo/ or bench/', () => {
  const published = [...publish.output.matchAll(/file:\/\/\S*?\/((?:src|test|demo|bench)\/\S+)/g)].map((m) => m[1])
  const missing = Object.values(jsr.exports)
    .map((target) => target.replace(/^\.\//, ''))
    .filter((file) => !published.includes(file))
  const extra = published.filter((file) => !file.startsWith('src/'))
  if (missing.length || extra.length)
    throw new Error(`not published: ${missing.join(', ') || 'none'}; should not be: ${extra.join(', ') || 'none'}`)
})

const entries = Object.values(jsr.exports).map((target) => join(root, target))
const docLint = await runCommand(deno, ['doc', '--lint', ...entries], {
  cwd: root,
  timeoutMs: 60_000,
  env: { NO_COLOR: '1' },
})
await check('deno doc --lint has no finding on the exported modules', () => {
  const findings = /Found (\d+) documentation lint errors?/.exec(docLint.output)?.[1]
  if (findings !== undefined || docLint.code !== 0)
    throw new Error(`${findings ?? 'unknown number of'} finding(s), exit ${docLint.code}:\n${docLint.output}`)
  const checked = Number(/Checked (\d+) files?/.exec(docLint.output)?.[1] ?? 0)
  if (checked < entries.length) throw new Error(`checked ${checked} of ${entries.length} entries:\n${docLint.output}`)
})

console.log(`jsr: ${passed} passed, ${failed} failed`)
process.exit(passed > 0 && failed === 0 ? 0 : 1)
