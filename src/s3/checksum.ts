// S3's flexible checksums (x-amz-checksum-<algorithm>): CRC32, CRC32C, CRC64NVME, SHA-1 and SHA-256, as the base64
// of the big-endian checksum bytes. This module computes them incrementally (the streaming trailers and
// checksum() of a stream use it); checksum() hands whole inputs of SHA to crypto.subtle. webcrypto-sigv4/s3 exports it.
import { crc32Sliced, crc32cSliced } from './crc32-sliced.js'
import { crc64nvme, type Crc64 } from './crc64.js'
import { checksumAlgorithm, type ByteSource, type ChecksumAlgorithm } from '../core/checksum-algorithms.js'
import { fail } from '../core/errors.js'
import { sha1Incremental, sha256Incremental, type IncrementalHash } from './sha.js'
import { base64, utf8, type Bytes } from '../core/encoding.js'
import { digest } from '../core/webcrypto.js'

/** What `checksum()` accepts: text (hashed as UTF-8), bytes, a Blob or a stream of byte chunks. */
export type ChecksumInput = string | ByteSource | Blob | ReadableStream<ByteSource>

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
 * const first = new TextEncoder().encode('12345')
 * const second = new TextEncoder().encode('6789')
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
 * const buffer = new ArrayBuffer(16)
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

/** Blobs up to this size are read whole for SHA (crypto.subtle is native speed); larger ones are streamed. */
const WHOLE_BLOB_LIMIT = 8 * 1024 * 1024

const SUBTLE_NAMES = { sha1: 'SHA-1', sha256: 'SHA-256' } as const
type ShaAlgorithm = keyof typeof SUBTLE_NAMES
const isSha = (algorithm: ChecksumAlgorithm): algorithm is ShaAlgorithm => Object.hasOwn(SUBTLE_NAMES, algorithm)

/** crypto.subtle takes views of ArrayBuffers only: a view of a SharedArrayBuffer is copied first. */
function subtleBytes(bytes: Uint8Array): Bytes {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice()
}

async function streamChecksum(stream: ReadableStream<ByteSource>, algorithm: ChecksumAlgorithm): Promise<string> {
  let reader: ReadableStreamDefaultReader<ByteSource>
  try {
    reader = stream.getReader()
  } catch (error) {
    return fail('ERR_BODY_USED', 'The stream is locked or already read: pass a fresh stream', error)
  }
  const state = checksumState(algorithm)
  for (;;) {
    let result: ReadableStreamReadResult<ByteSource>
    try {
      result = await reader.read()
    } catch (error) {
      return fail('ERR_BODY_READ', 'Reading the stream failed: see cause', error)
    }
    if (result.done) return state.digest()
    if (!isByteSource(result.value)) {
      await reader.cancel().catch(() => undefined)
      return fail('ERR_BODY_NOT_HASHABLE', 'A stream to checksum must yield bytes (Uint8Array chunks), not text')
    }
    state.update(asBytes(result.value))
  }
}

/**
 * The base64 checksum S3 uses in `x-amz-checksum-<algorithm>`, of text (UTF-8), bytes, a Blob or a stream.
 * A stream or a large Blob is read chunk by chunk, in bounded memory (one chunk at a time). SHA-1 and SHA-256
 * of whole bytes (and Blobs up to 8 MiB) use crypto.subtle; of a stream, a pure-JS incremental hash (crypto.subtle
 * has no incremental digest): about 80-100 MiB/s for SHA-256 in Node, as fast as @aws-crypto/sha256-js.
 *
 * @example
 * await checksum('123456789', 'crc32') // 'y/Q5Jg=='
 * await checksum(file, 'crc64nvme') // a File or Blob, streamed
 * await checksum(response.body!, 'sha256')
 */
export async function checksum(data: ChecksumInput, algorithm: ChecksumAlgorithm): Promise<string> {
  const name = checksumAlgorithm(algorithm, 'The checksum algorithm')
  if (typeof data === 'string' || isByteSource(data)) {
    const bytes = typeof data === 'string' ? utf8(data) : asBytes(data)
    if (isSha(name)) return base64(new Uint8Array(await digest(SUBTLE_NAMES[name], subtleBytes(bytes))))
    const state = checksumState(name)
    state.update(bytes)
    return state.digest()
  }
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    if (isSha(name) && data.size <= WHOLE_BLOB_LIMIT)
      return base64(new Uint8Array(await digest(SUBTLE_NAMES[name], await data.arrayBuffer())))
    return streamChecksum(data.stream(), name)
  }
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) return streamChecksum(data, name)
  return fail(
    'ERR_BODY_NOT_HASHABLE',
    'Pass the data as a string, bytes (ArrayBuffer or a view), a Blob or a ReadableStream',
  )
}
