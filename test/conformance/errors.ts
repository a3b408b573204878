// Runtime-neutral checks of the typed errors: a handful of bad inputs, each a SigV4Error with its stable code,
// an instance of the library's own SigV4Error class, and a message that never contains the secret.
import { AssertionError, equal, ok } from './assert.js'
import { streamOf } from './bytes.js'
import type { Check, Lib } from './suite.js'
import { VECTOR_CREDENTIALS } from './fixtures.js'

const SECRET = VECTOR_CREDENTIALS.secretAccessKey
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }
const base = { credentials, region: 'us-east-1', service: 'kinesis', datetime: '2015-08-30T12:36:00Z' }
const url = 'https://kinesis.us-east-1.amazonaws.com/'
const parts = { method: 'GET', host: 'kinesis.us-east-1.amazonaws.com', path: '/' }

const TOKEN = 'IQoJb3JpZ2luX2VjECONFORMANCETOKEN'
const PASSWORD = 'hunter2-password'

/** A bad input, the code it must give, and (optionally) a value the error must not show. */
type Case = [name: string, code: string, action: (lib: Lib) => Promise<unknown>, hidden?: string]

const CASES: Case[] = [
  [
    'no credentials',
    'ERR_CREDENTIALS_MISSING',
    (lib) => lib.sign({ url }, { ...base, credentials: undefined as never }),
  ],
  [
    'empty secret',
    'ERR_CREDENTIALS_MISSING',
    (lib) => lib.sign({ url }, { ...base, credentials: { ...credentials, secretAccessKey: '' } }),
  ],
  [
    'credentials provider rejects',
    'ERR_CREDENTIALS_PROVIDER',
    (lib) => lib.sign({ url }, { ...base, credentials: () => Promise.reject(new Error(SECRET)) }),
  ],
  [
    'non-AWS host without a region',
    'ERR_REGION_REQUIRED',
    (lib) => lib.sign({ url: 'https://example.com/' }, { credentials, service: 'kinesis' }),
  ],
  [
    'non-AWS host without a service',
    'ERR_SERVICE_REQUIRED',
    (lib) => lib.sign({ url: 'https://example.com/' }, { credentials, region: 'us-east-1' }),
  ],
  ['unparseable datetime', 'ERR_INVALID_DATETIME', (lib) => lib.sign({ url }, { ...base, datetime: 'yesterday' })],
  ['ftp: URL', 'ERR_INVALID_URL', (lib) => lib.sign({ url: 'ftp://kinesis.us-east-1.amazonaws.com/' }, base)],
  ['relative URL presigned', 'ERR_INVALID_URL', (lib) => lib.presign('/path', base)],
  ['GET with a body', 'ERR_INVALID_REQUEST', (lib) => lib.sign({ url, method: 'GET', body: 'x' }, base)],
  [
    'header value with a newline',
    'ERR_INVALID_HEADER',
    (lib) => lib.signParts({ ...parts, headers: [['x-a', 'a\nb']] }, base),
  ],
  ['payloadHash not hex', 'ERR_INVALID_PAYLOAD_HASH', (lib) => lib.sign({ url }, { ...base, payloadHash: 'abc' })],
  ['expiresIn over 7 days', 'ERR_INVALID_EXPIRES', (lib) => lib.presignParts(parts, { ...base, expiresIn: 604801 })],
  [
    'object body in parts',
    'ERR_BODY_NOT_HASHABLE',
    (lib) => lib.signParts({ ...parts, method: 'POST', body: {} as never }, base),
  ],
  [
    'stream body in parts',
    'ERR_BODY_NOT_HASHABLE',
    (lib) => lib.signParts({ ...parts, method: 'POST', body: streamOf('x') }, base),
  ],
  // Issue 12: what used to throw a TypeError (or worse, echo a secret) from the runtime's fetch classes.
  ['method CONNECT (fetch forbids it)', 'ERR_INVALID_REQUEST', (lib) => lib.sign({ url, method: 'CONNECT' }, base)],
  ['method TRACE (fetch forbids it)', 'ERR_INVALID_REQUEST', (lib) => lib.sign({ url, method: 'TRACE' }, base)],
  ['redirect: bogus', 'ERR_INVALID_REQUEST', (lib) => lib.sign({ url, redirect: 'bogus' as never }, base)],
  // (mode and signal are left out: workerd ignores mode and WebKit a non-AbortSignal signal, so they are no error
  // there; test/node/core/hardening.test.ts checks them in Node.)
  [
    'non-Latin-1 access key id',
    'ERR_INVALID_CREDENTIALS',
    (lib) => lib.sign({ url }, { ...base, credentials: { ...credentials, accessKeyId: 'AKID€' } }),
  ],
  [
    'non-Latin-1 session token',
    'ERR_INVALID_CREDENTIALS',
    (lib) => lib.sign({ url }, { ...base, credentials: { ...credentials, sessionToken: TOKEN + '€' } }),
    TOKEN,
  ],
  [
    'session token with an inner CR/LF',
    'ERR_INVALID_CREDENTIALS',
    (lib) => lib.sign({ url }, { ...base, credentials: { ...credentials, sessionToken: TOKEN + '\r\nx-a: 1' } }),
    TOKEN,
  ],
  ['Symbol options', 'ERR_INVALID_OPTION', (lib) => lib.sign({ url }, Symbol('options') as never)],
  ['Symbol region', 'ERR_INVALID_OPTION', (lib) => lib.sign({ url }, { ...base, region: Symbol('r') as never })],
  [
    'null-prototype datetime',
    'ERR_INVALID_DATETIME',
    (lib) => lib.sign({ url }, { ...base, datetime: Object.create(null) as never }),
  ],
  ['signParts(null)', 'ERR_INVALID_REQUEST', (lib) => lib.signParts(null as never, base)],
  ['headers: 5', 'ERR_INVALID_HEADER', (lib) => lib.signParts({ ...parts, headers: 5 as never }, base)],
  ['host: 5', 'ERR_INVALID_REQUEST', (lib) => lib.signParts({ ...parts, host: 5 as never }, base)],
  [
    'URL with user:password',
    'ERR_INVALID_URL',
    (lib) => lib.sign({ url: `https://alice:${PASSWORD}@kinesis.us-east-1.amazonaws.com/` }, base),
    PASSWORD,
  ],
  ['parts path with CR/LF', 'ERR_INVALID_REQUEST', (lib) => lib.signParts({ ...parts, path: '/a\r\nx-a: 1' }, base)],
  ['parts query with NUL', 'ERR_INVALID_REQUEST', (lib) => lib.presignParts({ ...parts, query: 'a=\0' }, base)],
  [
    'presign a URL that carries X-Amz-Expires',
    'ERR_INVALID_REQUEST',
    (lib) => lib.presign(url + '?X-Amz-Expires=604800', base),
  ],
  [
    'presign a URL that carries X-Amz-Signature',
    'ERR_INVALID_REQUEST',
    (lib) => lib.presign(url + '?X-Amz-Signature=00', base),
  ],
  [
    'S3 key with .. segments',
    'ERR_INVALID_URL',
    (lib) =>
      lib.presign('https://b.s3.us-east-1.amazonaws.com/uploads/alice/../../users/victim/avatar.png', { credentials }),
  ],
  [
    'S3 key with %2e%2e segments',
    'ERR_INVALID_URL',
    (lib) => lib.sign({ url: 'https://b.s3.us-east-1.amazonaws.com/a/%2e%2e/b' }, { credentials }),
  ],
  [
    'payloadHash in upper-case hex',
    'ERR_INVALID_PAYLOAD_HASH',
    (lib) =>
      lib.sign({ url }, { ...base, payloadHash: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855' }),
  ],
]

export function errorChecks(lib: Lib): Check[] {
  return CASES.map(([name, code, action, hidden]) => ({
    name: `error: ${name} → ${code}`,
    run: async () => {
      let error: unknown
      try {
        await action(lib)
      } catch (caught) {
        error = caught
      }
      if (error === undefined) throw new AssertionError(`expected ${code}, but it did not throw`)
      ok(error instanceof lib.SigV4Error, `a SigV4Error, got ${(error as Error).name}`)
      equal(error.code, code, 'code')
      equal((error as Error).name, 'SigV4Error', 'name')
      const message = (error as Error).message
      ok(
        message.length > 20 && !message.includes(SECRET),
        `a message that says what to do, without the secret: ${message}`,
      )
      if (hidden !== undefined) {
        const cause = (error as Error).cause as Error | undefined
        const shown = [message, String((error as Error).stack), String(cause), String(cause?.stack)].join('\n')
        ok(!shown.includes(hidden), 'the error does not show the token or password')
      }
    },
  }))
}
