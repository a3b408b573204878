// Pure canonicalisation steps of SigV4 (no crypto): path, query, headers, canonical request, string to sign.
import { uriDecode, uriEncode } from './encoding.js'
import type { ServiceRules } from './rules.js'

/** One header as it goes on the wire; names may repeat. */
export type HeaderEntry = readonly [name: string, value: string]

/**
 * Removes `.`/`..` segments and merges repeated slashes, the way AWS services (and botocore) normalise
 * a path before signing. A trailing slash is kept when something is left.
 *
 * @example
 * normalizePath('//a/./b/../c/') // '/a/c/'
 */
export function normalizePath(path: string): string {
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '..') segments.pop()
    else if (segment && segment !== '.') segments.push(segment)
  }
  const joined = segments.join('/')
  const leading = path.startsWith('/') ? '/' : ''
  const trailing = joined && path.endsWith('/') ? '/' : ''
  return leading + joined + trailing
}

/**
 * The canonical URI: the wire path, normalised and then URI-encoded once more as the service's rules say
 * (S3 signs the path exactly as sent). The signer and `verify` both use it.
 *
 * @example
 * canonicalPath('/a%20b/../c', { normalizePath: true, encodePath: true }) // '/c'
 * canonicalPath('/a%20b', { normalizePath: true, encodePath: true }) // '/a%2520b'
 * import { serviceRules } from './rules.js'
 * canonicalPath('/a%20b', serviceRules('s3')) // '/a%20b'
 */
export function canonicalPath(path: string, rules: Pick<ServiceRules, 'normalizePath' | 'encodePath'>): string {
  const normalized = (rules.normalizePath ? normalizePath(path) : path) || '/'
  return rules.encodePath ? uriEncode(normalized, true) : normalized
}

/**
 * Splits a wire query (without `?`) into encoded `[key, value]` pairs: each part is decoded and re-encoded
 * strictly, so `%7E`, `~` and `%7e` all become `~`. `+` is a literal plus, as in the AWS SDKs.
 *
 * @example
 * queryPairs('b=2&a=%7e&a') // [['b', '2'], ['a', '~'], ['a', '']]
 */
export function queryPairs(query: string): Array<[string, string]> {
  return query
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const [key, ...value] = part.split('=')
      return [key!, value.join('=')].map((text) => uriEncode(uriDecode(text))) as [string, string]
    })
}

/**
 * The canonical query string from encoded pairs: sorted by key, then value (code-unit order).
 *
 * @example
 * canonicalQuery([['b', '2'], ['a', '1']]) // 'a=1&b=2'
 */
export function canonicalQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  // Encoded keys and values hold no NUL, and NUL sorts first: "key NUL value" orders by key, then value.
  return pairs
    .map((pair) => pair.join('\0'))
    .sort()
    .join('&')
    .replace(/\0/g, '=')
}

/** The header block of a canonical request and the list of signed header names. */
export interface CanonicalHeaders {
  /** `name:value\n` per header, sorted by name. */
  canonicalHeaders: string
  /** The sorted names joined with `;`, e.g. `host;x-amz-date`. */
  signedHeaders: string
}

/**
 * Canonical headers and the signed-header list: names lower-cased and sorted, values trimmed with inner
 * whitespace (folded lines included) collapsed, repeated names joined with `,` in order.
 *
 * @example
 * canonicalHeaders([['Host', 'h'], ['X-A', ' 1  2 '], ['x-a', '3']])
 * // { canonicalHeaders: 'host:h\nx-a:1 2,3\n', signedHeaders: 'host;x-a' }
 */
export function canonicalHeaders(headers: Iterable<HeaderEntry>): CanonicalHeaders {
  const values = new Map<string, string>()
  for (const [name, value] of headers) {
    const key = name.toLowerCase()
    const trimmed = value.trim().replace(/\s+/g, ' ')
    const earlier = values.get(key)
    values.set(key, earlier === undefined ? trimmed : earlier + ',' + trimmed)
  }
  const names = [...values.keys()].sort()
  let block = ''
  for (const name of names) block += name + ':' + values.get(name) + '\n'
  return { canonicalHeaders: block, signedHeaders: names.join(';') }
}

/**
 * Joins the canonical request (SigV4 task 1).
 *
 * @example
 * canonicalRequest('GET', '/', '', 'host:h\n', 'host', 'UNSIGNED-PAYLOAD')
 * // 'GET\n/\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD'
 */
export function canonicalRequest(
  method: string,
  path: string,
  query: string,
  canonicalHeaders: string,
  signedHeaders: string,
  payloadHash: string,
): string {
  return [method, path, query, canonicalHeaders, signedHeaders, payloadHash].join('\n')
}

/**
 * The string to sign (SigV4 task 2) from the hex SHA-256 of the canonical request.
 *
 * @example
 * const hash = 'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59' // of the canonical request
 * stringToSign('AWS4-HMAC-SHA256', '20150830T123600Z', '20150830/us-east-1/iam/aws4_request', hash)
 */
export function stringToSign(algorithm: string, amzDate: string, scope: string, canonicalRequestHash: string): string {
  return [algorithm, amzDate, scope, canonicalRequestHash].join('\n')
}

/**
 * The string to sign of a chained signature (an aws-chunked frame or trailer, an event-stream message): the
 * algorithm, time and scope, then the previous signature, then the hashes that this link covers.
 *
 * @example
 * import { CHAINED_PAYLOAD_ALGORITHM, EMPTY_SHA256 } from './constants.js'
 * // The first chunk of the S3 documentation's aws-chunked example: 64 KiB of 'a'.
 * const scope = '20130524/us-east-1/s3/aws4_request'
 * const seedSignature = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9'
 * const chunkHash = 'bf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a'
 * chainedStringToSign(CHAINED_PAYLOAD_ALGORITHM, '20130524T000000Z', scope, seedSignature, [EMPTY_SHA256, chunkHash])
 */
export function chainedStringToSign(
  algorithm: string,
  amzDate: string,
  scope: string,
  previousSignature: string,
  hashes: readonly string[],
): string {
  return [algorithm, amzDate, scope, previousSignature, ...hashes].join('\n')
}
