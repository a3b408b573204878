import { SIGV4, signCheckedWith, type SignedParts, type SigningAlgorithm } from './engine.js'
import type { SignOptions } from './options.js'
import { buildRequest, prepareRequest, type RequestLike } from './request.js'

/**
 * Signs a request with any algorithm and rebuilds it with the signed headers and the same body bytes.
 *
 * @example
 * const { request, signed } = await signRequestWith({ url }, { credentials }, SIGV4)
 * console.log(signed.canonicalRequest)
 */
export async function signRequestWith(
  input: Request | RequestLike,
  options: SignOptions,
  algorithm: SigningAlgorithm,
): Promise<{ request: Request; signed: SignedParts }> {
  const { parts, source, body, url, init } = await prepareRequest(input, options)
  const signed = await signCheckedWith(parts, options, algorithm)
  // Built from the clone so every other property (signal, mode, credentials, ...) carries over.
  const request = buildRequest(source ?? url, {
    ...init,
    method: signed.method,
    headers: headersInit(signed.headers),
    ...(body != null && { body, duplex: 'half' }),
  } as RequestInit)
  return { request, signed }
}

/**
 * The headers as a record where that is safe, else as pairs. A record is copied into a Request about 2.5× faster
 * than a list of pairs in workerd; the pairs stay for a repeated name (a Headers object yields set-cookie once per
 * value) and for `__proto__`, which Node's Headers drops from a record.
 */
function headersInit(headers: Array<[string, string]>): HeadersInit {
  const record: Record<string, string> = {}
  for (const [name, value] of headers) {
    if (name === '__proto__' || Object.hasOwn(record, name)) return headers
    record[name] = value
  }
  return record
}

/**
 * Signs a request with AWS Signature Version 4 into the `authorization` header and returns a new `Request`
 * (the input is not modified). The body is read once; the returned request carries the same bytes.
 * Adds `x-amz-date`, `x-amz-security-token` (with a session token) and `x-amz-content-sha256` (S3, or when
 * `signContentSha256` is set).
 *
 * @example
 * const request = await sign(
 *   {
 *     method: 'POST',
 *     url: 'https://kinesis.us-east-1.amazonaws.com/',
 *     headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' },
 *     body: JSON.stringify({ StreamName: 'events', PartitionKey: 'a', Data: btoa('hello') }),
 *   },
 *   { credentials: { accessKeyId, secretAccessKey, sessionToken } },
 * )
 * const response = await fetch(request)
 */
export async function sign(input: Request | RequestLike, options: SignOptions): Promise<Request> {
  return (await signRequestWith(input, options, SIGV4)).request
}
