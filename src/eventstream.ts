// Event-stream messages (application/vnd.amazon.eventstream): the binary framing with its CRCs, and SigV4
// message signing (AWS4-HMAC-SHA256-PAYLOAD), each signature chained from the previous one, as Transcribe
// streaming, Lex and Bedrock bidirectional streams expect over WebSocket or HTTP/2; and reading event-stream
// responses (Bedrock ConverseStream and others) message by message.
export type { HeaderValue } from './eventstream/headers.js'
export {
  decodeMessage,
  encodeHeaders,
  encodeMessage,
  type EventMessage,
  type MessageHeaders,
} from './eventstream/codec.js'
export {
  audioEvent,
  createEventSigner,
  eventSigningStream,
  type EventSigner,
  type EventSignerOptions,
} from './eventstream/signer.js'
export { eventStreamDecoder, type DecodedMessage, type EventStreamDecoderOptions } from './eventstream/decoder.js'
export { events, type StreamEvent } from './eventstream/events.js'
