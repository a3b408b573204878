// Generated event streams for the decoder tests: messages with every header type, encoded by
// @smithy/eventstream-codec (not by this library), and the reference decoders' view of them in one plain form.
import { getChunkedStream } from '@smithy/core/event-streams'
import { EventStreamCodec, Int64 } from '@smithy/eventstream-codec'
import type { MessageHeaders as SmithyHeaders, MessageHeaderValue } from '@smithy/types'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import fc from 'fast-check'
import type { HeaderValue } from '../../../src/eventstream.js'
import { eventStreamDecoder, type EventStreamDecoderOptions } from '../../../src/eventstream.js'

export const codec = new EventStreamCodec(toUtf8, fromUtf8)
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** A header value in one comparable form: its type and its value as a string. */
export type Plain = Record<string, [string, string]>
/** A message in that form: headers and the body as hex. */
export interface PlainMessage {
  headers: Plain
  body: string
}

const int64 = (value: Int64): string =>
  new DataView(value.bytes.buffer, value.bytes.byteOffset, 8).getBigInt64(0).toString()

/** Headers in the @smithy/eventstream-codec form (what `codec.decode` returns, `Int64` for longs), as plain. */
export function plainSmithy(headers: SmithyHeaders): Plain {
  const out: Plain = {}
  for (const [name, header] of Object.entries(headers)) {
    const { type, value } = header
    out[name] = [
      type,
      value instanceof Int64
        ? int64(value)
        : value instanceof Uint8Array
          ? hex(value)
          : value instanceof Date
            ? String(value.getTime())
            : String(value),
    ]
  }
  return out
}

/** Headers as this library decodes them, as plain. */
export function plainOurs(headers: Record<string, HeaderValue>): Plain {
  const out: Plain = {}
  for (const [name, { type, value }] of Object.entries(headers)) {
    out[name] = [
      type,
      value instanceof Uint8Array ? hex(value) : value instanceof Date ? String(value.getTime()) : String(value),
    ]
  }
  return out
}

const headerValue: fc.Arbitrary<MessageHeaderValue> = fc.oneof(
  fc.boolean().map((value) => ({ type: 'boolean' as const, value })),
  fc.integer({ min: -128, max: 127 }).map((value) => ({ type: 'byte' as const, value })),
  fc.integer({ min: -32768, max: 32767 }).map((value) => ({ type: 'short' as const, value })),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((value) => ({ type: 'integer' as const, value })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => {
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setBigInt64(0, value)
    return { type: 'long' as const, value: new Int64(bytes) }
  }),
  fc.uint8Array({ maxLength: 40 }).map((value) => ({ type: 'binary' as const, value })),
  fc.string({ maxLength: 40, unit: 'grapheme' }).map((value) => ({ type: 'string' as const, value })),
  fc.date({ noInvalidDate: true }).map((value) => ({ type: 'timestamp' as const, value })),
  fc.uuid().map((value) => ({ type: 'uuid' as const, value })),
)

/** Header names: any 1 to 255 UTF-8 bytes (but `__proto__`, which a plain object as reference cannot hold). */
const headerName = fc
  .string({ minLength: 1, maxLength: 30, unit: 'grapheme' })
  .filter((name) => name !== '__proto__' && Buffer.byteLength(name) <= 255)

/** One message as @smithy/eventstream-codec takes it. */
export const smithyMessage = fc.record({
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
  body: fc.uint8Array({ maxLength: 300 }),
})

/** A stream of 1 to `max` messages, encoded by @smithy/eventstream-codec, with each message's length. */
export function smithyStream(max = 5) {
  return fc.array(smithyMessage, { minLength: 1, maxLength: max }).map((messages) => {
    const frames = messages.map((message) => codec.encode(message))
    return { frames, bytes: new Uint8Array(Buffer.concat(frames)) }
  })
}

/** The bytes cut at the given offsets (sorted, deduplicated, inside the bytes), as chunks. */
export function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.filter((offset) => offset > 0 && offset < bytes.length))].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let from = 0
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point))
    from = point
  }
  return chunks
}

/** The chunks as a ReadableStream. */
export function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0
  return new ReadableStream({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++])
      else controller.close()
    },
  })
}

/** What eventStreamDecoder makes of the chunks: the messages, and the error that ended the stream, if any. */
export async function decodeOurs(
  chunks: Uint8Array[],
  options?: EventStreamDecoderOptions,
): Promise<{ messages: PlainMessage[]; error?: unknown }> {
  const reader = streamOf(chunks).pipeThrough(eventStreamDecoder(options)).getReader()
  const messages: PlainMessage[] = []
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read())
      messages.push({ headers: plainOurs(next.value.headers), body: hex(next.value.body) })
  } catch (error) {
    return { messages, error }
  }
  return { messages }
}

/** What the AWS SDK's own streaming path (getChunkedStream, then EventStreamCodec.decode) makes of the chunks. */
export async function decodeSmithy(chunks: Uint8Array[]): Promise<PlainMessage[]> {
  const messages: PlainMessage[] = []
  async function* source() {
    for (const chunk of chunks) yield await Promise.resolve(chunk)
  }
  for await (const frame of getChunkedStream(source())) {
    const { headers, body } = codec.decode(frame)
    messages.push({ headers: plainSmithy(headers), body: hex(body) })
  }
  return messages
}
