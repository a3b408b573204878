// The streaming event-stream decoder: bytes as they arrive (split anywhere) in, whole checked messages out.
// At most one message is held: its 12-byte prelude is checked (CRC, lengths, the size cap) before room for the
// rest is allocated, and the message CRC before it is handed on. Messages are decoded one per read (pull), so an
// error reaches the reader after every good message before it: a TransformStream would drop the messages still
// queued when it errors (the last events before a cut-off connection, say).
import { crc32 } from '../core/crc32.js'
import { fail, SigV4Error } from '../core/errors.js'
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

/** Decodes messages from chunks pushed one at a time; `next()` returns one message, or undefined for more bytes. */
interface FrameReader {
  push(chunk: Uint8Array): void
  next(): DecodedMessage | undefined
  /** Throws `ERR_EVENTSTREAM_TRUNCATED` when the bytes ended inside a message. */
  end(): void
}

function frameReader(maxFrameBytes: number): FrameReader {
  let chunk: Uint8Array = new Uint8Array(0)
  let offset = 0
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
    const headers = decodeHeaders(bytes, PRELUDE_BYTES, headersEnd)
    position += total
    return { headers, body: bytes.slice(headersEnd, total - CRC_BYTES) }
  }

  return {
    push(next) {
      chunk = next
      offset = 0
    },
    next() {
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
            return decodeFrame(complete)
          }
        } else if (preludeFill === 0 && left >= PRELUDE_BYTES) {
          // The prelude is in this chunk: decode in place when the whole message is, copy only what is not.
          const total = checkPrelude(chunk.subarray(offset, offset + PRELUDE_BYTES))
          if (left >= total) {
            offset += total
            return decodeFrame(chunk.subarray(offset - total, offset))
          }
          frame = new Uint8Array(total)
          frame.set(chunk.subarray(offset))
          frameFill = left
          offset = chunk.length
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
      chunk = new Uint8Array(0)
      return undefined
    },
    end() {
      if (frame || preludeFill)
        fail(
          'ERR_EVENTSTREAM_TRUNCATED',
          `The event stream ended ${frame ? frameFill : preludeFill} bytes into a message` +
            `${frame ? ` of ${frame.length} bytes` : ''} (at byte ${position}): the connection was cut or the ` +
            'body is incomplete; send the request again',
        )
    },
  }
}

/**
 * A stream pair from event-stream bytes (a response body, split into chunks anywhere) to decoded messages, for
 * `pipeThrough` like a `TransformStream`. Both CRCs of every message are checked; the stream errors with a
 * `SigV4Error` after the last good message: `ERR_EVENTSTREAM_FRAME` for a damaged message,
 * `ERR_EVENTSTREAM_TOO_LARGE` for one over `maxFrameBytes` (known from its prelude, before it is read),
 * `ERR_EVENTSTREAM_TRUNCATED` when the bytes end inside a message. At most one message is held, and the next chunk
 * is taken only once the reader has read every message of the one before.
 *
 * @example
 * const reader = response.body!.pipeThrough(eventStreamDecoder({ maxFrameBytes: 1024 * 1024 })).getReader()
 * for (let next = await reader.read(); !next.done; next = await reader.read()) {
 *   console.log(next.value.headers[':event-type'], next.value.body.length)
 * }
 */
export function eventStreamDecoder(
  options: EventStreamDecoderOptions = {},
): ReadableWritablePair<DecodedMessage, Uint8Array> {
  if (!isRecord(options)) fail('ERR_INVALID_OPTION', 'Pass eventStreamDecoder options as an object, e.g. {}')
  const maxFrameBytes: unknown = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
  if (
    typeof maxFrameBytes !== 'number' ||
    !Number.isInteger(maxFrameBytes) ||
    maxFrameBytes < MIN_FRAME_BYTES ||
    maxFrameBytes > MAX_UINT32
  )
    fail('ERR_INVALID_OPTION', `Set maxFrameBytes to a whole number of bytes from ${MIN_FRAME_BYTES} to ${MAX_UINT32}`)
  const frames = frameReader(maxFrameBytes)
  // The write (or close) waiting for its chunk to be used up, and the pull waiting for a chunk.
  let written: { resolve: () => void; reject: (error: unknown) => void } | undefined
  let arrived: (() => void) | undefined
  let closed = false
  // Why the pair stopped (a decoding error, the reader's cancel, the writer's abort): later writes fail with it.
  let stopped: { reason: unknown } | undefined
  let output!: ReadableStreamDefaultController<DecodedMessage>
  let input!: WritableStreamDefaultController

  const stop = (reason: unknown) => {
    stopped ??= { reason }
    written?.reject(reason)
    written = undefined
    // An errored writable is what makes a pipe into it cancel its source (the response body).
    input.error(reason)
  }
  const waitUntilUsed = () =>
    new Promise<void>((resolve, reject) => {
      written = { resolve, reject }
      arrived?.()
    })

  const readable = new ReadableStream<DecodedMessage>(
    {
      start(controller) {
        output = controller
      },
      async pull(controller) {
        for (;;) {
          let message: DecodedMessage | undefined
          try {
            message = frames.next()
            if (!message && closed) frames.end()
          } catch (error) {
            controller.error(error)
            return stop(error)
          }
          if (message) return controller.enqueue(message)
          // The chunk is used up: let the writer send the next one (or end the stream once it has closed).
          const done = written
          written = undefined
          if (closed) {
            controller.close()
            return done?.resolve()
          }
          const next = new Promise<void>((resolve) => (arrived = resolve))
          done?.resolve()
          await next
          arrived = undefined
        }
      },
      cancel(reason) {
        stop(reason)
      },
    },
    { highWaterMark: 0 },
  )

  const writable = new WritableStream<Uint8Array>({
    start(controller) {
      input = controller
    },
    write(chunk) {
      if (stopped) throw stopped.reason
      if (!(chunk instanceof Uint8Array)) {
        const error = new SigV4Error(
          'ERR_INVALID_REQUEST',
          'Pipe Uint8Array chunks (a response body) into eventStreamDecoder',
        )
        output.error(error)
        stop(error)
        throw error
      }
      frames.push(chunk)
      return waitUntilUsed()
    },
    close() {
      if (stopped) throw stopped.reason
      closed = true
      return waitUntilUsed()
    },
    abort(reason) {
      output.error(reason)
      stop(reason)
    },
  })

  return { readable, writable }
}
