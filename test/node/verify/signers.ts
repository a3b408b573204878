// Reference signers for the verify tests: botocore (spawned python3) and @smithy/signature-v4.
import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

export const credentials = {
  accessKeyId: 'AKIDVERIFYTEST',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
}
export const SIGNED_AT = '2024-03-10T08:30:00Z'
export const lookupSecret = (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined)

export interface Spec {
  kind: 'header' | 's3-header' | 'query' | 's3-query'
  method: string
  url: string
  headers?: Record<string, string>
  body?: string
  service: string
  region: string
  expires?: number
  token?: string
  /** botocore: sign S3 with UNSIGNED-PAYLOAD (payload signing off). */
  unsignedPayload?: boolean
}

export interface WireRequest {
  method: string
  url: string
  headers: Record<string, string>
  body?: string | null
}

/** Signs specs with botocore at SIGNED_AT. */
export function botocoreSign(specs: Spec[]): WireRequest[] {
  const input = JSON.stringify(
    specs.map((spec) => ({
      ...spec,
      time: SIGNED_AT,
      accessKeyId: credentials.accessKeyId,
      secret: credentials.secretAccessKey,
    })),
  )
  const result = spawnSync('python3', [join(import.meta.dirname, 'botocore_sign.py')], {
    input,
    encoding: 'utf8',
    timeout: 30_000,
  })
  if (result.status !== 0) throw new Error('botocore signing failed: ' + result.stderr)
  return JSON.parse(result.stdout) as WireRequest[]
}

/** Signs (or presigns) with @smithy/signature-v4 at SIGNED_AT. */
export async function smithySign(spec: Spec): Promise<WireRequest> {
  const url = new URL(spec.url)
  const signer = new SignatureV4({
    credentials: { ...credentials, sessionToken: spec.token },
    region: spec.region,
    service: spec.service,
    sha256: Sha256,
    uriEscapePath: !spec.kind.startsWith('s3'),
  })
  const query: Record<string, string> = {}
  url.searchParams.forEach((value, key) => (query[key] = value))
  const request = new HttpRequest({
    method: spec.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? +url.port : undefined,
    path: url.pathname,
    query,
    headers: { host: url.host, ...spec.headers },
    body: spec.body,
  })
  const signingDate = new Date(SIGNED_AT)
  const signed = spec.kind.endsWith('query')
    ? await signer.presign(request, { signingDate, expiresIn: spec.expires ?? 3600 })
    : await signer.sign(request, { signingDate })
  const search = new URLSearchParams(signed.query as Record<string, string>).toString().replace(/\+/g, '%20')
  return {
    method: signed.method,
    url: `${url.origin}${url.pathname}${search ? '?' + search : ''}`,
    headers: signed.headers,
    body: spec.body ?? null,
  }
}

/** A wire request as a fetch Request (as a server would see it). */
export function toRequest(wire: WireRequest): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(wire.headers)) headers.set(name, value)
  return new Request(wire.url, {
    method: wire.method,
    headers,
    body: /^(GET|HEAD)$/.test(wire.method) ? undefined : (wire.body ?? undefined),
  })
}
