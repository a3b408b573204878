// eventStreamDecoder against botocore's EventStreamBuffer (python3): the same generated streams (encoded by
// @smithy/eventstream-codec), each cut once at every offset on both sides, decode to the same messages.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import fc from 'fast-check'
import { expect, test } from 'vitest'
import type { HeaderValue } from '../../../src/eventstream.js'
import { eventStreamDecoder } from '../../../src/eventstream.js'
import { cut, hex, smithyStream, streamOf } from './streams.js'

type Kind = [kind: string, value: string]

/** A header as botocore sees it: bool, int (byte, short, integer, long, timestamp), bytes (binary, uuid) or str. */
function asBotocore({ type, value }: HeaderValue): Kind {
  switch (type) {
    case 'boolean':
      return ['bool', String(value)]
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return ['int', String(value)]
    case 'timestamp':
      return ['int', String(value.getTime())]
    case 'binary':
      return ['bytes', hex(value)]
    case 'uuid':
      return ['bytes', value.replace(/-/g, '')]
    case 'string':
      return ['str', value]
  }
}

async function ours(chunks: Uint8Array[]) {
  const reader = streamOf(chunks).pipeThrough(eventStreamDecoder()).getReader()
  const messages: { headers: Record<string, Kind>; payload: string }[] = []
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    const headers: Record<string, Kind> = {}
    for (const [name, header] of Object.entries(next.value.headers)) headers[name] = asBotocore(header)
    messages.push({ headers, payload: hex(next.value.body) })
  }
  return messages
}

test('equal to botocore EventStreamBuffer on generated streams cut at every offset', async () => {
  const streams = fc.sample(smithyStream(5), { numRuns: 40, seed: 25 }).map(({ bytes }) => bytes)
  const python = spawnSync('python3', [join(import.meta.dirname, 'botocore_eventstream.py')], {
    input: JSON.stringify(streams.map(hex)),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  expect(python.stderr).toBe('')
  expect(python.status).toBe(0)
  const botocore = JSON.parse(python.stdout) as { streams: unknown[]; cuts: number }
  const total = streams.reduce((sum, bytes) => sum + bytes.length, 0)
  expect(botocore.cuts).toBe(total - streams.length)
  let messages = 0
  let cuts = 0
  for (const [index, bytes] of streams.entries()) {
    const expected = botocore.streams[index] as unknown[]
    expect(expected.length).toBeGreaterThan(0)
    messages += expected.length
    expect(await ours([bytes])).toEqual(expected)
    for (let offset = 1; offset < bytes.length; offset++, cuts++)
      expect(await ours(cut(bytes, [offset])), `stream ${index} cut at ${offset}`).toEqual(expected)
  }
  console.log(`botocore: ${streams.length} streams, ${messages} messages, ${total} bytes, ${cuts} cuts on each side`)
}, 120_000)
