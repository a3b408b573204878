// Event-stream messages (application/vnd.amazon.eventstream): the binary framing with its CRCs, and SigV4
// message signing (AWS4-HMAC-SHA256-PAYLOAD), each signature chained from the previous one, as Transcribe
// streaming, Lex and Bedrock bidirectional streams expect over WebSocket or HTTP/2.
import { chainedStringToSign } from './core/canonical.js'
import { CHAINED_PAYLOAD_ALGORITHM, SCOPE_TERMINATOR, SHA256_HEX } from './core/constants.js'
import { crc32 } from './core/crc32.js'
import { fail } from './core/errors.js'
import { checkCredentials, isRecord, scopeName, amzDate as formatAmzDate } from './core/options.js'
import { signingKey, type Credentials } from './core/signing-key.js'
import { fromHex, toHex, utf8 } from './core/encoding.js'
import { hmac, sha256Hex } from './core/webcrypto.js'
import { decodeHeaders, type HeaderValue } from './eventstream/headers.js'

export type { HeaderValue } from './eventstream/headers.js'

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

/** Options of `createEventSigner`. */
export interface EventSignerOptions {
  /** The credentials that signed the seed request (or presigned URL); every message is signed with them. */
  credentials: Credentials
  /** The region of the seed signature's credential scope, e.g. `us-east-1`. */
  region: string
  /** Signing name, e.g. `transcribe`. */
  service: string
  /** The signature the chain starts from: the request's Authorization signature, or `X-Amz-Signature` of a
   * presigned WebSocket URL. */
  seedSignature: string
  /** The clock (default: `new Date()`); the `:date` header and the signature use the same instant. */
  now?: () => Date
}

/** Signs messages one after another; each signature covers the previous one. */
export interface EventSigner {
  /** Wraps an encoded message (or empty bytes for the end of the stream) in a signed envelope message. */
  sign(payload: Uint8Array): Promise<Uint8Array<ArrayBuffer>>
  /** The signed empty message that ends the stream. */
  end(): Promise<Uint8Array<ArrayBuffer>>
  /** The latest signature in the chain (hex). */
  readonly signature: string
}

/**
 * A message signer for event streams: each call returns an envelope with `:date` and `:chunk-signature`
 * headers whose body is the given (already encoded) message, signed with
 * `AWS4-HMAC-SHA256-PAYLOAD`, the previous signature, the SHA-256 of the envelope's `:date` header and of the
 * payload. Signing is sequential: call `sign` again only after the previous call resolved.
 *
 * @example
 * // Transcribe streaming over WebSocket: the presigned URL's signature seeds the chain.
 * const url = await presign(
 *   'wss://transcribestreaming.us-east-1.amazonaws.com:8443/stream-transcription-websocket' +
 *     '?language-code=en-US&media-encoding=pcm&sample-rate=16000',
 *   { credentials, expiresIn: 300 },
 * )
 * const seedSignature = url.searchParams.get('X-Amz-Signature')!
 * const signer = createEventSigner({ credentials, region: 'us-east-1', service: 'transcribe', seedSignature })
 * const socket = new WebSocket(url)
 * socket.binaryType = 'arraybuffer'
 * socket.send(await signer.sign(audioEvent(pcmChunk)))
 * socket.send(await signer.end())
 */
export function createEventSigner(options: EventSignerOptions): EventSigner {
  if (!isRecord(options)) fail('ERR_INVALID_OPTION', 'Pass { credentials, region, service, seedSignature }')
  const credentials = checkCredentials(options.credentials)
  const region = scopeName('region', options.region)
  const service = scopeName('service', options.service)
  const { now = () => new Date() } = options
  if (typeof now !== 'function') fail('ERR_INVALID_OPTION', 'Set options.now to a function that returns a Date')
  if (typeof options.seedSignature !== 'string' || !SHA256_HEX.test(options.seedSignature))
    fail('ERR_INVALID_OPTION', 'seedSignature must be the 64-character hex signature that starts the chain')
  let previous = options.seedSignature
  let busy = false
  const sign = async (payload: Uint8Array): Promise<Uint8Array<ArrayBuffer>> => {
    if (busy)
      fail(
        'ERR_INVALID_REQUEST',
        'Event messages are signed in order: await the previous sign() before signing the next',
      )
    if (!(payload instanceof Uint8Array)) fail('ERR_INVALID_REQUEST', 'Pass each event message as a Uint8Array')
    busy = true
    try {
      const date: unknown = now()
      if (!(date instanceof Date)) fail('ERR_INVALID_OPTION', 'options.now must return a Date')
      const longDate = formatAmzDate(date)
      const shortDate = longDate.slice(0, 8)
      const dateHeader = { ':date': { type: 'timestamp', value: date } } as const
      const scope = [shortDate, region, service, SCOPE_TERMINATOR].join('/')
      // A message's signature covers its :date header and the payload.
      const hashes = [await sha256Hex(encodeHeaders(dateHeader)), await sha256Hex(payload.slice())]
      const stringToSign = chainedStringToSign(CHAINED_PAYLOAD_ALGORITHM, longDate, scope, previous, hashes)
      const signature = await hmac(await signingKey(credentials, shortDate, region, service), stringToSign)
      previous = toHex(signature)
      return encodeMessage({
        headers: { ...dateHeader, ':chunk-signature': { type: 'binary', value: new Uint8Array(signature) } },
        body: payload,
      })
    } finally {
      busy = false
    }
  }
  return {
    sign,
    end: () => sign(new Uint8Array(0)),
    get signature() {
      return previous
    },
  }
}

/**
 * A `TransformStream` from encoded messages to signed envelopes, ending with the signed empty message.
 *
 * @example
 * const signed = audioChunks.pipeThrough(new TransformStream({ transform: (pcm, c) => c.enqueue(audioEvent(pcm)) }))
 *   .pipeThrough(eventSigningStream({ credentials, region, service: 'transcribe', seedSignature }))
 */
export function eventSigningStream(options: EventSignerOptions): TransformStream<Uint8Array, Uint8Array> {
  const signer = createEventSigner(options)
  return new TransformStream({
    async transform(message, controller) {
      controller.enqueue(await signer.sign(message))
    },
    async flush(controller) {
      controller.enqueue(await signer.end())
    },
  })
}

/**
 * A Transcribe streaming `AudioEvent` message carrying raw audio (e.g. 16-bit little-endian PCM).
 *
 * @example
 * socket.send(await signer.sign(audioEvent(pcmChunk)))
 */
export function audioEvent(audio: Uint8Array): Uint8Array<ArrayBuffer> {
  return encodeMessage({
    headers: { ':content-type': 'application/octet-stream', ':event-type': 'AudioEvent', ':message-type': 'event' },
    body: audio,
  })
}

export { eventStreamDecoder, type DecodedMessage, type EventStreamDecoderOptions } from './eventstream/decoder.js'
export { events, type StreamEvent } from './eventstream/events.js'
