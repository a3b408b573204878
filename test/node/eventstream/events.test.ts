// events(response): a ConverseStream-shaped response (frames encoded by @smithy/eventstream-codec) read as events;
// exceptions and errors in the stream thrown as AwsError after the events before them; answers that are not
// event streams refused; the body cancelled when the reader stops early.
import type { MessageHeaders } from '@smithy/types'
import { describe, expect, test } from 'vitest'
import { AwsError } from '../../../src/client.js'
import { eventStreamDecoder, events, type StreamEvent } from '../../../src/eventstream.js'
import { codec, cut } from './streams.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const str = (value: string) => ({ type: 'string' as const, value })
const event = (eventType: string, payload: unknown) =>
  codec.encode({
    headers: { ':message-type': str('event'), ':event-type': str(eventType), ':content-type': str('application/json') },
    body: utf8(JSON.stringify(payload)),
  })
const frame = (headers: MessageHeaders, body: string) => codec.encode({ headers, body: utf8(body) })

const converse = [
  event('messageStart', { role: 'assistant' }),
  event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hello' } }),
  event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: ', wörld ✓' } }),
  event('contentBlockStop', { contentBlockIndex: 0 }),
  event('messageStop', { stopReason: 'end_turn' }),
  event('metadata', { usage: { inputTokens: 5, outputTokens: 4 } }),
]
const concat = (frames: Uint8Array[]) => new Uint8Array(Buffer.concat(frames))

/**
 * A 200 event-stream answer whose body is the bytes, cut at the offsets; `cancelled` tells if it was cancelled.
 * With `open`, the body stays open after the bytes, as a connection the service has not closed yet.
 */
function answer(bytes: Uint8Array, offsets: number[] = [], init: ResponseInit = {}, open = false) {
  const chunks = cut(bytes, offsets)
  const state = { cancelled: false, pulled: 0 }
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled < chunks.length) controller.enqueue(chunks[state.pulled++])
      else if (open) return new Promise<void>(() => {})
      else controller.close()
    },
    cancel() {
      state.cancelled = true
    },
  })
  const response = new Response(body, {
    headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'req-1' },
    ...init,
  })
  return { response, state }
}

/** Waits (a few event-loop turns at most) for a pipe to pass a cancellation on to its source. */
async function until(condition: () => boolean) {
  for (let turn = 0; turn < 50 && !condition(); turn++) await new Promise((resolve) => setTimeout(resolve, 1))
  return condition()
}

async function collect(iterable: AsyncIterable<StreamEvent>) {
  const seen: StreamEvent[] = []
  try {
    for await (const item of iterable) seen.push(item)
  } catch (error) {
    return { seen, error }
  }
  return { seen, error: undefined }
}

describe('events(response)', () => {
  test('a ConverseStream answer, cut anywhere: every event with its type, headers and JSON', async () => {
    const bytes = concat(converse)
    for (const offsets of [[], [1], [13, 14, 100], Array.from({ length: bytes.length }, (_, i) => i)]) {
      const { seen, error } = await collect(events(answer(bytes, offsets).response))
      expect(error).toBeUndefined()
      expect(seen.map((item) => item.eventType)).toEqual([
        'messageStart',
        'contentBlockDelta',
        'contentBlockDelta',
        'contentBlockStop',
        'messageStop',
        'metadata',
      ])
      const text = seen
        .filter((item) => item.eventType === 'contentBlockDelta')
        .map((item) => item.json<{ delta: { text: string } }>().delta.text)
        .join('')
      expect(text).toBe('Hello, wörld ✓')
      expect(seen[0]!.headers[':content-type']).toEqual(str('application/json'))
      expect(new TextDecoder().decode(seen[4]!.body)).toBe('{"stopReason":"end_turn"}')
    }
  })

  test('an exception in the stream: the events before it, then an AwsError with its code and message', async () => {
    const exception = frame(
      { ':message-type': str('exception'), ':exception-type': str('throttlingException') },
      '{"message":"Too many tokens, please wait before trying again."}',
    )
    const { response, state } = answer(concat([converse[0]!, converse[1]!, exception, converse[2]!]), [], {}, true)
    const { seen, error } = await collect(events(response))
    expect(seen.map((item) => item.eventType)).toEqual(['messageStart', 'contentBlockDelta'])
    expect(error).toBeInstanceOf(AwsError)
    expect(error).toMatchObject({
      name: 'AwsError',
      code: 'throttlingException',
      message: 'Too many tokens, please wait before trying again.',
      status: 200,
      requestId: 'req-1',
    })
    expect(await until(() => state.cancelled)).toBe(true)
  })

  test('an error message: code and message from its headers', async () => {
    const error = frame(
      { ':message-type': str('error'), ':error-code': str('InternalFailure'), ':error-message': str('Try later') },
      '',
    )
    const result = await collect(events(answer(concat([error])).response))
    expect(result.error).toBeInstanceOf(AwsError)
    expect(result.error).toMatchObject({ code: 'InternalFailure', message: 'Try later' })
  })

  test('an exception without a type or a JSON body still throws, with what it has', async () => {
    const result = await collect(events(answer(frame({ ':message-type': str('exception') }, 'plain text')).response))
    expect(result.error).toMatchObject({ code: 'EventStreamException', message: 'plain text' })
  })

  test('a 4xx answer throws its AwsError before any event', async () => {
    const response = new Response('{"message":"User is not authorized to perform bedrock:InvokeModel"}', {
      status: 403,
      headers: { 'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
    })
    const result = await collect(events(response))
    expect(result.seen).toEqual([])
    expect(result.error).toBeInstanceOf(AwsError)
    expect(result.error).toMatchObject({ code: 'AccessDeniedException', status: 403 })
  })

  test('no body, a body read already, not a Response: typed errors', async () => {
    expect((await collect(events(new Response(null)))).error).toMatchObject({ code: 'ERR_INVALID_RESPONSE' })
    const used = new Response('x')
    await used.text()
    expect((await collect(events(used))).error).toMatchObject({ code: 'ERR_INVALID_RESPONSE' })
    const locked = new Response('x')
    locked.body!.getReader()
    expect((await collect(events(locked))).error).toMatchObject({ code: 'ERR_INVALID_RESPONSE' })
    expect((await collect(events({} as Response))).error).toMatchObject({ code: 'ERR_INVALID_REQUEST' })
  })

  test('a damaged or cut-off stream: the events before it, then the decoder code', async () => {
    const bytes = concat(converse)
    const truncated = await collect(events(answer(bytes.subarray(0, bytes.length - 1)).response))
    expect(truncated.seen).toHaveLength(5)
    expect(truncated.error).toMatchObject({ code: 'ERR_EVENTSTREAM_TRUNCATED' })
    const damaged = bytes.slice()
    damaged[converse[0]!.length + 20]! ^= 1
    const { response, state } = answer(damaged, [converse[0]!.length + 30], {}, true)
    const result = await collect(events(response))
    expect(result.seen).toHaveLength(1)
    expect(result.error).toMatchObject({ code: 'ERR_EVENTSTREAM_FRAME' })
    // The body is cancelled: a service still sending stops.
    expect(await until(() => state.cancelled)).toBe(true)
    const small = await collect(events(answer(bytes).response, { maxFrameBytes: 50 }))
    expect(small.error).toMatchObject({ code: 'ERR_EVENTSTREAM_TOO_LARGE' })
  })

  test('leaving the loop early cancels the body', async () => {
    const { response, state } = answer(concat(converse), [40, 80], {}, true)
    for await (const item of events(response)) if (item.eventType === 'contentBlockDelta') break
    expect(await until(() => state.cancelled)).toBe(true)
  })

  test('json() of a payload that is not JSON: ERR_INVALID_RESPONSE', async () => {
    const bytes = frame({ ':message-type': str('event'), ':event-type': str('chunk') }, 'not json')
    const { seen } = await collect(events(answer(bytes).response))
    expect(seen[0]!.eventType).toBe('chunk')
    const { json } = seen[0]!
    expect(() => json()).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_RESPONSE', message: expect.stringMatching(/chunk payload/) }),
    )
  })
})

describe('the decoder takes a chunk only when the reader has read the one before', () => {
  test('three messages in one chunk: the second chunk is not pulled until all three are read', async () => {
    const { response, state } = answer(concat([...converse.slice(0, 3), ...converse.slice(3)]), [
      converse[0]!.length + converse[1]!.length + converse[2]!.length,
    ])
    const reader = response.body!.pipeThrough(eventStreamDecoder()).getReader()
    await reader.read()
    await reader.read()
    await new Promise((resolve) => setTimeout(resolve, 10))
    // pipeTo reads ahead one chunk at most: the second chunk may be pulled, not more (there are two).
    expect(state.pulled).toBeLessThanOrEqual(2)
    await reader.read()
    const rest = []
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest.push(next.value)
    expect(rest).toHaveLength(3)
  })

  test('a plain source of many messages is read as fast as it is consumed, one message held', async () => {
    const one = converse[1]!
    let produced = 0
    const source = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (produced++ < 1000) controller.enqueue(one)
          else controller.close()
        },
      },
      { highWaterMark: 0 },
    )
    const reader = source.pipeThrough(eventStreamDecoder()).getReader()
    let read = 0
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      read++
      // The source is never more than a couple of chunks ahead of the reader.
      expect(produced - read).toBeLessThanOrEqual(3)
    }
    expect(read).toBe(1000)
  })
})
