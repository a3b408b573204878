// Turns what a fetch user has (a Request, or { method, url, headers, body }) into request parts, reading the
// body at most once and keeping it so the signed request carries exactly the bytes that were hashed.
import { CONTENT_SHA256_HEADER, HTTP_TOKEN } from './constants.js'
import { isBytes, utf8Body } from './encoding.js'
import { fail } from './errors.js'
import { isRecord, type ResolvedOptions } from './options.js'
import type { ServiceRules } from './rules.js'
import type { CheckedParts, RequestParts } from './types.js'

/** A request as fetch users write it: `url` plus the usual RequestInit fields. */
export interface RequestLike extends Omit<RequestInit, 'headers' | 'body' | 'method'> {
  /** An absolute http(s) URL (ws(s) too when presigning), without a user name or password. */
  url: string | URL
  /**
   * The HTTP method, an HTTP token; the standard ones are upper-cased as fetch does.
   * @default 'GET'
   */
  method?: string
  /** The headers to send and sign, in any form `new Headers()` takes. */
  headers?: HeadersInit
  /** The body, hashed as fetch sends it (a string as UTF-8); a stream goes through unread, signed as
   * `UNSIGNED-PAYLOAD` where the service allows that (see `sign`). */
  body?: BodyInit | null
}

/** The parts to sign plus what is needed to rebuild the request afterwards, and the options resolved for it. */
export interface PreparedRequest<Resolved extends ResolvedOptions = ResolvedOptions> {
  resolved: Resolved
  url: URL
  /** The URL as given, for the Request to send: a Request parses a string faster than it serialises a URL. */
  href: string
  parts: CheckedParts
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
 * Whether the URL parser would send a path other than the one written in this URL string: it resolves `.` and `..`
 * segments (also written `%2e`), reads `\` as `/`, drops tabs and line breaks anywhere, and trims spaces and control
 * characters off the end. The parsed URL no longer shows any of this, so only the string as given can tell.
 *
 * @example
 * parserRewritesPath('https://b.s3.amazonaws.com/uploads/alice/../bob/a.png') // true
 * parserRewritesPath('https://b.s3.amazonaws.com/a\\b') // true: sent as /a/b
 * parserRewritesPath('https://b.s3.amazonaws.com/a..b') // false
 */
export function parserRewritesPath(url: string): boolean {
  if (/[\t\n\r]/.test(url)) return true
  let start = 0
  while (start < url.length && url.charCodeAt(start) <= LAST_TRIMMED_CODE) start++
  const afterAuthority = url.slice(start).replace(/^[a-z][a-z0-9+.-]*:[\\/]*[^\\/?#]*/i, '')
  const path = afterAuthority.split(/[?#]/)[0]!
  if (path.includes('\\')) return true
  if (path === afterAuthority && path.length > 0 && path.charCodeAt(path.length - 1) <= LAST_TRIMMED_CODE) return true
  return path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))
}

/** The URL parser trims C0 control characters and spaces (U+0000 to U+0020) off both ends of a URL. */
const LAST_TRIMMED_CODE = 0x20

/**
 * The one rule of every S3 path (`sign`, `presign`, `AwsClient`, the uploads): a service that signs the path as
 * sent, where the path is an object key, gets the key as written or nothing. A URL string whose path the parser
 * would rewrite (see {@link parserRewritesPath}) is refused, so no request reaches a key other than the given one:
 * `uploads/alice/../../users/bob/a.png` is not sent to `users/bob/a.png`. `rules` are those of the service signed
 * for (see `resolveScope`); services that normalise the path are left alone.
 *
 * @example
 * import { serviceRules } from './rules.js'
 * refuseRewrittenKey('https://b.s3.us-east-1.amazonaws.com/a/../b', serviceRules('s3')) // throws ERR_INVALID_URL
 */
export function refuseRewrittenKey(url: string, rules: Pick<ServiceRules, 'normalizePath'>): void {
  if (rules.normalizePath || !parserRewritesPath(url)) return
  fail(
    'ERR_INVALID_URL',
    'The URL parser would change this S3 key (. and .. segments, also as %2e, \\, tabs, line breaks, trailing ' +
      'spaces): rename the key, or use signParts or presignParts and a client that sends the path as written',
  )
}

/**
 * Builds the Request to send: a RequestInit field that fetch refuses (a bad `redirect`, `mode`, `signal`, ...)
 * becomes a typed error.
 *
 * @example
 * const request = buildRequest(url, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' })
 */
export function buildRequest(input: Request | string, init: RequestInit): Request {
  try {
    return new Request(input, init)
  } catch (error) {
    fail('ERR_INVALID_REQUEST', 'Fix the request options (redirect, signal, ...): see cause', error)
  }
}

/**
 * Reads a Request (or request-like object) once into request parts, with the options resolved for its host and
 * path by `resolve` (they tell whether the body must be read, and whether the path is an S3 key). The input is never
 * modified: a Request's body is read from a clone.
 *
 * @example
 * import { resolveOptions } from './options.js'
 * const { parts, body, resolved } = await prepareRequest({ url, method: 'POST', body: 'x' }, (host, path) =>
 *   resolveOptions({ credentials }, host, path),
 * )
 */
export async function prepareRequest<Resolved extends ResolvedOptions>(
  input: Request | RequestLike,
  resolve: (host: string, path: string) => Promise<Resolved>,
): Promise<PreparedRequest<Resolved>> {
  if (!isRecord(input)) fail('ERR_INVALID_REQUEST', 'Pass a Request or { url, ... }')
  const source = input instanceof Request ? input : undefined
  if (source?.bodyUsed) fail('ERR_BODY_USED', 'Sign the request before reading its body')
  const url = parseUrl(input.url)
  const method = methodOf(input.method)
  const headers = headerEntries(input.headers)
  const resolved = await resolve(url.host, url.pathname)
  // Only a string still shows the path as written: the parsed URL has lost its dot segments.
  if (typeof input.url === 'string') refuseRewrittenKey(input.url, resolved.rules)
  const clone = source?.clone()
  const hashIsKnown = hashKnown(resolved, headers)
  const pending = clone
    ? requestBody(clone, method, hashIsKnown)
    : requestLikeBody(input.body, method, headers, hashIsKnown)
  // A string or bytes body is ready at once: no await (one step less for most signatures).
  const body = pending instanceof Promise ? await pending : pending
  return {
    resolved,
    url,
    href: typeof input.url === 'string' ? input.url : url.href,
    parts: {
      method,
      host: url.host,
      path: url.pathname,
      query: url.search.slice(1),
      headers,
      body: body.hashed,
    },
    body: body.sent,
    // A Request's own settings are kept by rebuilding from its clone; a request-like object's are copied.
    init: source ? {} : requestInitOf(input),
    source: clone,
  }
}

/** The content type fetch gives a string body. */
const TEXT_CONTENT_TYPE = 'text/plain;charset=UTF-8'
/** Methods whose requests carry no body. */
const BODILESS_METHOD = /^(GET|HEAD)$/

/** A body as it is hashed, and as it is sent. */
interface PreparedBody {
  hashed: RequestParts['body']
  sent: BodyInit | null
}

function methodOf(given: unknown = 'GET'): string {
  if (typeof given !== 'string' || !HTTP_TOKEN.test(given)) {
    fail('ERR_INVALID_REQUEST', 'Set the method to an HTTP token such as GET')
  }
  if (FORBIDDEN_METHOD.test(given)) fail('ERR_INVALID_REQUEST', `fetch cannot send ${given}: use signParts`)
  // fetch upper-cases the standard methods of a request-like object (a Request's method is already normalised).
  return /^(delete|get|head|options|post|put)$/i.test(given) ? given.toUpperCase() : given
}

/**
 * `new Headers(given)`, with a typed error that names the bad header. The runtime's own TypeError is not kept: it
 * quotes the offending value, which may be a token.
 *
 * @example
 * headersOf({ 'content-type': 'text/plain' }).get('content-type') // 'text/plain'
 * headersOf({ 'bad name': 'x' }) // throws ERR_INVALID_HEADER
 */
export function headersOf(given: HeadersInit | undefined): Headers {
  try {
    return new Headers(given)
  } catch {
    fail(
      'ERR_INVALID_HEADER',
      'Fix the headers: [name, value] pairs or a record, each name an HTTP token, no line break or NUL in a value',
    )
  }
}

/**
 * The headers as `new Headers(given)` reads them: lower-case names in order, values trimmed, a name given twice
 * (in two cases) joined. A plain record of header names and string values that need none of that (the usual
 * `{ 'content-type': ... }`) is read directly, which is several times faster than building a Headers object in
 * every runtime; anything else goes through `new Headers()` (see {@link headersOf}), so both give the same list.
 *
 * @example
 * headerEntries({ 'X-Amz-Target': 'Kinesis_20131202.PutRecord', 'content-type': 'application/x-amz-json-1.1' })
 * // [['content-type', 'application/x-amz-json-1.1'], ['x-amz-target', 'Kinesis_20131202.PutRecord']]
 */
export function headerEntries(given: HeadersInit | undefined): Array<[string, string]> {
  if (given === undefined) return []
  return (isPlainRecord(given) && plainRecordEntries(given)) || [...headersOf(given)]
}

/**
 * A value every runtime's `new Headers()` keeps as it is: visible ASCII, with spaces and tabs only inside (others,
 * such as Latin-1 text or a leading space, take the Headers path).
 */
const PLAIN_HEADER_VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?$/

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** The entries of a plain header record, or undefined when `new Headers()` would change or refuse any of it. */
function plainRecordEntries(record: Record<string, unknown>): Array<[string, string]> | undefined {
  // A symbol key makes `new Headers()` throw: that path gives the typed error.
  if (Object.getOwnPropertySymbols(record).length > 0) return undefined
  const entries: Array<[string, string]> = []
  for (const name of Object.keys(record)) {
    const value = record[name]
    if (typeof value !== 'string' || !HTTP_TOKEN.test(name) || !PLAIN_HEADER_VALUE.test(value)) return undefined
    entries.push([name.toLowerCase(), value])
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  // The same name in two cases is joined by Headers: left to it.
  for (let index = 1; index < entries.length; index++)
    if (entries[index]![0] === entries[index - 1]![0]) return undefined
  return entries
}

/** Whether a lower-case header list holds a name. */
function hasHeader(headers: ReadonlyArray<readonly [string, string]>, name: string): boolean {
  return headers.some(([given]) => given === name)
}

/** Whether the payload hash comes from elsewhere, so that a Request's body need not be read. */
function hashKnown(resolved: ResolvedOptions, headers: Array<[string, string]>): boolean {
  return resolved.unsignedPayload || resolved.payloadHash !== undefined || hasHeader(headers, CONTENT_SHA256_HEADER)
}

/** A Request's body: read once from its clone (the bytes hashed are the bytes sent), unless its hash is known. */
async function requestBody(clone: Request, method: string, hashIsKnown: boolean): Promise<PreparedBody> {
  if (hashIsKnown) return { hashed: null, sent: clone.body ?? null }
  // Where a Request shows no body stream (Firefox), any request that may carry a body is read.
  const mayHaveBody = requestsExposeBody() ? clone.body !== null : !BODILESS_METHOD.test(method)
  if (!mayHaveBody) return { hashed: null, sent: null }
  const bytes = await clone
    .arrayBuffer()
    .catch((error: unknown) => fail('ERR_BODY_USED', 'Pass the body as bytes: see cause', error))
  return { hashed: bytes, sent: bytes }
}

/** A request-like object's body: strings, bytes and streams as given; anything else read once as fetch sends it. */
function requestLikeBody(
  body: BodyInit | null | undefined,
  method: string,
  headers: Array<[string, string]>,
  hashIsKnown: boolean,
): PreparedBody | Promise<PreparedBody> {
  if (body === undefined || body === null) return { hashed: null, sent: null }
  if (BODILESS_METHOD.test(method)) fail('ERR_INVALID_REQUEST', `Remove the body of this ${method} request`)
  // The common cases, kept off the slower Response round trip. A string is encoded once: the bytes hashed are the
  // bytes sent (a string sent as is would be encoded a second time by the Request).
  if (typeof body === 'string') {
    setDefaultContentType(headers, TEXT_CONTENT_TYPE)
    const bytes = utf8Body(body)
    return { hashed: bytes, sent: bytes }
  }
  if (isBytes(body)) return { hashed: body, sent: body }
  // A stream goes through unread; the signer decides whether it may go unsigned.
  if (body instanceof ReadableStream) {
    if (!canSendStreamBodies()) {
      fail('ERR_STREAM_BODY_UNSUPPORTED', 'This runtime cannot send a stream body: pass bytes or a Blob')
    }
    return { hashed: body, sent: body }
  }
  // A Blob whose hash is known (UNSIGNED-PAYLOAD, a given payload hash) is not read: it is sent as is, with the
  // content type fetch would give it.
  if (hashIsKnown && body instanceof Blob) {
    setDefaultContentType(headers, body.type || null)
    return { hashed: null, sent: body }
  }
  return readBody(body, headers)
}

/**
 * A Blob, FormData or URLSearchParams body, read once the way fetch would send it: a FormData gets its multipart
 * boundary here and the signed bytes fix it, with the content type fetch would set.
 */
async function readBody(body: BodyInit, headers: Array<[string, string]>): Promise<PreparedBody> {
  // A Blob (or File) is read directly, 1.5-3× faster than through a Response's stream, with the type fetch gives it.
  const reader = body instanceof Blob ? body : bodyReader(body)
  setDefaultContentType(headers, reader instanceof Blob ? reader.type || null : reader.headers.get('content-type'))
  // WebKit cannot read back a FormData that holds a file (InvalidStateError): a typed error, not a bare DOMException.
  const bytes = await reader
    .arrayBuffer()
    .catch((error: unknown) => fail('ERR_BODY_NOT_HASHABLE', 'Pass the body as bytes: see cause', error))
  // A Blob cannot change: it is sent itself, not copied into the Request as the bytes read.
  return { hashed: bytes, sent: reader === body ? body : bytes }
}

/** Adds the content type fetch would give the body (`type`, when it gives one) unless the headers have their own,
 * in name order as Headers would list it. */
function setDefaultContentType(headers: Array<[string, string]>, type: string | null): void {
  if (type === null || hasHeader(headers, 'content-type')) return
  const at = headers.findIndex(([name]) => name > 'content-type')
  headers.splice(at === -1 ? headers.length : at, 0, ['content-type', type])
}

/** The RequestInit fields of a request-like object that carry over: all but url, method, headers and body. */
function requestInitOf(input: RequestLike): Omit<RequestInit, 'headers' | 'body'> {
  const { url, method, headers, body, ...init } = input
  return init
}

let streamBodiesSupported: boolean | undefined
/**
 * Whether this runtime can send a ReadableStream as a request body. Firefox cannot: its Request would send the text
 * "[object ReadableStream]", and gives it a text content type, which is how this tells. Asked once, on first need.
 */
function canSendStreamBodies(): boolean {
  streamBodiesSupported ??= !streamProbe().headers.has('content-type')
  return streamBodiesSupported
}

/** A Request with a stream body, built only when the question above is first asked. */
function streamProbe(): Request {
  return new Request('http://localhost/', { method: 'POST', body: new ReadableStream(), duplex: 'half' } as RequestInit)
}

let requestBodiesExposed: boolean | undefined
/** Whether a Request shows its body as a stream (`Request.prototype.body`; Firefox has none). Asked once. */
function requestsExposeBody(): boolean {
  requestBodiesExposed ??= 'body' in Request.prototype
  return requestBodiesExposed
}

function bodyReader(body: unknown): Response {
  try {
    return new Response(body as BodyInit)
  } catch (error) {
    fail('ERR_BODY_NOT_HASHABLE', 'Pass the body as a string, bytes, Blob or stream', error)
  }
}
