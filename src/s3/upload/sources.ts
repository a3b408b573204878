// A body cut into parts: Blobs are sliced, bytes viewed, streams read into one buffer per part.
import { utf8 } from '../../core/encoding.js'
import { UploadError } from './errors.js'
import type { Bytes, UploadBody } from './types.js'

export interface PartSource {
  /** Size in bytes, when known. */
  readonly total?: number
  /** The next part (at most `size` bytes), or undefined at the end. */
  next(size: number): Promise<Blob | Bytes | undefined>
  /** Whether the body is finished (peeks at a stream). */
  atEnd(): Promise<boolean>
  /** Stops reading (a stream is cancelled). */
  cancel(reason: unknown): Promise<void>
}

function blobSource(blob: Blob): PartSource {
  let position = 0
  return {
    total: blob.size,
    next: (size) => {
      if (position >= blob.size) return Promise.resolve(undefined)
      const part = blob.slice(position, Math.min(blob.size, position + size))
      position += part.size
      return Promise.resolve(part)
    },
    atEnd: () => Promise.resolve(position >= blob.size),
    cancel: () => Promise.resolve(),
  }
}

function bytesSource(bytes: Bytes): PartSource {
  let position = 0
  return {
    total: bytes.length,
    next: (size) => {
      if (position >= bytes.length) return Promise.resolve(undefined)
      const part = bytes.subarray(position, Math.min(bytes.length, position + size))
      position += part.length
      return Promise.resolve(part)
    },
    atEnd: () => Promise.resolve(position >= bytes.length),
    cancel: () => Promise.resolve(),
  }
}

function streamSource(stream: ReadableStream<Uint8Array>): PartSource {
  let reader: ReadableStreamDefaultReader<Uint8Array>
  try {
    reader = stream.getReader()
  } catch (error) {
    throw new UploadError('ERR_UPLOAD_BODY', 'The body stream is locked or already read: pass a fresh stream', error)
  }
  // A chunk read past the end of the previous part.
  let leftover: Bytes | undefined
  let finished = false
  async function chunk(): Promise<Bytes | undefined> {
    if (leftover) {
      const taken = leftover
      leftover = undefined
      return taken
    }
    while (!finished) {
      let result: ReadableStreamReadResult<Uint8Array>
      try {
        result = await reader.read()
      } catch (error) {
        throw new UploadError('ERR_UPLOAD_BODY', 'Reading the body stream failed: see cause', error)
      }
      if (result.done) finished = true
      else if (!(result.value instanceof Uint8Array))
        throw new UploadError('ERR_UPLOAD_BODY', 'The body stream must yield Uint8Array chunks (not text)')
      else if (result.value.length) return result.value as Bytes
    }
    return undefined
  }
  return {
    async next(size) {
      // One buffer per part: memory is a part per slot, whatever the sizes of the stream's chunks.
      let part: Bytes
      try {
        part = new Uint8Array(size)
      } catch (error) {
        throw new UploadError(
          'ERR_UPLOAD_BODY',
          `This runtime cannot hold a part of ${size} bytes of the stream in memory: pass a smaller partSize`,
          error,
        )
      }
      let filled = 0
      while (filled < size) {
        const bytes = await chunk()
        if (!bytes) break
        const taken = Math.min(bytes.length, size - filled)
        part.set(bytes.subarray(0, taken), filled)
        filled += taken
        if (taken < bytes.length) leftover = bytes.subarray(taken)
      }
      if (filled === 0) return undefined
      return filled === size ? part : part.subarray(0, filled)
    },
    async atEnd() {
      leftover = await chunk()
      return !leftover
    },
    cancel: (reason) => reader.cancel(reason).catch(() => undefined),
  }
}

export function partSource(body: UploadBody): PartSource {
  if (typeof body === 'string') return bytesSource(utf8(body))
  if (typeof Blob !== 'undefined' && body instanceof Blob) return blobSource(body)
  if (body instanceof ArrayBuffer) return bytesSource(new Uint8Array(body))
  if (ArrayBuffer.isView(body)) {
    const view = new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
    // fetch cannot send a view of a SharedArrayBuffer: that one is copied.
    return bytesSource(view.buffer instanceof ArrayBuffer ? (view as Bytes) : view.slice())
  }
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) return streamSource(body)
  throw new UploadError('ERR_UPLOAD_BODY', 'Pass the body as a Blob or File, bytes, a string or a ReadableStream')
}

export const sizeOf = (part: Blob | Bytes): number => (part instanceof Uint8Array ? part.length : part.size)

export async function bytesOf(part: Blob | Bytes): Promise<Bytes> {
  return part instanceof Uint8Array ? part : new Uint8Array(await part.arrayBuffer())
}
