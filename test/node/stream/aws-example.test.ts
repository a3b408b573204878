// The S3 API reference's chunked-upload examples, reproduced byte for byte.
import { describe, expect, test } from 'vitest'
import { chunkedContentLength, chunkSigningStream, signStreamParts } from '../../../src/stream.js'
import { decodeAwsChunked, verifyChunkSignatures } from './aws-chunked-decoder.js'
import { AWS_DOCS_CREDENTIALS } from '../../conformance/fixtures.js'

const credentials = { ...AWS_DOCS_CREDENTIALS }
const amzDate = '20130524T000000Z'
const scope = '20130524/us-east-1/s3/aws4_request'
const payload = new Uint8Array(66560).fill(97) // 66,560 bytes of "a"

// Pieces of uneven size, so the chunking does not depend on how the source splits its data.
const bodyStream = (bytes: Uint8Array): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += 10000)
        controller.enqueue(bytes.slice(offset, offset + 10000))
      controller.close()
    },
  })

const read = async (stream: ReadableStream<Uint8Array>): Promise<Buffer> =>
  Buffer.from(await new Response(stream).arrayBuffer())

describe('S3 "Example: PUT Object" (Transferring Payload in Multiple Chunks)', () => {
  test('seed signature, headers and the three chunk signatures match the published ones', async () => {
    const signed = await signStreamParts(
      {
        method: 'PUT',
        host: 's3.amazonaws.com',
        path: '/examplebucket/chunkObject.txt',
        headers: [['x-amz-storage-class', 'REDUCED_REDUNDANCY']],
        body: bodyStream(payload),
      },
      { credentials, region: 'us-east-1', service: 's3', datetime: '2013-05-24T00:00:00Z', contentLength: 66560 },
    )
    expect(signed.signature).toBe('4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9')
    expect(signed.signedHeaders).toBe(
      'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
    )
    const headers = Object.fromEntries(signed.headers)
    expect(headers).toMatchObject({
      'content-encoding': 'aws-chunked',
      'content-length': '66824',
      'x-amz-decoded-content-length': '66560',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'x-amz-date': amzDate,
    })
    const body = await read(signed.body)
    expect(body.length).toBe(66824)
    const decoded = decodeAwsChunked(body)
    expect(decoded.chunks.map((chunk) => [chunk.size, chunk.signature])).toEqual([
      [65536, 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648'],
      [1024, '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497'],
      [0, 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'],
    ])
    expect(decoded.data.equals(Buffer.from(payload))).toBe(true)
    expect(
      verifyChunkSignatures(decoded, {
        secret: credentials.secretAccessKey,
        amzDate,
        scope,
        seedSignature: signed.signature,
      }),
    ).toEqual([])
  })

  test('trailing-checksum example: chunk signatures, crc32c trailer and trailer signature match the published ones', async () => {
    // Seed signature as published for the STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER example.
    const seedSignature = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e'
    const framed = bodyStream(payload).pipeThrough(
      chunkSigningStream({ credentials, amzDate, credentialScope: scope, seedSignature, checksum: 'crc32c' }),
    )
    const body = await read(framed)
    expect(body.length).toBe(chunkedContentLength(66560, { checksum: 'crc32c' }))
    const decoded = decodeAwsChunked(body)
    expect(decoded.chunks.map((chunk) => chunk.signature)).toEqual([
      'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
      '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
      '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
    ])
    expect(decoded.trailers).toEqual([
      ['x-amz-checksum-crc32c', 'sOO8/Q=='],
      ['x-amz-trailer-signature', 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435'],
    ])
  })
})
