// Recomputes a received request's Authorization header with @smithy/signature-v4 (the reference signer).
import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'

export interface Received {
  method: string
  path: string
  query?: Record<string, string>
  headers: Record<string, string | string[] | undefined>
  /** The body as bytes, or 'unsigned' when it was signed as UNSIGNED-PAYLOAD. */
  body: Uint8Array | 'unsigned'
}

/** The Authorization header @smithy/signature-v4 computes for the signed headers of a received request. */
export async function smithyAuthorization(
  received: Received,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<string> {
  const authorization = String(received.headers.authorization)
  const [, date, region, service] = /Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization)!
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';')
  const headers: Record<string, string> = {}
  for (const name of signedHeaders) headers[name] = String(received.headers[name])
  const amzDate = headers['x-amz-date']!
  const signer = new SignatureV4({
    credentials,
    region: region!,
    service: service!,
    sha256: Sha256,
    applyChecksum: signedHeaders.includes('x-amz-content-sha256'),
  })
  const request = new HttpRequest({
    method: received.method,
    protocol: 'http:',
    hostname: headers.host!,
    path: received.path,
    query: received.query ?? {},
    headers,
    // smithy signs UNSIGNED-PAYLOAD for a body that is neither a string nor bytes.
    body: received.body === 'unsigned' ? { stream: true } : received.body,
  })
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  )
  if (date !== amzDate.slice(0, 8)) throw new Error('scope date differs from x-amz-date')
  const signed = await signer.sign(request, { signingDate })
  return String(signed.headers.authorization)
}
