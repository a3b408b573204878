// Node side of the CloudFront reference (cloudfront_bridge.py): botocore's CloudFrontSigner and `cryptography`,
// one long-lived python3 per test file (test/helpers/python-bridge.ts).
import { fileURLToPath } from 'node:url'
import { startPythonBridge } from '../helpers/python-bridge.js'

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
  const bridge = startPythonBridge(BRIDGE, 'CloudFront bridge')
  const ask = (job: Record<string, unknown>) => bridge.ask(job)
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
    close: () => bridge.close(),
  }
}
