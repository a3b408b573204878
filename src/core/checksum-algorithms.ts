// The names and sizes of S3's checksum algorithms, with no checksum code: the core's `checksum` option (which only
// adds a given value) imports this, so no CRC or SHA code reaches a bundle that does not compute checksums.
import { fail } from './errors.js'

/** The checksum algorithms of S3, by the name of their `x-amz-checksum-<name>` header. */
export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256'

/** Bytes in any form: an ArrayBuffer or any view of one (Uint8Array, DataView, ...). */
export type ByteSource = ArrayBuffer | ArrayBufferView

/**
 * Length of each algorithm's base64 checksum, as it appears in a header or trailer (4, 8, 20 and 32 bytes).
 *
 * @example
 * CHECKSUM_BASE64_LENGTH.crc64nvme // 12
 */
export const CHECKSUM_BASE64_LENGTH: Readonly<Record<ChecksumAlgorithm, number>> = {
  crc32: 8,
  crc32c: 8,
  crc64nvme: 12,
  sha1: 28,
  sha256: 44,
}

/**
 * Checks a checksum algorithm name and returns it; anything else is refused with `ERR_INVALID_OPTION`.
 *
 * @example
 * checksumAlgorithm('crc64nvme', 'options.checksum') // 'crc64nvme'
 * checksumAlgorithm('md5', 'options.checksum') // throws SigV4Error ERR_INVALID_OPTION
 */
export function checksumAlgorithm(value: unknown, what: string): ChecksumAlgorithm {
  if (typeof value === 'string' && Object.hasOwn(CHECKSUM_BASE64_LENGTH, value)) return value as ChecksumAlgorithm
  return fail(
    'ERR_INVALID_OPTION',
    `${what} must be one of ${Object.keys(CHECKSUM_BASE64_LENGTH).join(', ')} (lower case), not ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`,
  )
}

/**
 * Length of an algorithm's base64 checksum, as it appears in a header or trailer.
 *
 * @example
 * checksumBase64Length('crc32') // 8
 * checksumBase64Length('sha256') // 44
 */
export function checksumBase64Length(algorithm: ChecksumAlgorithm): number {
  return CHECKSUM_BASE64_LENGTH[algorithm]
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
