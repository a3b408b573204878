// The event-stream framing (application/vnd.amazon.eventstream): a message's prelude, headers, body and CRCs,
// encoded and decoded one whole message at a time (decoder.ts reads a stream of them).
import { crc32 } from '../core/crc32.js'
import { fromHex, utf8 } from '../core/encoding.js'
import { fail } from '../core/errors.js'
import { isRecord } from '../core/options.js'
import { decodeHeaders, type HeaderValue } from './headers.js'

/** Message headers in order (insertion order is the wire order). */
export type MessageHeaders = Record<string, HeaderValue | string>

/** One event-stream message. */
export interface EventMessage {
  /** The message's headers, e.g. `:message-type`, `:event-type`; a string value is sent as type `string`. */
  headers: MessageHeaders
  /** The payload, as bytes (e.g. a JSON document's UTF-8 or a chunk of audio). */
  body: Uint8Array
}

const MAX_MESSAGE = 16 * 1024 * 1024
const HEADER_TYPES = 'boolean, byte, short, integer, long, binary, string, timestamp or uuid'
const TYPE_CODES = {
  boolean: 0,
  byte: 2,
  short: 3,
  integer: 4,
  long: 5,
  binary: 6,
  string: 7,
  timestamp: 8,
  uuid: 9,
} as const

/**
 * Encodes headers in the event-stream header format (name length, name, type, value).
 *
 * @example
 * encodeHeaders({ ':message-type': 'event', ':date': { type: 'timestamp', value: new Date() } })
 */
export function encodeHeaders(headers: MessageHeaders): Uint8Array<ArrayBuffer> {
  if (!isRecord(headers)) fail('ERR_INVALID_HEADER', 'Pass the event headers as an object of name: value')
  const parts: Uint8Array[] = []
  for (const [name, raw] of Object.entries(headers)) {
    const header = typeof raw === 'string' ? ({ type: 'string', value: raw } as const) : raw
    checkHeaderValue(name, header)
    const nameBytes = utf8(name)
    if (!nameBytes.length || nameBytes.length > 255)
      fail('ERR_INVALID_HEADER', `Event header name "${name}" must be 1 to 255 bytes`)
    let value = new Uint8Array(0)
    const view = (size: number) => new DataView((value = new Uint8Array(size)).buffer)
    switch (header.type) {
      case 'boolean':
        break
      case 'byte':
        view(1).setInt8(0, header.value)
        break
      case 'short':
        view(2).setInt16(0, header.value)
        break
      case 'integer':
        view(4).setInt32(0, header.value)
        break
      case 'long':
        view(8).setBigInt64(0, header.value)
        break
      case 'timestamp':
        view(8).setBigInt64(0, BigInt(header.value.getTime()))
        break
      case 'binary':
      case 'string': {
        const bytes = header.type === 'string' ? utf8(header.value) : header.value
        if (bytes.length > 32767) fail('ERR_INVALID_HEADER', `Event header "${name}" is longer than 32767 bytes`)
        view(2 + bytes.length).setUint16(0, bytes.length)
        value.set(bytes, 2)
        break
      }
      case 'uuid': {
        const hex = header.value.replace(/-/g, '')
        if (!/^[0-9a-f]{32}$/i.test(hex)) fail('ERR_INVALID_HEADER', `Event header "${name}" is not a UUID`)
        value = fromHex(hex)
        break
      }
      default:
        fail('ERR_INVALID_HEADER', `Event header "${name}" has an unknown type: use ${HEADER_TYPES}`)
    }
    const type = header.type === 'boolean' ? (header.value ? 0 : 1) : TYPE_CODES[header.type]
    parts.push(Uint8Array.of(nameBytes.length), nameBytes, Uint8Array.of(type), value)
  }
  return concat(parts)
}

/** The range of each integer header type. */
const INTEGER_RANGES = { byte: 2 ** 7, short: 2 ** 15, integer: 2 ** 31 } as const
const LONG_RANGE = 2n ** 63n

/** Checks that a header value has its type's JavaScript type and range, so encoding cannot throw or wrap. */
function checkHeaderValue(name: string, header: unknown): asserts header is HeaderValue {
  const { type, value } = isRecord(header) ? header : { type: undefined, value: undefined }
  let valid: boolean
  switch (type) {
    case 'boolean':
      valid = typeof value === 'boolean'
      break
    case 'byte':
    case 'short':
    case 'integer':
      valid =
        Number.isInteger(value) &&
        -INTEGER_RANGES[type] <= (value as number) &&
        (value as number) < INTEGER_RANGES[type]
      break
    case 'long':
      valid = typeof value === 'bigint' && -LONG_RANGE <= value && value < LONG_RANGE
      break
    case 'timestamp':
      valid = value instanceof Date && !Number.isNaN(value.getTime())
      break
    case 'binary':
      valid = value instanceof Uint8Array
      break
    case 'string':
    case 'uuid':
      valid = typeof value === 'string'
      break
    default:
      fail('ERR_INVALID_HEADER', `Event header "${name}" has an unknown type: use ${HEADER_TYPES}`)
  }
  if (!valid) fail('ERR_INVALID_HEADER', `Event header "${name}" needs a value of its type ${type}`)
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/**
 * Encodes one message: prelude (total length, headers length, prelude CRC), headers, body, message CRC.
 *
 * @example
 * const pcm = new Uint8Array(3200) // 100 ms of silence: 16 kHz, 16-bit mono
 * const bytes = encodeMessage({ headers: { ':message-type': 'event', ':event-type': 'AudioEvent' }, body: pcm })
 */
export function encodeMessage(message: EventMessage): Uint8Array<ArrayBuffer> {
  if (!isRecord(message) || !(message.body instanceof Uint8Array)) {
    fail('ERR_INVALID_REQUEST', 'Pass an event message as { headers, body } with the body as a Uint8Array')
  }
  const headers = encodeHeaders(message.headers)
  const total = 12 + headers.length + message.body.length + 4
  if (total > MAX_MESSAGE)
    fail(
      'ERR_INVALID_REQUEST',
      `An event-stream message is at most 16 MiB; this one would be ${total} bytes: send smaller events`,
    )
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  view.setUint32(0, total)
  view.setUint32(4, headers.length)
  view.setUint32(8, crc32(out.subarray(0, 8)))
  out.set(headers, 12)
  out.set(message.body, 12 + headers.length)
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)))
  return out
}

/**
 * Decodes one message, checking both CRCs (throws `ERR_EVENTSTREAM_FRAME` on any damage). The headers come
 * in an object without a prototype, so any header name (`__proto__` too) is an ordinary key.
 *
 * @example
 * declare const bytes: Uint8Array // a signed envelope, as createEventSigner's sign() returns it
 * const { headers, body } = decodeMessage(bytes)
 * headers[':chunk-signature'] // { type: 'binary', value: Uint8Array(32) }
 */
export function decodeMessage(bytes: Uint8Array): { headers: Record<string, HeaderValue>; body: Uint8Array } {
  const bad = (what: string): never => fail('ERR_EVENTSTREAM_FRAME', `Not a valid event-stream message: ${what}`)
  if (bytes.length < 16) bad('shorter than 16 bytes')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const total = view.getUint32(0)
  const headersLength = view.getUint32(4)
  if (total !== bytes.length) bad(`length ${total} in the prelude, ${bytes.length} given`)
  if (view.getUint32(8) !== crc32(bytes.subarray(0, 8))) bad('prelude CRC mismatch')
  if (view.getUint32(total - 4) !== crc32(bytes.subarray(0, total - 4))) bad('message CRC mismatch')
  if (12 + headersLength > total - 4) bad('headers longer than the message')
  const headers = decodeHeaders(bytes, 12, 12 + headersLength)
  return { headers, body: bytes.slice(12 + headersLength, total - 4) }
}
