// The signing pipeline shared by header signing, presigning and SigV4a: one place that puts the steps together.
import { canonicalHeaders, canonicalPath, canonicalQuery, canonicalRequest, queryPairs, stringToSign, type HeaderEntry } from './canonical.js'
import { uriEncode } from './encoding.js'
import { fail } from './errors.js'
import { resolveOptions, type SignOptions } from './options.js'
import { isUnsignedHeader } from './rules.js'
import { signingKey, type Credentials } from './signing-key.js'
import { hmac, sha256Hex, toHex, type Bytes } from './webcrypto.js'

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
  signature(stringToSign: string, credentials: Credentials, date: string, region: string, service: string): Promise<string>
}

/** SigV4: HMAC-SHA256 with the derived signing key. */
export const SIGV4: SigningAlgorithm = {
  name: 'AWS4-HMAC-SHA256',
  scope: (date, region, service) => `${date}/${region}/${service}/aws4_request`,
  params: [],
  signature: async (text, credentials, date, region, service) => toHex(await hmac(await signingKey(credentials, date, region, service), text)),
}

/** SHA-256 of the empty string, the payload hash of a request without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * Signs request parts with an algorithm, into the Authorization header or (with `expiresIn`) into the query.
 * `signParts` and `presignParts` are the public faces of this.
 */
export async function signWith(parts: RequestParts, options: SignOptions, algorithm: SigningAlgorithm, expiresIn?: number): Promise<SignedParts> {
  const { method, host, path, query = '', body } = parts
  if (!TOKEN.test(method)) fail('ERR_INVALID_REQUEST', `The method "${method}" is not an HTTP method token: use e.g. "GET" or "POST"`)
  if (!host || /[\s/?#@]/.test(host)) fail('ERR_INVALID_REQUEST', `The host "${host}" is not a host name: give the Host header value, e.g. "sts.amazonaws.com"`)
  if (typeof path !== 'string' || path[0] !== '/') fail('ERR_INVALID_REQUEST', `The path "${path}" must start with "/"`)
  const headers = validHeaders(parts.headers ?? [])
  const { credentials, region, service, amzDate, rules, unsignedPayload, ...resolved } = await resolveOptions(options, host, path)
  const date = amzDate.slice(0, 8)
  const scope = algorithm.scope(date, region, service)
  const presigning = expiresIn !== undefined
  const token = credentials.sessionToken
  const signToken = token && rules.signSessionToken

  const contentSha256 = headers.find(([name]) => name.toLowerCase() === 'x-amz-content-sha256')?.[1]
  const payloadHash =
    resolved.payloadHash ??
    (unsignedPayload || (presigning && rules.presignUnsignedPayload) ? UNSIGNED_PAYLOAD : contentSha256?.trim() ?? (await bodyHash(body, rules.streamUnsignedPayload)))

  // Values signing adds: headers when signing the header, query parameters when presigning.
  const added: Array<[string, string]> = presigning
    ? [
        ['X-Amz-Algorithm', algorithm.name],
        ['X-Amz-Credential', credentials.accessKeyId + '/' + scope],
        ['X-Amz-Date', amzDate],
        ['X-Amz-Expires', String(expiresIn)],
      ]
    : [['x-amz-date', amzDate]]
  // A literal payload hash (UNSIGNED-PAYLOAD, STREAMING-...) cannot be recomputed from the body: the service must be told.
  if (!presigning && (rules.signContentSha256 || !/^[0-9a-f]{64}$/.test(payloadHash))) added.push(['x-amz-content-sha256', payloadHash])
  for (const [name, value] of algorithm.params) added.push([presigning ? name : name.toLowerCase(), value])
  const tokenName = presigning ? 'X-Amz-Security-Token' : 'x-amz-security-token'
  if (signToken) added.push([tokenName, token])

  const replaced = new Set(['host', 'authorization', ...(presigning ? [] : added.map(([name]) => name))])
  if (token && !presigning) replaced.add(tokenName)
  const kept = headers.filter(([name]) => !replaced.has(name.toLowerCase()))
  const signable = kept.filter(([name]) => !isUnsignedHeader(name))
  const { canonicalHeaders: headerBlock, signedHeaders } = canonicalHeaders([['host', host], ...signable, ...(presigning ? [] : added)])

  const pairs = queryPairs(query)
  if (presigning) {
    added.push(['X-Amz-SignedHeaders', signedHeaders])
    for (const [name, value] of added) pairs.push([name, uriEncode(value)])
  }
  const canonical = canonicalRequest({
    method,
    path: canonicalPath(path, { normalize: rules.normalizePath, encode: rules.encodePath }),
    query: canonicalQuery(pairs),
    canonicalHeaders: headerBlock,
    signedHeaders,
    payloadHash,
  })
  const text = stringToSign(algorithm.name, amzDate, scope, await sha256Hex(canonical))
  const signature = await algorithm.signature(text, credentials, date, region, service)

  // The token goes on after signing when the service wants it unsigned (IoT).
  const after: Array<[string, string]> = token && !signToken ? [[tokenName, token]] : []
  let outQuery = query
  const outHeaders: Array<[string, string]> = kept.map(([name, value]) => [name, value])
  if (presigning) {
    added.push(...after, ['X-Amz-Signature', signature])
    outQuery = [query, ...added.map(([name, value]) => name + '=' + uriEncode(value))].filter(Boolean).join('&')
  } else {
    outHeaders.push(...added, ...after, ['authorization', `${algorithm.name} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`])
  }
  return {
    method,
    host,
    path,
    query: outQuery,
    headers: outHeaders,
    canonicalRequest: canonical,
    stringToSign: text,
    signature,
    signedHeaders,
    credentialScope: scope,
    payloadHash,
    amzDate,
  }
}

function validHeaders(headers: Iterable<HeaderEntry>): HeaderEntry[] {
  const list: HeaderEntry[] = []
  for (const entry of headers) {
    const [name, value] = entry
    if (typeof name !== 'string' || !TOKEN.test(name)) fail('ERR_INVALID_HEADER', `The header name "${name}" cannot be sent: use letters, digits and - only`)
    // A value may be folded onto continuation lines (obs-fold) but must not smuggle a new line or NUL.
    if (typeof value !== 'string' || /[\0]|\r(?!\n[ \t])|(?<!\r)\n(?![ \t])/.test(value)) {
      fail('ERR_INVALID_HEADER', `The value of header "${name}" cannot be sent: remove line breaks and NUL characters`)
    }
    list.push(entry)
  }
  return list
}

async function bodyHash(body: RequestParts['body'], streamUnsigned: boolean): Promise<string> {
  if (body == null) return EMPTY_SHA256
  if (streamUnsigned && body instanceof ReadableStream) return UNSIGNED_PAYLOAD
  if (typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    return (typeof body === 'string' ? body.length : body.byteLength) ? sha256Hex(body) : EMPTY_SHA256
  }
  fail('ERR_BODY_NOT_HASHABLE', 'This body cannot be hashed before it is sent (a stream?): pass a string or bytes, or set options.unsignedPayload (or options.payloadHash)')
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
