// Two header options: `checksum` (S3's x-amz-checksum-<algorithm> of a whole body, with a value already computed:
// no checksum code here; the engine signs it as a header, or into a presigned URL's query) and, when presigning,
// hoisting x-amz-* headers into the query as smithy and Go do, so a presigned URL carries them instead of its user
// having to send them.
import { checksumAlgorithm, type ChecksumAlgorithm } from './checksum-algorithms.js'
import { isBase64, uriEncode } from './encoding.js'
import type { CheckedParts } from './types.js'
import { fail } from './errors.js'
import { HOISTABLE_HEADER } from './rules.js'

/** The `checksum` option: an algorithm and the body's base64 checksum in it. */
export interface ChecksumOption {
  /** The checksum's algorithm; it names the header, `x-amz-checksum-<algorithm>`. */
  algorithm: ChecksumAlgorithm
  /** The base64 checksum of the whole body (`checksum()` of webcrypto-sigv4/s3 computes it). Required by `sign`
   * and `presign`; `signWithChecksum` / `presignWithChecksum` of webcrypto-sigv4/s3 compute it when left out. */
  value?: string
}

/** Which headers presigning moves into the query (`hoistHeaders` and `unhoistableHeaders`, resolved). */
export interface HoistRule {
  /** Whether `x-amz-*` headers move at all. */
  enabled: boolean
  /** Lower-case names that stay signed headers. */
  unhoistable: readonly string[]
}

/**
 * The entry the `checksum` option adds: `x-amz-checksum-<algorithm>` (a signed header, or a query parameter of a
 * presigned URL); none without the option. (`signWithChecksum` / `presignWithChecksum` of webcrypto-sigv4/s3 add
 * `x-amz-sdk-checksum-algorithm` too, which S3 needs for uploads to Object Lock buckets.)
 *
 * @example
 * checksumEntries({ algorithm: 'crc32', value: 'y/Q5Jg==' }) // [['x-amz-checksum-crc32', 'y/Q5Jg==']]
 */
export function checksumEntries(option: ChecksumOption | undefined): Array<[string, string]> {
  if (!option) return []
  const { algorithm, value } = option
  checksumAlgorithm(algorithm, 'options.checksum.algorithm')
  // The length is left to S3, which refuses a checksum of the wrong size (400 InvalidRequest) before storing.
  if (typeof value !== 'string' || value === '' || !isBase64(value))
    fail('ERR_INVALID_OPTION', 'Set options.checksum.value to the base64 checksum of the body')
  return [['x-amz-checksum-' + algorithm, value]]
}

/**
 * Request parts to presign with (unless hoisting is off) every `x-amz-*` header but the server-side-encryption ones
 * and the unhoistable ones moved into the query, so it is signed into the URL.
 *
 * @example
 * import type { CheckedParts } from './types.js'
 * const parts: CheckedParts = {
 *   ...{ method: 'PUT', host: 'b.s3.us-east-1.amazonaws.com', path: '/k', query: '' },
 *   headers: [['x-amz-acl', 'private']],
 * }
 * hoistHeaders(parts, { enabled: true, unhoistable: [] })
 * // { ..., headers: [], query: 'x-amz-acl=private' }
 */
export function hoistHeaders(parts: CheckedParts, rule: HoistRule): CheckedParts {
  if (!rule.enabled) return parts
  const staysInHeaders = ([name]: [string, string]): boolean =>
    !HOISTABLE_HEADER.test(name) || rule.unhoistable.includes(name.toLowerCase())
  const moved = parts.headers.filter((header) => !staysInHeaders(header))
  if (moved.length === 0) return parts
  const hoisted = moved.map(([name, value]) => uriEncode(name) + '=' + uriEncode(value))
  return {
    ...parts,
    headers: parts.headers.filter(staysInHeaders),
    query: [parts.query, ...hoisted].filter((part) => part !== '').join('&'),
  }
}
