// Starts ./child.ts (bundled by esbuild, once) in its own Node process and collects its JSON lines.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { ChildJob } from './child.js'

let bundled: Promise<string> | undefined

function bundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [fileURLToPath(new URL('./child.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  }).then((result) => {
    const file = join(mkdtempSync(join(tmpdir(), 'upload-child-')), 'child.mjs')
    writeFileSync(file, result.outputFiles[0]!.text)
    return file
  })
  return bundled
}

/** A JSON line of the child. */
export type ChildLine = { type: 'progress' | 'done' | 'error'; [key: string]: unknown }

export interface RunningChild {
  process: ChildProcess
  lines: ChildLine[]
  /** Calls `listener` on every line as it comes. */
  onLine(listener: (line: ChildLine) => void): void
  /** Resolves with the exit code (null when killed). */
  exited: Promise<number | null>
}

/** Starts the child with a job; it is killed when the test process exits. */
export async function startChild(job: ChildJob): Promise<RunningChild> {
  const file = await bundle()
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, UPLOAD_JOB: JSON.stringify(job) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  const lines: ChildLine[] = []
  const listeners: ((line: ChildLine) => void)[] = []
  let pending = ''
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString()
    let newline: number
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = JSON.parse(pending.slice(0, newline)) as ChildLine
      pending = pending.slice(newline + 1)
      lines.push(line)
      for (const listener of listeners) listener(line)
    }
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.removeListener('exit', kill)
      resolve(code)
    }),
  )
  return { process: child, lines, onLine: (listener) => listeners.push(listener), exited }
}
