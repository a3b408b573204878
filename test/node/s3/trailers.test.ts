// signStream's trailers for every S3 checksum, signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER) and unsigned
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER): the framing decoded by independent decoders, the trailer values equal to
// checksum() and to the AWS packages, the chunk and trailer signatures recomputed with node:crypto, and moto S3
// (signature checks on) accepting each upload and storing the bytes.
import { createHash } from 'node:crypto'
import { AwsCrc32 } from '@aws-crypto/crc32'
import { AwsCrc32c } from '@aws-crypto/crc32c'
import { Crc64Nvme } from '@aws-sdk/crc64-nvme'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SigV4Error } from '../../../src/core/errors.js'
import { sign } from '../../../src/index.js'
import { checksum, type ChecksumAlgorithm } from '../../../src/s3.js'
import {
  chunkedContentLength,
  signStream,
  signStreamParts,
  STREAMING_PAYLOAD_TRAILER,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
  unsignedChunkStream,
} from '../../../src/stream.js'
import {
  decodeAwsChunked,
  generatedBytes,
  generatedStream,
  verifyChunkSignatures,
} from '../stream/aws-chunked-decoder.js'
import { startMoto, type Moto } from '../../helpers/moto-s3.js'
import { differentFrom } from '../../helpers/different.js'

const ALGORITHMS: ChecksumAlgorithm[] = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256']
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const base = { credentials, region: 'eu-west-1', service: 's3', datetime: '2025-01-15T10:00:00Z' }
const read = async (stream: ReadableStream<Uint8Array>) => Buffer.from(await new Response(stream).arrayBuffer())

/** The checksum from the AWS SDK's own packages (CRCs) or node:crypto (SHA), base64. */
async function reference(bytes: Uint8Array, algorithm: ChecksumAlgorithm): Promise<string> {
  const packages = { crc32: AwsCrc32, crc32c: AwsCrc32c, crc64nvme: Crc64Nvme }
  if (algorithm === 'sha1' || algorithm === 'sha256') return createHash(algorithm).update(bytes).digest('base64')
  const hash = new packages[algorithm]()
  hash.update(bytes)
  return Buffer.from(await hash.digest()).toString('base64')
}

/** An independent decoder of the unsigned aws-chunked form: `<hex>\r\n<data>\r\n` ..., `0\r\n`, trailers, `\r\n`. */
function decodeUnsigned(body: Buffer): { data: Buffer; sizes: number[]; trailers: Array<[string, string]> } {
  let offset = 0
  const line = () => {
    const end = body.indexOf('\r\n', offset)
    if (end < 0) throw new Error(`no CRLF after ${offset}`)
    const text = body.subarray(offset, end).toString('latin1')
    offset = end + 2
    return text
  }
  const parts: Buffer[] = []
  const sizes: number[] = []
  for (;;) {
    const head = line()
    if (!/^[0-9a-f]+$/.test(head)) throw new Error(`bad chunk header ${JSON.stringify(head)}`)
    const size = parseInt(head, 16)
    sizes.push(size)
    if (size === 0) break
    parts.push(body.subarray(offset, offset + size))
    offset += size
    if (line() !== '') throw new Error('chunk data not followed by CRLF')
  }
  const trailers: Array<[string, string]> = []
  for (let text = line(); text !== ''; text = line()) {
    const colon = text.indexOf(':')
    trailers.push([text.slice(0, colon), text.slice(colon + 1)])
  }
  if (offset !== body.length) throw new Error(`${body.length - offset} bytes after the end`)
  return { data: Buffer.concat(parts), sizes, trailers }
}

describe('trailer framing for every algorithm', () => {
  for (const algorithm of ALGORITHMS) {
    for (const size of [0, 1, 8192, 100_003]) {
      test(`${algorithm}, ${size} bytes, signed`, async () => {
        const signed = await signStreamParts(
          { method: 'PUT', host: 'b.s3.eu-west-1.amazonaws.com', path: '/k', body: generatedStream(size, 7000) },
          { ...base, contentLength: size, chunkSize: 8192, checksum: algorithm },
        )
        expect(signed.payloadHash).toBe(STREAMING_PAYLOAD_TRAILER)
        const body = await read(signed.body)
        const header = (name: string) => signed.headers.find(([key]) => key === name)?.[1]
        expect(Number(header('content-length'))).toBe(body.length)
        expect(header('x-amz-trailer')).toBe(`x-amz-checksum-${algorithm}`)
        const decoded = decodeAwsChunked(body)
        expect(decoded.data.equals(generatedBytes(size))).toBe(true)
        const value = decoded.trailers.find(([name]) => name === `x-amz-checksum-${algorithm}`)?.[1]
        expect(value).toBe(await checksum(generatedBytes(size), algorithm))
        expect(value).toBe(await reference(generatedBytes(size), algorithm))
        expect(
          verifyChunkSignatures(decoded, {
            secret: credentials.secretAccessKey,
            amzDate: signed.amzDate,
            scope: signed.credentialScope,
            seedSignature: signed.signature,
          }),
        ).toEqual([])
        expect(decoded.trailers.map(([name]) => name)).toEqual([
          `x-amz-checksum-${algorithm}`,
          'x-amz-trailer-signature',
        ])
      })
      test(`${algorithm}, ${size} bytes, unsigned`, async () => {
        const signed = await signStreamParts(
          { method: 'PUT', host: 'b.s3.eu-west-1.amazonaws.com', path: '/k', body: generatedStream(size, 7000) },
          { ...base, contentLength: size, chunkSize: 8192, checksum: algorithm, unsignedPayload: true },
        )
        expect(signed.payloadHash).toBe(STREAMING_UNSIGNED_PAYLOAD_TRAILER)
        expect(signed.canonicalRequest.endsWith('\nSTREAMING-UNSIGNED-PAYLOAD-TRAILER')).toBe(true)
        const body = await read(signed.body)
        const header = (name: string) => signed.headers.find(([key]) => key === name)?.[1]
        expect(Number(header('content-length'))).toBe(body.length)
        expect(header('x-amz-content-sha256')).toBe(STREAMING_UNSIGNED_PAYLOAD_TRAILER)
        const decoded = decodeUnsigned(body)
        expect(decoded.data.equals(generatedBytes(size))).toBe(true)
        // Every chunk but the last is chunkSize (S3's 8 KiB minimum holds), and the stream ends with the empty chunk.
        expect(decoded.sizes.slice(0, -2).every((chunk) => chunk === 8192)).toBe(true)
        expect(decoded.sizes.at(-1)).toBe(0)
        expect(decoded.trailers).toEqual([
          [`x-amz-checksum-${algorithm}`, await reference(generatedBytes(size), algorithm)],
        ])
      })
    }
  }
  test('the unsigned form needs a checksum; unknown algorithms are refused', async () => {
    const code = (action: () => unknown) => {
      try {
        action()
      } catch (error) {
        expect(error).toBeInstanceOf(SigV4Error)
        return (error as SigV4Error).code
      }
      return 'no error'
    }
    expect(code(() => chunkedContentLength(10, { unsigned: true }))).toBe('ERR_INVALID_OPTION')
    expect(code(() => unsignedChunkStream({} as never))).toBe('ERR_INVALID_OPTION')
    expect(code(() => chunkedContentLength(10, { checksum: 'md5' as ChecksumAlgorithm }))).toBe('ERR_INVALID_OPTION')
    await expect(
      signStreamParts(
        { method: 'PUT', host: 'b.s3.eu-west-1.amazonaws.com', path: '/k' },
        { ...base, contentLength: 0, unsignedPayload: true },
      ),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
  })
})

describe('moto S3 (signature checks on) accepts each trailer, signed and unsigned', () => {
  let moto: Moto
  beforeAll(async () => {
    moto = await startMoto()
  }, 60_000)
  afterAll(() => moto?.stop())
  const options = () => ({ credentials: moto.credentials, region: 'us-east-1', service: 's3' })

  test('10 uploads: each stored byte for byte; moto reads the trailer value off the wire and echoes it', async () => {
    const created = await fetch(await sign({ method: 'PUT', url: `${moto.endpoint}/trailers` }, options()))
    expect(created.status).toBe(200)
    const size = 70_001
    for (const algorithm of ALGORITHMS) {
      for (const unsignedPayload of [false, true]) {
        const key = `${algorithm}-${unsignedPayload ? 'unsigned' : 'signed'}`
        const request = await signStream(
          {
            method: 'PUT',
            url: `${moto.endpoint}/trailers/${key}`,
            // moto echoes the trailer's value in its answer when told the algorithm (it does not recompute it).
            headers: { 'x-amz-sdk-checksum-algorithm': algorithm.toUpperCase() },
            body: generatedStream(size, 5000),
          },
          { ...options(), contentLength: size, checksum: algorithm, unsignedPayload },
        )
        const put = await fetch(request)
        expect(put.status, `${key}: ${await put.clone().text()}`).toBe(200)
        expect(put.headers.get(`x-amz-checksum-${algorithm}`), key).toBe(
          await checksum(generatedBytes(size), algorithm),
        )
        const got = await fetch(await sign({ url: `${moto.endpoint}/trailers/${key}` }, options()))
        expect(got.status).toBe(200)
        expect(Buffer.from(await got.arrayBuffer()).equals(generatedBytes(size)), key).toBe(true)
      }
    }
  }, 60_000)

  test('moto refuses the unsigned form when the seed is signed with the wrong secret', async () => {
    const request = await signStream(
      { method: 'PUT', url: `${moto.endpoint}/trailers/bad`, body: generatedStream(10_000) },
      {
        ...options(),
        credentials: { ...moto.credentials, secretAccessKey: differentFrom(moto.credentials.secretAccessKey) },
        contentLength: 10_000,
        checksum: 'crc64nvme',
        unsignedPayload: true,
      },
    )
    const response = await fetch(request)
    expect(response.status).toBe(403)
    expect(await response.text()).toMatch(/SignatureDoesNotMatch/)
  })
})
