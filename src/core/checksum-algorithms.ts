// S3's checksum algorithms, as one table every place reads: their names, sizes and the checksum types S3 offers
// for them. No checksum code here: the core's `checksum` option (which only adds a given value) imports this, so
// no CRC or SHA code reaches a bundle that does not compute checksums.
import { fail } from './errors.js'

/** The checksum algorithms of S3, by the name of their `x-amz-checksum-<name>` header. */
export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256'

/**
 * How S3 combines part checksums into the object's: `FULL_OBJECT`, the checksum of the whole object (CRC32,
 * CRC32C, CRC64NVME), or `COMPOSITE`, the checksum of the concatenated part checksums followed by `-<parts>`
 * (CRC32, CRC32C, SHA-1, SHA-256).
 */
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE'

/** Bytes in any form: an ArrayBuffer or any view of one (Uint8Array, DataView, ...). */
export type ByteSource = ArrayBuffer | ArrayBufferView

/** What S3 says of one checksum algorithm. */
export interface ChecksumAlgorithmFacts {
  /** S3's own name: the `x-amz-checksum-algorithm` value, and `Checksum<name>` in its XML documents. */
  readonly name: string
  /** Length of the base64 checksum, as in a header or trailer (of 4, 8, 20 and 32 bytes). */
  readonly base64Length: number
  /** The checksum types S3 offers for a multipart upload; `upload` takes the first when `checksumType` is absent. */
  readonly types: readonly ChecksumType[]
}

/**
 * S3's checksum algorithms. No prototype: a name such as "constructor" finds nothing.
 *
 * @example
 * CHECKSUM_ALGORITHMS.crc64nvme // { name: 'CRC64NVME', base64Length: 12, types: ['FULL_OBJECT'] }
 */
export const CHECKSUM_ALGORITHMS: Readonly<Record<ChecksumAlgorithm, ChecksumAlgorithmFacts>> = {
  __proto__: null,
  crc32: { name: 'CRC32', base64Length: 8, types: ['FULL_OBJECT', 'COMPOSITE'] },
  crc32c: { name: 'CRC32C', base64Length: 8, types: ['FULL_OBJECT', 'COMPOSITE'] },
  crc64nvme: { name: 'CRC64NVME', base64Length: 12, types: ['FULL_OBJECT'] },
  sha1: { name: 'SHA1', base64Length: 28, types: ['COMPOSITE'] },
  sha256: { name: 'SHA256', base64Length: 44, types: ['COMPOSITE'] },
} as Record<ChecksumAlgorithm, ChecksumAlgorithmFacts>

/**
 * Whether a value names one of S3's checksum algorithms (lower case, as in its header).
 *
 * @example
 * isChecksumAlgorithm('crc32c') // true
 * isChecksumAlgorithm('md5') // false
 */
export const isChecksumAlgorithm = (value: unknown): value is ChecksumAlgorithm =>
  typeof value === 'string' && value in CHECKSUM_ALGORITHMS

/**
 * Checks a checksum algorithm name and returns it; anything else is refused with `ERR_INVALID_OPTION`.
 *
 * @example
 * checksumAlgorithm('crc64nvme', 'options.checksum') // 'crc64nvme'
 * checksumAlgorithm('md5', 'options.checksum') // throws SigV4Error ERR_INVALID_OPTION
 */
export function checksumAlgorithm(value: unknown, what: string): ChecksumAlgorithm {
  if (isChecksumAlgorithm(value)) return value
  return fail(
    'ERR_INVALID_OPTION',
    `${what} must be one of ${Object.keys(CHECKSUM_ALGORITHMS).join(', ')} (lower case), not ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`,
  )
}

/**
 * The header (and trailer) name of an algorithm's checksum.
 *
 * @example
 * checksumHeader('crc64nvme') // 'x-amz-checksum-crc64nvme'
 */
export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return 'x-amz-checksum-' + algorithm
}
