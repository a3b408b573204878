// The signing pipeline shared by header signing, presigning and SigV4a: one place that puts the steps together.
import { canonicalHeaders, canonicalPath, canonicalQuery, queryPairs, type HeaderEntry } from './canonical.js'
import { uriEncode } from './encoding.js'
import { fail } from './errors.js'
import { checksumEntries } from './header-options.js'
import { resolveOptions, type SignOptions } from './options.js'
import { isUnsignedHeader } from './rules.js'
import { signingKey, type Credentials } from './signing-key.js'
import { hmac, isBytes, sha256Hex, toHex, type Bytes } from './webcrypto.js'

/**
 * A request as it goes on the wire, for transports other than fetch and for debugging: nothing here is
 * normalised by a URL parser.
 */
export interface RequestParts {
  /** HTTP method, sent as given (`GET`, `POST`, ...). */
  method: string
  /** The Host header value: host name, plus `:port` when it is not the scheme's default. */
  host: string
  /** The path exactly as it goes on the wire, e.g. `/a%20b/c` (raw characters are encoded when signing). */
  path: string
  /** The query as it goes on the wire, without `?` (e.g. `a=1&b=%20`). */
  query?: string
  /** Headers in order; names may repeat (their values are joined with `,`). */
  headers?: Iterable<HeaderEntry>
  /** The body, when its hash is needed. A stream is never read: it is signed as `UNSIGNED-PAYLOAD` where the
   * service allows that (S3), and refused otherwise unless `unsignedPayload` or `payloadHash` is set. */
  body?: string | Bytes | ReadableStream | null
}

/** The outcome of signing request parts, with every intermediate step for inspection. */
export interface SignedParts {
  method: string
  host: string
  path: string
  /** The query to send, without `?` (with the `X-Amz-*` parameters when presigned). */
  query: string
  /** The headers to send: the input's plus those signing added (`authorization`, `x-amz-date`, ...). */
  headers: Array<[string, string]>
  canonicalRequest: string
  stringToSign: string
  /** Hex signature (HMAC-SHA256 for SigV4, DER ECDSA for SigV4a). */
  signature: string
  /** `host;x-amz-date;...` */
  signedHeaders: string
  /** `YYYYMMDD/region/service/aws4_request` */
  credentialScope: string
  payloadHash: string
  /** `YYYYMMDDTHHMMSSZ` */
  amzDate: string
}

/** What differs between SigV4 and SigV4a: the algorithm name, scope, extra signed values and the signature. */
export interface SigningAlgorithm {
  name: string
  scope(date: string, region: string, service: string): string
  /** Extra authentication values (e.g. `X-Amz-Region-Set`): signed headers, or query parameters when presigning. */
  params: Array<[string, string]>
  signature(
    stringToSign: string,
    credentials: Credentials,
    date: string,
    region: string,
    service: string,
  ): Promise<string>
}

/**
 * SigV4: HMAC-SHA256 with the derived signing key.
 *
 * @example
 * const signed = await signWith(parts, options, SIGV4)
 */
export const SIGV4: SigningAlgorithm = {
  name: 'AWS4-HMAC-SHA256',
  scope: (...scope) => [...scope, 'aws4_request'].join('/'),
  params: [],
  signature: async (text, credentials, date, region, service) =>
    toHex(await hmac(await signingKey(credentials, date, region, service), text)),
}

/**
 * SHA-256 of the empty string, the payload hash of a request without a body.
 *
 * @example
 * signed.payloadHash === EMPTY_SHA256 // a GET without a body
 */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'

/**
 * Message of a request whose method, host or path cannot be signed (one string, shared by its checks).
 *
 * @example
 * fail('ERR_INVALID_REQUEST', BAD_REQUEST)
 */
export const BAD_REQUEST = 'Pass a method, a host and a /path'
/**
 * An HTTP token (RFC 9110): what a method or header name may be.
 *
 * @example
 * TOKEN.test('PATCH') // true
 * TOKEN.test('GE T') // false
 */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * Signs request parts with an algorithm, into the Authorization header or (with `expiresIn`) into the query.
 * `signParts` and `presignParts` are the public faces of this. The parts are checked first: a method token,
 * a host name, a path from `/`, and headers that can be sent.
 *
 * @example
 * const signed = await signWith({ method: 'GET', host: 'sts.amazonaws.com', path: '/' }, { credentials }, SIGV4)
 * const presigned = await signWith(parts, { credentials }, SIGV4, 3600) // into the query
 */
export async function signWith(
  parts: RequestParts,
  options: SignOptions,
  algorithm: SigningAlgorithm,
  expiresIn?: number,
): Promise<SignedParts> {
  const { method, host, path } = parts
  if (!TOKEN.test(method) || !host || /[\s/?#@]/.test(host) || typeof path != 'string' || path[0] != '/')
    fail('ERR_INVALID_REQUEST', BAD_REQUEST)
  const headers: Array<[string, string]> = []
  for (const [name, value] of parts.headers ?? []) {
    // A value may be folded onto continuation lines (obs-fold) but must not smuggle a new line or NUL.
    if (
      typeof name != 'string' ||
      !TOKEN.test(name) ||
      typeof value != 'string' ||
      /\0|\r(?!\n[ \t])|(?<!\r)\n(?![ \t])/.test(value)
    ) {
      fail('ERR_INVALID_HEADER', `Fix the header ${name} (no line breaks)`)
    }
    headers.push([name, value])
  }
  return signCheckedWith({ ...parts, headers }, options, algorithm, expiresIn)
}

/**
 * `signWith` for parts that are valid by construction (from a URL and a `Headers`, with a checked method):
 * the fetch-level `sign` and `presign` use it, so their bundles carry no second copy of the checks.
 *
 * @example
 * const { parts } = await prepareRequest(request, options)
 * const signed = await signCheckedWith(parts, options, SIGV4)
 */
export async function signCheckedWith(
  parts: RequestParts,
  options: SignOptions,
  algorithm: SigningAlgorithm,
  expiresIn?: number,
): Promise<SignedParts> {
  const { method, host, path, query = '', body } = parts
  // signWith passes fresh entries, and a Headers object yields new ones: the headers returned are never the caller's arrays.
  const headers = [...(parts.headers ?? [])] as Array<[string, string]>
  const { credentials, region, service, amzDate, rules } = await resolveOptions(options, host, path)
  const date = amzDate.slice(0, 8)
  const scope = algorithm.scope(date, region, service)
  const presigning = expiresIn !== undefined
  const token = credentials.sessionToken
  // The token goes on after signing when the service wants it unsigned (IoT).
  const lateToken = token && !rules.signSessionToken
  const payloadHash =
    options.payloadHash ??
    (options.unsignedPayload || (presigning && rules.unsignedPayloads)
      ? UNSIGNED_PAYLOAD
      : (headers.find(([name]) => /^x-amz-content-sha256$/i.test(name))?.[1].trim() ??
        (await bodyHash(body, rules.unsignedPayloads))))

  // Values signing adds: lower-case headers when signing the header, X-Amz-* query parameters when presigning.
  const added: Array<[string, string]> = []
  const add = (name: string, value: string): unknown => added.push([presigning ? name : name.toLowerCase(), value])
  if (presigning)
    (add('X-Amz-Algorithm', algorithm.name), add('X-Amz-Credential', credentials.accessKeyId + '/' + scope))
  add('X-Amz-Date', amzDate)
  if (presigning) add('X-Amz-Expires', '' + expiresIn)
  // A literal payload hash (UNSIGNED-PAYLOAD, STREAMING-...) cannot be recomputed from the body: the service must be told.
  else if (rules.signContentSha256 || !/^[0-9a-f]{64}$/.test(payloadHash)) add('X-Amz-Content-Sha256', payloadHash)
  for (const [name, value] of algorithm.params) add(name, value)
  if (token && !lateToken) add('X-Amz-Security-Token', token)
  // The `checksum` option (header-options.ts): signed headers, or signed into a presigned URL's query.
  for (const [name, value] of checksumEntries(options.checksum)) add(name, value)

  // Replaced, not repeated: host, authorization and (when signing the header) what signing adds.
  const replaced = [
    'host',
    'authorization',
    !presigning && token && 'x-amz-security-token',
    ...added.map(([name]) => name),
  ]
  const kept = headers.filter(([name]) => !replaced.includes(name.toLowerCase()))
  const { canonicalHeaders: headerBlock, signedHeaders } = canonicalHeaders([
    ['host', host],
    ...kept.filter(([name]) => !isUnsignedHeader(name)),
    ...(presigning ? [] : added),
  ])
  if (presigning) add('X-Amz-SignedHeaders', signedHeaders)
  const canonical = [
    method,
    canonicalPath(path, rules),
    canonicalQuery([
      ...queryPairs(query),
      ...(presigning ? added : []).map(([name, value]): [string, string] => [name, uriEncode(value)]),
    ]),
    headerBlock,
    signedHeaders,
    payloadHash,
  ].join('\n')
  const text = [algorithm.name, amzDate, scope, await sha256Hex(canonical)].join('\n')
  const signature = await algorithm.signature(text, credentials, date, region, service)
  if (lateToken) add('X-Amz-Security-Token', token)
  if (presigning) add('X-Amz-Signature', signature)
  return {
    method,
    host,
    path,
    query: presigning
      ? [query, ...added.map(([name, value]) => name + '=' + uriEncode(value))].filter(Boolean).join('&')
      : query,
    headers: presigning
      ? kept
      : [
          ...kept,
          ...added,
          [
            'authorization',
            `${algorithm.name} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
          ],
        ],
    canonicalRequest: canonical,
    stringToSign: text,
    signature,
    signedHeaders,
    credentialScope: scope,
    payloadHash,
    amzDate,
  }
}

async function bodyHash(body: RequestParts['body'], streamUnsigned: boolean): Promise<string> {
  if (streamUnsigned && body instanceof ReadableStream) return UNSIGNED_PAYLOAD
  if (body == null || typeof body == 'string' || isBytes(body))
    return (body as string)?.length || (body as ArrayBuffer)?.byteLength ? sha256Hex(body!) : EMPTY_SHA256
  fail('ERR_BODY_NOT_HASHABLE', 'Pass the body as bytes, or set unsignedPayload')
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
 * signed.headers // [['My-Header1', 'value1'], ['x-amz-date', '20150830T123600Z'], ['authorization', 'AWS4-HMAC-SHA256 ...']]
 */
export function signParts(parts: RequestParts, options: SignOptions): Promise<SignedParts> {
  return signWith(parts, options, SIGV4)
}
