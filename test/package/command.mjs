// Runs one tool of the tarball checks (npm, tsc, vite, wrangler, deno, bun, ...) in its own process group with the
// offline environment and a time limit; the group is killed on time-out and when this process exits.
//
//   const { code, output } = await runCommand('node', ['cli.mjs'], { cwd: consumer, timeoutMs: 60_000 })
import { spawn } from 'node:child_process'
import { OFFLINE_ENV } from '../../scripts/offline-env.mjs'

const groups = new Set()
process.on('exit', () => {
  for (const pgid of groups) killGroup(pgid)
})

function killGroup(pgid) {
  groups.delete(pgid)
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch {
    // the group has exited already
  }
}

/**
 * Resolves with `{ code, output, timedOut }` (stdout and stderr interleaved); never rejects. `echo: true` also
 * forwards the output to ours.
 * @example const { code } = await runCommand('npm', ['pack'], { cwd, timeoutMs: 120_000 })
 */
export function runCommand(command, args, { cwd, timeoutMs = 120_000, env = {}, echo = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...OFFLINE_ENV, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    groups.add(child.pid)
    let output = ''
    let timedOut = false
    const collect = (chunk) => {
      output += chunk
      if (echo) process.stdout.write(chunk)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    const timer = setTimeout(() => {
      timedOut = true
      output += `\n[${command} ${args.join(' ')}: killed after ${timeoutMs / 1000} s]\n`
      killGroup(child.pid)
    }, timeoutMs)
    child.on('error', (error) => {
      output += String(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      killGroup(child.pid)
      resolve({ code: code ?? 1, output, timedOut })
    })
  })
}
