// Item 3: no unauthenticated resource exhaustion. The cheap checks and the key lookup come before the body; the
// body is read at most maxBodyBytes; SignedHeaders is strictly sorted, unique and bounded; verify never throws.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { RequestParts } from '../../../src/core/types.js'
import { verify } from '../../../src/verify.js'
import { accepting, asRequest, countingStream, presigned, rawSigned, signed } from './signed.js'

const MiB = 1024 * 1024
const upload: RequestParts = { method: 'PUT', host: 'api.example.test', path: '/upload', body: 'x' }

/** A header-signed PUT whose body is swapped for a stream after signing (the signature then cannot match). */
async function streamingPut(stream: ReadableStream<Uint8Array>, extraHeaders: Array<[string, string]> = []) {
  const request = await signed(upload)
  return { ...request, headers: [...request.headers!, ...extraHeaders], body: stream }
}

describe('an unknown key id with a 64 MiB body: refused without reading it', () => {
  test('request parts: ERR_UNKNOWN_KEY, the stream is never pulled, memory does not grow', async () => {
    const body = countingStream(64 * MiB)
    const before = process.memoryUsage()
    const result = await verify(await streamingPut(body.stream), { ...accepting, lookupSecret: () => undefined })
    const after = process.memoryUsage()
    expect(result).toMatchObject({ ok: false, code: 'ERR_UNKNOWN_KEY' })
    expect(body.pulled()).toBe(0)
    expect(after.rss - before.rss).toBeLessThan(16 * MiB)
    expect(after.heapUsed - before.heapUsed).toBeLessThan(16 * MiB)
  })

  test('a fetch Request with a streamed body: ERR_UNKNOWN_KEY, nothing pulled', async () => {
    const body = countingStream(64 * MiB)
    const request = asRequest({ ...(await signed(upload)), body: body.stream })
    expect(await verify(request, { ...accepting, lookupSecret: () => null })).toMatchObject({
      ok: false,
      code: 'ERR_UNKNOWN_KEY',
    })
    expect(body.pulled()).toBe(0)
  })

  test('a known key with a wrong signature and a declared hash: the body is not read either', async () => {
    const body = countingStream(64 * MiB)
    const request = rawSigned({
      method: 'PUT',
      service: 's3',
      headers: [['x-amz-content-sha256', 'a'.repeat(64)]],
      payloadHash: 'a'.repeat(64),
    })
    const result = await verify(
      { ...request, body: body.stream },
      { ...accepting, lookupSecret: () => 'another secret' },
    )
    expect(result).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' })
    expect(body.pulled()).toBe(0)
  })
})

describe('maxBodyBytes (default 10 MiB)', () => {
  test('a content-length over the limit → ERR_BODY_TOO_LARGE before the lookup, nothing pulled', async () => {
    const body = countingStream(64 * MiB)
    let looked = false
    const request = await streamingPut(body.stream, [['content-length', String(64 * MiB)]])
    const result = await verify(request, { ...accepting, lookupSecret: () => ((looked = true), undefined) })
    expect(result).toMatchObject({ ok: false, code: 'ERR_BODY_TOO_LARGE' })
    expect(looked).toBe(false)
    expect(body.pulled()).toBe(0)
  })

  test('a stream without content-length is cut off at the limit, not read to its end', async () => {
    const body = countingStream(64 * MiB)
    const result = await verify(await streamingPut(body.stream), accepting)
    expect(result).toMatchObject({ ok: false, code: 'ERR_BODY_TOO_LARGE' })
    expect(body.pulled()).toBeGreaterThan(10 * MiB)
    expect(body.pulled()).toBeLessThanOrEqual(10 * MiB + 64 * 1024)
  })

  test('the limit is the option: 2 KiB refused under 1 KiB, accepted under 4 KiB (string, bytes, stream)', async () => {
    const text = 'y'.repeat(2048)
    for (const body of [text, new TextEncoder().encode(text)]) {
      const request = await signed({ ...upload, body })
      expect(await verify(request, { ...accepting, maxBodyBytes: 1024 })).toMatchObject({
        ok: false,
        code: 'ERR_BODY_TOO_LARGE',
      })
      expect(await verify(request, { ...accepting, maxBodyBytes: 4096 })).toMatchObject({ ok: true })
    }
    const request = await signed({ ...upload, body: text })
    const stream = new Response(text).body!
    const result = await verify({ ...request, body: stream }, { ...accepting, maxBodyBytes: 4096 })
    expect(result).toMatchObject({ ok: true })
    // verify read the caller's stream: the verified bytes are handed back.
    expect(result.ok && (await new Response(result.body).text())).toBe(text)
  })
})

describe('SignedHeaders: strictly sorted, each name once, at most 64', () => {
  const headers = (count: number): Array<[string, string]> =>
    Array.from({ length: count }, (_, index) => [`x-h${String(index).padStart(3, '0')}`, 'v'])

  test('unsorted or repeated names → ERR_MALFORMED_AUTH', async () => {
    const unsorted = rawSigned({
      headers: [
        ['x-b', '1'],
        ['x-a', '2'],
      ],
      signedHeaders: ['host', 'x-amz-date', 'x-b', 'x-a'],
    })
    expect(await verify(unsorted, accepting)).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
    const repeated = rawSigned({ headers: [['x-a', '1']], signedHeaders: ['host', 'x-a', 'x-a', 'x-amz-date'] })
    expect(await verify(repeated, accepting)).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
  })

  test('64 signed headers verify; 65 → ERR_MALFORMED_AUTH', async () => {
    expect(await verify(rawSigned({ headers: headers(62) }), accepting)).toMatchObject({ ok: true })
    expect(await verify(rawSigned({ headers: headers(63) }), accepting)).toMatchObject({
      ok: false,
      code: 'ERR_MALFORMED_AUTH',
    })
  })

  test('one 121 KiB header named 10,000 times in SignedHeaders: a typed refusal, not RangeError', async () => {
    const value = 'v'.repeat(121 * 1024)
    const request = rawSigned({ headers: [['x-big', value]] })
    const authorization = [...request.headers!].find(([name]) => name === 'authorization')![1]
    const repeated = authorization.replace('SignedHeaders=', 'SignedHeaders=' + 'x-big;'.repeat(10_000))
    const result = await verify(
      {
        ...request,
        headers: [...request.headers!].map(([name, old]) => [name, name === 'authorization' ? repeated : old]),
      },
      accepting,
    )
    expect(result).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
    // Under the length cap, repeating names is still refused before anything is built.
    const short = authorization.replace('SignedHeaders=host', 'SignedHeaders=host;host;host')
    const shortResult = await verify(
      {
        ...request,
        headers: [...request.headers!].map(([name, old]) => [name, name === 'authorization' ? short : old]),
      },
      accepting,
    )
    expect(shortResult).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
  })
})

describe('verify never throws', () => {
  test('not a request at all → ERR_MALFORMED_REQUEST', async () => {
    for (const input of [
      null,
      undefined,
      5,
      'GET /',
      {},
      { method: 5, host: 'h', path: '/' },
      { method: 'GET', host: 'h' },
      { method: 'GET', host: 'h', path: '/', headers: 5 },
      { method: 'GET', host: 'h', path: '/', headers: ['ab'] },
      { method: 'GET', host: 'h', path: '/', headers: [['a', 1]] },
      { method: 'GET', host: 'h', path: '/', query: 7 },
    ])
      expect(await verify(input as unknown as RequestParts, accepting), JSON.stringify(input)).toMatchObject({
        ok: false,
        code: 'ERR_MALFORMED_REQUEST',
      })
  })

  test('a body of another type, or a stream that errors → ERR_MALFORMED_REQUEST', async () => {
    const request = await signed(upload)
    expect(await verify({ ...request, body: { not: 'a body' } } as unknown as RequestParts, accepting)).toMatchObject({
      ok: false,
      code: 'ERR_MALFORMED_REQUEST',
    })
    const failing = new ReadableStream({
      pull(controller) {
        controller.error(new Error('connection reset'))
      },
    })
    expect(await verify({ ...request, body: failing }, accepting)).toMatchObject({
      ok: false,
      code: 'ERR_MALFORMED_REQUEST',
    })
  })

  test('lookupSecret that throws or rejects → ERR_LOOKUP_FAILED with the error as cause', async () => {
    const request = await signed(upload)
    const failure = new Error('database down')
    for (const lookupSecret of [
      () => {
        throw failure
      },
      () => Promise.reject(failure),
    ]) {
      const result = await verify(request, { ...accepting, lookupSecret })
      expect(result).toMatchObject({ ok: false, code: 'ERR_LOOKUP_FAILED', cause: failure })
      expect(result.ok === false && result.message).not.toContain('database down')
    }
  })

  test('a headers iterable that throws inside verify → a refusal (ERR_INTERNAL), never a rejection', async () => {
    const request = await signed(upload)
    const headers = {
      *[Symbol.iterator]() {
        yield* request.headers!
        throw new Error('broken iterator')
      },
    }
    const result = await verify({ ...request, headers }, accepting)
    expect(result).toMatchObject({ ok: false, code: 'ERR_INTERNAL' })
  })

  test('lookupSecret returning a non-string → ERR_UNKNOWN_KEY', async () => {
    const request = await signed(upload)
    for (const secret of [42, {}, '', true])
      expect(
        await verify(request, { ...accepting, lookupSecret: () => secret as unknown as string }),
        JSON.stringify(secret),
      ).toMatchObject({ ok: false, code: 'ERR_UNKNOWN_KEY' })
  })
})

test('a presigned S3 upload (UNSIGNED-PAYLOAD) larger than maxBodyBytes verifies without its body being read', async () => {
  const body = countingStream(64 * MiB)
  const url = await presigned(
    { method: 'PUT', host: 'bucket.s3.eu-west-1.amazonaws.com', path: '/big.bin' },
    { service: 's3' },
  )
  const request = {
    ...url,
    headers: [['content-length', String(64 * MiB)]] as Array<[string, string]>,
    body: body.stream,
  }
  expect(await verify(request, accepting)).toMatchObject({ ok: true, payloadHash: 'UNSIGNED-PAYLOAD' })
  expect(body.pulled()).toBe(0)
})

const VERIFY_CODES = [
  'ERR_NO_AUTH',
  'ERR_MALFORMED_AUTH',
  'ERR_SCOPE',
  'ERR_DATE_SKEW',
  'ERR_EXPIRED',
  'ERR_UNKNOWN_KEY',
  'ERR_PAYLOAD_HASH',
  'ERR_UNSIGNED_PAYLOAD',
  'ERR_SIGNATURE_MISMATCH',
  'ERR_MULTIPLE_AUTH',
  'ERR_TOKEN_NOT_SIGNED',
  'ERR_INVALID_PAYLOAD_HASH',
  'ERR_CHUNKED_PAYLOAD',
  'ERR_BODY_TOO_LARGE',
  'ERR_QUERY_ENCODING',
  'ERR_PATH_ENCODING',
  'ERR_HOST_MISMATCH',
  'ERR_LOOKUP_FAILED',
  'ERR_MALFORMED_REQUEST',
  'ERR_INTERNAL',
]

test('3,000 seeded requests of any shape (fields of any type, half-valid auth): always a typed result, never a rejection', async () => {
  const valid = await signed({ ...upload, query: 'a=1' })
  const authorization = [...valid.headers!].find(([name]) => name === 'authorization')![1]
  const authValue = fc.oneof(
    fc.string(),
    fc.constant(authorization),
    fc.nat({ max: authorization.length }).map((cut) => authorization.slice(0, cut)),
    fc.string().map((tail) => authorization + tail),
  )
  // Mostly well-typed fields, so that runs get past the shape checks into the parsing and signature steps.
  const field = (valid: fc.Arbitrary<unknown>) =>
    fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: fc.anything(), weight: 1 })
  const shape = fc.record(
    {
      method: field(fc.constantFrom('GET', 'PUT', 'post')),
      host: field(fc.constantFrom('api.example.test', '', 'API.example.test:443')),
      path: field(fc.oneof(fc.constant('/upload'), fc.string())),
      query: field(fc.oneof(fc.constant('a=1'), fc.string())),
      headers: field(
        fc.array(
          fc.oneof(
            {
              arbitrary: fc.tuple(fc.constantFrom('x-amz-date', 'host', 'x-amz-content-sha256'), fc.string()),
              weight: 2,
            },
            { arbitrary: fc.constant(['x-amz-date', '20240310T083000Z']), weight: 4 },
            { arbitrary: fc.tuple(fc.constant('authorization'), authValue), weight: 6 },
            { arbitrary: fc.tuple(fc.string(), fc.string()), weight: 2 },
            { arbitrary: fc.anything(), weight: 1 },
          ),
          { maxLength: 5 },
        ),
      ),
      body: field(fc.oneof(fc.string(), fc.uint8Array(), fc.constant(null))),
    },
    { requiredKeys: ['method', 'host', 'path'] },
  )
  const seen = new Map<string, number>()
  await fc.assert(
    fc.asyncProperty(shape, async (input) => {
      const result = await verify(input as unknown as RequestParts, accepting)
      if (result.ok) return
      expect(VERIFY_CODES).toContain(result.code)
      expect(typeof result.message).toBe('string')
      seen.set(result.code, (seen.get(result.code) ?? 0) + 1)
    }),
    { seed: 0x5a4e, numRuns: 3000 },
  )
  console.log('any-shape fuzz (seed 0x5a4e), code → count:', Object.fromEntries([...seen].sort()))
  expect(seen.get('ERR_MALFORMED_REQUEST')).toBeGreaterThan(0)
})
