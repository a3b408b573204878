// Item 2: the payload hash is 64 lower-case hex digits or a known literal; unsigned payloads only where the
// service's rules allow them (the S3 family) or with allowUnsignedPayload; aws-chunked bodies are checked chunk by
// chunk through result.body, in bounded memory, and the stream errors at the first bad chunk.
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import type { RequestParts } from '../../../src/core/types.js'
import { SigV4Error } from '../../../src/core/errors.js'
import { signingKey } from '../../../src/core/signing-key.js'
import { chunkSigningStream, signStreamParts, type StreamSignOptions } from '../../../src/stream.js'
import { verifiedChunkStream } from '../../../src/verify/chunked.js'
import { verify, type VerifyResult } from '../../../src/verify.js'
import { accepting, credentials, presigned, rawSigned, SIGNED_AT, signed } from './signed.js'
import { AWS_DOCS_CREDENTIALS } from '../../conformance/fixtures.js'

const body = '{"order":42}'
const bodyHash = createHash('sha256').update(body).digest('hex')
const post = (payloadHash: string, service = 'execute-api'): RequestParts =>
  rawSigned({
    method: 'POST',
    path: '/orders',
    headers: [['x-amz-content-sha256', payloadHash]],
    payloadHash,
    body,
    service,
  })

describe('the form of x-amz-content-sha256', () => {
  test('an arbitrary word (NOT-A-HASH) does not switch the body check off → ERR_INVALID_PAYLOAD_HASH', async () => {
    for (const service of ['execute-api', 's3'])
      expect(await verify(post('NOT-A-HASH', service), accepting), service).toMatchObject({
        ok: false,
        code: 'ERR_INVALID_PAYLOAD_HASH',
      })
  })
  test('upper-case hex of the right hash → ERR_INVALID_PAYLOAD_HASH; lower-case verifies', async () => {
    expect(await verify(post(bodyHash.toUpperCase()), accepting)).toMatchObject({
      ok: false,
      code: 'ERR_INVALID_PAYLOAD_HASH',
    })
    expect(await verify(post(bodyHash), accepting)).toMatchObject({ ok: true, payloadHash: bodyHash })
  })
  test('a hex hash of another body → ERR_PAYLOAD_HASH', async () => {
    const other = createHash('sha256').update('other').digest('hex')
    expect(await verify(post(other), accepting)).toMatchObject({ ok: false, code: 'ERR_PAYLOAD_HASH' })
  })
  test('an x-amz-content-sha256 header that is not signed → ERR_INVALID_PAYLOAD_HASH', async () => {
    const request = await signed({ method: 'POST', host: 'api.example.test', path: '/orders', body })
    const added = {
      ...request,
      headers: [...request.headers!, ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD']] as Array<[string, string]>,
    }
    expect(await verify(added, accepting)).toMatchObject({ ok: false, code: 'ERR_INVALID_PAYLOAD_HASH' })
  })
  test('SigV4a chunk signatures (STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD[-TRAILER]) → ERR_CHUNKED_PAYLOAD', async () => {
    for (const literal of [
      'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
      'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
    ])
      expect(await verify(post(literal, 's3'), accepting), literal).toMatchObject({
        ok: false,
        code: 'ERR_CHUNKED_PAYLOAD',
      })
  })
})

describe('unsigned payloads: the S3 family by default, elsewhere opt-in', () => {
  for (const literal of ['UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']) {
    test(`${literal}: s3 accepts; execute-api refuses (ERR_UNSIGNED_PAYLOAD) unless allowUnsignedPayload`, async () => {
      expect(await verify(post(literal, 's3'), accepting)).toMatchObject({ ok: true, payloadHash: literal })
      expect(await verify(post(literal), accepting)).toMatchObject({ ok: false, code: 'ERR_UNSIGNED_PAYLOAD' })
      expect(await verify(post(literal), { ...accepting, allowUnsignedPayload: true })).toMatchObject({ ok: true })
      expect(await verify(post(literal, 's3'), { ...accepting, allowUnsignedPayload: false })).toMatchObject({
        ok: false,
        code: 'ERR_UNSIGNED_PAYLOAD',
      })
    })
  }
  test('a presigned URL signed with UNSIGNED-PAYLOAD: s3 accepts, execute-api only with allowUnsignedPayload', async () => {
    const get = { method: 'GET', host: 'api.example.test', path: '/report' }
    const unsigned = await presigned(get, { unsignedPayload: true })
    expect(await verify(unsigned, accepting)).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' })
    expect(await verify(unsigned, { ...accepting, allowUnsignedPayload: true })).toMatchObject({
      ok: true,
      payloadHash: 'UNSIGNED-PAYLOAD',
    })
    const s3 = await presigned({ ...get, host: 'bucket.s3.eu-west-1.amazonaws.com' }, { service: 's3' })
    expect(await verify(s3, accepting)).toMatchObject({ ok: true, payloadHash: 'UNSIGNED-PAYLOAD' })
  })
})

// aws-chunked bodies, signed by src/stream.ts.
const decoded = (length: number): Uint8Array<ArrayBuffer> =>
  Uint8Array.from({ length }, (_, index) => (index * 7) % 256)
const CHUNK = 8 * 1024

async function chunkedRequest(
  data: Uint8Array<ArrayBuffer>,
  options: Partial<StreamSignOptions> = {},
): Promise<{ parts: RequestParts; framed: Uint8Array<ArrayBuffer> }> {
  const signedStream = await signStreamParts(
    {
      method: 'PUT',
      host: 'bucket.s3.eu-west-1.amazonaws.com',
      path: '/big.bin',
      body: new Response(data).body!,
    },
    {
      credentials,
      region: 'eu-west-1',
      service: 's3',
      datetime: SIGNED_AT,
      contentLength: data.length,
      chunkSize: CHUNK,
      ...options,
    },
  )
  const framed = new Uint8Array(await new Response(signedStream.body).arrayBuffer())
  return {
    parts: {
      method: 'PUT',
      host: signedStream.host,
      path: signedStream.path,
      headers: signedStream.headers,
      body: framed,
    },
    framed,
  }
}

/** Reads result.body to its end: the bytes, or the SigV4Error it failed with. */
async function readAll(result: VerifyResult): Promise<Uint8Array | SigV4Error> {
  if (!result.ok || !result.body) throw new Error(`expected a verified chunked body, got ${JSON.stringify(result)}`)
  try {
    return new Uint8Array(await new Response(result.body).arrayBuffer())
  } catch (error) {
    if (error instanceof SigV4Error) return error
    throw error
  }
}

const withBody = (parts: RequestParts, framed: Uint8Array<ArrayBuffer>): RequestParts => ({ ...parts, body: framed })
const flip = (bytes: Uint8Array<ArrayBuffer>, at: number): Uint8Array<ArrayBuffer> => {
  const copy = bytes.slice()
  copy[at]! ^= 1
  return copy
}

describe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: verified chunk by chunk', () => {
  const data = decoded(3 * CHUNK + 100)

  test('the untouched body comes out of result.body whole', async () => {
    const { parts } = await chunkedRequest(data)
    const result = await verify(parts, accepting)
    expect(result).toMatchObject({ ok: true, payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' })
    expect(await readAll(result)).toEqual(data)
  })

  test('as a fetch Request: result.body is checked, and the raw (unchecked) request body is locked', async () => {
    const { parts } = await chunkedRequest(data)
    const request = new Request('https://bucket.s3.eu-west-1.amazonaws.com/big.bin', {
      method: 'PUT',
      headers: parts.headers as Array<[string, string]>,
      body: parts.body as Uint8Array<ArrayBuffer>,
    })
    const result = await verify(request, accepting)
    expect(await readAll(result)).toEqual(data)
    await expect(request.text()).rejects.toThrow()
  })

  test('a flipped data byte in any chunk → the stream errors with ERR_CHUNK_SIGNATURE, before that chunk is handed on', async () => {
    const { parts, framed } = await chunkedRequest(data)
    const headerLength = framed.indexOf(13) + 2
    for (const chunkIndex of [0, 1, 3]) {
      const offset = chunkIndex * (headerLength + CHUNK + 2) + headerLength + 5
      const result = await verify(withBody(parts, flip(framed, offset)), accepting)
      const reader = result.ok ? result.body!.getReader() : undefined
      const handed: number[] = []
      let failure: unknown
      try {
        for (;;) {
          const { done, value } = await reader!.read()
          if (done) break
          handed.push(value.length)
        }
      } catch (error) {
        failure = error
      }
      expect(failure, `chunk ${chunkIndex}`).toMatchObject({ name: 'SigV4Error', code: 'ERR_CHUNK_SIGNATURE' })
      expect(handed, 'only the chunks before the altered one').toEqual(Array(chunkIndex).fill(CHUNK))
    }
  })

  test('a changed chunk signature, swapped chunks, truncation and extra bytes are refused by the stream', async () => {
    const { parts, framed } = await chunkedRequest(data)
    const text = Buffer.from(framed).toString('latin1')
    const signatureAt = text.indexOf('chunk-signature=') + 'chunk-signature='.length
    const cases: Array<[string, Uint8Array<ArrayBuffer>, string]> = [
      ['signature', flip(framed, signatureAt), 'ERR_CHUNK_SIGNATURE'],
      ['truncated', framed.slice(0, framed.length - 40), 'ERR_CHUNK_FRAMING'],
      ['cut inside a chunk', framed.slice(0, 2000), 'ERR_CHUNK_FRAMING'],
      ['extra bytes', new Uint8Array([...framed, 65]), 'ERR_CHUNK_FRAMING'],
      ['no final chunk', framed.slice(0, text.lastIndexOf('0;chunk-signature')), 'ERR_CHUNK_FRAMING'],
      ['size line garbled', Buffer.from(text.replace(/^2000;/, '2000 ;'), 'latin1'), 'ERR_CHUNK_FRAMING'],
    ]
    const headerLength = framed.indexOf(13) + 2
    const frame = headerLength + CHUNK + 2
    const swapped = new Uint8Array(framed)
    swapped.set(framed.subarray(frame, 2 * frame), 0)
    swapped.set(framed.subarray(0, frame), frame)
    cases.push(['swapped chunks', swapped, 'ERR_CHUNK_SIGNATURE'])
    for (const [name, bytes, code] of cases) {
      const result = await verify(withBody(parts, bytes), accepting)
      expect(await readAll(result), name).toMatchObject({ code })
    }
  })

  test("AWS's documented example (S3 PUT Object in multiple chunks) verifies through result.body", async () => {
    const example = { ...AWS_DOCS_CREDENTIALS }
    const payload = new Uint8Array(66560).fill(97)
    const signedStream = await signStreamParts(
      {
        method: 'PUT',
        host: 's3.amazonaws.com',
        path: '/examplebucket/chunkObject.txt',
        headers: [['x-amz-storage-class', 'REDUCED_REDUNDANCY']],
        body: new Response(payload).body!,
      },
      {
        credentials: example,
        region: 'us-east-1',
        service: 's3',
        datetime: '2013-05-24T00:00:00Z',
        contentLength: 66560,
      },
    )
    // The published seed signature (test/node/stream/aws-example.test.ts checks the chunk signatures too).
    expect(signedStream.signature).toBe('4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9')
    const result = await verify(
      { ...signedStream, body: signedStream.body },
      { lookupSecret: () => example.secretAccessKey, now: Date.parse('2013-05-24T00:01:00Z') },
    )
    expect(await readAll(result)).toEqual(payload)
  })

  test('a missing or unsigned x-amz-decoded-content-length → ERR_CHUNKED_PAYLOAD; over maxBodyBytes → ERR_BODY_TOO_LARGE', async () => {
    const { parts } = await chunkedRequest(data)
    expect(await verify(parts, { ...accepting, maxBodyBytes: data.length - 1 })).toMatchObject({
      ok: false,
      code: 'ERR_BODY_TOO_LARGE',
    })
    const literal = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
    const without = rawSigned({
      method: 'PUT',
      service: 's3',
      headers: [['x-amz-content-sha256', literal]],
      payloadHash: literal,
    })
    expect(await verify(without, accepting)).toMatchObject({ ok: false, code: 'ERR_CHUNKED_PAYLOAD' })
  })

  test('bounded memory: result.body pulls from the source only as the app reads, one chunk ahead at most', async () => {
    const big = decoded(64 * CHUNK)
    const { parts, framed } = await chunkedRequest(big)
    let pulledBytes = 0
    let offset = 0
    const source = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (offset >= framed.length) return controller.close()
          const piece = framed.subarray(offset, offset + 4096)
          offset += piece.length
          pulledBytes += piece.length
          controller.enqueue(piece.slice())
        },
      },
      { highWaterMark: 0 },
    )
    const result = await verify({ ...parts, body: source }, accepting)
    expect(pulledBytes, 'nothing is read before the app reads').toBe(0)
    const reader = result.ok ? result.body!.getReader() : undefined
    let consumed = 0
    let most = 0
    for (;;) {
      const { done, value } = await reader!.read()
      if (done) break
      consumed += value.length
      most = Math.max(most, pulledBytes - consumed)
    }
    expect(consumed).toBe(big.length)
    // Framing per chunk is under 100 bytes; one chunk plus one 4 KiB piece may be held.
    expect(most).toBeLessThanOrEqual(CHUNK + 4096 + 2 * 100)
  })
})

describe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: chunks, then a signed checksum trailer', () => {
  const data = decoded(2 * CHUNK + 7)
  for (const checksum of ['crc32', 'crc32c'] as const) {
    test(`${checksum}: verifies; a changed trailer value or signature is refused`, async () => {
      const { parts, framed } = await chunkedRequest(data, { checksum })
      const result = await verify(parts, accepting)
      expect(result).toMatchObject({ ok: true, payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' })
      expect(await readAll(result)).toEqual(data)
      const text = Buffer.from(framed).toString('latin1')
      const valueAt = text.indexOf(`x-amz-checksum-${checksum}:`) + `x-amz-checksum-${checksum}:`.length
      const trailerSignatureAt = text.indexOf('x-amz-trailer-signature:') + 'x-amz-trailer-signature:'.length
      const changedValue = Buffer.from(
        text.slice(0, valueAt) + (text[valueAt] === 'A' ? 'B' : 'A') + text.slice(valueAt + 1),
        'latin1',
      )
      expect(await readAll(await verify(withBody(parts, changedValue), accepting))).toMatchObject({
        code: 'ERR_CHUNK_SIGNATURE',
      })
      expect(await readAll(await verify(withBody(parts, flip(framed, trailerSignatureAt)), accepting))).toMatchObject({
        code: 'ERR_CHUNK_SIGNATURE',
      })
      const noTrailer = Buffer.from(text.slice(0, text.indexOf('x-amz-checksum-')) + '\r\n', 'latin1')
      expect(await readAll(await verify(withBody(parts, noTrailer), accepting))).toMatchObject({
        code: 'ERR_CHUNK_FRAMING',
      })
    })
  }
})

test("AWS's documented trailing-checksum example (crc32c, seed 106e2a8a...) passes the chunk checker; an altered byte does not", async () => {
  const example = { ...AWS_DOCS_CREDENTIALS }
  const amzDate = '20130524T000000Z'
  const scope = '20130524/us-east-1/s3/aws4_request'
  const seedSignature = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e'
  const payload = new Uint8Array(66560).fill(97)
  // The published framing (test/node/stream/aws-example.test.ts checks these bytes' signatures against the docs).
  const framed = new Uint8Array(
    await new Response(
      new Response(payload).body!.pipeThrough(
        chunkSigningStream({
          credentials: example,
          amzDate,
          credentialScope: scope,
          seedSignature,
          checksum: 'crc32c',
        }),
      ),
    ).arrayBuffer(),
  )
  const key = await signingKey(example, '20130524', 'us-east-1', 's3')
  const check = { key, amzDate, scope, seedSignature, decodedLength: 66560, trailerNames: ['x-amz-checksum-crc32c'] }
  const body = verifiedChunkStream(new Response(framed).body!, check)
  expect(new Uint8Array(await new Response(body).arrayBuffer())).toEqual(payload)
  const altered = verifiedChunkStream(new Response(flip(framed, 1000)).body!, check)
  await expect(new Response(altered).arrayBuffer()).rejects.toMatchObject({ code: 'ERR_CHUNK_SIGNATURE' })
})
