// SigV4 message signing (AWS4-HMAC-SHA256-PAYLOAD): each message signed inside an envelope, its signature chained
// from the previous one, as Transcribe streaming, Lex and Bedrock bidirectional streams expect.
import { chainedStringToSign } from '../core/canonical.js'
import { CHAINED_PAYLOAD_ALGORITHM, SCOPE_TERMINATOR, SHA256_HEX } from '../core/constants.js'
import { toHex } from '../core/encoding.js'
import { fail } from '../core/errors.js'
import { checkCredentials, isRecord, scopeName, amzDate as formatAmzDate } from '../core/options.js'
import { signingKey, type Credentials } from '../core/signing-key.js'
import { hmac, sha256Hex } from '../core/webcrypto.js'
import { encodeHeaders, encodeMessage } from './codec.js'

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
  /**
   * The clock; the `:date` header and the signature use the same instant.
   * @default () => new Date()
   */
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
 * declare const pcmChunk: Uint8Array // 16 kHz 16-bit PCM, e.g. from the microphone
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
 * declare const audioChunks: ReadableStream<Uint8Array> // raw PCM, e.g. from the microphone
 * declare const seedSignature: string // the presigned URL's X-Amz-Signature, as in createEventSigner's example
 * const signed = audioChunks
 *   .pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ transform: (pcm, c) => c.enqueue(audioEvent(pcm)) }))
 *   .pipeThrough(eventSigningStream({ credentials, region: 'us-east-1', service: 'transcribe', seedSignature }))
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
 * declare const socket: WebSocket, signer: EventSigner, pcmChunk: Uint8Array // as in createEventSigner's example
 * socket.send(await signer.sign(audioEvent(pcmChunk)))
 */
export function audioEvent(audio: Uint8Array): Uint8Array<ArrayBuffer> {
  return encodeMessage({
    headers: { ':content-type': 'application/octet-stream', ':event-type': 'AudioEvent', ':message-type': 'event' },
    body: audio,
  })
}
