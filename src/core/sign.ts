// The header-signing entry points of SigV4: a fetch Request, or plain request parts.
import { SIGV4 } from './engine.js'
import type { RequestParts, SignedParts } from './types.js'
import { signPartsWith, signRequestWith } from './with-algorithm.js'
import type { SignOptions } from './options.js'
import type { RequestLike } from './request.js'

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

/**
 * Signs a plain request description into the Authorization header and returns every step (canonical request,
 * string to sign, signature) with the headers to send. The path and query are signed exactly as given:
 * use this for non-fetch transports, tests and debugging.
 *
 * @example
 * const signed = await signParts(
 *   { method: 'GET', host: 'example.amazonaws.com', path: '/', headers: [['My-Header1', 'value1']] },
 *   { credentials, region: 'us-east-1', service: 'service', datetime: '2015-08-30T12:36:00Z' },
 * )
 * signed.canonicalRequest // 'GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\n...'
 * signed.headers // [['My-Header1', 'value1'], ['x-amz-date', '20150830T123600Z'], ['authorization', '...']]
 */
export function signParts(parts: RequestParts, options: SignOptions): Promise<SignedParts> {
  return signPartsWith(parts, options, SIGV4)
}
