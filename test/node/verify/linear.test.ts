// Proof: every regex verify() runs over untrusted input stays linear. Each field a request controls is filled with
// 1e5 and then 1e6 characters of the pattern most likely to make a regex backtrack, and verify's time is compared:
// linear work grows ~10x, quadratic ~100x. Bounds are generous for a loaded machine (rounds alternate, best of 3).
import { describe, expect, test } from 'vitest'
import type { RequestParts } from '../../../src/core/types.js'
import { quote } from '../../../src/verify/text.js'
import { verify } from '../../../src/verify.js'
import { accepting, rawSigned } from './signed.js'

const presign = (fields: Record<string, string>): string =>
  Object.entries({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': 'AKIDSECURITYTEST%2F20240310%2Feu-west-1%2Fexecute-api%2Faws4_request',
    'X-Amz-Date': '20240310T083000Z',
    'X-Amz-Expires': '300',
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': '0'.repeat(64),
    ...fields,
  })
    .map(([name, value]) => `${name}=${value}`)
    .join('&')

const withHeader = (name: string, value: string, signedHeaders?: string[]): RequestParts =>
  rawSigned({ headers: [[name, value]], ...(signedHeaders ? { signedHeaders } : {}) })
const get = (query: string): RequestParts => ({ method: 'GET', host: 'api.example.test', path: '/', query })
const repeat = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)

/** Each case: a request carrying `length` characters of an adversarial pattern in one field. */
const CASES: Record<string, (length: number) => RequestParts> = {
  'query: valid UTF-8 percent run, then %FF': (n) => rawSigned({ query: 'q=' + repeat('%C3%A9', n) + '%FF' }),
  'query: text then a bare %': (n) => rawSigned({ query: 'q=' + repeat('a', n) + '%' }),
  'query: %2 repeated': (n) => rawSigned({ query: 'q=' + repeat('%2', n) }),
  'query: many pairs': (n) => rawSigned({ query: repeat('a=b&', n) }),
  'query: many & only': (n) => rawSigned({ query: repeat('&', n) }),
  'query: one name repeated': (n) => rawSigned({ query: repeat('k=v&', n) }),
  'path: percent run then %C3': (n) => rawSigned({ path: '/' + repeat('%41', n) + '%C3' }),
  'path: dot segments': (n) => rawSigned({ path: '/' + repeat('a/../', n) }),
  'X-Amz-Credential: long access key id': (n) =>
    get(presign({ 'X-Amz-Credential': repeat('A', n) + '%2F20240310%2Feu-west-1%2Fs%2Faws4_request' })),
  'X-Amz-Credential: long region': (n) =>
    get(presign({ 'X-Amz-Credential': 'AKID%2F20240310%2F' + repeat('a', n) + '%2Fs%2Faws4_request' })),
  'X-Amz-SignedHeaders: one long name': (n) => get(presign({ 'X-Amz-SignedHeaders': repeat('a', n) })),
  'X-Amz-SignedHeaders: many names': (n) => get(presign({ 'X-Amz-SignedHeaders': repeat('a;', n) })),
  'X-Amz-Date: digits': (n) => get(presign({ 'X-Amz-Date': repeat('2', n) })),
  'X-Amz-Expires: digits': (n) => get(presign({ 'X-Amz-Expires': repeat('9', n) })),
  'X-Amz-Signature: hex': (n) => get(presign({ 'X-Amz-Signature': repeat('a', n) })),
  'Authorization: long field': (n) => ({
    ...get(''),
    headers: [['authorization', 'AWS4-HMAC-SHA256 Credential=' + repeat('a', n)]],
  }),
  'Authorization: spaces': (n) => ({
    ...get(''),
    headers: [['authorization', 'AWS4-HMAC-SHA256 ' + repeat(' ', n) + ',']],
  }),
  'x-amz-date header: digits': (n) => ({
    ...rawSigned({}),
    headers: [['x-amz-date', repeat('2', n)], ...[...rawSigned({}).headers!].slice(1)],
  }),
  'Date header: near-IMF text': (n) => ({
    ...rawSigned({ omitAmzDate: true, headers: [['date', 'Sun, 10 Mar 2024 08:30:00 ' + repeat('G', n)]] }),
  }),
  'signed header value: whitespace runs': (n) => withHeader('x-spaced', 'a' + repeat(' \t', n) + 'b'),
  'x-amz-content-sha256: long word': (n) => withHeader('x-amz-content-sha256', repeat('A-', n)),
  'x-amz-content-sha256: hex': (n) => withHeader('x-amz-content-sha256', repeat('a', n)),
  'content-length: digits': (n) => withHeader('content-length', repeat('9', n)),
  'Host header: long': (n) => ({ ...rawSigned({}), headers: [...rawSigned({}).headers!, ['host', repeat('a.', n)]] }),
  'x-amz-security-token: long, unsigned': (n) =>
    withHeader('x-amz-security-token', repeat('t', n), ['host', 'x-amz-date']),
}

const sizes = [100_000, 1_000_000] as const

async function timeOf(request: RequestParts): Promise<number> {
  const started = performance.now()
  const result = await verify(request, accepting)
  const elapsed = performance.now() - started
  // A typed outcome, whatever the input (an unparseable content-length is left to the transport and ignored).
  expect(typeof result.ok).toBe('boolean')
  return elapsed
}

describe('verify stays linear at 1e6 characters in every field it parses', () => {
  for (const [name, make] of Object.entries(CASES)) {
    test(name, async () => {
      const requests = sizes.map((size) => make(size))
      const best = [Infinity, Infinity]
      for (let round = 0; round < 3; round++) {
        for (const index of round % 2 ? [1, 0] : [0, 1])
          best[index] = Math.min(best[index]!, await timeOf(requests[index]!))
      }
      const [small, large] = best as [number, number]
      // Linear growth is ~10x; quadratic would be ~100x. Small timings are noise: compare against at least 2 ms.
      expect(large, `1e5: ${small.toFixed(1)} ms, 1e6: ${large.toFixed(1)} ms`).toBeLessThan(Math.max(small, 2) * 35)
      expect(large).toBeLessThan(3000)
    })
  }

  test('quote() of 1e6 characters is cut before any work', () => {
    const started = performance.now()
    const quoted = quote(repeat('\r\n', 1_000_000))
    expect(performance.now() - started).toBeLessThan(50)
    expect(quoted).toContain('(1000000 characters)')
  })
})
