// eventStreamDecoder against the AWS SDK's own streaming decoder (@smithy/core getChunkedStream +
// @smithy/eventstream-codec): streams encoded by smithy, cut at every offset and at random offsets, decode to the
// same messages; damage, truncation and oversized messages are refused with their codes.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { eventStreamDecoder } from '../../../src/eventstream.js'
import { SigV4Error as CoreError } from '../../../src/index.js'
import { codec, cut, decodeOurs, decodeSmithy, hex, plainSmithy, smithyStream } from './streams.js'

// Counts for the report at the end: how many streams, and how many ways of cutting them, were compared.
const tally = { streams: 0, cuts: 0, bytes: 0 }

const codeOf = (error: unknown): string | undefined => (error instanceof CoreError ? error.code : undefined)

describe('equal to @smithy/eventstream-codec on generated streams', () => {
  test('cut once at every offset, and into single bytes', async () => {
    await fc.assert(
      fc.asyncProperty(smithyStream(4), async ({ bytes }) => {
        const expected = await decodeSmithy([bytes])
        expect((await decodeOurs([bytes])).messages).toEqual(expected)
        for (let offset = 1; offset < bytes.length; offset++) {
          const chunks = cut(bytes, [offset])
          const ours = await decodeOurs(chunks)
          expect(ours.error).toBeUndefined()
          expect(ours.messages).toEqual(expected)
          expect(await decodeSmithy(chunks)).toEqual(expected)
        }
        const bytewise = cut(
          bytes,
          Array.from({ length: bytes.length }, (_, i) => i),
        )
        expect((await decodeOurs(bytewise)).messages).toEqual(expected)
        tally.streams++
        tally.cuts += bytes.length + 1
        tally.bytes += bytes.length
      }),
      { numRuns: 60 },
    )
    expect(tally.streams).toBe(60)
  }, 120_000)

  test('cut at many random offsets at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        smithyStream(8).chain((stream) =>
          fc.record({
            stream: fc.constant(stream),
            offsets: fc.array(fc.nat({ max: stream.bytes.length }), { maxLength: 40 }),
          }),
        ),
        async ({ stream, offsets }) => {
          const chunks = cut(stream.bytes, offsets)
          expect((await decodeOurs(chunks)).messages).toEqual(await decodeSmithy(chunks))
        },
      ),
      { numRuns: 300 },
    )
  })

  test('an empty stream and empty chunks give nothing, and no error', async () => {
    expect(await decodeOurs([])).toEqual({ messages: [] })
    const frame = codec.encode({ headers: {}, body: new Uint8Array(0) })
    expect(
      (await decodeOurs([new Uint8Array(0), frame.subarray(0, 3), new Uint8Array(0), frame.subarray(3)])).messages,
    ).toEqual([{ headers: {}, body: '' }])
  })

  test('the report', () => {
    // Printed for the record; the assertion is that the first test compared real streams.
    console.log(`compared ${tally.streams} streams (${tally.bytes} bytes) cut ${tally.cuts} ways with smithy`)
    expect(tally.cuts).toBeGreaterThan(tally.streams * 16)
  })
})

describe('refused', () => {
  test('any flipped bit: the messages before it, then ERR_EVENTSTREAM_FRAME (as smithy refuses it too)', async () => {
    await fc.assert(
      fc.asyncProperty(
        smithyStream(4).chain((stream) =>
          fc.record({
            stream: fc.constant(stream),
            at: fc.nat({ max: stream.bytes.length - 1 }),
            bit: fc.nat({ max: 7 }),
            offsets: fc.array(fc.nat({ max: stream.bytes.length }), { maxLength: 6 }),
          }),
        ),
        async ({ stream, at, bit, offsets }) => {
          const damaged = stream.bytes.slice()
          damaged[at]! ^= 1 << bit
          // The message the flipped bit is in, and the whole messages before it.
          let start = 0
          let index = 0
          while (start + stream.frames[index]!.length <= at) start += stream.frames[index++]!.length
          const { messages, error } = await decodeOurs(cut(damaged, offsets))
          const before = await decodeSmithy([stream.bytes.subarray(0, start)])
          // A bit flipped in a length may make the stream end inside the announced message, or the message be
          // over the size cap; a CRC tells every other case.
          expect(['ERR_EVENTSTREAM_FRAME', 'ERR_EVENTSTREAM_TRUNCATED', 'ERR_EVENTSTREAM_TOO_LARGE']).toContain(
            codeOf(error),
          )
          if (at >= start + 12 || at < start) expect(codeOf(error)).toBe('ERR_EVENTSTREAM_FRAME')
          expect(messages).toEqual(before)
          await expect(decodeSmithy([damaged])).rejects.toThrow()
        },
      ),
      { numRuns: 500 },
    )
  })

  test('a flipped bit in the prelude is caught by the prelude CRC before anything is allocated', async () => {
    const frame = codec.encode({ headers: { a: { type: 'string', value: 'b' } }, body: new Uint8Array(10) })
    for (let at = 0; at < 12; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const damaged = frame.slice()
        damaged[at]! ^= 1 << bit
        // Only the prelude is written: a decoder that waited for the rest of the message would not answer.
        const { error } = await decodeOurs([damaged.subarray(0, 12)])
        expect(codeOf(error), `byte ${at} bit ${bit}`).toBe('ERR_EVENTSTREAM_FRAME')
        expect((error as Error).message).toMatch(/prelude CRC mismatch/)
      }
    }
  })

  test('the message CRC', async () => {
    const frame = codec.encode({ headers: {}, body: new Uint8Array([1, 2, 3]) })
    frame[frame.length - 1]! ^= 0x80
    const { error } = await decodeOurs([frame])
    expect(codeOf(error)).toBe('ERR_EVENTSTREAM_FRAME')
    expect((error as Error).message).toMatch(/message CRC mismatch/)
  })

  test('a stream that ends inside a message, at every offset: ERR_EVENTSTREAM_TRUNCATED after the whole ones', async () => {
    await fc.assert(
      fc.asyncProperty(smithyStream(3), async ({ bytes, frames }) => {
        const boundaries = new Set(frames.map((_, i) => frames.slice(0, i + 1).reduce((n, f) => n + f.length, 0)))
        for (let end = 1; end < bytes.length; end++) {
          const { messages, error } = await decodeOurs([bytes.subarray(0, end)])
          if (boundaries.has(end)) expect(error).toBeUndefined()
          else {
            expect(codeOf(error), `cut at ${end}`).toBe('ERR_EVENTSTREAM_TRUNCATED')
            expect(error).toBeInstanceOf(CoreError)
          }
          const whole = [...boundaries].filter((boundary) => boundary <= end).length
          expect(messages.length).toBe(whole)
        }
      }),
      { numRuns: 40 },
    )
  })

  test('a message over maxFrameBytes: ERR_EVENTSTREAM_TOO_LARGE from its prelude alone; at the cap it passes', async () => {
    const frame = codec.encode({ headers: {}, body: new Uint8Array(100) })
    expect(frame.length).toBe(116)
    const { error } = await decodeOurs([frame.subarray(0, 12)], { maxFrameBytes: 115 })
    expect(codeOf(error)).toBe('ERR_EVENTSTREAM_TOO_LARGE')
    expect((error as Error).message).toMatch(/116 bytes .* over maxFrameBytes \(115\)/)
    expect((await decodeOurs([frame], { maxFrameBytes: 116 })).messages).toHaveLength(1)
  })

  test('the default cap is 16 MiB: a prelude announcing 16 MiB + 1 is refused, before 16 MiB are sent', async () => {
    const prelude = new Uint8Array(12)
    const view = new DataView(prelude.buffer)
    view.setUint32(0, 16 * 1024 * 1024 + 1)
    view.setUint32(4, 0)
    const { crc32 } = await import('../../../src/core/crc32.js')
    view.setUint32(8, crc32(prelude.subarray(0, 8)))
    expect(codeOf((await decodeOurs([prelude])).error)).toBe('ERR_EVENTSTREAM_TOO_LARGE')
    view.setUint32(0, 16 * 1024 * 1024)
    view.setUint32(8, crc32(prelude.subarray(0, 8)))
    // At the cap the prelude is accepted and the stream then ends inside the message.
    expect(codeOf((await decodeOurs([prelude])).error)).toBe('ERR_EVENTSTREAM_TRUNCATED')
  })

  test('lengths that cannot be: under 16 bytes, headers longer than the message', async () => {
    const { crc32 } = await import('../../../src/core/crc32.js')
    const prelude = (total: number, headers: number) => {
      const bytes = new Uint8Array(12)
      const view = new DataView(bytes.buffer)
      view.setUint32(0, total)
      view.setUint32(4, headers)
      view.setUint32(8, crc32(bytes.subarray(0, 8)))
      return bytes
    }
    for (const [total, headers] of [
      [15, 0],
      [0, 0],
      [20, 5],
      [100, 85],
    ] as const) {
      const { error } = await decodeOurs([prelude(total, headers)])
      expect(codeOf(error), `${total}/${headers}`).toBe('ERR_EVENTSTREAM_FRAME')
    }
  })

  test('a header that runs past its block, or of an unknown type', async () => {
    const build = (headers: Uint8Array) => {
      const total = 16 + headers.length
      const bytes = new Uint8Array(total)
      const view = new DataView(bytes.buffer)
      view.setUint32(0, total)
      view.setUint32(4, headers.length)
      return { bytes, view, total }
    }
    const { crc32 } = await import('../../../src/core/crc32.js')
    for (const headers of [Uint8Array.of(1, 0x61, 7, 0, 9, 0x62), Uint8Array.of(1, 0x61, 10)]) {
      const { bytes, view, total } = build(headers)
      view.setUint32(8, crc32(bytes.subarray(0, 8)))
      bytes.set(headers, 12)
      view.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)))
      expect(codeOf((await decodeOurs([bytes])).error)).toBe('ERR_EVENTSTREAM_FRAME')
    }
  })

  test('options and chunks of the wrong kind', async () => {
    for (const maxFrameBytes of [15, 1.5, -1, 2 ** 32, Number.NaN, '1000'])
      expect(() => eventStreamDecoder({ maxFrameBytes } as never)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
      )
    expect(() => eventStreamDecoder(null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }))
    const decoder = eventStreamDecoder()
    const read = decoder.readable.getReader().read()
    void decoder.writable
      .getWriter()
      .write('text' as never)
      .catch(() => {})
    await expect(read).rejects.toMatchObject({ code: 'ERR_INVALID_REQUEST' })
  })
})

describe('hostile header blocks (valid CRCs around random bytes)', () => {
  // The CRCs are right, so only the header parser stands between the bytes and the reader.
  async function framed(headers: Uint8Array, body: Uint8Array) {
    const { crc32 } = await import('../../../src/core/crc32.js')
    const total = 16 + headers.length + body.length
    const bytes = new Uint8Array(total)
    const view = new DataView(bytes.buffer)
    view.setUint32(0, total)
    view.setUint32(4, headers.length)
    view.setUint32(8, crc32(bytes.subarray(0, 8)))
    bytes.set(headers, 12)
    bytes.set(body, 12 + headers.length)
    view.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)))
    return bytes
  }

  test('decoded as smithy decodes them, or refused with ERR_EVENTSTREAM_FRAME where smithy refuses them', async () => {
    let accepted = 0
    let refused = 0
    let stricter = 0
    await fc.assert(
      fc.asyncProperty(
        // Random bytes, and random bytes shaped like headers (a short name, a type byte, a value).
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc
            .array(
              fc.tuple(
                fc.stringMatching(/^[a-z:-]{1,8}$/),
                fc.integer({ min: 0, max: 11 }),
                fc.uint8Array({ maxLength: 20 }),
              ),
              { maxLength: 4 },
            )
            .map((headers) =>
              Uint8Array.from(
                headers.flatMap(([name, type, value]) => [name.length, ...Buffer.from(name), type, ...value]),
              ),
            ),
        ),
        fc.uint8Array({ maxLength: 16 }),
        async (headers, body) => {
          const bytes = await framed(headers, body)
          let reference: ReturnType<typeof codec.decode> | undefined
          try {
            reference = codec.decode(bytes)
          } catch {
            reference = undefined
          }
          const ours = await decodeOurs([bytes])
          if (ours.error) {
            expect(codeOf(ours.error), (ours.error as Error).message).toBe('ERR_EVENTSTREAM_FRAME')
            refused++
            // Stricter than smithy only where a header runs past its block (smithy reads on into the body).
            if (reference) {
              stricter++
              expect((ours.error as Error).message).toMatch(/header runs past the headers block/)
            }
          } else {
            accepted++
            expect(reference, 'smithy refuses what we accept').toBeDefined()
            expect(ours.messages).toEqual([{ headers: plainSmithy(reference!.headers), body: hex(reference!.body) }])
          }
        },
      ),
      { numRuns: 2000 },
    )
    console.log(`hostile headers: ${accepted} accepted as smithy, ${refused} refused (${stricter} that smithy accepts)`)
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(50)
    expect(refused).toBeGreaterThan(50)
  })
})
