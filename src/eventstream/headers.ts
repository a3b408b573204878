// The header block of an event-stream message, decoded: shared by `decodeMessage` (one frame) and the
// streaming decoder, so both read the wire the same way.
import { toHex } from '../core/encoding.js'
import { fail } from '../core/errors.js'

/** A typed header value; a plain string is shorthand for `{ type: 'string', value }`. */
export type HeaderValue =
  | { type: 'boolean'; value: boolean }
  | { type: 'byte' | 'short' | 'integer'; value: number }
  | { type: 'long'; value: bigint }
  | { type: 'binary'; value: Uint8Array }
  | { type: 'string'; value: string }
  | { type: 'timestamp'; value: Date }
  | { type: 'uuid'; value: string }

/**
 * Throws `ERR_EVENTSTREAM_FRAME`: the message is damaged.
 *
 * @example
 * const bytes = new Uint8Array(8)
 * if (bytes.length < 16) badFrame('shorter than 16 bytes')
 */
export function badFrame(what: string): never {
  return fail('ERR_EVENTSTREAM_FRAME', `Not a valid event-stream message: ${what}`)
}

/**
 * Decodes the headers in `bytes` from `start` to `end` (throws `ERR_EVENTSTREAM_FRAME` when a header runs past
 * the block or has an unknown type). The object has no prototype, so any header name (`__proto__` too) is an
 * ordinary key.
 *
 * @example
 * const frame = new Uint8Array(16) // a message with no headers: its headers block is empty
 * const headersLength = new DataView(frame.buffer).getUint32(4)
 * decodeHeaders(frame, 12, 12 + headersLength) // {}
 */
export function decodeHeaders(bytes: Uint8Array, start: number, end: number): Record<string, HeaderValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // No prototype: a header named `__proto__` (or `constructor`) is just a key, never the object's prototype.
  const headers = Object.create(null) as Record<string, HeaderValue>
  const decoder = new TextDecoder()
  let offset = start
  const take = (size: number): number => {
    if (offset + size > end) badFrame('header runs past the headers block')
    offset += size
    return offset - size
  }
  while (offset < end) {
    const nameLength = bytes[take(1)]!
    const name = decoder.decode(bytes.subarray(take(nameLength), offset))
    const type = bytes[take(1)]!
    let header: HeaderValue
    if (type === 0 || type === 1) header = { type: 'boolean', value: type === 0 }
    else if (type === 2) header = { type: 'byte', value: view.getInt8(take(1)) }
    else if (type === 3) header = { type: 'short', value: view.getInt16(take(2)) }
    else if (type === 4) header = { type: 'integer', value: view.getInt32(take(4)) }
    else if (type === 5) header = { type: 'long', value: view.getBigInt64(take(8)) }
    else if (type === 8) header = { type: 'timestamp', value: new Date(Number(view.getBigInt64(take(8)))) }
    else if (type === 6 || type === 7) {
      const length = view.getUint16(take(2))
      const value = bytes.slice(take(length), offset)
      header = type === 6 ? { type: 'binary', value } : { type: 'string', value: decoder.decode(value) }
    } else if (type === 9) {
      const hex = toHex(bytes.slice(take(16), offset).buffer)
      header = {
        type: 'uuid',
        value: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
      }
    } else return badFrame(`unknown header type ${type}`)
    headers[name] = header
  }
  return headers
}
