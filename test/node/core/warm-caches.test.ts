// What the warm-signature shortcuts must give exactly as the long way does: a header record read without a Headers
// object, the signing key kept per credentials object, and the X-Amz-Date of the current second.
import fc from 'fast-check'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { sign, signParts } from '../../../src/index.js'
import { amzDate } from '../../../src/core/options.js'
import { headerEntries } from '../../../src/core/request.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'
import { differentFrom } from '../../helpers/different.js'

const datetime = '2015-08-30T12:36:00Z'
const parts = { method: 'GET', host: 'example.amazonaws.com', path: '/' }
const scope = { region: 'us-east-1', service: 'service' }

/** What `new Headers(given)` lists, or the error code this package gives for what it refuses. */
function viaHeaders(given: Record<string, unknown>): Array<[string, string]> | string {
  try {
    return [...new Headers(given as HeadersInit)]
  } catch {
    return 'ERR_INVALID_HEADER'
  }
}

function viaEntries(given: Record<string, unknown>): Array<[string, string]> | string {
  try {
    return headerEntries(given as HeadersInit)
  } catch (error) {
    return (error as { code: string }).code
  }
}

describe('header records read without a Headers object', () => {
  // Names from letters of both cases, token punctuation and a few characters no token holds; values with spaces,
  // tabs, line breaks, NUL and non-ASCII text at either end or inside.
  const name = fc.string({ unit: fc.constantFrom(...'aAbBzZ-_.!~0 :/é'), minLength: 0, maxLength: 4 })
  const value = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'ab \t\r\n\0é€'), maxLength: 6 }),
    fc.constantFrom('application/json', '  padded ', 'a  b', ''),
    fc.integer(),
  )

  test('property: any record gives what new Headers() lists (or the same refusal)', () => {
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 5 }), (record) => {
        expect(viaEntries(record)).toEqual(viaHeaders(record))
      }),
      { seed: 2112, numRuns: 3000 },
    )
  })

  test('the same name in two cases is joined as Headers joins it; null-prototype records and Headers objects too', () => {
    expect(headerEntries({ 'X-A': '1', 'x-a': '2' })).toEqual([['x-a', '1, 2']])
    const bare = Object.assign(Object.create(null) as Record<string, string>, { B: '2', a: '1' })
    expect(headerEntries(bare)).toEqual([
      ['a', '1'],
      ['b', '2'],
    ])
    expect(headerEntries(new Headers({ Z: '1', y: ' 2 ' }))).toEqual([
      ['y', '2'],
      ['z', '1'],
    ])
    expect(headerEntries([['k', 'v']])).toEqual([['k', 'v']])
    expect(() => headerEntries({ [Symbol('s')]: 'x' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_HEADER' }))
  })

  test('a signature over a record equals the one over the same headers as a Headers object', async () => {
    const headers = { 'X-Amz-Target': 'Kinesis_20131202.PutRecord', 'Content-Type': 'application/x-amz-json-1.1' }
    const options = { credentials: VECTOR_CREDENTIALS, datetime, ...scope }
    const url = 'https://example.amazonaws.com/'
    const fromRecord = await sign({ method: 'POST', url, headers, body: '{}' }, options)
    const fromHeaders = await sign({ method: 'POST', url, headers: new Headers(headers), body: '{}' }, options)
    expect(fromRecord.headers.get('authorization')).toMatch(/Signature=[0-9a-f]{64}$/)
    expect([...fromRecord.headers]).toEqual([...fromHeaders.headers])
  })
})

describe('the signing key kept per credentials object', () => {
  const signature = async (credentials: object, options: object = {}): Promise<string> =>
    (await signParts(parts, { credentials: credentials as never, datetime, ...scope, ...options })).signature

  test('a secret changed on the same object signs with the new secret', async () => {
    const credentials: { accessKeyId: string; secretAccessKey: string } = { ...VECTOR_CREDENTIALS }
    const before = await signature(credentials)
    expect(before).toBe(await signature({ ...VECTOR_CREDENTIALS }))
    credentials.secretAccessKey = differentFrom(VECTOR_CREDENTIALS.secretAccessKey)
    const after = await signature(credentials)
    expect(after).not.toBe(before)
    expect(after).toBe(await signature({ ...credentials }))
  })

  test('another date, region or service on the same object signs with that scope', async () => {
    const credentials = { ...VECTOR_CREDENTIALS }
    for (const change of [{ datetime: '2015-08-31T12:36:00Z' }, { region: 'eu-west-1' }, { service: 'other' }]) {
      const warm = await signature(credentials, change)
      expect(warm).toBe(await signature({ ...VECTOR_CREDENTIALS }, change))
      expect(warm).not.toBe(await signature(credentials))
    }
  })
})

describe('the X-Amz-Date of the current second', () => {
  afterEach(() => vi.useRealTimers())

  test('follows the clock: the same within a second, the next one after it', () => {
    vi.useFakeTimers()
    vi.setSystemTime(Date.UTC(2026, 11, 8, 9, 59, 59, 10))
    expect(amzDate()).toBe('20261208T095959Z')
    vi.setSystemTime(Date.UTC(2026, 11, 8, 9, 59, 59, 990))
    expect(amzDate()).toBe('20261208T095959Z')
    vi.setSystemTime(Date.UTC(2026, 11, 8, 10, 0, 0, 0))
    expect(amzDate()).toBe('20261208T100000Z')
    // Back in time (a clock set back): the earlier second again, not the cached one.
    vi.setSystemTime(Date.UTC(2026, 11, 7, 23, 0, 0, 0))
    expect(amzDate()).toBe('20261207T230000Z')
  })
})
