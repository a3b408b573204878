// webcrypto-sigv4/s3: what S3 needs beyond signing a request: checksums, presigned POST forms and S3 Express sessions.
import {
  asBytes,
  base64,
  checksumAlgorithm,
  checksumState,
  isByteSource,
  type ByteSource,
  type ChecksumAlgorithm,
  type ChecksumInput,
} from './checksum.js'
import { fail } from './errors.js'
import { digest, utf8, type Bytes } from './webcrypto.js'

export type { ByteSource, ChecksumAlgorithm, ChecksumInput }
export type { S3ErrorCode } from './s3-errors.js'
export {
  presignPost,
  type PostCondition,
  type PresignedPost,
  type PresignPostInput,
  type PresignPostOptions,
} from './presign-post.js'

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
 * of whole bytes use crypto.subtle; of a stream, a pure-JS incremental hash (crypto.subtle has no incremental
 * digest), at about 1/3 of native speed.
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
