#!/usr/bin/env node
// `npm run demo` must stop everything it started on Ctrl-C: starts it (as `node scripts/demo.mjs`), waits for the
// URL, sends SIGINT, then checks that every port it printed is closed and none of its processes is left.
// With `--no-moto` python3 is hidden from it (PATH without pyenv/python3) so it must print the install hint and
// fall back to kinesalite with the banner. Prints `demo ctrl-c: N passed, M failed` (or `demo fallback: ...`).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, symlinkSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const noMoto = process.argv.includes('--no-moto')
const label = noMoto ? 'demo fallback' : 'demo ctrl-c'
const checks = []
const check = (name, ok, detail = '') => {
  checks.push(ok)
  console.log(`  ${ok ? '✓' : '✗'} ${name}${ok || !detail ? '' : `\n      ${detail}`}`)
}

const env = { ...process.env }
if (noMoto) {
  // A PATH with node and npx but no python3: the demo cannot find moto.
  const bin = mkdtempSync(join(tmpdir(), 'demo-no-python-'))
  for (const tool of ['node', 'npx', 'npm', 'sh', 'env'])
    symlinkSync(execFileSync('which', [tool]).toString().trim(), join(bin, tool))
  env.PATH = `${bin}:${ROOT}node_modules/.bin`
}
const child = spawn(process.execPath, [ROOT + 'scripts/demo.mjs'], {
  cwd: ROOT,
  env,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
})
let output = ''
child.stdout.on('data', (chunk) => (output += chunk))
child.stderr.on('data', (chunk) => (output += chunk))
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
const killAll = () => {
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // already gone
  }
}
process.on('exit', killAll)

const deadline = Date.now() + 120_000
while (!/Demo ready: (\S+)/.test(output) && Date.now() < deadline && child.exitCode === null) await sleep(200)
const url = /Demo ready: (\S+)/.exec(output)?.[1]
check('prints the URL', !!url, output.slice(-2000))
const ports = [...output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]))
const unique = [...new Set(ports)]
check(
  `binds 127.0.0.1 only (${unique.length} ports printed)`,
  unique.length >= (noMoto ? 3 : 4) && !/0\.0\.0\.0|localhost:\d/.test(output.replace(/http:\/\/localhost:\d+,?/g, '')),
  output,
)
if (url) {
  const page = await fetch(url).then(
    (response) => response.text(),
    (error) => String(error),
  )
  check('serves the page', page.includes('Kinesis from the browser'), page.slice(0, 200))
}
// The page as deployed: built into demo/dist and served by the Worker itself, with its GET /config.
const deployed = /The page as deployed[^:]*: (\S+)/.exec(output)?.[1]
if (deployed) {
  const page = await fetch(deployed).then(
    (response) => response.text(),
    (error) => String(error),
  )
  const config = await fetch(new URL('config', deployed)).then(
    (response) => response.json(),
    (error) => ({ error: String(error) }),
  )
  check(
    'the Worker serves the built page and its GET /config (no Origin header needed)',
    page.includes('Kinesis from the browser') && config.streamName === 'kinesis-demo' && config.readBack === true,
    `${page.slice(0, 120)} ${JSON.stringify(config)}`,
  )
} else check('prints the Worker-served page URL', false, output.slice(-1000))
if (noMoto) {
  check('says how to install moto', output.includes('pip install "moto[server]"'), output)
  check(
    'falls back to kinesalite with a visible warning and the page banner flag',
    /kinesalite/.test(output) &&
      /does NOT check signatures/.test(output) &&
      url?.includes('emulator=kinesalite') === true,
    output,
  )
}
const pids = descendants(child.pid)
check(`started its processes (${pids.length} found)`, pids.length >= 3)
if (!noMoto) {
  // moto dying under a running demo is said in the terminal at once (the page would only see failures).
  const motoPort = /moto \(signature checks on\)\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]
  const moto = pids.find((pid) => new RegExp(`-p ${motoPort}\\b`).test(command(pid)))
  if (moto) process.kill(moto, 'SIGKILL')
  const said = Date.now() + 5000
  while (!/moto exited/.test(output) && Date.now() < said) await sleep(100)
  check(
    'says so when moto dies',
    !!moto && /!! moto exited \(SIGKILL\): S3, Kinesis and STS no longer answer/.test(output),
    `moto pid ${moto} (port ${motoPort}): ${output.slice(-600)}`,
  )
}
try {
  process.kill(child.pid, 'SIGINT')
} catch {
  check('was still running when SIGINT was sent', false, output.slice(-3000))
}
const result = await Promise.race([exited, sleep(30_000).then(() => undefined)])
check('exits on SIGINT within 30 s', result?.code === 0, JSON.stringify(result))
check('says it stopped', /Stopped\./.test(output), output.slice(-500))
await sleep(1000)
const open = (await Promise.all(unique.map(async (port) => ((await isOpen(port)) ? port : 0)))).filter(Boolean)
check('no port left open', open.length === 0, `still open: ${open.join(', ')}`)
const left = pids.filter(alive)
check('no process left', left.length === 0, left.map((pid) => `${pid} ${command(pid)}`).join('\n      '))
killAll()
const passed = checks.filter(Boolean).length
console.log(`${label}: ${passed} passed, ${checks.length - passed} failed`)
process.exit(checks.every(Boolean) ? 0 : 1)

function descendants(pid) {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='])
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
  const found = []
  const queue = [pid]
  while (queue.length) {
    const parent = queue.shift()
    for (const [child, ppid] of table) if (ppid === parent) (found.push(child), queue.push(child))
  }
  return found
}
function alive(pid) {
  try {
    process.kill(pid, 0)
    return !/\bZ\b/.test(execFileSync('ps', ['-o', 'stat=', '-p', String(pid)]).toString())
  } catch {
    return false
  }
}
function command(pid) {
  try {
    return execFileSync('ps', ['-o', 'args=', '-p', String(pid)])
      .toString()
      .trim()
      .slice(0, 160)
  } catch {
    return ''
  }
}
function isOpen(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
