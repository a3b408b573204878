#!/usr/bin/env node
// Runs the conformance suite under `deno test` or `bun test` (the runtimes' own test runners, from npm),
// in its own process group with a time limit, and prints `<runtime>: N passed, M failed`.
// Exits non-zero when a check failed, when none ran, or when the runner timed out or crashed.
// Usage: node test/runtimes/cli.mjs deno|bun
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const RUNTIMES = {
  deno: {
    // --sloppy-imports: the suite's own files import each other as `.js` (as tsc wants); src resolves without it.
    command: [
      'node_modules/.bin/deno',
      'test',
      '--sloppy-imports',
      '--no-prompt',
      'test/runtimes/deno/conformance_test.ts',
    ],
    counts: (output) => /\| (\d+) passed \| (\d+) failed/.exec(output)?.slice(1),
  },
  bun: {
    command: ['node_modules/.bin/bun', 'test', '--timeout', '15000', './test/runtimes/bun/conformance.test.ts'],
    counts: (output) => {
      const passed = /^\s*(\d+) pass$/m.exec(output)?.[1]
      const failed = /^\s*(\d+) fail$/m.exec(output)?.[1]
      return passed && failed ? [passed, failed] : undefined
    },
  },
}
const TIME_LIMIT_MS = 180_000

const name = process.argv[2]
const runtime = RUNTIMES[name]
if (!runtime) {
  console.error(`usage: node test/runtimes/cli.mjs ${Object.keys(RUNTIMES).join('|')}`)
  process.exit(2)
}
const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', DO_NOT_TRACK: '1', NO_COLOR: '1' }
const version = spawnSync(runtime.command[0], ['--version'], { cwd: root, env, encoding: 'utf8', timeout: 30_000 })
console.log(`${name} version: ${(version.stdout || version.stderr || String(version.error)).split('\n')[0].trim()}`)

const child = spawn(runtime.command[0], runtime.command.slice(1), {
  cwd: root,
  env,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
})
const killGroup = () => {
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // The group has already exited.
  }
}
process.on('exit', killGroup)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(1))
let output = ''
child.stdout.on('data', (chunk) => ((output += chunk), process.stdout.write(chunk)))
child.stderr.on('data', (chunk) => ((output += chunk), process.stderr.write(chunk)))
let timedOut = false
const timer = setTimeout(() => ((timedOut = true), killGroup()), TIME_LIMIT_MS)
const code = await new Promise((resolve) => {
  child.on('error', (error) => ((output += String(error)), resolve(1)))
  child.on('close', (exitCode) => resolve(exitCode ?? 1))
})
clearTimeout(timer)

const counts = runtime.counts(output)?.map(Number)
let [passed, failed] = counts ?? [0, 0]
if (timedOut) console.error(`${name}: timed out after ${TIME_LIMIT_MS / 1000} s`)
if (!counts) console.error(`${name}: no test summary in the output (exit ${code})`)
// A crash, a time-out or a failing exit without failed checks still counts as one failure.
if (failed === 0 && (code !== 0 || timedOut || !counts)) failed = 1
console.log(`${name}: ${passed} passed, ${failed} failed`)
process.exit(passed > 0 && failed === 0 ? 0 : 1)
