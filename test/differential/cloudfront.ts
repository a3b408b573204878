// Node side of the CloudFront reference (cloudfront_bridge.py): botocore's CloudFrontSigner and `cryptography`,
// one long-lived python3 per test file, JSON lines both ways (the pattern of botocore.ts).
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** PEM keys made by `cryptography`. */
export interface ReferenceKeys {
  rsa_pkcs8: string
  rsa_pkcs1: string
  rsa_public: string
  rsa_public_pkcs1: string
  ec_pkcs8: string
  ec_sec1: string
  ec_public: string
}

export interface CloudFrontReference {
  keys(): Promise<ReferenceKeys>
  /** botocore's signed URL: canned with `expires`, custom with the `policy` JSON given. */
  url(job: {
    key: string
    keyPairId: string
    url: string
    expires?: number
    policy?: string
    hash: 'SHA1' | 'SHA256'
  }): Promise<string>
  /** botocore's build_policy. */
  policy(job: { resource: string; expires: number; notBefore?: number; ip?: string }): Promise<string>
  /** Whether `cryptography` accepts a signature (standard base64; ECDSA in DER) over the message. */
  verify(job: {
    publicPem: string
    signatureBase64: string
    message: string
    hash: 'SHA1' | 'SHA256'
  }): Promise<boolean>
  close(): void
}

const BRIDGE = fileURLToPath(new URL('./cloudfront_bridge.py', import.meta.url))

/** Starts the bridge; call `close()` in `afterAll` (it is also killed when Node exits). */
export function startCloudFrontReference(): CloudFrontReference {
  const child = spawn('python3', ['-u', BRIDGE], { stdio: ['pipe', 'pipe', 'pipe'] })
  type Answer = Record<string, unknown>
  const pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>()
  let nextId = 1
  let stderr = ''
  let closed = false
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error)
    pending.clear()
  }
  child.stderr.on('data', (chunk) => (stderr += chunk))
  child.on('error', (error) =>
    failAll(new Error(`CloudFront bridge could not start (python3 with botocore): ${error.message}`)),
  )
  child.on('exit', (code, signal) => {
    closed = true
    if (pending.size)
      failAll(new Error(`CloudFront bridge exited (${code ?? signal}) with requests pending:\n${stderr}`))
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line)
    const waiter = pending.get(answer.id)
    if (!waiter) return
    pending.delete(answer.id)
    if (answer.error) waiter.reject(new Error(`CloudFront bridge: ${answer.error}`))
    else waiter.resolve(answer)
  })
  const kill = () => {
    if (!closed) child.kill()
  }
  process.once('exit', kill)
  const ask = (job: Record<string, unknown>): Promise<Answer> => {
    if (closed) return Promise.reject(new Error(`CloudFront bridge is not running:\n${stderr}`))
    const id = nextId++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      child.stdin.write(JSON.stringify({ ...job, id }) + '\n')
    })
  }
  return {
    keys: async () => (await ask({ op: 'keys' })) as unknown as ReferenceKeys,
    url: async (job) =>
      (
        await ask({
          op: 'url',
          key: job.key,
          key_pair_id: job.keyPairId,
          url: job.url,
          expires: job.expires ?? null,
          policy: job.policy ?? null,
          hash: job.hash,
        })
      ).url as string,
    policy: async (job) =>
      (
        await ask({
          op: 'policy',
          resource: job.resource,
          expires: job.expires,
          not_before: job.notBefore ?? null,
          ip: job.ip ?? null,
        })
      ).policy as string,
    verify: async (job) =>
      (
        await ask({
          op: 'verify',
          public: job.publicPem,
          signature_b64: job.signatureBase64,
          message: job.message,
          hash: job.hash,
        })
      ).valid as boolean,
    close() {
      process.removeListener('exit', kill)
      child.stdin.end()
      kill()
    },
  }
}
