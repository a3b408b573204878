// The streaming event-stream decoder: bytes as they arrive (split anywhere) in, whole checked messages out.
// At most one message is held: its 12-byte prelude is checked (CRC, lengths, the size cap) before room for the
// rest is allocated, and the message CRC before it is handed on.
import { crc32 } from '../core/crc32.js'
import { fail } from '../core/errors.js'
import { isRecord } from '../core/options.js'
import { badFrame, decodeHeaders, type HeaderValue } from './headers.js'

/** Total length, headers length, prelude CRC: 3 big-endian uint32. */
const PRELUDE_BYTES = 12
/** The message CRC at the end of every message. */
const CRC_BYTES = 4
/** A message with no headers and an empty body. */
const MIN_FRAME_BYTES = PRELUDE_BYTES + CRC_BYTES
/** The format's limit on a message (AWS event-stream specification: 16 MiB). */
const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024
/** The prelude's total length is a uint32. */
const MAX_UINT32 = 2 ** 32 - 1

/** Options of {@link eventStreamDecoder}. */
export interface EventStreamDecoderOptions {
  /**
   * The longest message accepted, in bytes (prelude and CRCs included). A longer one errors the stream with
   * `ERR_EVENTSTREAM_TOO_LARGE` as soon as its prelude is read, before any room is allocated for it.
   *
   * @default 16777216 (16 MiB, the event-stream format's limit)
   */
  maxFrameBytes?: number
}

/** A decoded message: its headers (in an object without a prototype) and its body. */
export interface DecodedMessage {
  /** The headers by name, e.g. `headers[':event-type']` is `{ type: 'string', value: 'contentBlockDelta' }`. */
  headers: Record<string, HeaderValue>
  /** The payload, e.g. a JSON document's UTF-8. */
  body: Uint8Array
}

/**
 * A `TransformStream` from event-stream bytes (a response body, split into chunks anywhere) to decoded messages.
 * Both CRCs of every message are checked; the stream errors with a `SigV4Error`: `ERR_EVENTSTREAM_FRAME` for a
 * damaged message, `ERR_EVENTSTREAM_TOO_LARGE` for one over `maxFrameBytes`, `ERR_EVENTSTREAM_TRUNCATED` when the
 * bytes end inside a message. At most one message is buffered.
 *
 * @example
 * const reader = response.body!.pipeThrough(eventStreamDecoder({ maxFrameBytes: 1024 * 1024 })).getReader()
 * for (let next = await reader.read(); !next.done; next = await reader.read()) {
 *   console.log(next.value.headers[':event-type'], next.value.body.length)
 * }
 */
export function eventStreamDecoder(
  options: EventStreamDecoderOptions = {},
): TransformStream<Uint8Array, DecodedMessage> {
  if (!isRecord(options)) fail('ERR_INVALID_OPTION', 'Pass eventStreamDecoder options as an object, e.g. {}')
  const maxFrameBytes: unknown = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
  if (
    typeof maxFrameBytes !== 'number' ||
    !Number.isInteger(maxFrameBytes) ||
    maxFrameBytes < MIN_FRAME_BYTES ||
    maxFrameBytes > MAX_UINT32
  )
    fail('ERR_INVALID_OPTION', `Set maxFrameBytes to a whole number of bytes from ${MIN_FRAME_BYTES} to ${MAX_UINT32}`)
  const prelude = new Uint8Array(PRELUDE_BYTES)
  let preludeFill = 0
  // The message being assembled (allocated once its prelude is checked) and how much of it has arrived.
  let frame: Uint8Array | undefined
  let frameFill = 0
  // Where the current message starts in the stream, for the error messages.
  let position = 0

  const checkPrelude = (bytes: Uint8Array): number => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, PRELUDE_BYTES)
    const total = view.getUint32(0)
    const at = ` (message at byte ${position})`
    if (view.getUint32(8) !== crc32(bytes.subarray(0, 8))) badFrame('prelude CRC mismatch' + at)
    if (total < MIN_FRAME_BYTES) badFrame(`length ${total} is under ${MIN_FRAME_BYTES}` + at)
    if (total > maxFrameBytes)
      fail(
        'ERR_EVENTSTREAM_TOO_LARGE',
        `An event-stream message of ${total} bytes${at} is over maxFrameBytes (${maxFrameBytes}): raise ` +
          'maxFrameBytes if the service sends messages this large',
      )
    if (view.getUint32(4) > total - MIN_FRAME_BYTES) badFrame('headers longer than the message' + at)
    return total
  }

  const decodeFrame = (bytes: Uint8Array): DecodedMessage => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const total = bytes.length
    if (view.getUint32(total - CRC_BYTES) !== crc32(bytes.subarray(0, total - CRC_BYTES)))
      badFrame(`message CRC mismatch (message at byte ${position})`)
    const headersEnd = PRELUDE_BYTES + view.getUint32(4)
    const message = {
      headers: decodeHeaders(bytes, PRELUDE_BYTES, headersEnd),
      body: bytes.slice(headersEnd, total - CRC_BYTES),
    }
    position += total
    return message
  }

  return new TransformStream({
    transform(chunk, controller) {
      if (!(chunk instanceof Uint8Array))
        fail('ERR_INVALID_REQUEST', 'Pipe Uint8Array chunks (a response body) into eventStreamDecoder')
      let offset = 0
      while (offset < chunk.length) {
        const left = chunk.length - offset
        if (frame) {
          const taken = Math.min(frame.length - frameFill, left)
          frame.set(chunk.subarray(offset, offset + taken), frameFill)
          frameFill += taken
          offset += taken
          if (frameFill === frame.length) {
            const complete = frame
            frame = undefined
            controller.enqueue(decodeFrame(complete))
          }
        } else if (preludeFill === 0 && left >= PRELUDE_BYTES) {
          // The prelude is in this chunk: decode in place when the whole message is, copy only what is not.
          const total = checkPrelude(chunk.subarray(offset, offset + PRELUDE_BYTES))
          if (left >= total) {
            controller.enqueue(decodeFrame(chunk.subarray(offset, offset + total)))
            offset += total
          } else {
            frame = new Uint8Array(total)
            frame.set(chunk.subarray(offset))
            frameFill = left
            offset = chunk.length
          }
        } else {
          const taken = Math.min(PRELUDE_BYTES - preludeFill, left)
          prelude.set(chunk.subarray(offset, offset + taken), preludeFill)
          preludeFill += taken
          offset += taken
          if (preludeFill === PRELUDE_BYTES) {
            frame = new Uint8Array(checkPrelude(prelude))
            frame.set(prelude)
            frameFill = PRELUDE_BYTES
            preludeFill = 0
          }
        }
      }
    },
    flush() {
      if (frame || preludeFill)
        fail(
          'ERR_EVENTSTREAM_TRUNCATED',
          `The event stream ended ${frame ? frameFill : preludeFill} bytes into a message` +
            `${frame ? ` of ${frame.length} bytes` : ''} (at byte ${position}): the connection was cut or the ` +
            'body is incomplete; send the request again',
        )
    },
  })
}
