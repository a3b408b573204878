// Entry points that take the signing algorithm (SigV4 or SigV4a). The public functions of sign.ts, presign.ts,
// sigv4a.ts and client.ts are these with an algorithm chosen; this module is not part of the documented API.
import { presignQuery, signHeaders } from './engine.js'
import { hoistHeaders } from './header-options.js'
import { resolveOptions, resolvePresignOptions, type PresignOptions, type SignOptions } from './options.js'
import { checkParts } from './parts.js'
import { buildRequest, prepareRequest, type RequestLike } from './request.js'
import type { RequestParts, SignedParts, SigningAlgorithm } from './types.js'

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
  const checked = checkParts(parts)
  return signHeaders(checked, await resolveOptions(options, checked.host, checked.path), algorithm)
}

/** Presigns request parts into the query with an algorithm. */
export async function presignPartsWith(
  parts: RequestParts,
  options: PresignOptions,
  algorithm: SigningAlgorithm,
): Promise<SignedParts> {
  const checked = checkParts(parts)
  const resolved = await resolvePresignOptions(options, checked.host, checked.path)
  // x-amz-* headers move into the query first (header-options.ts), after the parts are checked.
  return presignQuery(hoistHeaders(checked, resolved.hoist), resolved, algorithm)
}

/** Signs a Request (or request-like object) with an algorithm and rebuilds it with the same body bytes. */
export async function signRequestWith(
  input: Request | RequestLike,
  options: SignOptions,
  algorithm: SigningAlgorithm,
): Promise<SignedRequest> {
  const prepared = await prepareRequest(input, (host, path) => resolveOptions(options, host, path))
  const signed = await signHeaders(prepared.parts, prepared.resolved, algorithm)
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
  const request = typeof input === 'string' || input instanceof URL ? { url: input } : input
  const { parts, url, resolved } = await prepareRequest(request, (host, path) =>
    resolvePresignOptions(options, host, path),
  )
  // `url` is prepareRequest's own parse of the input, never the caller's object: it can carry the result.
  // x-amz-* headers move into the query first (header-options.ts).
  url.search = (await presignQuery(hoistHeaders(parts, resolved.hoist), resolved, algorithm)).query
  return url
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
