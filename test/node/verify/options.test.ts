// Item 5: fail closed. Invalid options throw a typed SigV4Error at the call (they used to switch the time window
// and presign expiry off); an x-amz-date that is not a real time is refused.
import { describe, expect, test } from 'vitest'
import type { RequestParts } from '../../../src/core/types.js'
import { SigV4Error } from '../../../src/core/errors.js'
import { verify, type VerifyOptions } from '../../../src/verify.js'
import { accepting, lookupSecret, presigned, rawSigned, signed, signedAt } from './signed.js'

const parts: RequestParts = { method: 'GET', host: 'api.example.test', path: '/' }
const FOUR_YEARS = 4 * 365 * 24 * 3600 * 1000

function throwsInvalidOption(options: unknown): void {
  let thrown: unknown
  try {
    // Thrown at the call, not as a rejected promise: a misconfiguration surfaces on the first request.
    void verify(parts, options as VerifyOptions)
  } catch (error) {
    thrown = error
  }
  expect(
    thrown,
    JSON.stringify(options, (_, value: unknown) => (typeof value === 'number' ? String(value) : value)),
  ).toBeInstanceOf(SigV4Error)
  expect(thrown).toMatchObject({ code: 'ERR_INVALID_OPTION' })
}

describe('invalid options throw ERR_INVALID_OPTION at the call', () => {
  test('maxSkew: NaN, "15m", negative, Infinity, null', () => {
    for (const maxSkew of [NaN, '15m', -1, Infinity, null]) throwsInvalidOption({ lookupSecret, maxSkew })
  })
  test('now: an invalid Date, NaN, a string', () => {
    for (const now of [new Date('x'), NaN, 'yesterday', Infinity, {}]) throwsInvalidOption({ lookupSecret, now })
  })
  test('region / service: not a string or a non-empty list of strings', () => {
    for (const region of [5, [], [''], '', ['eu-west-1', 5], {}]) throwsInvalidOption({ lookupSecret, region })
    for (const service of [5, [], [''], '', null]) throwsInvalidOption({ lookupSecret, service })
  })
  test('maxBodyBytes: negative, fractional, a string, NaN, Infinity', () => {
    for (const maxBodyBytes of [-1, 1.5, '10MB', NaN, Infinity]) throwsInvalidOption({ lookupSecret, maxBodyBytes })
  })
  test('lookupSecret missing or not a function; options missing', () => {
    for (const options of [undefined, null, {}, { lookupSecret: 'secret' }, 5]) throwsInvalidOption(options)
  })
  test('booleans that are not booleans, and unknown (misspelt) options', () => {
    for (const name of ['normalizePath', 'allowUnsignedPayload', 'allowUnsignedSessionToken', 'strictEncoding'])
      throwsInvalidOption({ lookupSecret, [name]: 'yes' })
    throwsInvalidOption({ lookupSecret, regions: ['eu-west-1'] })
    throwsInvalidOption({ lookupSecret, maxskew: 60 })
  })
  test('a message shows the bad value without throwing on it (Symbol, long string)', () => {
    for (const maxSkew of [Symbol('s'), 'x'.repeat(10_000)]) throwsInvalidOption({ lookupSecret, maxSkew })
  })
})

describe('what invalid options used to let through is refused with valid ones', () => {
  test('a 4-year-old header-signed request and an expired presigned URL', async () => {
    const old = await signed(parts)
    const url = await presigned(parts, { expiresIn: 60 })
    const later = signedAt + FOUR_YEARS
    expect(await verify(old, { lookupSecret, now: later })).toMatchObject({ ok: false, code: 'ERR_DATE_SKEW' })
    expect(await verify(url, { lookupSecret, now: later })).toMatchObject({ ok: false, code: 'ERR_EXPIRED' })
    expect(await verify(old, { lookupSecret, now: new Date(signedAt + 60_000), maxSkew: 0 })).toMatchObject({
      ok: false,
      code: 'ERR_DATE_SKEW',
    })
  })
})

describe('x-amz-date must be a real time', () => {
  // Date.UTC rolls these over (day 32 → the 1st of next month); each is signed correctly for its own scope date.
  const impossible = [
    '20240300T120000Z', // day 00
    '20240332T120000Z', // day 32
    '20240310T240000Z', // hour 24
    '20240310T126000Z', // minute 60
    '20240310T120060Z', // second 60
    '20241310T120000Z', // month 13
    '20240010T120000Z', // month 00
    '20240230T120000Z', // 30 February
    '20230229T120000Z', // 29 February, not a leap year
  ]
  const rolledOver = (amzDate: string): number => {
    const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(amzDate)!.map(Number)
    return Date.UTC(y!, mo! - 1, d, h, mi, s)
  }
  for (const amzDate of impossible) {
    test(amzDate, async () => {
      const request = rawSigned({ amzDate })
      expect(await verify(request, { lookupSecret, now: rolledOver(amzDate) })).toMatchObject({
        ok: false,
        code: 'ERR_MALFORMED_AUTH',
      })
    })
  }
  test('real times verify: 29 February 2024, 23:59:59', async () => {
    for (const amzDate of ['20240229T120000Z', '20241231T235959Z'])
      expect(await verify(rawSigned({ amzDate }), { lookupSecret, now: rolledOver(amzDate) }), amzDate).toMatchObject({
        ok: true,
      })
  })
  test('the Date header (used without x-amz-date) must be an IMF-fixdate with the right weekday', async () => {
    const dated = (date: string) => rawSigned({ headers: [['date', date]], omitAmzDate: true })
    expect(await verify(dated('Sun, 10 Mar 2024 08:30:00 GMT'), accepting)).toMatchObject({ ok: true })
    for (const date of ['Mon, 10 Mar 2024 08:30:00 GMT', 'Sun, 10 Mar 2024 24:30:00 GMT', '2024-03-10T08:30:00Z'])
      expect(await verify(dated(date), accepting), date).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
  })
})
