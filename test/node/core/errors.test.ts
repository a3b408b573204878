// Table test: each bad input gives a SigV4Error with a stable code, a message that says what to do, and no secret.
import { describe, expect, test } from 'vitest'
import { presign, presignParts, sign, signParts, SigV4Error } from '../../../src/index.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'

const SECRET = VECTOR_CREDENTIALS.secretAccessKey
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }
const base = { credentials, region: 'us-east-1', service: 'kinesis', datetime: '2015-08-30T12:36:00Z' }
const url = 'https://kinesis.us-east-1.amazonaws.com/'
const parts = { method: 'GET', host: 'example.amazonaws.com', path: '/' }

const usedRequest = async () => {
  const request = new Request(url, { method: 'POST', body: 'x' })
  await request.text()
  return request
}

const cases: Array<[string, string, () => Promise<unknown>]> = [
  ['no options', 'ERR_INVALID_OPTION', () => sign({ url }, undefined as never)],
  ['no credentials', 'ERR_CREDENTIALS_MISSING', () => sign({ url }, { ...base, credentials: undefined as never })],
  [
    'empty access key id',
    'ERR_CREDENTIALS_MISSING',
    () => sign({ url }, { ...base, credentials: { ...credentials, accessKeyId: '' } }),
  ],
  [
    'empty secret',
    'ERR_CREDENTIALS_MISSING',
    () => sign({ url }, { ...base, credentials: { ...credentials, secretAccessKey: '' } }),
  ],
  [
    'secret not a string',
    'ERR_CREDENTIALS_MISSING',
    () => sign({ url }, { ...base, credentials: { ...credentials, secretAccessKey: 42 as never } }),
  ],
  [
    'session token not a string',
    'ERR_CREDENTIALS_MISSING',
    () => sign({ url }, { ...base, credentials: { ...credentials, sessionToken: {} as never } }),
  ],
  [
    'provider returns nothing',
    'ERR_CREDENTIALS_MISSING',
    () => sign({ url }, { ...base, credentials: () => Promise.resolve(undefined as never) }),
  ],
  [
    'provider throws',
    'ERR_CREDENTIALS_PROVIDER',
    () =>
      sign(
        { url },
        {
          ...base,
          credentials: () => {
            throw new Error('boom')
          },
        },
      ),
  ],
  [
    'provider rejects',
    'ERR_CREDENTIALS_PROVIDER',
    () => sign({ url }, { ...base, credentials: () => Promise.reject(new Error('boom')) }),
  ],
  [
    'non-AWS host, no region',
    'ERR_REGION_REQUIRED',
    () => sign({ url: 'https://example.com/' }, { credentials, service: 'kinesis' }),
  ],
  [
    'non-AWS host, no service',
    'ERR_SERVICE_REQUIRED',
    () => sign({ url: 'https://example.com/' }, { credentials, region: 'us-east-1' }),
  ],
  ['region with a slash', 'ERR_INVALID_OPTION', () => sign({ url }, { ...base, region: 'us-east-1/x' })],
  ['service with spaces', 'ERR_INVALID_OPTION', () => sign({ url }, { ...base, service: 'my service' })],
  ['unparseable datetime', 'ERR_INVALID_DATETIME', () => sign({ url }, { ...base, datetime: 'yesterday' })],
  ['invalid Date', 'ERR_INVALID_DATETIME', () => sign({ url }, { ...base, datetime: new Date(NaN) })],
  [
    'datetime not ISO',
    'ERR_INVALID_DATETIME',
    () => sign({ url }, { ...base, datetime: 'Sun, 30 Aug 2015 12:36:00 GMT' }),
  ],
  ['datetime a number', 'ERR_INVALID_DATETIME', () => sign({ url }, { ...base, datetime: 1440938160000 as never })],
  ['expiresIn 0', 'ERR_INVALID_EXPIRES', () => presign(url, { ...base, expiresIn: 0 })],
  ['expiresIn over 7 days', 'ERR_INVALID_EXPIRES', () => presign(url, { ...base, expiresIn: 604801 })],
  ['expiresIn fractional', 'ERR_INVALID_EXPIRES', () => presign(url, { ...base, expiresIn: 1.5 })],
  ['expiresIn a string', 'ERR_INVALID_EXPIRES', () => presign(url, { ...base, expiresIn: '60' as never })],
  ['expiresIn on parts', 'ERR_INVALID_EXPIRES', () => presignParts(parts, { ...base, expiresIn: -1 })],
  ['relative URL', 'ERR_INVALID_URL', () => sign({ url: '/path' }, base)],
  ['ftp URL', 'ERR_INVALID_URL', () => sign({ url: 'ftp://kinesis.us-east-1.amazonaws.com/' }, base)],
  ['file URL presign', 'ERR_INVALID_URL', () => presign('file:///etc/passwd', base)],
  ['body already used', 'ERR_BODY_USED', async () => sign(await usedRequest(), base)],
  [
    'stream body without unsignedPayload',
    'ERR_BODY_NOT_HASHABLE',
    () => sign({ url, method: 'POST', body: new ReadableStream({ start: (c) => c.close() }) }, base),
  ],
  [
    'object body in parts',
    'ERR_BODY_NOT_HASHABLE',
    () => signParts({ ...parts, method: 'POST', body: {} as never }, base),
  ],
  ['GET with a body', 'ERR_INVALID_REQUEST', () => sign({ url, method: 'GET', body: 'x' }, base)],
  ['method with a space', 'ERR_INVALID_REQUEST', () => signParts({ ...parts, method: 'GE T' }, base)],
  ['request not an object', 'ERR_INVALID_REQUEST', () => sign(null as never, base)],
  ['empty host in parts', 'ERR_INVALID_REQUEST', () => signParts({ ...parts, host: '' }, base)],
  ['path without a slash', 'ERR_INVALID_REQUEST', () => signParts({ ...parts, path: 'x' }, base)],
  ['header name with a space', 'ERR_INVALID_HEADER', () => sign({ url, headers: { 'bad name': 'x' } }, base)],
  ['header value with a newline', 'ERR_INVALID_HEADER', () => sign({ url, headers: { 'x-a': 'a\nb' } }, base)],
  [
    'parts header name with a colon',
    'ERR_INVALID_HEADER',
    () => signParts({ ...parts, headers: [['x:y', 'v']] }, base),
  ],
  ['parts header value with CR', 'ERR_INVALID_HEADER', () => signParts({ ...parts, headers: [['x-a', 'a\rb']] }, base)],
  [
    'parts header value with NUL',
    'ERR_INVALID_HEADER',
    () => signParts({ ...parts, headers: [['x-a', 'a\0b']] }, base),
  ],
  ['payloadHash not hex', 'ERR_INVALID_PAYLOAD_HASH', () => sign({ url }, { ...base, payloadHash: 'abc' })],
  [
    'payloadHash upper-case hex with spaces',
    'ERR_INVALID_PAYLOAD_HASH',
    () => sign({ url }, { ...base, payloadHash: 'A B' }),
  ],
]

describe('bad inputs give typed errors', () => {
  test('the table is big enough', () => expect(cases.length).toBeGreaterThanOrEqual(30))
  for (const [name, code, action] of cases) {
    test(`${name} → ${code}`, async () => {
      const error = await action().then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(SigV4Error)
      expect((error as SigV4Error).code).toBe(code)
      expect((error as SigV4Error).message.length).toBeGreaterThan(20)
      expect((error as SigV4Error).message).not.toContain(SECRET)
      expect(String((error as SigV4Error).stack)).not.toContain(SECRET)
    })
  }
  test('a provider error is kept as cause', async () => {
    const cause = new Error('network down')
    const error = await sign({ url }, { ...base, credentials: () => Promise.reject(cause) }).catch(
      (caught: unknown) => caught,
    )
    expect((error as SigV4Error).cause).toBe(cause)
  })
})
