// S3's flexible checksums (x-amz-checksum-<algorithm>): CRC32, CRC32C, CRC64NVME, SHA-1 and SHA-256, as the base64
// of the big-endian checksum bytes. This module computes them incrementally (the streaming trailers and
// checksum() of a stream use it); checksum() in s3.ts hands whole inputs of SHA to crypto.subtle.
import { crc32Sliced, crc32cSliced } from './crc32-sliced.js'
import { crc64nvme, type Crc64 } from './crc64.js'
import { fail } from './errors.js'
import { sha1Incremental, sha256Incremental, type IncrementalHash } from './sha.js'

/** The checksum algorithms of S3, by the name of their `x-amz-checksum-<name>` header. */
export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256'

/** Bytes in any form: an ArrayBuffer or any view of one (Uint8Array, DataView, ...). */
export type ByteSource = ArrayBuffer | ArrayBufferView

/** What `checksum()` accepts: text (hashed as UTF-8), bytes, a Blob or a stream of byte chunks. */
export type ChecksumInput = string | ByteSource | Blob | ReadableStream<ByteSource>

/** Length in bytes of each algorithm's checksum (its base64 is `4 * ceil(n / 3)` characters). */
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 }

/**
 * Checks a checksum algorithm name and returns it; anything else is refused with `ERR_INVALID_OPTION`.
 *
 * @example
 * checksumAlgorithm('crc64nvme', 'options.checksum') // 'crc64nvme'
 * checksumAlgorithm('md5', 'options.checksum') // throws SigV4Error ERR_INVALID_OPTION
 */
export function checksumAlgorithm(value: unknown, what: string): ChecksumAlgorithm {
  if (typeof value === 'string' && Object.hasOwn(DIGEST_BYTES, value)) return value as ChecksumAlgorithm
  return fail(
    'ERR_INVALID_OPTION',
    `${what} must be one of ${Object.keys(DIGEST_BYTES).join(', ')} (lower case), not ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`,
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
  return 4 * Math.ceil(DIGEST_BYTES[algorithm] / 3)
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

/**
 * Standard base64 of bytes.
 *
 * @example
 * base64(new Uint8Array([0xcb, 0xf4, 0x39, 0x26])) // 'y/Q5Jg=='
 */
export function base64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

function words(...values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4)
  const view = new DataView(bytes.buffer)
  values.forEach((value, i) => view.setUint32(i * 4, value))
  return bytes
}

/** A checksum fed piece by piece: what the streaming trailers and `checksum()` of a stream use. */
export interface ChecksumState {
  update(bytes: Uint8Array): void
  /** The base64 checksum of everything fed; call once. */
  digest(): string
}

function crc32State(update: (bytes: Uint8Array, previous: number) => number): ChecksumState {
  let crc = 0
  return { update: (bytes) => (crc = update(bytes, crc)), digest: () => base64(words(crc)) }
}

function hashState(hash: IncrementalHash): ChecksumState {
  return { update: (bytes) => hash.update(bytes), digest: () => base64(hash.digest()) }
}

/**
 * A fresh incremental checksum of an algorithm.
 *
 * @example
 * const state = checksumState('crc32c')
 * state.update(first)
 * state.update(second)
 * state.digest() // base64, same as await checksum(both, 'crc32c')
 */
export function checksumState(algorithm: ChecksumAlgorithm): ChecksumState {
  switch (algorithm) {
    case 'crc32':
      return crc32State(crc32Sliced)
    case 'crc32c':
      return crc32State(crc32cSliced)
    case 'crc64nvme': {
      let crc: Crc64 | undefined
      return {
        update: (bytes) => (crc = crc64nvme(bytes, crc)),
        digest: () => {
          const { high, low } = crc ?? crc64nvme(new Uint8Array(0))
          return base64(words(high, low))
        },
      }
    }
    case 'sha1':
      return hashState(sha1Incremental())
    case 'sha256':
      return hashState(sha256Incremental())
  }
}

/**
 * A view of any bytes as a Uint8Array, without copying.
 *
 * @example
 * asBytes(new DataView(buffer, 4, 8)) // Uint8Array of those 8 bytes
 */
export function asBytes(data: ByteSource): Uint8Array {
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/**
 * Whether a value is bytes: an ArrayBuffer or a view of one.
 *
 * @example
 * isByteSource(new Uint16Array(2)) // true
 * isByteSource('text') // false
 */
export const isByteSource = (value: unknown): value is ByteSource =>
  value instanceof ArrayBuffer || ArrayBuffer.isView(value)
