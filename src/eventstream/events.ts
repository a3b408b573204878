// The events of an event-stream response (Bedrock ConverseStream, InvokeModelWithResponseStream, S3 Select, ...):
// decoded as they arrive, with exceptions the service sends inside the stream thrown as AwsError.
import { AwsError, jsonObject, redactReplayable } from '../client/aws-error.js'
import { fail } from '../core/errors.js'
import { eventStreamDecoder, type DecodedMessage, type EventStreamDecoderOptions } from './decoder.js'
import type { HeaderValue } from './headers.js'

/** The header that tells events from exceptions and errors. */
const MESSAGE_TYPE = ':message-type'
const EVENT_TYPE = ':event-type'
/** An exception message names its code here; its body is a JSON document with the message. */
const EXCEPTION_TYPE = ':exception-type'
/** An error message carries its code and message in headers. */
const ERROR_CODE = ':error-code'
const ERROR_MESSAGE = ':error-message'
/** The longest message text kept from a body that is not a JSON error document. */
const MESSAGE_CUT = 200

/** One event of an event-stream response. */
export interface StreamEvent {
  /** The `:event-type` header, e.g. `contentBlockDelta`; `''` when the message has none. */
  eventType: string
  /** Every header by name (an object without a prototype). */
  headers: Record<string, HeaderValue>
  /** The payload. */
  body: Uint8Array
  /** The payload parsed as JSON (UTF-8); throws `ERR_INVALID_RESPONSE` when it is not JSON. Needs no `this`. */
  json: <T = unknown>() => T
}

function text(headers: Record<string, HeaderValue>, name: string): string | undefined {
  const header = headers[name]
  return header?.type === 'string' ? header.value : undefined
}

// The AwsError of an exception or error message: the code from its header, the message from its JSON body (or
// header), the request id and status of the response it came in.
function streamError(message: DecodedMessage, response: Response, exception: boolean): AwsError {
  const { headers, body } = message
  const bodyText = new TextDecoder().decode(body)
  const json = jsonObject(bodyText)
  const found = [json.message, json.Message, text(headers, ERROR_MESSAGE)].find(
    (value): value is string => typeof value === 'string',
  )
  const code = exception
    ? (text(headers, EXCEPTION_TYPE) ?? 'EventStreamException')
    : (text(headers, ERROR_CODE) ?? 'EventStreamError')
  return new AwsError(redactReplayable(found ?? bodyText.slice(0, MESSAGE_CUT)), {
    code,
    status: response.status,
    requestId: response.headers.get('x-amzn-requestid') ?? response.headers.get('x-amz-request-id') ?? undefined,
  })
}

/**
 * The events of an event-stream response, as they arrive. A message of `:message-type` `exception` or `error`
 * throws an `AwsError` (the class of `webcrypto-sigv4/client`, so `instanceof AwsError` holds) with the service's
 * code (`:exception-type` or `:error-code`, e.g. `throttlingException`; `EventStreamException` or
 * `EventStreamError` when the message names none), its message, and the response's status and request id. An
 * answer that is not 2xx throws its `AwsError` before any event; a 2xx answer without a body throws
 * `ERR_INVALID_RESPONSE`. Damaged, oversized or cut-off messages throw as {@link eventStreamDecoder} describes, after
 * the events before them. Leaving the loop early cancels the body.
 *
 * @example
 * let output = ''
 * for await (const event of events(response)) {
 *   if (event.eventType === 'contentBlockDelta') output += event.json<{ delta: { text?: string } }>().delta.text ?? ''
 * }
 */
export async function* events(
  response: Response,
  options?: EventStreamDecoderOptions,
): AsyncGenerator<StreamEvent, void, undefined> {
  if (!isResponse(response)) fail('ERR_INVALID_REQUEST', 'Pass the Response of fetch (or AwsClient.fetch) to events()')
  if (!response.ok) throw await AwsError.from(response)
  if (!response.body || response.bodyUsed || response.body.locked)
    fail(
      'ERR_INVALID_RESPONSE',
      `The ${response.status} answer has ${response.body ? 'a body that is read already' : 'no body'}: pass ` +
        'events() the response of a streaming operation before reading it',
    )
  const reader = response.body.pipeThrough(eventStreamDecoder(options)).getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      const type = text(value.headers, MESSAGE_TYPE)
      if (type === 'exception' || type === 'error') throw streamError(value, response, type === 'exception')
      yield toEvent(value)
    }
  } finally {
    // Early exit (break, throw): stop the body. A stream that ended or failed already rejects: nothing to do.
    reader.cancel().catch(() => {})
  }
}

function isResponse(value: unknown): value is Response {
  return typeof value === 'object' && value !== null && typeof (value as Response).ok === 'boolean' && 'body' in value
}

function toEvent({ headers, body }: DecodedMessage): StreamEvent {
  const eventType = text(headers, EVENT_TYPE) ?? ''
  return {
    eventType,
    headers,
    body,
    json: <T>(): T => {
      try {
        return JSON.parse(new TextDecoder().decode(body)) as T
      } catch (error) {
        return fail('ERR_INVALID_RESPONSE', `The ${eventType || 'event'} payload is not JSON: read event.body`, error)
      }
    },
  }
}
