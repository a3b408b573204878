// Item 6: messages quote untrusted values safely (no CR/LF or other control characters from the request reach
// `message`, values are cut short) and never include the secret. Seeded fast-check over hostile values placed in
// every field whose value a message may quote.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { RequestParts } from '../../../src/core/types.js'
import { uriEncode } from '../../../src/core/encoding.js'
import { MAX_QUOTED_LENGTH, quote } from '../../../src/verify/text.js'
import { verify } from '../../../src/verify.js'
import { accepting, credentials, rawSigned } from './signed.js'

// Control characters are what this test looks for.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const MAX_MESSAGE_LENGTH = 600
const hostileChar = fc.oneof(
  fc.constantFrom('\r', '\n', '\r\n', '\u0000', '\u001b', '\u007f', '\u0085', '\u2028', '\u202e', '"', '\\', ' '),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
)
const hostile = fc.string({ unit: hostileChar, minLength: 1, maxLength: 300 })

test('quote(): never a control character, never longer than the cap allows', () => {
  fc.assert(
    fc.property(fc.string({ unit: hostileChar, maxLength: 2000 }), (value) => {
      const quoted = quote(value)
      expect(quoted).not.toMatch(UNSAFE)
      // Each shown character escapes to at most "\u{xxxx}" (8 characters), plus the quotes and the length note.
      expect(quoted.length).toBeLessThanOrEqual(MAX_QUOTED_LENGTH * 8 + 40)
    }),
    { seed: 0x6a7e, numRuns: 2000 },
  )
  expect(quote('a\r\nInjected: yes')).toBe('"a\\u{d}\\u{a}Injected: yes"')
})

const presignedQuery = (fields: { id?: string; region?: string; service?: string; date?: string; signed?: string }) =>
  [
    'X-Amz-Algorithm=AWS4-HMAC-SHA256',
    'X-Amz-Credential=' +
      uriEncode(
        `${fields.id ?? credentials.accessKeyId}/20240310/${fields.region ?? 'eu-west-1'}/${fields.service ?? 'execute-api'}/aws4_request`,
      ),
    'X-Amz-Date=' + uriEncode(fields.date ?? '20240310T083000Z'),
    'X-Amz-Expires=300',
    'X-Amz-SignedHeaders=' + uriEncode(fields.signed ?? 'host'),
    'X-Amz-Signature=' + '0'.repeat(64),
  ].join('&')

const PLACES = [
  'access key id',
  'region',
  'service',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'x-amz-date header',
  'x-amz-content-sha256 header',
  'Host header',
  'query',
  'path',
] as const

/** A request carrying `value` in `place`, signed correctly where that matters to reach the quoting check. */
function carrying(place: (typeof PLACES)[number], value: string): RequestParts {
  const get: RequestParts = { method: 'GET', host: 'api.example.test', path: '/' }
  switch (place) {
    case 'access key id':
      return { ...get, query: presignedQuery({ id: value }) }
    case 'region':
      return { ...get, query: presignedQuery({ region: value }) }
    case 'service':
      return { ...get, query: presignedQuery({ service: value }) }
    case 'X-Amz-Date':
      return { ...get, query: presignedQuery({ date: value }) }
    case 'X-Amz-SignedHeaders':
      return { ...get, query: presignedQuery({ signed: 'host;' + value }) }
    case 'x-amz-date header': {
      const request = rawSigned({})
      return {
        ...request,
        headers: [...request.headers!].map(([name, old]) => [name, name === 'x-amz-date' ? value : old]),
      }
    }
    case 'x-amz-content-sha256 header':
      return rawSigned({ headers: [['x-amz-content-sha256', value]], payloadHash: value })
    case 'Host header':
      return { ...rawSigned({}), headers: [...rawSigned({}).headers!, ['host', value]] }
    // A "+" and a bare "%" make sure the strict encoding check quotes the value.
    case 'query':
      return rawSigned({ query: 'q=' + value + '+' })
    case 'path':
      return rawSigned({ path: '/' + value + '%' })
  }
}

describe('messages of refusals', () => {
  test('hostile values in every quoted field: no control character, bounded length, no secret (1,000 seeded runs)', async () => {
    const seen = new Map<string, number>()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PLACES),
        hostile,
        fc.string({ minLength: 16, maxLength: 40 }),
        async (place, value, secret) => {
          fc.pre(!value.includes(secret))
          const result = await verify(carrying(place, value), { ...accepting, lookupSecret: () => secret })
          if (result.ok) return
          seen.set(`${place}: ${result.code}`, (seen.get(`${place}: ${result.code}`) ?? 0) + 1)
          expect(result.message).not.toMatch(UNSAFE)
          expect(result.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH)
          expect(result.message).not.toContain(secret)
        },
      ),
      { seed: 0x3e55a6e, numRuns: 1000 },
    )
    console.log('messages fuzz, place: code → count', Object.fromEntries([...seen].sort()))
    // The runs reached the quoting checks, not only the first parse error.
    for (const code of [
      'ERR_HOST_MISMATCH',
      'ERR_QUERY_ENCODING',
      'ERR_PATH_ENCODING',
      'ERR_INVALID_PAYLOAD_HASH',
      'ERR_MALFORMED_AUTH',
    ])
      expect(
        [...seen.keys()].some((key) => key.endsWith(code)),
        code,
      ).toBe(true)
  })

  test('a printable access key id is quoted; one with a CR/LF is refused without echoing it', async () => {
    const unknown = await verify(
      { method: 'GET', host: 'h', path: '/', query: presignedQuery({ id: 'AKID"INJECT' }) },
      {
        ...accepting,
        lookupSecret: () => undefined,
      },
    )
    expect(unknown).toMatchObject({
      ok: false,
      code: 'ERR_UNKNOWN_KEY',
      message: expect.stringContaining('"AKID\\u{22}INJECT"') as unknown,
    })
    const split = await verify(
      { method: 'GET', host: 'h', path: '/', query: presignedQuery({ id: 'AKID\r\nX-Log: forged' }) },
      accepting,
    )
    expect(split.ok === false && split.message).not.toMatch(/forged|\r|\n/)
  })

  test('a lookupSecret failure that mentions the secret: the message does not repeat it', async () => {
    const result = await verify(rawSigned({}), {
      ...accepting,
      lookupSecret: () => {
        throw new Error(`cannot decrypt ${credentials.secretAccessKey}`)
      },
    })
    expect(result).toMatchObject({ ok: false, code: 'ERR_LOOKUP_FAILED' })
    expect(result.ok === false && result.message).not.toContain(credentials.secretAccessKey)
  })
})
