// Every regex over untrusted input stays linear at 1e6 characters. Each entry point that reads
// untrusted text (the client's error path, AwsError.from, the credential providers' answers, the Kinesis
// producer's records, event-stream decoding, and sign/signParts/presign/inferScope with huge hosts, paths,
// queries and header values) runs on adversarial inputs of 1e5 and 1e6 characters. A linear pass takes about
// 10x as long on the larger one; a quadratic regex about 100x, i.e. seconds. The calibration test shows the
// judge flags the quadratic regex AwsError.from used to have.
import { describe, expect, test } from 'vitest'
import { AwsError, redactReplayable } from '../../../src/client/aws-error.js'
import { xmlText } from '../../../src/core/xml.js'
import { AwsClient } from '../../../src/client.js'
import { fromCognitoIdentityPool, fromWebIdentity } from '../../../src/credentials.js'
import { decodeMessage, encodeMessage } from '../../../src/eventstream.js'
import { inferScope, presign, presignParts, sign, signParts } from '../../../src/index.js'
import { KinesisProducer } from '../../../src/kinesis.js'
import { isRetryableAnswer, retryAfterMilliseconds } from '../../../src/client/retry.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'

const SMALL = 100_000
const LARGE = 1_000_000
/**
 * 10x the input: linear code takes about 10x as long, quadratic code about 100x. Linear passes with many
 * matches (a global replace over 500,000 spaces) measure up to about 50x in V8 (garbage collection), so the
 * bound sits between the two.
 */
const LINEAR_RATIO = 60
/**
 * A 1e6-character run this fast passes whatever the ratio: at 1e5 a run can take well under a millisecond, so under
 * load the ratio of two best times is noise. A quadratic regex takes seconds to tens of seconds at 1e6 (the
 * calibration below: about 20 s), far above this floor.
 */
const FLOOR_MS = 1000
/** Rounds alternate small and large runs (the machine is shared); the best time of each size counts. */
const ROUNDS = 3

type Run = () => unknown
/** Builds the input for `size` characters up front and returns the run to time. */
/** An adversarial text of about `size` characters. */
type Shape = [name: string, text: (size: number) => string]

async function timeOf(run: Run): Promise<number> {
  const started = performance.now()
  try {
    await run()
  } catch {
    // A typed refusal is a fine outcome: only the time matters here.
  }
  return performance.now() - started
}

interface Verdict {
  small: number
  large: number
  linear: boolean
}

async function judge(make: (size: number) => Run, rounds = ROUNDS): Promise<Verdict> {
  const small = make(SMALL)
  const large = make(LARGE)
  await timeOf(small) // warm-up: JIT and first-call costs
  const best = { small: Infinity, large: Infinity }
  for (let round = 0; round < rounds; round++) {
    // The small run is cheap: its best of three keeps a moment of load from shrinking the ratio.
    for (let run = 0; run < 3; run++) best.small = Math.min(best.small, await timeOf(small))
    best.large = Math.min(best.large, await timeOf(large))
    if (best.large <= FLOOR_MS || best.large <= LINEAR_RATIO * best.small) return { ...best, linear: true }
  }
  return { ...best, linear: false }
}

async function expectLinear(name: string, make: (size: number) => Run) {
  const verdict = await judge(make)
  const line = `${name}: 1e5 ${verdict.small.toFixed(1)} ms, 1e6 ${verdict.large.toFixed(1)} ms`
  console.log(line)
  expect(verdict.linear, line).toBe(true)
}

const repeat = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length))
const credentials = { ...VECTOR_CREDENTIALS }
const temporary = { ...credentials, sessionToken: 'token' }
const datetime = '2026-01-01T00:00:00Z'
const scope = { region: 'us-east-1', service: 'kinesis', datetime }

// Error bodies that defeat naive regexes: repeated openings, markers, entities, separators.
const hostileBodies: Shape[] = [
  ['plain text', (size) => 'a'.repeat(size)],
  [
    'JSON message of canonical-request markers',
    (size) => JSON.stringify({ __type: 'InvalidSignatureException', message: repeat("should have been\n'", size) }),
  ],
  [
    'JSON message of full markers',
    (size) =>
      JSON.stringify({
        __type: 'InvalidSignatureException',
        message: repeat(
          "The Canonical String for this request should have been\n'x'\n\nThe String-to-Sign should have been\n'",
          size,
        ),
      }),
  ],
  ['repeated <Code> openings', (size) => repeat('<Code>', size)],
  ['an unclosed <Code>', (size) => '<Code>' + 'a'.repeat(size)],
  ['entities without end', (size) => `<Error><Code>${repeat('&#x1', size)}</Code></Error>`],
  ['skew-time openings', (size) => JSON.stringify({ __type: 'X', message: repeat('(20260101T000000Z', size) })],
  ['namespace separators', (size) => JSON.stringify({ __type: repeat('#:', size) })],
  [
    'token lines',
    (size) => JSON.stringify({ __type: 'InvalidSignatureException', message: repeat('x-amz-security-token:', size) }),
  ],
  ['newlines', (size) => '\n'.repeat(size)],
]

describe('calibration', () => {
  test('the judge flags the quadratic regex AwsError.from used before (lazy [^]*? after a repeated marker)', async () => {
    const quadratic = /should have been\n'([^]*?)'\n\nThe String-to-Sign should have been\n'([^]*?)'/
    // One round: a quadratic run at 1e6 takes seconds, and it is slow every time.
    const verdict = await judge((size) => {
      const text = repeat("should have been\n'", size)
      return () => quadratic.exec(text)
    }, 1)
    console.log(`calibration (old regex): 1e5 ${verdict.small.toFixed(1)} ms, 1e6 ${verdict.large.toFixed(1)} ms`)
    expect(verdict.linear).toBe(false)
  })
})

describe('AwsError.from and its parsers', () => {
  test.each(hostileBodies)('AwsError.from on %s', (name, body) =>
    expectLinear(`AwsError.from, ${name}`, (size) => {
      const text = body(size)
      return () => AwsError.from(new Response(text, { status: 400 }), { canonicalRequest: text, stringToSign: text })
    }),
  )
  test.each(hostileBodies)('xmlText and redactReplayable (uncapped) on %s', (name, body) =>
    expectLinear(`xmlText + redactReplayable, ${name}`, (size) => {
      const text = body(size)
      return () => [xmlText(text, 'Code'), xmlText(text, 'Message'), redactReplayable(text)]
    }),
  )
  test.each([
    ['digits', (size: number) => '1'.repeat(size)],
    ['spaces then a date', (size: number) => ' '.repeat(size) + 'Wed, 21 Oct 2026 07:28:00 GMT'],
    ['commas', (size: number) => ','.repeat(size)],
  ])('Retry-After of %s, and retryable-code matching', (name, header) =>
    expectLinear(`retryAfterMilliseconds + isRetryableAnswer, ${name}`, (size) => {
      const value = header(size)
      return () => [retryAfterMilliseconds(value), isRetryableAnswer(400, value)]
    }),
  )
})

describe('the client error path', () => {
  test.each(hostileBodies)('client.fetch answered 400 with %s and a huge Retry-After', (name, body) =>
    expectLinear(`client.fetch error path, ${name}`, (size) => {
      const text = body(size)
      const answer = () =>
        Promise.resolve(new Response(text, { status: 400, headers: { 'retry-after': '1'.repeat(size) } }))
      const client = new AwsClient({ credentials, ...scope, retries: 0, fetch: answer })
      return async () => {
        const response = await client.fetch('https://kinesis.us-east-1.amazonaws.com/', { method: 'POST', body: '{}' })
        await AwsError.from(response)
      }
    }),
  )
})

describe('credential providers', () => {
  test.each(hostileBodies)('STS answer of %s (fromWebIdentity)', (name, body) =>
    expectLinear(`fromWebIdentity answer, ${name}`, (size) => {
      const text = body(size)
      return () =>
        fromWebIdentity({
          roleArn: 'arn:aws:iam::123456789012:role/r',
          webIdentityToken: 'jwt',
          fetch: () => Promise.resolve(new Response(text)),
        })()
    }),
  )
  test.each([
    ['long strings', (size: number) => JSON.stringify({ IdentityId: 'a'.repeat(size) })],
    ['deep text', (size: number) => '['.repeat(size)],
  ])('Cognito answer of %s', (name, body) =>
    expectLinear(`fromCognitoIdentityPool answer, ${name}`, (size) => {
      const text = body(size)
      return () =>
        fromCognitoIdentityPool({
          identityPoolId: 'us-east-1:pool',
          fetch: () => Promise.resolve(new Response(text)),
        })()
    }),
  )
})

describe('Kinesis producer', () => {
  const client = new AwsClient({
    credentials,
    ...scope,
    fetch: () => Promise.resolve(new Response('{"ShardId":"s","SequenceNumber":"1"}')),
  })
  const producer = new KinesisProducer({ client, streamName: 'events' })
  test.each([
    ['data of multi-byte characters', (size: number) => ({ data: 'é'.repeat(size / 2), partitionKey: 'k' })],
    ['a huge partition key (refused)', (size: number) => ({ data: 'x', partitionKey: 'k'.repeat(size) })],
    ['data of separators', (size: number) => ({ data: repeat('=/+', size), partitionKey: 'k' })],
  ])('putRecord with %s', (name, record) =>
    expectLinear(`KinesisProducer.putRecord, ${name}`, (size) => {
      const input = record(size)
      return () => producer.putRecord(input)
    }),
  )
})

describe('event-stream decoding', () => {
  test('decodeMessage of a large body, of many headers, and of a damaged message', () =>
    expectLinear('decodeMessage', (size) => {
      const large = encodeMessage({ headers: { ':message-type': 'event' }, body: new Uint8Array(size) })
      const headers: Record<string, string> = {}
      for (let i = 0; i < size / 20; i++) headers['h' + i] = 'value'
      const many = encodeMessage({ headers, body: new Uint8Array(0) })
      const damaged = encodeMessage({ headers: { a: 'b'.repeat(30_000) }, body: new Uint8Array(size) })
      damaged[damaged.length - 5]! ^= 1
      return () =>
        Promise.all([() => decodeMessage(large), () => decodeMessage(many), () => decodeMessage(damaged)].map(timeOf))
    }))
})

// Shapes that defeat naive host, path, query and header regexes.
const hosts: Shape[] = [
  ['a long label', (size) => 'a'.repeat(size) + '.kinesis.us-east-1.amazonaws.com'],
  ['many labels', (size) => repeat('a.', size) + 'amazonaws.com'],
  ['dots', (size) => '.'.repeat(size)],
  ['digits after a colon', (size) => 'h:' + '1'.repeat(size) + 'x'],
  ['repeated lambda-url suffixes', (size) => repeat('.lambda-url.a', size) + '.on.aw'],
  ['repeated s3 labels', (size) => repeat('s3.', size) + 'amazonaws.co'],
  ['hyphens', (size) => '-'.repeat(size)],
]
const paths: Shape[] = [
  ['a long segment', (size) => '/' + 'a'.repeat(size)],
  ['slashes', (size) => '/'.repeat(size)],
  ['dot segments', (size) => repeat('/..', size)],
  ['percent signs', (size) => '/' + '%'.repeat(size)],
  ['half escapes', (size) => '/' + repeat('%2', size)],
  ['encoded dots', (size) => repeat('/%2e', size)],
  ['spaces', (size) => '/' + ' '.repeat(size)],
]
const queries: Shape[] = [
  ['one long value', (size) => 'a=' + 'b'.repeat(size)],
  ['ampersands', (size) => '&'.repeat(size)],
  ['equals signs', (size) => '='.repeat(size)],
  ['empty pairs', (size) => repeat('a=&', size)],
  ['percent signs', (size) => '%'.repeat(size)],
  ['plus signs', (size) => 'a=' + '+'.repeat(size)],
  ['X-Amz- names', (size) => repeat('X-Amz-', size)],
]
const headerValues: Shape[] = [
  ['spaces around a word', (size) => ' '.repeat(size) + 'x' + ' '.repeat(size)],
  ['words and spaces', (size) => repeat('a ', size)],
  ['tabs', (size) => 'x' + '\t'.repeat(size) + 'y'],
  ['a long word', (size) => 'v'.repeat(size)],
  ['quotes and commas', (size) => repeat('",', size)],
]

// Every signer on one input shape; each call may be refused with a typed error, only its time is judged.
function signers(parts: (size: number) => { host: string; path: string; query: string; header: string }) {
  return (size: number): Run => {
    const { host, path, query, header } = parts(size)
    const url = `https://${host}${path}${query ? '?' + query : ''}`
    const headers: Array<[string, string]> = [['x-amz-meta-value', header]]
    const request = { method: 'GET', host, path, query, headers }
    const options = { credentials: temporary, ...scope }
    return () =>
      Promise.all(
        [
          () => signParts(request, options),
          () => presignParts(request, options),
          () => sign({ url, headers }, options),
          () => presign(url, options),
          () => sign({ url, headers }, { credentials }), // region and service inferred from the host
          () => inferScope(host, path),
        ].map(timeOf),
      )
  }
}
const plain = { host: 'kinesis.us-east-1.amazonaws.com', path: '/', query: '', header: 'v' }

describe('signers: sign, signParts, presign, presignParts and inferScope with 1e6-character input', () => {
  test.each(hosts)('host of %s', (name, host) =>
    expectLinear(
      `signers, host of ${name}`,
      signers((size) => ({ ...plain, host: host(size) })),
    ),
  )
  test.each(paths)('path of %s', (name, path) =>
    expectLinear(
      `signers, path of ${name}`,
      signers((size) => ({ ...plain, path: path(size) })),
    ),
  )
  test.each(queries)('query of %s', (name, query) =>
    expectLinear(
      `signers, query of ${name}`,
      signers((size) => ({ ...plain, query: query(size) })),
    ),
  )
  test.each(headerValues)('header value of %s', (name, header) =>
    expectLinear(
      `signers, header value of ${name}`,
      signers((size) => ({ ...plain, header: header(size) })),
    ),
  )
})
