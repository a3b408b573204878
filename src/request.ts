// Turns what a fetch user has (a Request, or { method, url, headers, body }) into request parts, reading the
// body at most once and keeping it so the signed request carries exactly the bytes that were hashed.
import type { RequestParts } from './engine.js'
import { fail } from './errors.js'
import type { SignOptions } from './options.js'

/** A request as fetch users write it: `url` plus the usual RequestInit fields. */
export interface RequestLike extends Omit<RequestInit, 'headers' | 'body' | 'method'> {
  url: string | URL
  method?: string
  headers?: HeadersInit
  body?: BodyInit | null
}

/** The parts to sign plus what is needed to rebuild the request afterwards. */
export interface PreparedRequest {
  url: URL
  parts: RequestParts
  /** The body to send: the bytes that were hashed, or the untouched stream. */
  body: BodyInit | null
  init: Omit<RequestInit, 'headers' | 'body'>
  source?: Request
}

const STANDARD_METHOD = /^(delete|get|head|options|post|put)$/i

/** Parses and checks a URL: http(s) for requests, ws(s) too for presigned URLs. */
export function parseUrl(url: string | URL): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (error) {
    fail('ERR_INVALID_URL', `"${url}" is not an absolute URL: give the full address, e.g. "https://sts.amazonaws.com/"`, error)
  }
  if (!/^(https?|wss?):$/.test(parsed.protocol)) fail('ERR_INVALID_URL', `The protocol "${parsed.protocol}" cannot be signed: use https:, http:, wss: or ws:`)
  return parsed
}

/**
 * Reads a Request (or request-like object) once into request parts. The input is never modified:
 * a Request's body is read from a clone.
 */
export async function prepareRequest(input: Request | RequestLike, options: SignOptions): Promise<PreparedRequest> {
  if (!input || typeof input !== 'object') fail('ERR_INVALID_REQUEST', 'Pass a Request or { url, method?, headers?, body? }')
  const isRequest = input instanceof Request
  if (isRequest && input.bodyUsed) fail('ERR_BODY_USED', 'The request body has already been read: sign before sending or reading it, or build a new Request')
  const url = parseUrl(input.url)
  const { url: _url, method: rawMethod, headers: rawHeaders, body: rawBody, ...init } = (isRequest ? {} : input) as RequestLike
  const method = isRequest ? input.method : STANDARD_METHOD.test(rawMethod ?? 'GET') ? (rawMethod ?? 'GET').toUpperCase() : rawMethod!
  let headers: Headers
  try {
    headers = new Headers(isRequest ? input.headers : rawHeaders)
  } catch (error) {
    fail('ERR_INVALID_HEADER', 'A header cannot be sent (invalid name or value): see error.cause', error)
  }
  const source = isRequest ? input.clone() : undefined
  // The hash comes from elsewhere when any of these is set, so the body is never read.
  const hashKnown = options?.unsignedPayload || options?.payloadHash !== undefined || headers.has('x-amz-content-sha256')
  let body: BodyInit | null = null
  let hashed: RequestParts['body'] = null
  // Firefox has no Request.prototype.body: there, read any request that may carry one.
  if (source?.body || (source && !('body' in source) && !/^(GET|HEAD)$/.test(method))) {
    if (hashKnown) body = source.body
    else {
      try {
        hashed = body = await source.arrayBuffer()
      } catch (error) {
        fail('ERR_BODY_USED', 'The request body could not be read: see error.cause', error)
      }
    }
  } else if (rawBody != null) {
    if (/^(GET|HEAD)$/.test(method)) fail('ERR_INVALID_REQUEST', `A ${method} request cannot have a body: remove the body or use POST/PUT`)
    if (typeof rawBody === 'string') {
      // What fetch would send: a string body defaults to text/plain.
      if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8')
      hashed = body = rawBody
    } else if (rawBody instanceof ArrayBuffer || ArrayBuffer.isView(rawBody) || rawBody instanceof ReadableStream) {
      // A stream is passed through unread; the signer decides whether it may go unsigned.
      hashed = body = rawBody
    } else {
      // Blob, FormData, URLSearchParams: serialised once, the way fetch would. A FormData gets its multipart
      // boundary here and the signed bytes fix it; the content type is the one fetch would set.
      const serialized = new Response(rawBody)
      const type = serialized.headers.get('content-type')
      if (type && !headers.has('content-type')) headers.set('content-type', type)
      try {
        hashed = body = await serialized.arrayBuffer()
      } catch (error) {
        // WebKit cannot read back a FormData that holds a file (InvalidStateError): a typed error, not a bare DOMException.
        fail('ERR_BODY_NOT_HASHABLE', 'This runtime cannot read this body to hash it (WebKit: a FormData with files): pass bytes and set content-type', error)
      }
    }
  }
  return {
    url,
    parts: { method, host: url.host, path: url.pathname, query: url.search.slice(1), headers, body: hashed },
    body,
    init: isRequest ? {} : init,
    source,
  }
}
