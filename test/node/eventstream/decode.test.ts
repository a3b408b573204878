// Issue 12, item 15: decodeMessage returns headers in an object without a prototype, so a `__proto__` (or
// `constructor`, `toString`) event header from the wire is just a key. @smithy/eventstream-codec cross-checks the bytes.
import { EventStreamCodec } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { expect, test } from 'vitest'
import { decodeMessage, encodeMessage, type MessageHeaders } from '../../../src/eventstream.js'

const codec = new EventStreamCodec(toUtf8, fromUtf8)

// JSON.parse makes `__proto__` an own key (an object literal would set the prototype instead).
const hostile = JSON.parse(
  '{"__proto__":{"type":"string","value":"polluted"},"constructor":"c","toString":{"type":"integer","value":7},"hasOwnProperty":"h",":message-type":"event"}',
) as MessageHeaders

test('a __proto__ header is an own key of a prototype-less headers object', () => {
  const bytes = encodeMessage({ headers: hostile, body: new Uint8Array([1, 2, 3]) })
  // The wire really carries a header named __proto__: its length byte (9), then the name.
  expect(Buffer.from(bytes).includes(Buffer.from('\x09__proto__', 'latin1'))).toBe(true)

  const { headers, body } = decodeMessage(bytes)
  expect(Object.getPrototypeOf(headers)).toBeNull()
  expect(Object.keys(headers)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty', ':message-type'])
  expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toEqual({ type: 'string', value: 'polluted' })
  expect(headers.constructor).toEqual({ type: 'string', value: 'c' })
  expect(headers['toString' as string]).toEqual({ type: 'integer', value: 7 })
  expect(headers[':message-type']).toEqual({ type: 'string', value: 'event' })
  expect([...body]).toEqual([1, 2, 3])
  // Nothing leaked into Object.prototype.
  expect(({} as Record<string, unknown>).value).toBeUndefined()
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'value')).toBe(false)
})

test('an ordinary message still decodes to the same headers as the reference decoder', () => {
  const bytes = encodeMessage({
    headers: { ':message-type': 'event', ':event-type': 'AudioEvent', n: { type: 'short', value: -2 } },
    body: new Uint8Array(0),
  })
  const ours = decodeMessage(bytes).headers
  expect({ ...ours }).toEqual(codec.decode(bytes).headers)
})
