// Node side of the botocore bridge: one long-lived `python3 botocore_bridge.py` per test file, JSON lines both ways.
import { fileURLToPath } from 'node:url'
import { startPythonBridge } from '../helpers/python-bridge.js'

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
  const bridge = startPythonBridge(BRIDGE, 'botocore bridge')
  return {
    async sign(job) {
      const answer = await bridge.ask({
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
      return {
        canonicalRequest: answer.canonical_request as string,
        stringToSign: answer.string_to_sign as string,
        signature: answer.signature as string,
        headers: answer.headers as Array<[string, string]>,
        url: answer.url as string,
      }
    },
    close: () => bridge.close(),
  }
}
