// Runtime-neutral checks of the typed errors: a handful of bad inputs, each a SigV4Error with its stable code,
// an instance of the library's own SigV4Error class, and a message that never contains the secret.
import { AssertionError, equal, ok } from './assert.js'
import { streamOf } from './bytes.js'
import type { Check, Lib } from './suite.js'

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }
const base = { credentials, region: 'us-east-1', service: 'kinesis', datetime: '2015-08-30T12:36:00Z' }
const url = 'https://kinesis.us-east-1.amazonaws.com/'
const parts = { method: 'GET', host: 'kinesis.us-east-1.amazonaws.com', path: '/' }

type Case = [name: string, code: string, action: (lib: Lib) => Promise<unknown>]

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
]

export function errorChecks(lib: Lib): Check[] {
  return CASES.map(([name, code, action]) => ({
    name: `error: ${name} → ${code}`,
    run: async () => {
      let error: unknown
      try {
        await action(lib)
      } catch (caught) {
        error = caught
      }
      if (error === undefined) throw new AssertionError(`expected ${code}, but it did not throw`)
      ok(error instanceof lib.SigV4Error, `a SigV4Error, got ${String(error)}`)
      equal((error as InstanceType<Lib['SigV4Error']>).code, code, 'code')
      equal((error as Error).name, 'SigV4Error', 'name')
      const message = (error as Error).message
      ok(
        message.length > 20 && !message.includes(SECRET),
        `a message that says what to do, without the secret: ${message}`,
      )
    },
  }))
}
