// Event-stream framing and message signing, checked against the reference implementation:
// @smithy/eventstream-codec decodes (and CRC-checks) what is encoded here, and @smithy/signature-v4 recomputes
// every chained message signature.
import { Sha256 } from '@aws-crypto/sha256-js'
import { EventStreamCodec, Int64 } from '@smithy/eventstream-codec'
import { SignatureV4 } from '@smithy/signature-v4'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { describe, expect, test } from 'vitest'
import { presign } from '../../../src/index.js'
import {
  audioEvent,
  createEventSigner,
  decodeMessage,
  encodeMessage,
  eventSigningStream,
  type MessageHeaders,
} from '../../../src/eventstream.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'

const codec = new EventStreamCodec(toUtf8, fromUtf8)
const credentials = { ...VECTOR_CREDENTIALS }
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

const allTypes: MessageHeaders = {
  ':message-type': 'event',
  yes: { type: 'boolean', value: true },
  no: { type: 'boolean', value: false },
  byte: { type: 'byte', value: -7 },
  short: { type: 'short', value: -30000 },
  integer: { type: 'integer', value: 2_000_000_000 },
  long: { type: 'long', value: -9_007_199_254_740_000n },
  binary: { type: 'binary', value: new Uint8Array([0, 255, 1]) },
  text: { type: 'string', value: 'ünïcødé ✓' },
  time: { type: 'timestamp', value: new Date('2024-05-01T10:00:00.123Z') },
  id: { type: 'uuid', value: '12345678-9abc-def0-1234-56789abcdef0' },
}

describe('framing', () => {
  test('every header type round-trips through @smithy/eventstream-codec', () => {
    const body = new TextEncoder().encode('{"hello":"world"}')
    const decoded = codec.decode(encodeMessage({ headers: allTypes, body }))
    expect(hex(decoded.body)).toBe(hex(body))
    const { long, ...rest } = decoded.headers
    expect(long).toEqual({ type: 'long', value: Int64.fromNumber(-9_007_199_254_740_000) })
    expect(rest).toEqual({
      ':message-type': { type: 'string', value: 'event' },
      yes: { type: 'boolean', value: true },
      no: { type: 'boolean', value: false },
      byte: { type: 'byte', value: -7 },
      short: { type: 'short', value: -30000 },
      integer: { type: 'integer', value: 2_000_000_000 },
      binary: { type: 'binary', value: new Uint8Array([0, 255, 1]) },
      text: { type: 'string', value: 'ünïcødé ✓' },
      time: { type: 'timestamp', value: new Date('2024-05-01T10:00:00.123Z') },
      id: { type: 'uuid', value: '12345678-9abc-def0-1234-56789abcdef0' },
    })
  })

  test('messages encoded by @smithy/eventstream-codec decode here, byte for byte the same as ours', () => {
    const body = new Uint8Array(1000).map((_, i) => i)
    const theirs = codec.encode({
      headers: { ':event-type': { type: 'string', value: 'AudioEvent' }, n: { type: 'integer', value: 5 } },
      body,
    })
    const decoded = decodeMessage(theirs)
    expect(decoded.headers).toEqual({
      ':event-type': { type: 'string', value: 'AudioEvent' },
      n: { type: 'integer', value: 5 },
    })
    expect(hex(decoded.body)).toBe(hex(body))
    expect(
      hex(encodeMessage({ headers: { ':event-type': 'AudioEvent', n: { type: 'integer', value: 5 } }, body })),
    ).toBe(hex(theirs))
  })

  test('a damaged message is refused by both decoders', () => {
    const bytes = audioEvent(new Uint8Array(64).fill(1))
    for (const index of [2, 9, 40, bytes.length - 10, bytes.length - 1]) {
      const damaged = bytes.slice()
      damaged[index]! ^= 0x10
      expect(() => decodeMessage(damaged)).toThrow(expect.objectContaining({ code: 'ERR_EVENTSTREAM_FRAME' }))
      expect(() => codec.decode(damaged)).toThrow()
    }
    expect(() => decodeMessage(bytes.subarray(0, 10))).toThrow(/shorter than 16/)
  })
})

describe('signing', () => {
  const region = 'us-east-1'
  const service = 'transcribe'
  const smithy = new SignatureV4({ credentials, region, service, sha256: Sha256 })

  async function transcribeSeed(): Promise<string> {
    const url = await presign(
      'wss://transcribestreaming.us-east-1.amazonaws.com:8443/stream-transcription-websocket?language-code=en-US&media-encoding=pcm&sample-rate=16000',
      { credentials, expiresIn: 300, datetime: '2024-05-01T10:00:00Z' },
    )
    expect(url.protocol).toBe('wss:')
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20240501/us-east-1/transcribe/aws4_request')
    return url.searchParams.get('X-Amz-Signature')!
  }

  /** Checks a sequence of envelopes with smithy: decodes each, recomputes its signature from the previous one. */
  async function verifyChain(envelopes: Uint8Array[], seed: string, payloads: Uint8Array[]): Promise<void> {
    let prior = seed
    for (const [index, envelope] of envelopes.entries()) {
      const message = codec.decode(envelope)
      const date = message.headers[':date']
      const signature = message.headers[':chunk-signature']
      expect(date?.type).toBe('timestamp')
      expect(signature?.type).toBe('binary')
      expect(hex(message.body)).toBe(hex(payloads[index]!))
      const expected = await smithy.sign(
        { message: { headers: { ':date': date! }, body: message.body }, priorSignature: prior },
        { signingDate: date!.value as Date },
      )
      expect(hex(signature!.value as Uint8Array), `message ${index}`).toBe(expected.signature)
      prior = expected.signature
    }
  }

  test('Transcribe audio events signed from a presigned wss:// URL verify with @smithy/signature-v4, chained', async () => {
    const seed = await transcribeSeed()
    let clock = Date.parse('2024-05-01T10:00:00.250Z')
    const signer = createEventSigner({
      credentials,
      region,
      service,
      seedSignature: seed,
      now: () => new Date((clock += 1100)),
    })
    const pcm = [new Uint8Array(3200).fill(1), new Uint8Array(3200).fill(2), new Uint8Array(17).fill(3)]
    const payloads = [...pcm.map(audioEvent), new Uint8Array(0)]
    const envelopes = [
      ...(await pcm.reduce<Promise<Uint8Array[]>>(
        async (list, chunk) => [...(await list), await signer.sign(audioEvent(chunk))],
        Promise.resolve([]),
      )),
      await signer.end(),
    ]
    await verifyChain(envelopes, seed, payloads)
    // The inner message is a Transcribe AudioEvent.
    const inner = codec.decode(codec.decode(envelopes[0]!).body)
    expect(inner.headers[':event-type']).toEqual({ type: 'string', value: 'AudioEvent' })
    expect(hex(inner.body)).toBe(hex(pcm[0]!))
    // The signer exposes the last signature of the chain.
    expect(signer.signature).toBe(hex(codec.decode(envelopes[3]!).headers[':chunk-signature']!.value as Uint8Array))
  })

  test('a wrong seed or a reordered message breaks the chain', async () => {
    const seed = await transcribeSeed()
    const now = () => new Date('2024-05-01T10:00:05Z')
    const signer = createEventSigner({ credentials, region, service, seedSignature: seed, now })
    const first = await signer.sign(audioEvent(new Uint8Array([1])))
    const second = await signer.sign(audioEvent(new Uint8Array([2])))
    await expect(
      verifyChain([second, first], seed, [audioEvent(new Uint8Array([2])), audioEvent(new Uint8Array([1]))]),
    ).rejects.toThrow(/message 0/)
    await expect(verifyChain([first], 'f'.repeat(64), [audioEvent(new Uint8Array([1]))])).rejects.toThrow(/message 0/)
  })

  test('eventSigningStream signs each message and ends with the signed empty message', async () => {
    const seed = await transcribeSeed()
    const now = () => new Date('2024-05-01T10:00:07.500Z')
    const payloads = [audioEvent(new Uint8Array(100)), audioEvent(new Uint8Array(200))]
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        payloads.forEach((payload) => controller.enqueue(payload))
        controller.close()
      },
    })
    const envelopes: Uint8Array[] = []
    for await (const envelope of source.pipeThrough(
      eventSigningStream({ credentials, region, service, seedSignature: seed, now }),
    ) as unknown as AsyncIterable<Uint8Array>)
      envelopes.push(envelope)
    expect(envelopes.length).toBe(3)
    await verifyChain(envelopes, seed, [...payloads, new Uint8Array(0)])
  })

  test('misuse is reported with codes', async () => {
    expect(() => createEventSigner({ credentials, region, service, seedSignature: 'nope' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    )
    const signer = createEventSigner({ credentials, region, service, seedSignature: 'a'.repeat(64) })
    const pending = signer.sign(new Uint8Array(1))
    await expect(signer.sign(new Uint8Array(1))).rejects.toMatchObject({ code: 'ERR_INVALID_REQUEST' })
    await pending
    expect(() =>
      encodeMessage({ headers: { id: { type: 'uuid', value: 'not-a-uuid' } }, body: new Uint8Array(0) }),
    ).toThrow(/UUID/)
  })
})
