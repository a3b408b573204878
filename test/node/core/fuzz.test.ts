// Seeded fuzzing of every signer with bad inputs (issue 12, Proof): whatever the input, a call either succeeds
// with wire-safe output or fails with a SigV4Error that has a code; no message, stack or cause holds the secret
// or the session token; nothing hangs. Each run takes a valid call and replaces one to four of its fields
// (request, options, credentials, body, stream context) with hostile values.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { createEventSigner, encodeMessage, eventSigningStream } from '../../../src/eventstream.js'
import { presign, presignParts, sign, signParts, SigV4Error, type SignedParts } from '../../../src/index.js'
import { presignPartsV4a, presignV4a, signPartsV4a, signV4a } from '../../../src/sigv4a.js'
import { chunkSigningStream, signStream, signStreamParts } from '../../../src/stream.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'

const SECRET = VECTOR_CREDENTIALS.secretAccessKey
const TOKEN = 'IQoJb3JpZ2luX2VjEFUZZTOKENEXAMPLE0123456789'
const SEED = 'c5b3a1f0e8d6c4b2a09f8e7d6c5b4a3928170f6e5d4c3b2a1908f7e6d5c4b3a2'
const RUNS = 10_000
const HANG_MS = 10_000

/** Pieces of hostile strings: line breaks, NUL, non-Latin-1, URL syntax, dot segments, auth parameters. */
const FRAGMENTS = [
  'a',
  'Z',
  '0',
  '-',
  ' ',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '\r\n ',
  '\0',
  '\x7f',
  'é',
  '€',
  '\u2028',
  '\ud800',
  '😀',
  '/',
  '\\',
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '%',
  '%zz',
  '?',
  '#',
  '&',
  '=',
  '@',
  ':',
  'user:pass@',
  'X-Amz-Signature=',
  'X-Amz-Expires=604800',
  'x-amz-credential=',
  '__proto__',
  'constructor',
  'https://',
  'CONNECT',
  'TRACE',
]
const hostileString = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((pieces) => pieces.join(''))

const nullPrototype = (): object => Object.create(null) as object
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.string({ maxLength: 20 }),
  fc.constantFrom(undefined, null, true, false, 0, -1, 1.5, NaN, Infinity, 2 ** 53, 5, '', 'GET', '*'),
  fc.bigInt({ min: -10n, max: 10n }),
  fc.constant(Symbol('hostile')),
  fc.constant(null).map(nullPrototype),
  fc.constant(null).map(() => ({})),
  fc.constant(null).map(() => [] as unknown[]),
  fc.constant(null).map(() => [['x-a']] as unknown[]),
  fc.constant(null).map(() => [[5, 'v']] as unknown[]),
  fc.constant(null).map(() => new Date(NaN)),
  fc.constant(null).map(() => () => 5),
  fc.constant(null).map(() => new Uint8Array(3)),
  fc.constant(null).map(() => new ReadableStream({ start: (controller) => controller.close() })),
  fc.constant(null).map(() => new ReadableStream({ start: (controller) => controller.enqueue('not bytes') })),
)
/** The secret and token go only where they belong: a token pasted into a URL is the caller's own leak. */
const hostileFor = (name: string): fc.Arbitrary<unknown> =>
  name === 'sessionToken'
    ? fc.oneof(hostile, fc.constantFrom(TOKEN + '\r\nx-evil: 1', TOKEN + '€', ' ' + TOKEN, TOKEN + '\0', TOKEN + '\n'))
    : name === 'secretAccessKey'
      ? fc.oneof(hostile, fc.constantFrom(SECRET + '\n', SECRET + '€', '\0' + SECRET))
      : hostile

/** A valid input of one entry point, as a record of named fields that the fuzzer may replace. */
interface Entry {
  name: string
  fields: () => Record<string, unknown>
  call: (fields: Record<string, unknown>) => Promise<unknown>
}

const credentialsOf = (f: Record<string, unknown>) =>
  f.credentialsWhole !== undefined
    ? f.credentialsWhole
    : { accessKeyId: f.accessKeyId, secretAccessKey: f.secretAccessKey, sessionToken: f.sessionToken }

function optionsOf(f: Record<string, unknown>): unknown {
  if (f.optionsWhole !== undefined) return f.optionsWhole
  const options: Record<string, unknown> = { credentials: credentialsOf(f) }
  for (const name of [
    'region',
    'service',
    'datetime',
    'unsignedPayload',
    'payloadHash',
    'signContentSha256',
    'normalizePath',
    'signSessionToken',
    'expiresIn',
    'regionSet',
    'contentLength',
    'chunkSize',
    'checksum',
    'setContentLength',
  ]) {
    if (f[name] !== undefined) options[name] = f[name]
  }
  return options
}

const requestOf = (f: Record<string, unknown>): unknown =>
  f.requestWhole !== undefined
    ? f.requestWhole
    : {
        url: f.url,
        method: f.method,
        headers: f.headers,
        body: f.body,
        ...(f.redirect !== undefined && { redirect: f.redirect }),
        ...(f.signal !== undefined && { signal: f.signal }),
        ...(f.mode !== undefined && { mode: f.mode }),
        ...(f.cache !== undefined && { cache: f.cache }),
      }

const partsOf = (f: Record<string, unknown>): unknown =>
  f.partsWhole !== undefined
    ? f.partsWhole
    : { method: f.method, host: f.host, path: f.path, query: f.query, headers: f.headers, body: f.body }

const common = () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: SECRET,
  sessionToken: TOKEN,
  region: 'us-east-1',
  service: 'kinesis',
  datetime: '2015-08-30T12:36:00Z',
})
const request = () => ({
  ...common(),
  url: 'https://kinesis.us-east-1.amazonaws.com/a?b=1',
  method: 'POST',
  headers: { 'x-a': '1' },
  body: '{}',
})
const parts = () => ({
  ...common(),
  method: 'POST',
  host: 'kinesis.us-east-1.amazonaws.com',
  path: '/a',
  query: 'b=1',
  headers: [['x-a', '1']],
  body: '{}',
})

async function drain(stream: unknown): Promise<void> {
  if (!(stream instanceof ReadableStream)) return
  const reader = stream.getReader()
  while (!(await reader.read()).done);
}

const ENTRIES: Entry[] = [
  { name: 'sign', fields: request, call: (f) => sign(requestOf(f) as never, optionsOf(f) as never) },
  {
    name: 'presign',
    fields: () => ({ ...request(), method: 'GET', body: undefined, expiresIn: 60 }),
    call: (f) => presign((f.urlOnly ? f.url : requestOf(f)) as never, optionsOf(f) as never),
  },
  { name: 'signParts', fields: parts, call: (f) => signParts(partsOf(f) as never, optionsOf(f) as never) },
  {
    name: 'presignParts',
    fields: () => ({ ...parts(), expiresIn: 60 }),
    call: (f) => presignParts(partsOf(f) as never, optionsOf(f) as never),
  },
  {
    name: 'signV4a',
    fields: () => ({ ...request(), regionSet: ['us-east-1'] }),
    call: (f) => signV4a(requestOf(f) as never, optionsOf(f) as never),
  },
  {
    name: 'presignV4a',
    fields: () => ({ ...request(), method: 'GET', body: undefined, regionSet: '*', expiresIn: 60 }),
    call: (f) => presignV4a(requestOf(f) as never, optionsOf(f) as never),
  },
  {
    name: 'signPartsV4a',
    fields: () => ({ ...parts(), regionSet: 'us-*' }),
    call: (f) => signPartsV4a(partsOf(f) as never, optionsOf(f) as never),
  },
  {
    name: 'presignPartsV4a',
    fields: () => ({ ...parts(), regionSet: ['us-east-1', 'eu-west-1'], expiresIn: 60 }),
    call: (f) => presignPartsV4a(partsOf(f) as never, optionsOf(f) as never),
  },
  {
    name: 'signStream',
    fields: () => ({
      ...request(),
      url: 'https://b.s3.us-east-1.amazonaws.com/k',
      method: 'PUT',
      service: 's3',
      body: new Uint8Array(10),
      contentLength: 10,
      setContentLength: true,
    }),
    call: async (f) => {
      const signed = await signStream(requestOf(f) as never, optionsOf(f) as never)
      await drain(signed.body)
      return signed
    },
  },
  {
    name: 'signStreamParts',
    fields: () => ({ ...parts(), service: 's3', body: new Uint8Array(10), contentLength: 10, checksum: 'crc32' }),
    call: async (f) => {
      const signed = await signStreamParts(partsOf(f) as never, optionsOf(f) as never)
      await drain(signed.body)
      return signed
    },
  },
  {
    name: 'chunkSigningStream',
    fields: () => ({
      ...common(),
      amzDate: '20150830T123600Z',
      credentialScope: '20150830/us-east-1/s3/aws4_request',
      seedSignature: SEED,
      chunkSize: 8192,
      checksum: 'crc32c',
      expectedLength: 3,
      chunk: new Uint8Array(3),
    }),
    call: async (f) => {
      const context =
        f.contextWhole !== undefined
          ? f.contextWhole
          : {
              credentials: credentialsOf(f),
              amzDate: f.amzDate,
              credentialScope: f.credentialScope,
              seedSignature: f.seedSignature,
              chunkSize: f.chunkSize,
              checksum: f.checksum,
              expectedLength: f.expectedLength,
            }
      const framing = chunkSigningStream(context as never)
      const source = new ReadableStream({
        start: (controller) => {
          controller.enqueue(f.chunk)
          controller.close()
        },
      })
      await drain(source.pipeThrough(framing))
    },
  },
  {
    name: 'createEventSigner',
    fields: () => ({
      ...common(),
      service: 'transcribe',
      seedSignature: SEED,
      now: () => new Date(0),
      payload: new Uint8Array(2),
    }),
    call: async (f) => {
      const signer = createEventSigner(
        (f.optionsWhole ?? {
          credentials: credentialsOf(f),
          region: f.region,
          service: f.service,
          seedSignature: f.seedSignature,
          now: f.now,
        }) as never,
      )
      await signer.sign(f.payload as never)
      return signer.end()
    },
  },
  {
    name: 'eventSigningStream',
    fields: () => ({ ...common(), service: 'transcribe', seedSignature: SEED, payload: new Uint8Array(2) }),
    call: async (f) => {
      const stream = eventSigningStream({
        credentials: credentialsOf(f),
        region: f.region,
        service: f.service,
        seedSignature: f.seedSignature,
      } as never)
      const source = new ReadableStream({
        start: (controller) => {
          controller.enqueue(f.payload)
          controller.close()
        },
      })
      await drain(source.pipeThrough(stream))
    },
  },
  {
    name: 'encodeMessage',
    fields: () => ({ headers: { ':event-type': 'AudioEvent' }, body: new Uint8Array(1) }),
    call: (f) =>
      Promise.resolve().then(() => encodeMessage((f.messageWhole ?? { headers: f.headers, body: f.body }) as never)),
  },
]

/** Field names a run may replace, per entry: the entry's own fields plus the "whole object" replacements. */
function fieldNames(entry: Entry): string[] {
  const own = Object.keys(entry.fields())
  const whole = ['credentialsWhole', 'optionsWhole', 'requestWhole', 'partsWhole', 'contextWhole', 'messageWhole']
  const extra = ['redirect', 'signal', 'mode', 'cache', 'urlOnly']
  return [...own, ...whole, ...extra]
}

const WIRE_UNSAFE = /[\r\n\0]/

function expectWireSafe(signed: SignedParts): void {
  const texts = [signed.host, signed.path, signed.query, ...signed.headers.flat()]
  for (const text of texts) expect(WIRE_UNSAFE.test(text), JSON.stringify(text)).toBe(false)
}

/** Every string an error exposes: message, stack, and its cause chain (message, stack, String, own fields). */
function exposedTexts(error: unknown, depth = 0): string[] {
  if (depth > 4 || error === undefined || error === null) return []
  const texts: string[] = []
  if (typeof error === 'object') {
    const record = error as Record<string, unknown>
    for (const key of ['message', 'stack', 'name', 'code']) if (typeof record[key] === 'string') texts.push(record[key])
    for (const value of Object.values(record)) if (typeof value === 'string') texts.push(value)
    try {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- what String() shows is under test
      texts.push(String(error))
    } catch {
      // An object without a string form exposes nothing through String().
    }
    texts.push(...exposedTexts(record.cause, depth + 1))
  } else {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a thrown primitive, shown as it would be
    texts.push(String(error))
  }
  return texts
}

const withTimeout = <T>(promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`hung for ${HANG_MS} ms`)), HANG_MS)),
  ])

describe('fuzzing the signers with bad inputs', () => {
  const tally = new Map<string, number>()

  test(`${RUNS} seeded runs: typed errors only, no secret exposed, nothing hangs`, async () => {
    const run = fc.constantFrom(...ENTRIES).chain((entry) =>
      fc.tuple(
        fc.constant(entry),
        fc.uniqueArray(
          fc.constantFrom(...fieldNames(entry)).chain((name) => fc.tuple(fc.constant(name), hostileFor(name))),
          {
            minLength: 1,
            maxLength: 4,
            selector: ([name]) => name,
          },
        ),
      ),
    )
    await fc.assert(
      fc.asyncProperty(run, async ([entry, replacements]) => {
        const fields = entry.fields()
        for (const [name, value] of replacements) fields[name] = value
        let outcome: string
        try {
          const result = await withTimeout(entry.call(fields))
          if (result && typeof result === 'object' && 'canonicalRequest' in result)
            expectWireSafe(result as SignedParts)
          outcome = 'ok'
        } catch (error) {
          expect(error, `${entry.name}: ${String(error)}`).toBeInstanceOf(SigV4Error)
          const code = (error as SigV4Error).code
          expect(code).toMatch(/^ERR_[A-Z0-9_]+$/)
          for (const text of exposedTexts(error)) {
            expect(text.includes(SECRET), `${entry.name} ${code} exposes the secret`).toBe(false)
            expect(text.includes(TOKEN), `${entry.name} ${code} exposes the token: ${text}`).toBe(false)
          }
          outcome = code
        }
        const key = `${entry.name} ${outcome}`
        tally.set(key, (tally.get(key) ?? 0) + 1)
      }),
      { seed: 20261202, numRuns: RUNS },
    )
    const total = [...tally.values()].reduce((sum, count) => sum + count, 0)
    expect(total).toBeGreaterThanOrEqual(RUNS)
    // Every entry was called, and most calls were refused (the inputs are meant to be bad).
    for (const entry of ENTRIES) expect([...tally.keys()].some((key) => key.startsWith(entry.name + ' '))).toBe(true)
    console.log(
      `fuzz: ${total} runs\n` +
        [...tally]
          .sort()
          .map(([key, count]) => `  ${key}: ${count}`)
          .join('\n'),
    )
  }, 600_000)
})
