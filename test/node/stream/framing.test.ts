// aws-chunked framing for many sizes, checked by an independent node:crypto decoder; bounded memory; errors.
import { describe, expect, test } from 'vitest'
import { SigV4Error } from '../../../src/core/errors.js'
import {
  chunkedContentLength,
  chunkSigningStream,
  signStream,
  signStreamParts,
  STREAMING_PAYLOAD_TRAILER,
} from '../../../src/stream.js'
import { crc32, crc32c, crcBase64 } from '../../../src/core/crc32.js'
import { decodeAwsChunked, generatedBytes, generatedStream, verifyChunkSignatures } from './aws-chunked-decoder.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'

const credentials = { ...VECTOR_CREDENTIALS }
const base = { credentials, region: 'eu-west-1', service: 's3', datetime: '2024-02-29T23:59:59Z' }
const amzDate = '20240229T235959Z'
const scope = '20240229/eu-west-1/s3/aws4_request'
const read = async (stream: ReadableStream<Uint8Array>): Promise<Buffer> =>
  Buffer.from(await new Response(stream).arrayBuffer())

describe('crc32 / crc32c', () => {
  test('check values of the standard test string', () => {
    const bytes = new TextEncoder().encode('123456789')
    expect(crc32(bytes)).toBe(0xcbf43926)
    expect(crc32c(bytes)).toBe(0xe3069283)
    expect(crc32(bytes.subarray(4), crc32(bytes.subarray(0, 4)))).toBe(0xcbf43926)
    expect(crcBase64(0xcbf43926)).toBe('y/Q5Jg==')
  })
})

describe('chunk signing', () => {
  const cases: Array<[size: number, chunkSize: number | undefined, piece: number, checksum?: 'crc32' | 'crc32c']> = [
    [0, undefined, 1000],
    [1, undefined, 1000],
    [8192, 8192, 3000],
    [8193, 8192, 8193],
    [65536 * 3, undefined, 65536],
    [100_000, 10_000, 777, 'crc32'],
    [250_001, undefined, 4096, 'crc32c'],
    [0, undefined, 10, 'crc32'],
  ]
  for (const [size, chunkSize, piece, checksum] of cases) {
    test(`${size} bytes in chunks of ${chunkSize ?? 'default'} from pieces of ${piece}${checksum ? ' with ' + checksum : ''}`, async () => {
      const signed = await signStreamParts(
        { method: 'PUT', host: 'b.s3.eu-west-1.amazonaws.com', path: '/k', body: generatedStream(size, piece) },
        { ...base, contentLength: size, chunkSize, checksum },
      )
      const body = await read(signed.body)
      expect(body.length).toBe(Number(Object.fromEntries(signed.headers)['content-length']))
      expect(body.length).toBe(chunkedContentLength(size, { chunkSize, checksum }))
      const decoded = decodeAwsChunked(body)
      expect(decoded.data.equals(generatedBytes(size))).toBe(true)
      const expectedChunks = Math.ceil(size / (chunkSize ?? 65536)) + 1
      expect(decoded.chunks.length).toBe(expectedChunks)
      expect(decoded.chunks.slice(0, -2).every((chunk) => chunk.size === (chunkSize ?? 65536))).toBe(true)
      expect(
        verifyChunkSignatures(decoded, {
          secret: credentials.secretAccessKey,
          amzDate,
          scope,
          seedSignature: signed.signature,
        }),
      ).toEqual([])
      if (checksum) {
        const crc = (checksum === 'crc32' ? crc32 : crc32c)(generatedBytes(size))
        expect(decoded.trailers[0]).toEqual([`x-amz-checksum-${checksum}`, crcBase64(crc)])
        expect(decoded.trailers[1]![0]).toBe('x-amz-trailer-signature')
        expect(Object.fromEntries(signed.headers)).toMatchObject({
          'x-amz-trailer': `x-amz-checksum-${checksum}`,
          'x-amz-content-sha256': STREAMING_PAYLOAD_TRAILER,
        })
      } else expect(decoded.trailers).toEqual([])
    })
  }

  test('a tampered chunk no longer verifies', async () => {
    const signed = await signStreamParts(
      { method: 'PUT', host: 'b.s3.eu-west-1.amazonaws.com', path: '/k', body: generatedStream(20000) },
      { ...base, contentLength: 20000, chunkSize: 8192 },
    )
    const body = await read(signed.body)
    body[body.indexOf('\r\n') + 2 + 100]! ^= 1
    const errors = verifyChunkSignatures(decodeAwsChunked(body), {
      secret: credentials.secretAccessKey,
      amzDate,
      scope,
      seedSignature: signed.signature,
    })
    expect(errors[0]).toMatch(/^chunk 0:/)
  })

  test('memory stays within about two chunks: the source is pulled only as frames are read', async () => {
    const chunkSize = 64 * 1024
    let pulled = 0
    let maxAhead = 0
    const signed = await signStreamParts(
      {
        method: 'PUT',
        host: 'b.s3.eu-west-1.amazonaws.com',
        path: '/k',
        body: generatedStream(32 * 1024 * 1024, 16384, (count) => (pulled = count)),
      },
      { ...base, contentLength: 32 * 1024 * 1024 },
    )
    const reader = signed.body.getReader()
    let emitted = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      emitted += value.length
      // Data pulled from the source but not yet sent as frames (framing overhead makes `emitted` slightly larger).
      maxAhead = Math.max(maxAhead, pulled - emitted)
    }
    expect(emitted).toBe(chunkedContentLength(32 * 1024 * 1024))
    expect(maxAhead).toBeLessThanOrEqual(2 * chunkSize + 16384)
  })

  test('the body must have exactly the signed length', async () => {
    const tooShort = await signStreamParts(
      { method: 'PUT', host: 'b.s3.amazonaws.com', path: '/k', body: generatedStream(100) },
      { ...base, contentLength: 101 },
    )
    await expect(read(tooShort.body)).rejects.toMatchObject({ code: 'ERR_STREAM_LENGTH' })
    const tooLong = await signStreamParts(
      { method: 'PUT', host: 'b.s3.amazonaws.com', path: '/k', body: generatedStream(100) },
      { ...base, contentLength: 99 },
    )
    await expect(read(tooLong.body)).rejects.toMatchObject({ code: 'ERR_STREAM_LENGTH' })
  })

  test('option errors are SigV4Errors with codes', async () => {
    expect(() => chunkedContentLength(10, { chunkSize: 8191 })).toThrow(SigV4Error)
    expect(() => chunkedContentLength(-1)).toThrow(/decoded content length/)
    expect(() => chunkSigningStream({ credentials, amzDate, credentialScope: scope, seedSignature: 'abc' })).toThrow(
      /seedSignature/,
    )
    await expect(
      signStreamParts(
        { method: 'PUT', host: 'b.s3.amazonaws.com', path: '/k' },
        { ...base, contentLength: 0, checksum: 'md5' as 'crc32' },
      ),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
  })

  test('signStream returns a Request carrying the framed body and headers; an existing content-encoding is kept', async () => {
    const request = await signStream(
      {
        method: 'PUT',
        url: 'https://b.s3.eu-west-1.amazonaws.com/k.gz',
        headers: { 'content-encoding': 'gzip' },
        body: generatedStream(30000),
      },
      { ...base, contentLength: 30000 },
    )
    expect(request.headers.get('content-encoding')).toBe('aws-chunked,gzip')
    expect(request.headers.get('x-amz-decoded-content-length')).toBe('30000')
    const authorization = request.headers.get('authorization')!
    const seedSignature = /Signature=([0-9a-f]{64})/.exec(authorization)![1]!
    const decoded = decodeAwsChunked(await read(request.body!))
    expect(decoded.data.equals(generatedBytes(30000))).toBe(true)
    expect(
      verifyChunkSignatures(decoded, { secret: credentials.secretAccessKey, amzDate, scope, seedSignature }),
    ).toEqual([])
  })
})

describe('signStream options', () => {
  test('payloadHash and signContentSha256 are refused, not ignored: the seed signs a STREAMING-* hash itself', async () => {
    const input = { method: 'PUT', url: 'https://b.s3.us-east-1.amazonaws.com/k', body: new Uint8Array(3) }
    const base = { credentials: VECTOR_CREDENTIALS, contentLength: 3 }
    for (const extra of [{ payloadHash: 'UNSIGNED-PAYLOAD' }, { signContentSha256: false }]) {
      const error = await signStream(input, { ...base, ...extra }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(SigV4Error)
      expect((error as SigV4Error).code).toBe('ERR_INVALID_OPTION')
      expect((error as SigV4Error).message).toContain(Object.keys(extra)[0]!)
    }
    const signed = await signStream(input, base)
    expect(signed.headers.get('x-amz-content-sha256')).toBe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')
  })
})
