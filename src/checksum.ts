// S3's flexible checksums (x-amz-checksum-<algorithm>): CRC32, CRC32C, CRC64NVME, SHA-1 and SHA-256, as the base64
// of the big-endian checksum bytes. This module computes them incrementally (the streaming trailers and
// checksum() of a stream use it); checksum() in s3.ts hands whole inputs of SHA to crypto.subtle.
import { crc32Sliced, crc32cSliced } from './crc32-sliced.js'
import { crc64nvme, type Crc64 } from './crc64.js'
import type { ByteSource, ChecksumAlgorithm } from './checksum-names.js'
import { sha1Incremental, sha256Incremental, type IncrementalHash } from './sha.js'

/** What `checksum()` accepts: text (hashed as UTF-8), bytes, a Blob or a stream of byte chunks. */
export type ChecksumInput = string | ByteSource | Blob | ReadableStream<ByteSource>

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
