// Every class of tampering is refused with its typed reason: method, path, query, each signed header, body,
// date outside the window, expired presign, wrong scope, unknown key, truncated or malformed Authorization.
import { describe, expect, test } from 'vitest'
import type { RequestParts } from '../../../src/core/types.js'
import { verify, type VerifyOptions } from '../../../src/verify.js'
import { botocoreSign, lookupSecret, SIGNED_AT, type WireRequest } from './signers.js'

const signedAt = Date.parse(SIGNED_AT)
const options: VerifyOptions = { lookupSecret, now: signedAt + 30_000 }

const [headerSigned, presigned, s3Header, s3Unsigned, s3Presigned] = botocoreSign([
  {
    kind: 'header',
    method: 'POST',
    url: 'https://api.example.test/prod/items?x=1&y=2',
    headers: { 'content-type': 'application/json', 'x-custom': 'abc', 'x-amz-meta-owner': 'me' },
    body: '{"a":1}',
    service: 'execute-api',
    region: 'eu-west-1',
  },
  {
    kind: 'query',
    method: 'GET',
    url: 'https://api.example.test/prod/report?format=csv',
    service: 'execute-api',
    region: 'eu-west-1',
    expires: 300,
  },
  {
    kind: 's3-header',
    method: 'PUT',
    url: 'https://bucket.s3.eu-west-1.amazonaws.com/key.txt',
    headers: { 'content-type': 'text/plain' },
    body: 'original',
    service: 's3',
    region: 'eu-west-1',
  },
  {
    kind: 's3-header',
    method: 'PUT',
    url: 'https://bucket.s3.eu-west-1.amazonaws.com/stream.bin',
    body: 'anything',
    service: 's3',
    region: 'eu-west-1',
    unsignedPayload: true,
  },
  {
    kind: 's3-query',
    method: 'GET',
    url: 'https://bucket.s3.eu-west-1.amazonaws.com/key.txt',
    service: 's3',
    region: 'eu-west-1',
    expires: 60,
  },
]) as [WireRequest, WireRequest, WireRequest, WireRequest, WireRequest]

/** A wire request as request parts, with changes applied. */
function parts(
  wire: WireRequest,
  change: {
    method?: string
    path?: string
    query?: string
    headers?: (headers: Array<[string, string]>) => Array<[string, string]>
    body?: string | null
  } = {},
): RequestParts {
  const url = new URL(wire.url)
  const headers = Object.entries(wire.headers).map(([name, value]): [string, string] => [name, value])
  return {
    method: change.method ?? wire.method,
    host: url.host,
    path: change.path ?? url.pathname,
    query: change.query ?? url.search.slice(1),
    headers: change.headers ? change.headers(headers) : headers,
    body: change.body === undefined ? (wire.body ?? null) : change.body,
  }
}
const setHeader = (name: string, value: string | null) => (headers: Array<[string, string]>) =>
  value === null
    ? headers.filter(([key]) => key.toLowerCase() !== name)
    : headers.map(([key, old]): [string, string] => [key, key.toLowerCase() === name ? value : old])
const authorization = (wire: WireRequest) => wire.headers.Authorization ?? wire.headers.authorization!

test('the untouched requests verify', async () => {
  for (const wire of [headerSigned, presigned, s3Header, s3Unsigned, s3Presigned])
    expect(await verify(parts(wire), options), wire.url).toMatchObject({ ok: true })
})

describe('request tampering → ERR_SIGNATURE_MISMATCH', () => {
  const cases: Array<[string, Parameters<typeof parts>[1]]> = [
    ['method', { method: 'PUT' }],
    ['path', { path: '/prod/items2' }],
    ['path case', { path: '/prod/Items' }],
    ['query value', { query: 'x=1&y=3' }],
    ['query parameter added', { query: 'x=1&y=2&admin=true' }],
    ['query parameter removed', { query: 'x=1' }],
    ['body', { body: '{"a":2}' }],
    ['body removed', { body: null }],
  ]
  for (const [name, change] of cases) {
    test(name, async () => {
      expect(await verify(parts(headerSigned, change), options)).toMatchObject({
        ok: false,
        code: 'ERR_SIGNATURE_MISMATCH',
      })
    })
  }

  test('each signed header, changed or removed', async () => {
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization(headerSigned))![1]!.split(';')
    expect(signedHeaders).toEqual(['content-type', 'host', 'x-amz-date', 'x-amz-meta-owner', 'x-custom'])
    for (const name of signedHeaders) {
      if (name === 'host') {
        const moved = { ...parts(headerSigned), host: 'evil.example.test' }
        expect(await verify(moved, options), 'host changed').toMatchObject({
          ok: false,
          code: 'ERR_SIGNATURE_MISMATCH',
        })
        continue
      }
      const original = Object.entries(headerSigned.headers).find(([key]) => key.toLowerCase() === name)![1]
      const changed = name === 'x-amz-date' ? original.replace(/00Z$/, '01Z') : original + 'x'
      expect(
        await verify(parts(headerSigned, { headers: setHeader(name, changed) }), options),
        `${name} changed`,
      ).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' })
      const removed = await verify(parts(headerSigned, { headers: setHeader(name, null) }), options)
      expect(removed, `${name} removed`).toMatchObject({
        ok: false,
        code: name === 'x-amz-date' ? 'ERR_MALFORMED_AUTH' : 'ERR_SIGNATURE_MISMATCH',
      })
    }
  })

  test('presigned query parameters', async () => {
    const query = new URL(presigned.url).search.slice(1)
    expect(
      await verify(parts(presigned, { query: query.replace('format=csv', 'format=json') }), options),
    ).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' })
    expect(
      await verify(parts(presigned, { query: query.replace('X-Amz-Expires=300', 'X-Amz-Expires=3000') }), options),
    ).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' })
    expect(
      await verify(
        parts(presigned, {
          query: query.replace('X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Algorithm=AWS4-HMAC-SHA1'),
        }),
        options,
      ),
    ).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
    expect(
      await verify(parts(presigned, { query: query.replace(/&?X-Amz-Signature=[0-9a-f]+/, '') }), options),
    ).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
    expect(await verify(parts(presigned, { method: 'DELETE' }), options)).toMatchObject({
      ok: false,
      code: 'ERR_SIGNATURE_MISMATCH',
    })
  })
})

describe('payload', () => {
  test('an S3 body that does not match the signed x-amz-content-sha256 → ERR_PAYLOAD_HASH', async () => {
    expect(await verify(parts(s3Header, { body: 'tampered' }), options)).toMatchObject({
      ok: false,
      code: 'ERR_PAYLOAD_HASH',
    })
  })
  test('UNSIGNED-PAYLOAD is accepted unless allowUnsignedPayload is false', async () => {
    expect(await verify(parts(s3Unsigned, { body: 'something else' }), options)).toMatchObject({
      ok: true,
      payloadHash: 'UNSIGNED-PAYLOAD',
    })
    expect(await verify(parts(s3Unsigned), { ...options, allowUnsignedPayload: false })).toMatchObject({
      ok: false,
      code: 'ERR_UNSIGNED_PAYLOAD',
    })
    expect(await verify(parts(s3Presigned), { ...options, allowUnsignedPayload: false })).toMatchObject({
      ok: false,
      code: 'ERR_SIGNATURE_MISMATCH',
    })
  })
})

describe('time', () => {
  test('header signing: more than 15 minutes either way → ERR_DATE_SKEW; maxSkew changes the window', async () => {
    expect(await verify(parts(headerSigned), { ...options, now: signedAt + 15 * 60_000 })).toMatchObject({ ok: true })
    expect(await verify(parts(headerSigned), { ...options, now: signedAt + 15 * 60_000 + 1000 })).toMatchObject({
      ok: false,
      code: 'ERR_DATE_SKEW',
    })
    expect(await verify(parts(headerSigned), { ...options, now: signedAt - 15 * 60_000 - 1000 })).toMatchObject({
      ok: false,
      code: 'ERR_DATE_SKEW',
    })
    expect(await verify(parts(headerSigned), { ...options, now: signedAt + 120_000, maxSkew: 60 })).toMatchObject({
      ok: false,
      code: 'ERR_DATE_SKEW',
    })
  })
  test('presigned: valid until X-Amz-Expires (ERR_EXPIRED after), not before the signing time minus the skew', async () => {
    expect(await verify(parts(presigned), { ...options, now: signedAt + 300_000 })).toMatchObject({ ok: true })
    expect(await verify(parts(presigned), { ...options, now: signedAt + 301_000 })).toMatchObject({
      ok: false,
      code: 'ERR_EXPIRED',
    })
    expect(await verify(parts(s3Presigned), { ...options, now: signedAt + 61_000 })).toMatchObject({
      ok: false,
      code: 'ERR_EXPIRED',
    })
    expect(await verify(parts(presigned), { ...options, now: signedAt - 16 * 60_000 })).toMatchObject({
      ok: false,
      code: 'ERR_DATE_SKEW',
    })
  })
  test('the clock defaults to now: a request signed in 2024 is refused today', async () => {
    expect(await verify(parts(headerSigned), { lookupSecret })).toMatchObject({ ok: false, code: 'ERR_DATE_SKEW' })
  })
})

describe('scope and keys', () => {
  test('a region or service not accepted here → ERR_SCOPE', async () => {
    expect(await verify(parts(headerSigned), { ...options, region: 'us-east-1' })).toMatchObject({
      ok: false,
      code: 'ERR_SCOPE',
    })
    expect(
      await verify(parts(headerSigned), { ...options, region: ['us-east-1', 'eu-west-1'], service: 'execute-api' }),
    ).toMatchObject({ ok: true })
    expect(await verify(parts(headerSigned), { ...options, service: ['s3'] })).toMatchObject({
      ok: false,
      code: 'ERR_SCOPE',
    })
  })
  test('a credential scope whose date or terminator is wrong → ERR_SCOPE', async () => {
    const auth = authorization(headerSigned)
    const dated = auth.replace('/20240310/', '/20240311/')
    expect(await verify(parts(headerSigned, { headers: setHeader('authorization', dated) }), options)).toMatchObject({
      ok: false,
      code: 'ERR_SCOPE',
    })
    const terminator = auth.replace('/aws4_request', '/aws5_request')
    expect(
      await verify(parts(headerSigned, { headers: setHeader('authorization', terminator) }), options),
    ).toMatchObject({ ok: false, code: 'ERR_SCOPE' })
  })
  test('an unknown access key → ERR_UNKNOWN_KEY; a wrong secret → ERR_SIGNATURE_MISMATCH', async () => {
    expect(await verify(parts(headerSigned), { ...options, lookupSecret: () => undefined })).toMatchObject({
      ok: false,
      code: 'ERR_UNKNOWN_KEY',
    })
    expect(await verify(parts(headerSigned), { ...options, lookupSecret: () => Promise.resolve(null) })).toMatchObject({
      ok: false,
      code: 'ERR_UNKNOWN_KEY',
    })
    const other = authorization(headerSigned).replace('AKIDVERIFYTEST', 'AKIDSOMEONEELSE')
    expect(await verify(parts(headerSigned, { headers: setHeader('authorization', other) }), options)).toMatchObject({
      ok: false,
      code: 'ERR_UNKNOWN_KEY',
    })
    expect(await verify(parts(headerSigned), { ...options, lookupSecret: () => 'wrong-secret' })).toMatchObject({
      ok: false,
      code: 'ERR_SIGNATURE_MISMATCH',
    })
  })
  test('lookupSecret receives the scope and the session token', async () => {
    const seen: unknown[] = []
    await verify(parts(headerSigned), {
      ...options,
      lookupSecret: (id, context) => (seen.push([id, context]), lookupSecret(id)),
    })
    expect(seen).toEqual([['AKIDVERIFYTEST', { sessionToken: undefined, region: 'eu-west-1', service: 'execute-api' }]])
  })
})

describe('malformed Authorization', () => {
  test('every truncation of the header → ERR_MALFORMED_AUTH', async () => {
    const auth = authorization(headerSigned)
    for (let length = 0; length < auth.length; length++) {
      const truncated = auth.slice(0, length)
      const result = await verify(parts(headerSigned, { headers: setHeader('authorization', truncated) }), options)
      expect(result, `cut at ${length}: ${truncated}`).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
    }
  })
  test('garbled headers', async () => {
    const auth = authorization(headerSigned)
    const signature = /Signature=([0-9a-f]+)/.exec(auth)![1]!
    const garbled = [
      'Bearer abc',
      'AWS4-HMAC-SHA256',
      'AWS4-HMAC-SHA256 nonsense',
      'AWS4-ECDSA-P256-SHA256 ' + auth.slice('AWS4-HMAC-SHA256 '.length),
      auth.replace(signature, signature.toUpperCase()),
      auth.replace(signature, signature + '00'),
      auth.replace('SignedHeaders=', 'SignedHeaders=Content-Type;'),
      auth.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=content-type;x-amz-date'),
      auth.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=content-type;host'),
      auth.replace(/, Signature=/, ', Signature=' + signature + ', Signature='),
      auth.replace(/Credential=[^,]+/, 'Credential=AKIDVERIFYTEST/20240310/eu-west-1/execute-api'),
      auth + ', Extra=1',
    ]
    for (const value of garbled) {
      expect(
        await verify(parts(headerSigned, { headers: setHeader('authorization', value) }), options),
        value,
      ).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
    }
    const twice = await verify(
      parts(headerSigned, { headers: (headers) => [...headers, ['Authorization', auth]] }),
      options,
    )
    expect(twice).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
  })
  test('no authentication at all → ERR_NO_AUTH', async () => {
    expect(await verify(parts(headerSigned, { headers: setHeader('authorization', null) }), options)).toMatchObject({
      ok: false,
      code: 'ERR_NO_AUTH',
    })
    expect(await verify(new Request('https://api.example.test/'), options)).toMatchObject({
      ok: false,
      code: 'ERR_NO_AUTH',
    })
  })
})
