// Bodies read once (issue 14): a string is encoded once and a Blob sent as itself, with the same bytes and hash; and
// what a cache of checks or encodings would have to respect: a credentials object changed after a signature is read anew.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { presign, sign, signParts } from '../../../src/index.js'
import { amzDate } from '../../../src/core/options.js'
import { utf8Body } from '../../../src/core/encoding.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'
import { differentFrom } from '../../helpers/different.js'

const datetime = '2015-08-30T12:36:00Z'
const url = 'https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/upload'
const options = { credentials: VECTOR_CREDENTIALS, datetime, signContentSha256: true }
const hex = (buffer: ArrayBuffer): string =>
  Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('')
const sha256 = async (data: BufferSource): Promise<string> => hex(await crypto.subtle.digest('SHA-256', data))
const sentBytes = async (request: Request): Promise<Uint8Array> => new Uint8Array(await request.arrayBuffer())

describe('credentials changed after a signature', () => {
  test('a field changed after a signature is checked again: a token with a line break is still refused', async () => {
    const credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: unknown } = {
      ...VECTOR_CREDENTIALS,
      sessionToken: 'TOKEN',
    }
    const parts = { method: 'GET', host: 'sts.amazonaws.com', path: '/' }
    await signParts(parts, { credentials: credentials as never, datetime })
    credentials.sessionToken = 'TOKEN\r\nx-evil: 1'
    await expect(signParts(parts, { credentials: credentials as never, datetime })).rejects.toMatchObject({
      code: 'ERR_INVALID_CREDENTIALS',
    })
    credentials.sessionToken = 42
    await expect(signParts(parts, { credentials: credentials as never, datetime })).rejects.toMatchObject({
      code: 'ERR_CREDENTIALS_MISSING',
    })
    credentials.sessionToken = 'TOKEN'
    credentials.accessKeyId = 'AKID EXAMPLE'
    await expect(signParts(parts, { credentials: credentials as never, datetime })).rejects.toMatchObject({
      code: 'ERR_INVALID_CREDENTIALS',
    })
  })

  test('a presign puts the current session token of a credentials object in the URL', async () => {
    const credentials = { ...VECTOR_CREDENTIALS, sessionToken: 'first/token+=' }
    const presignOptions = { credentials, datetime, region: 'us-east-1', service: 's3' }
    const first = await presign('https://bucket.s3.us-east-1.amazonaws.com/key', presignOptions)
    expect(first.searchParams.get('X-Amz-Security-Token')).toBe('first/token+=')
    expect(first.search).toContain('X-Amz-Security-Token=first%2Ftoken%2B%3D')
    credentials.sessionToken = differentFrom('first/token+=')
    const second = await presign('https://bucket.s3.us-east-1.amazonaws.com/key', presignOptions)
    expect(second.searchParams.get('X-Amz-Security-Token')).toBe(credentials.sessionToken)
    expect(second.search).toContain('X-Amz-Security-Token=Airst%2Ftoken%2B%3D')
    expect(second.searchParams.get('X-Amz-Signature')).not.toBe(first.searchParams.get('X-Amz-Signature'))
  })
})

describe('X-Amz-Date of consecutive signatures', () => {
  test('Dates of the same second share it, the next second does not, and strings and bad dates are read anew', () => {
    expect(amzDate(new Date(Date.UTC(2020, 0, 1, 0, 0, 0, 100)))).toBe('20200101T000000Z')
    expect(amzDate(new Date(Date.UTC(2020, 0, 1, 0, 0, 0, 900)))).toBe('20200101T000000Z')
    expect(amzDate(new Date(Date.UTC(2020, 0, 1, 0, 0, 1, 0)))).toBe('20200101T000001Z')
    expect(amzDate('2015-08-30T12:36:00Z')).toBe('20150830T123600Z')
    expect(amzDate(new Date(Date.UTC(2020, 0, 1, 0, 0, 1, 500)))).toBe('20200101T000001Z')
    expect(() => amzDate(new Date(Number.NaN))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_DATETIME' }))
    expect(() => amzDate(new Date(Date.UTC(10000, 0, 1)))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_DATETIME' }),
    )
  })
})

describe('bodies read once', () => {
  test('a string body is hashed and sent as its UTF-8 bytes (ASCII, other text, a lone surrogate)', async () => {
    for (const body of ['{"a":1}', 'é€😀 text', 'a\uD800b']) {
      const request = await sign({ method: 'POST', url, body }, options)
      const expected = new TextEncoder().encode(body)
      expect(request.headers.get('x-amz-content-sha256')).toBe(await sha256(expected))
      expect(request.headers.get('content-type')).toBe('text/plain;charset=UTF-8')
      expect(await sentBytes(request)).toEqual(expected)
    }
  })

  test('a Blob is hashed and sent as is, with its type as content type unless one is given', async () => {
    const bytes = new Uint8Array(70_000).map((_, index) => (index * 7) & 0xff)
    const typed = await sign({ method: 'PUT', url, body: new Blob([bytes], { type: 'image/png' }) }, options)
    expect(typed.headers.get('content-type')).toBe('image/png')
    expect(typed.headers.get('authorization')).toContain('SignedHeaders=content-type;host;')
    expect(typed.headers.get('x-amz-content-sha256')).toBe(await sha256(bytes))
    expect(await sentBytes(typed)).toEqual(bytes)

    const given = await sign(
      { method: 'PUT', url, headers: { 'content-type': 'application/octet-stream' }, body: new Blob([bytes]) },
      options,
    )
    expect(given.headers.get('content-type')).toBe('application/octet-stream')
    const untyped = await sign({ method: 'PUT', url, body: new Blob([bytes]) }, options)
    expect(untyped.headers.get('content-type')).toBeNull()
    expect(await sentBytes(untyped)).toEqual(bytes)
  })

  test('a Blob body on a GET is refused', async () => {
    await expect(sign({ method: 'GET', url, body: new Blob(['x']) }, options)).rejects.toMatchObject({
      code: 'ERR_INVALID_REQUEST',
    })
  })

  test('property: utf8Body gives exactly what TextEncoder gives, for any text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme-ascii' }),
        (text, ascii) => {
          for (const sample of [text, ascii, ascii + text]) {
            expect(utf8Body(sample)).toEqual(new TextEncoder().encode(sample))
          }
        },
      ),
      { seed: 1408, numRuns: 500 },
    )
  })
})
