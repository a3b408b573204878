// Node side of the botocore bridge: one long-lived `python3 botocore_bridge.py` per test file, JSON lines both ways.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** What the bridge needs to sign one request with botocore. */
export interface BotocoreJob {
  mode: 'header' | 'query'
  s3: boolean
  method: string
  /** The wire URL: scheme, host (with a non-default port), strictly encoded path and query. */
  url: string
  headers: Array<[string, string]>
  bodyBase64: string | null
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string | undefined
  region: string
  service: string
  /** `YYYYMMDDTHHMMSSZ` */
  amzDate: string
  expiresIn?: number
  unsignedPayload?: boolean
}

/** botocore's answer. */
export interface BotocoreResult {
  canonicalRequest: string
  stringToSign: string
  signature: string
  /** The request's headers after signing, in botocore's order and case. */
  headers: Array<[string, string]>
  /** The URL after signing (presigned: with the `X-Amz-*` query). */
  url: string
}

export interface Botocore {
  sign(job: BotocoreJob): Promise<BotocoreResult>
  close(): void
}

const BRIDGE = fileURLToPath(new URL('./botocore_bridge.py', import.meta.url))

/** Starts the bridge; call `close()` in `afterAll` (it is also killed when Node exits). */
export function startBotocore(): Botocore {
  const child: ChildProcessWithoutNullStreams = spawn('python3', ['-u', BRIDGE], { stdio: ['pipe', 'pipe', 'pipe'] })
  const pending = new Map<number, { resolve: (result: BotocoreResult) => void; reject: (error: Error) => void }>()
  let nextId = 1
  let stderr = ''
  let closed = false
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error)
    pending.clear()
  }
  child.stderr.on('data', (chunk) => (stderr += chunk))
  child.on('error', (error) =>
    failAll(new Error(`botocore bridge could not start (python3 with botocore needed): ${error.message}`)),
  )
  child.on('exit', (code, signal) => {
    closed = true
    if (pending.size) failAll(new Error(`botocore bridge exited (${code ?? signal}) with requests pending:\n${stderr}`))
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line)
    const waiter = pending.get(answer.id)
    if (!waiter) return
    pending.delete(answer.id)
    if (answer.error) waiter.reject(new Error(`botocore: ${answer.error}`))
    else
      waiter.resolve({
        canonicalRequest: answer.canonical_request,
        stringToSign: answer.string_to_sign,
        signature: answer.signature,
        headers: answer.headers,
        url: answer.url,
      })
  })
  const kill = () => {
    if (!closed) child.kill()
  }
  process.once('exit', kill)
  return {
    sign(job) {
      if (closed) return Promise.reject(new Error(`botocore bridge is not running:\n${stderr}`))
      const id = nextId++
      const line = JSON.stringify({
        id,
        mode: job.mode,
        s3: job.s3,
        method: job.method,
        url: job.url,
        headers: job.headers,
        body_b64: job.bodyBase64,
        access_key: job.accessKeyId,
        secret_key: job.secretAccessKey,
        token: job.sessionToken ?? null,
        region: job.region,
        service: job.service,
        time: job.amzDate,
        expires: job.expiresIn ?? 3600,
        unsigned_payload: !!job.unsignedPayload,
      })
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        child.stdin.write(line + '\n')
      })
    },
    close() {
      process.removeListener('exit', kill)
      child.stdin.end()
      kill()
    },
  }
}
