#!/usr/bin/env node
// `npm test`: runs every suite in turn, prints each one's `name: N passed, M failed` and a summary matrix.
// A suite fails the run when its command fails or when it reports no passed checks.
import { spawn } from 'node:child_process'
import { OFFLINE_ENV as offline } from './offline-env.mjs'

// Each suite: a name, a command, and the runtime lines it must print (`<runtime>: N passed, M failed`).
const SUITES = [
  { name: 'browsers', command: ['bash', 'scripts/ensure-browsers.sh'], counts: false },
  { name: 'typecheck', command: ['npx', 'tsc', '-p', 'tsconfig.test.json'], counts: false },
  { name: 'examples', command: ['node', 'scripts/check-examples.mjs'] },
  { name: 'error-codes', command: ['node', 'scripts/error-codes.mjs', '--check'] },
  { name: 'lint', command: ['npm', 'run', '--silent', 'lint'], counts: false },
  { name: 'package', command: ['node', 'scripts/check-package.mjs'] },
  { name: 'node', command: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=./test/count-reporter.ts'] },
  {
    name: 'node-conf',
    command: [
      'env',
      'COUNT_NAME=node (conformance)',
      'npx',
      'vitest',
      'run',
      'test/node/conformance.test.ts',
      '--reporter=dot',
      '--reporter=./test/count-reporter.ts',
    ],
  },
  { name: 'workerd', command: ['node', 'test/runtimes/workerd.mjs'] },
  { name: 'deno', command: ['node', 'test/runtimes/cli.mjs', 'deno'] },
  { name: 'bun', command: ['node', 'test/runtimes/cli.mjs', 'bun'] },
  { name: 'chromium', command: ['node', 'test/runtimes/browsers.mjs', 'chromium'] },
  { name: 'firefox', command: ['node', 'test/runtimes/browsers.mjs', 'firefox'] },
  { name: 'webkit', command: ['node', 'test/runtimes/browsers.mjs', 'webkit'] },
  { name: 'demo-types', command: ['npx', 'tsc', '-p', 'demo/tsconfig.json'], counts: false },
  {
    name: 'demo-worker',
    command: [
      'env',
      'COUNT_NAME=demo worker (workerd)',
      'npx',
      'vitest',
      'run',
      '--config',
      'test/demo/vitest.config.ts',
      '--reporter=default',
      '--reporter=./test/count-reporter.ts',
    ],
  },
  { name: 'demo-e2e', command: ['node', 'test/demo/e2e.mjs', 'chromium', 'firefox', 'webkit'] },
  { name: 'demo-ctrl-c', command: ['sh', '-c', 'node test/demo/ctrl-c.mjs && node test/demo/ctrl-c.mjs --no-moto'] },
  { name: 'jsr', command: ['node', 'test/package/jsr.mjs'] },
]

const only = process.argv.slice(2)
const results = []
for (const suite of SUITES) {
  if (only.length && !only.includes(suite.name)) continue
  const started = Date.now()
  const { code, output } = await run(suite.command)
  const lines = [...output.matchAll(/^([\w .()-]+): (\d+) passed, (\d+) failed$/gm)].map((match) => ({
    runtime: match[1],
    passed: Number(match[2]),
    failed: Number(match[3]),
  }))
  const ok =
    code === 0 &&
    (suite.counts === false || (lines.length > 0 && lines.every((line) => line.passed > 0 && line.failed === 0)))
  results.push({ suite: suite.name, ok, code, lines, seconds: (Date.now() - started) / 1000 })
}

console.log('\n=== summary ===')
for (const result of results) {
  const detail = result.lines.length
    ? result.lines.map((line) => `${line.runtime}: ${line.passed} passed, ${line.failed} failed`).join('; ')
    : `exit ${result.code}`
  console.log(`${result.ok ? 'PASS' : 'FAIL'}  ${result.suite.padEnd(12)} ${detail}  (${result.seconds.toFixed(1)} s)`)
}
const failed = results.filter((result) => !result.ok)
if (failed.length) {
  console.log(`\n${failed.length} suite(s) failed: ${failed.map((result) => result.suite).join(', ')}`)
  process.exit(1)
}

function run(command) {
  return new Promise((resolve) => {
    console.log(`\n=== ${command.join(' ')}`)
    const child = spawn(command[0], command.slice(1), {
      env: { ...process.env, ...offline },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const forward = (stream, sink) =>
      stream.on('data', (chunk) => {
        output += chunk
        sink.write(chunk)
      })
    forward(child.stdout, process.stdout)
    forward(child.stderr, process.stderr)
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}
