// Entry points that take the signing algorithm (SigV4 or SigV4a). The public functions of sign.ts, presign.ts,
// sigv4a.ts and client.ts are these with an algorithm chosen; this module is not part of the documented API.
import { DEFAULT_EXPIRES_IN, MAX_EXPIRES_IN } from './constants.js'
import { presignQuery, signHeaders, type RequestParts, type SignedParts, type SigningAlgorithm } from './engine.js'
import { fail } from './errors.js'
import { hoistHeaders } from './header-options.js'
import { isRecord, type PresignOptions, type SignOptions } from './options.js'
import { checkParts } from './parts.js'
import { buildRequest, prepareRequest, type RequestLike } from './request.js'

/** A signed Request and the steps that signed it. */
export interface SignedRequest {
  request: Request
  signed: SignedParts
}

/** Signs request parts into the Authorization header with an algorithm. */
export async function signPartsWith(
  parts: RequestParts,
  options: SignOptions,
  algorithm: SigningAlgorithm,
): Promise<SignedParts> {
  return signHeaders(checkParts(parts), options, algorithm)
}

/** Presigns request parts into the query with an algorithm. */
export async function presignPartsWith(
  parts: RequestParts,
  options: PresignOptions,
  algorithm: SigningAlgorithm,
): Promise<SignedParts> {
  const expiresIn = expiresInOf(options)
  // x-amz-* headers move into the query first (header-options.ts), after the parts are checked.
  return presignQuery(hoistHeaders(checkParts(parts), options), options, algorithm, expiresIn)
}

/** Signs a Request (or request-like object) with an algorithm and rebuilds it with the same body bytes. */
export async function signRequestWith(
  input: Request | RequestLike,
  options: SignOptions,
  algorithm: SigningAlgorithm,
): Promise<SignedRequest> {
  const prepared = await prepareRequest(input, options)
  const signed = await signHeaders(prepared.parts, options, algorithm)
  const init: RequestInit & { duplex?: 'half' } = {
    ...prepared.init,
    method: signed.method,
    headers: headersInit(signed.headers),
  }
  if (prepared.body !== null) init.body = prepared.body
  // fetch wants a stream body marked half-duplex; other bodies go without it (it slows each Request build in workerd).
  if (prepared.body instanceof ReadableStream) init.duplex = 'half'
  // Built from the clone of a Request, so every other property (signal, mode, credentials, ...) carries over.
  return { request: buildRequest(prepared.source ?? prepared.href, init), signed }
}

/** Presigns a Request, request-like object or URL with an algorithm into a URL. */
export async function presignRequestWith(
  input: Request | RequestLike | string | URL,
  options: PresignOptions,
  algorithm: SigningAlgorithm,
): Promise<URL> {
  const expiresIn = expiresInOf(options)
  const request = typeof input === 'string' || input instanceof URL ? { url: input } : input
  const { parts, url } = await prepareRequest(request, options)
  // `url` is prepareRequest's own parse of the input, never the caller's object: it can carry the result.
  // x-amz-* headers move into the query first (header-options.ts).
  url.search = (await presignQuery(hoistHeaders(parts, options), options, algorithm, expiresIn)).query
  return url
}

function expiresInOf(options: PresignOptions): number {
  const expiresIn: unknown = isRecord(options) ? options.expiresIn : undefined
  if (expiresIn === undefined) return DEFAULT_EXPIRES_IN
  if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
    fail('ERR_INVALID_EXPIRES', `Set options.expiresIn to 1..${MAX_EXPIRES_IN} seconds (7 days)`)
  }
  return expiresIn
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
