// One long-lived python3 reference (botocore, cryptography, ...) per test file, JSON lines both ways: each request
// carries an `id`, each answer echoes it, and an answer with `error` rejects. A bridge that dies fails what is pending.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

export type BridgeAnswer = Record<string, unknown>

export interface PythonBridge {
  /** Sends one request (its fields as the script reads them) and resolves with the answer's fields. */
  ask(job: Record<string, unknown>): Promise<BridgeAnswer>
  close(): void
}

/**
 * Starts `python3 -u <script>`; `label` names it in errors. Call `close()` in `afterAll` (it is also killed when Node
 * exits).
 *
 * @example
 * const bridge = startPythonBridge(fileURLToPath(new URL('./botocore_bridge.py', import.meta.url)), 'botocore bridge')
 * const answer = await bridge.ask({ op: 'keys' })
 */
export function startPythonBridge(script: string, label: string): PythonBridge {
  const child = spawn('python3', ['-u', script], { stdio: ['pipe', 'pipe', 'pipe'] })
  const pending = new Map<number, { resolve: (answer: BridgeAnswer) => void; reject: (error: Error) => void }>()
  let nextId = 1
  let stderr = ''
  let closed = false
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error)
    pending.clear()
  }
  child.stderr.on('data', (chunk) => (stderr += chunk))
  child.on('error', (error) => failAll(new Error(`${label} could not start (python3 with botocore): ${error.message}`)))
  child.on('exit', (code, signal) => {
    closed = true
    if (pending.size) failAll(new Error(`${label} exited (${code ?? signal}) with requests pending:\n${stderr}`))
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as BridgeAnswer & { id: number; error?: string }
    const waiter = pending.get(answer.id)
    if (!waiter) return
    pending.delete(answer.id)
    if (answer.error) waiter.reject(new Error(`${label}: ${answer.error}`))
    else waiter.resolve(answer)
  })
  const kill = () => {
    if (!closed) child.kill()
  }
  process.once('exit', kill)
  return {
    ask(job) {
      if (closed) return Promise.reject(new Error(`${label} is not running:\n${stderr}`))
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        child.stdin.write(JSON.stringify({ ...job, id }) + '\n')
      })
    },
    close() {
      process.removeListener('exit', kill)
      child.stdin.end()
      kill()
    },
  }
}
