// Turns what a fetch user has (a Request, or { method, url, headers, body }) into request parts, reading the
// body at most once and keeping it so the signed request carries exactly the bytes that were hashed.
import { TOKEN, type RequestParts } from './engine.js'
import { fail } from './errors.js'
import { inferScope } from './infer.js'
import { isRecord, type SignOptions } from './options.js'
import { serviceRules } from './rules.js'
import { isBytes } from './webcrypto.js'

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

/**
 * Parses and checks a URL: http(s) for requests, ws(s) too for presigned URLs.
 *
 * @example
 * parseUrl('wss://example.amazonaws.com/mqtt').protocol // 'wss:'
 * parseUrl('ftp://x/') // throws ERR_INVALID_URL
 */
export function parseUrl(url: string | URL): URL {
  let parsed: URL | undefined
  let cause: unknown
  try {
    parsed = new URL(url)
  } catch (error) {
    // The parser's error quotes the URL, which may hold a password: keep it only when there is none to leak.
    if (!(typeof url === 'string' && url.includes('@'))) cause = error
  }
  if (!parsed || !/^(http|ws)s?:$/.test(parsed.protocol)) {
    fail('ERR_INVALID_URL', 'Pass an absolute http(s) or ws(s) URL', cause)
  }
  if (parsed.username || parsed.password) {
    fail('ERR_INVALID_URL', 'Remove the user name and password from the URL')
  }
  return parsed
}

/** Methods fetch refuses to send (the Fetch standard's forbidden methods). */
const FORBIDDEN_METHOD = /^(CONNECT|TRACE|TRACK)$/i

/**
 * Whether a URL string's path holds a `.` or `..` segment (also percent-encoded as `%2e`), read from the string
 * itself: the WHATWG URL parser resolves such segments, so the parsed URL no longer shows them.
 *
 * @example
 * hasDotSegments('https://b.s3.amazonaws.com/a/../b') // true
 * hasDotSegments('https://b.s3.amazonaws.com/a..b') // false
 */
export function hasDotSegments(url: string): boolean {
  // The parser drops tabs and line breaks anywhere and treats \ as / in http(s) and ws(s) URLs.
  const path = url
    .replace(/[\t\n\r]/g, '')
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:[\\/]*[^\\/?#]*/i, '')
    .split(/[?#]/)[0]!
  return path.split(/[\\/]/).some((segment) => /^(\.|%2e){1,2}$/i.test(segment))
}

/**
 * Builds the Request to send: a RequestInit field that fetch refuses (a bad `redirect`, `mode`, `signal`, ...)
 * becomes a typed error.
 *
 * @example
 * const request = buildRequest(url, { method: 'PUT', headers, body })
 */
export function buildRequest(input: Request | URL, init: RequestInit): Request {
  try {
    return new Request(input, init)
  } catch (error) {
    fail('ERR_INVALID_REQUEST', 'Fix the request options (redirect, signal, ...): see cause', error)
  }
}

/**
 * Reads a Request (or request-like object) once into request parts. The input is never modified:
 * a Request's body is read from a clone.
 *
 * @example
 * const { parts, body } = await prepareRequest({ url, method: 'POST', body: 'x' }, options)
 */
export async function prepareRequest(input: Request | RequestLike, options: SignOptions): Promise<PreparedRequest> {
  if (!isRecord(input)) fail('ERR_INVALID_REQUEST', 'Pass a Request or { url, ... }')
  const isRequest = input instanceof Request
  if (isRequest && input.bodyUsed) fail('ERR_BODY_USED', 'Sign the request before reading its body')
  const url = parseUrl(input.url)
  const {
    url: _url,
    method: _method,
    headers: _headers,
    body: rawBody,
    ...init
  } = (isRequest ? {} : input) as RequestLike
  // A Request's method is already normalised; fetch upper-cases the standard methods of a request-like object.
  const given: unknown = input.method ?? 'GET'
  if (typeof given !== 'string' || !TOKEN.test(given)) {
    fail('ERR_INVALID_REQUEST', 'Set the method to an HTTP token such as GET')
  }
  if (FORBIDDEN_METHOD.test(given)) {
    fail('ERR_INVALID_REQUEST', `fetch cannot send ${given}: use signParts`)
  }
  const method = /^(delete|get|head|options|post|put)$/i.test(given) ? given.toUpperCase() : given
  const noBody = /^(GET|HEAD)$/.test(method)
  let headers: Headers
  try {
    headers = new Headers(input.headers)
  } catch (error) {
    fail('ERR_INVALID_HEADER', 'Fix the headers: see error.cause', error)
  }
  const source = isRequest ? input.clone() : undefined
  // The hash comes from elsewhere when any of these is set, so a Request's body is never read.
  const hashKnown =
    options?.unsignedPayload || options?.payloadHash !== undefined || headers.has('x-amz-content-sha256')
  let body: BodyInit | null | undefined = source ? source.body : rawBody
  let hashed: RequestParts['body'] = null
  // Firefox has no Request.prototype.body: there, read any request that may carry one.
  if (source ? !hashKnown && (body || (!('body' in source) && !noBody)) : body != null) {
    if (noBody) fail('ERR_INVALID_REQUEST', `Remove the body of this ${method} request`)
    // A stream given as a body is passed through unread; the signer decides whether it may go unsigned.
    if (typeof body == 'string' || isBytes(body)) {
      // The common case, kept off the slower Response round trip: hashed and sent as given.
      if (typeof body == 'string' && !headers.has('content-type'))
        headers.set('content-type', 'text/plain;charset=UTF-8')
    } else if (source || !(body instanceof ReadableStream)) {
      // Anything else is read once, the way fetch would send it: a FormData gets its multipart boundary here
      // and the signed bytes fix it; the content type is the one fetch would set (text/plain for a string).
      const reader = source ?? bodyReader(body)
      const type = typeof body == 'string' ? 'text/plain;charset=UTF-8' : reader.headers.get('content-type')
      if (type && !headers.has('content-type')) headers.set('content-type', type)
      // WebKit cannot read back a FormData that holds a file (InvalidStateError): a typed error, not a bare DOMException.
      body = await reader
        .arrayBuffer()
        .catch((error) =>
          fail(source ? 'ERR_BODY_USED' : 'ERR_BODY_NOT_HASHABLE', 'Pass the body as bytes: see cause', error),
        )
    } else if (
      new Request('http://x/', {
        method: 'POST',
        body: new ReadableStream(),
        duplex: 'half',
      } as RequestInit).headers.has('content-type')
    ) {
      // Firefox cannot send a stream body: its Request would send the text "[object ReadableStream]" instead.
      fail('ERR_STREAM_BODY_UNSUPPORTED', 'This runtime cannot send a stream body: pass bytes or a Blob')
    }
    hashed = body as RequestParts['body']
  }
  if (typeof input.url === 'string' && hasDotSegments(input.url)) refuseLiteralDotSegments(url, options)
  return {
    url,
    parts: { method, host: url.host, path: url.pathname, query: url.search.slice(1), headers, body: hashed },
    body: body ?? null,
    // Destructured from {} for a Request: nothing to carry over, the clone keeps its own settings.
    init,
    source,
  }
}

function bodyReader(body: unknown): Response {
  try {
    return new Response(body as BodyInit)
  } catch (error) {
    fail('ERR_BODY_NOT_HASHABLE', 'Pass the body as a string, bytes, Blob or stream', error)
  }
}

/**
 * A service that signs the path as sent (S3: the path is the object key) would get a different key than the one
 * written, because the URL parser resolved the `.`/`..` segments: refuse, and point to the parts API.
 */
function refuseLiteralDotSegments(url: URL, options: SignOptions): void {
  const given: Partial<SignOptions> = isRecord(options) ? options : {}
  const service = given.service ?? inferScope(url.host, url.pathname).service
  if (typeof service === 'string' && !serviceRules(service, given).normalizePath) {
    fail('ERR_INVALID_URL', "The URL parser removes the path's . and .. segments: use signParts or presignParts")
  }
}
