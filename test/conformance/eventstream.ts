// Runtime-neutral checks of webcrypto-sigv4/eventstream's streaming decoder and events(): a stream encoded by
// @smithy/eventstream-codec (test/vectors/eventstream.json) cut at every offset, damaged, cut short and oversized
// streams refused with their codes, and events() over a Response built here. Web-platform APIs only.
import golden from '../vectors/eventstream.json' with { type: 'json' }
import { AssertionError, equal, ok, rejectsWith } from './assert.js'
import { hex } from './bytes.js'
import type { Check, Lib } from './suite.js'

type Plain = { headers: Record<string, [string, string]>; body: string }

const bytesOf = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16))
const stream = bytesOf(golden.hex)
const expected = golden.messages as Plain[]
const frameEnds = golden.lengths.map((_, i) => golden.lengths.slice(0, i + 1).reduce((sum, length) => sum + length, 0))

function chunked(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0
  return new ReadableStream({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++])
      else controller.close()
    },
  })
}

function plain(message: { headers: Record<string, { type: string; value: unknown }>; body: Uint8Array }): Plain {
  const headers: Plain['headers'] = {}
  for (const [name, { type, value }] of Object.entries(message.headers)) {
    headers[name] = [
      type,
      value instanceof Uint8Array ? hex(value) : value instanceof Date ? String(value.getTime()) : String(value),
    ]
  }
  return { headers, body: hex(message.body) }
}

async function decode(lib: Lib, chunks: Uint8Array[], maxFrameBytes?: number) {
  const decoder = lib.eventStreamDecoder(maxFrameBytes === undefined ? {} : { maxFrameBytes })
  const reader = chunked(chunks).pipeThrough(decoder).getReader()
  const messages: Plain[] = []
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) messages.push(plain(next.value))
  } catch (error) {
    return { messages, error }
  }
  return { messages, error: undefined }
}

function same(actual: Plain[], wanted: Plain[], what: string): void {
  equal(JSON.stringify(actual), JSON.stringify(wanted), what)
}

function codeOf(error: unknown): string {
  return `${(error as Error | undefined)?.name} ${(error as { code?: string } | undefined)?.code}`
}

const str = (value: string) => ({ type: 'string' as const, value })

/** The checks of the streaming event-stream decoder and events(), for the suite. */
export function eventStreamChecks(lib: Lib): Check[] {
  return [
    {
      name: 'eventstream: a stream encoded by @smithy/eventstream-codec, cut once at every offset and byte by byte',
      run: async () => {
        same((await decode(lib, [stream])).messages, expected, 'whole')
        for (let offset = 1; offset < stream.length; offset++) {
          const { messages, error } = await decode(lib, [stream.subarray(0, offset), stream.subarray(offset)])
          ok(!error, `cut at ${offset}: ${String(error)}`)
          same(messages, expected, `cut at ${offset}`)
        }
        same(
          (
            await decode(
              lib,
              Array.from(stream, (_, i) => stream.subarray(i, i + 1)),
            )
          ).messages,
          expected,
          'byte by byte',
        )
      },
    },
    {
      name: 'eventstream: a damaged prelude or message CRC is ERR_EVENTSTREAM_FRAME, after the messages before it',
      run: async () => {
        for (const at of [frameEnds[0]! + 2, frameEnds[0]! + 9, frameEnds[1]! - 1, frameEnds[1]! + 100]) {
          const damaged = stream.slice()
          damaged[at]! ^= 0x10
          const { messages, error } = await decode(lib, [damaged])
          equal(codeOf(error), 'SigV4Error ERR_EVENTSTREAM_FRAME', `byte ${at} flipped`)
          same(messages, expected.slice(0, frameEnds.filter((end) => end <= at).length), `messages before byte ${at}`)
        }
      },
    },
    {
      name: 'eventstream: a stream that ends inside a message is ERR_EVENTSTREAM_TRUNCATED, after the whole ones',
      run: async () => {
        for (const end of [1, 11, 12, frameEnds[0]! + 5, stream.length - 1]) {
          const { messages, error } = await decode(lib, [stream.subarray(0, end)])
          equal(codeOf(error), 'SigV4Error ERR_EVENTSTREAM_TRUNCATED', `ended at ${end}`)
          same(messages, expected.slice(0, frameEnds.filter((frameEnd) => frameEnd <= end).length), `before ${end}`)
        }
      },
    },
    {
      name: 'eventstream: a message over maxFrameBytes is ERR_EVENTSTREAM_TOO_LARGE from its prelude alone',
      run: async () => {
        const { error } = await decode(lib, [stream.subarray(0, 12)], golden.lengths[0]! - 1)
        equal(codeOf(error), 'SigV4Error ERR_EVENTSTREAM_TOO_LARGE', 'first message one byte over')
        same((await decode(lib, [stream], Math.max(...golden.lengths))).messages, expected, 'at the cap')
        await rejectsWith(() => lib.eventStreamDecoder({ maxFrameBytes: 8 }), 'ERR_INVALID_OPTION', 'cap under 16')
      },
    },
    {
      name: 'eventstream: events(response) gives each event with json(); an exception in the stream throws AwsError',
      run: async () => {
        const exception = lib.encodeMessage({
          headers: { ':message-type': 'exception', ':exception-type': 'throttlingException' },
          body: new TextEncoder().encode('{"message":"Too many requests"}'),
        })
        const body = new Uint8Array(stream.length + exception.length)
        body.set(stream)
        body.set(exception, stream.length)
        const response = new Response(chunked([body.subarray(0, 100), body.subarray(100)]), {
          headers: { 'x-amzn-requestid': 'req-7' },
        })
        const seen: string[] = []
        let thrown: unknown
        try {
          for await (const event of lib.events(response)) {
            seen.push(event.eventType)
            if (event.eventType === 'contentBlockDelta')
              equal(event.json<{ delta: { text: string } }>().delta.text, 'Hello', 'json()')
          }
        } catch (error) {
          thrown = error
        }
        equal(seen.join(','), 'contentBlockDelta,,chunk', 'event types')
        const error = thrown as { name?: string; code?: string; message?: string; status?: number; requestId?: string }
        if (error?.name !== 'AwsError') throw new AssertionError(`expected an AwsError, got ${String(thrown)}`)
        equal(error.code, 'throttlingException', 'code')
        equal(error.message, 'Too many requests', 'message')
        equal(error.status, 200, 'status')
        equal(error.requestId, 'req-7', 'requestId')
      },
    },
    {
      name: 'eventstream: events() of a 4xx answer throws its AwsError; of an answer without a body, ERR_INVALID_RESPONSE',
      run: async () => {
        const denied = new Response('{"message":"not authorized"}', {
          status: 403,
          headers: { 'x-amzn-errortype': 'AccessDeniedException' },
        })
        let thrown: unknown
        try {
          for await (const event of lib.events(denied)) throw new AssertionError(`an event: ${event.eventType}`)
        } catch (error) {
          thrown = error
        }
        equal(codeOf(thrown), 'AwsError AccessDeniedException', '403')
        equal((thrown as { status?: number }).status, 403, 'status')
        await rejectsWith(() => lib.events(new Response(null)).next(), 'ERR_INVALID_RESPONSE', 'no body')
        const error = lib.encodeMessage({
          headers: { ':message-type': 'error', ':error-code': 'InternalFailure', ':error-message': str('Try later') },
          body: new Uint8Array(0),
        })
        try {
          await lib.events(new Response(chunked([error]))).next()
          thrown = undefined
        } catch (caught) {
          thrown = caught
        }
        equal(codeOf(thrown), 'AwsError InternalFailure', 'error message')
        equal((thrown as Error).message, 'Try later', 'error message text')
      },
    },
  ]
}
