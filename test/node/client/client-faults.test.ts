// AwsClient.fetch against a local fault server: retries, Retry-After, budget, streams, clock skew, abort.
import { afterEach, expect, test } from 'vitest'
import { AwsClient, AwsError, type AwsClientOptions } from '../../../src/client.js'
import { amzDate } from '../../../src/core/options.js'
import {
  jsonError,
  startFaultServer,
  xmlError,
  type FaultAnswer,
  type ReceivedRequest,
} from '../../helpers/fault-server.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'

const servers: Array<{ stop(): Promise<void> }> = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop()
})

async function serve(answer: (request: ReceivedRequest, index: number) => FaultAnswer | Promise<FaultAnswer>) {
  const server = await startFaultServer(answer)
  servers.push(server)
  return server
}

const credentials = { ...VECTOR_CREDENTIALS }
const clientFor = (options: Partial<AwsClientOptions> = {}) =>
  new AwsClient({ credentials, region: 'us-east-1', service: 'kinesis', retryDelay: 5, ...options })
const ok: FaultAnswer = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }

test.each([
  ['500', { status: 500 }],
  ['503 SlowDown (XML)', xmlError(503, 'SlowDown', 'Please reduce your request rate.')],
  ['429', { status: 429 }],
  ['408', { status: 408 }],
  ['400 ThrottlingException', jsonError(400, 'ThrottlingException', 'Rate exceeded')],
  [
    '400 ProvisionedThroughputExceededException',
    jsonError(400, 'ProvisionedThroughputExceededException', 'Rate exceeded for shard'),
  ],
  ['400 RequestLimitExceeded (XML)', xmlError(400, 'RequestLimitExceeded', 'Request limit exceeded.')],
  ['dropped connection', 'drop'],
] as Array<[string, FaultAnswer]>)(
  'retries %s, signing every attempt afresh, and re-sends the same body',
  async (_, fault) => {
    let calls = 0
    const server = await serve((_, index) => (index < 2 ? fault : ok))
    const client = clientFor({
      credentials: () => {
        calls++
        return Promise.resolve(credentials)
      },
    })
    const response = await client.fetch(server.url + '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: '{"a":1}',
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true })
    expect(server.requests).toHaveLength(3)
    expect(calls).toBe(3) // one signature per attempt
    for (const request of server.requests) {
      expect(request.body).toBe('{"a":1}')
      expect(request.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/kinesis\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
      )
    }
  },
)

test('does not retry other client errors; the response comes back as is and AwsError.from reads it', async () => {
  const server = await serve(() => jsonError(400, 'ResourceNotFoundException', 'Stream x not found'))
  const client = clientFor()
  const response = await client.fetch(server.url + '/', { method: 'POST', body: '{}' })
  expect(response.status).toBe(400)
  expect(server.requests).toHaveLength(1)
  const error = await AwsError.from(response)
  expect([error.code, error.message, error.requestId]).toEqual([
    'ResourceNotFoundException',
    'Stream x not found',
    'req-ResourceNotFoundException',
  ])
  await expect(client.json(server.url + '/', { method: 'POST', body: '{}' })).rejects.toMatchObject({
    name: 'AwsError',
    code: 'ResourceNotFoundException',
    status: 400,
  })
})

test('gives up after `retries` and returns the last answer; a network error is thrown', async () => {
  const failing = await serve(() => ({ status: 503, body: 'busy' }))
  const response = await clientFor({ retries: 2 }).fetch(failing.url + '/')
  expect(response.status).toBe(503)
  expect(await response.text()).toBe('busy')
  expect(failing.requests).toHaveLength(3)
  const dropping = await serve(() => 'drop')
  await expect(clientFor({ retries: 1 }).fetch(dropping.url + '/')).rejects.toThrow(TypeError)
  expect(dropping.requests).toHaveLength(2)
})

test('Retry-After (seconds) is waited for; one longer than maxRetryDelay is not retried', async () => {
  const server = await serve((_, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : ok))
  const started = Date.now()
  expect((await clientFor().fetch(server.url + '/')).status).toBe(200)
  expect(server.requests[1]!.time - server.requests[0]!.time).toBeGreaterThanOrEqual(950)
  expect(Date.now() - started).toBeLessThan(8000)
  const patient = await serve(() => ({ status: 503, headers: { 'retry-after': '120' } }))
  expect((await clientFor({ maxRetryDelay: 5000 }).fetch(patient.url + '/')).status).toBe(503)
  expect(patient.requests).toHaveLength(1)
})

test('the retry budget caps retries across requests', async () => {
  const server = await serve(() => ({ status: 500 }))
  const client = clientFor({ retries: 10, retryBudget: 12 }) // room for two retries of cost 5
  expect((await client.fetch(server.url + '/')).status).toBe(500)
  expect(server.requests).toHaveLength(3)
  expect((await client.fetch(server.url + '/')).status).toBe(500)
  expect(server.requests).toHaveLength(4) // budget spent: no retry
})

test('a stream body is sent once and never retried (it cannot be replayed)', async () => {
  const server = await serve(() => ({ status: 500 }))
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('streamed bytes'))
      controller.close()
    },
  })
  const client = new AwsClient({ credentials, region: 'us-east-1', service: 's3', retryDelay: 5 })
  const response = await client.fetch(server.url + '/bucket/key', {
    method: 'PUT',
    body,
    duplex: 'half',
  } as RequestInit)
  expect(response.status).toBe(500)
  expect(server.requests).toHaveLength(1)
  expect(server.requests[0]!.body).toBe('streamed bytes')
  expect(server.requests[0]!.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD')
})

test('a Request input (with its body and headers) is retried with the same bytes', async () => {
  const server = await serve((_, index) => (index === 0 ? { status: 502 } : ok))
  const input = new Request(server.url + '/path?x=1', {
    method: 'PUT',
    headers: { 'x-custom': 'v' },
    body: new Uint8Array([1, 2, 3]),
  })
  expect((await clientFor().fetch(input)).status).toBe(200)
  expect(
    server.requests.map((request) => [request.method, request.url, request.headers['x-custom'], request.body.length]),
  ).toEqual([
    ['PUT', '/path?x=1', 'v', 3],
    ['PUT', '/path?x=1', 'v', 3],
  ])
})

// A server whose clock is 20 minutes ahead: it refuses signatures more than 5 minutes off its time, as AWS does.
function skewedServer(offset: number, refusal: (serverNow: Date, requestDate: string) => FaultAnswer) {
  return serve((request) => {
    const serverNow = new Date(Date.now() + offset)
    const date = request.headers['x-amz-date'] as string
    const signedAt = Date.parse(date.replace(/(....)(..)(..)T(..)(..)(..)Z/, '$1-$2-$3T$4:$5:$6Z'))
    if (Math.abs(signedAt - +serverNow) > 300_000) return refusal(serverNow, date)
    return ok
  })
}

test.each([
  [
    'RequestTimeTooSkewed (S3, Date header)',
    (now: Date) =>
      xmlError(
        403,
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
        { date: now.toUTCString() },
      ),
  ],
  [
    'InvalidSignatureException "Signature not yet current" (JSON, no Date header: time from the message)',
    (now: Date, date: string) =>
      jsonError(
        400,
        'InvalidSignatureException',
        `Signature not yet current: ${date} is still later than x (${amzDate(now)} + 5 min.)`,
      ),
  ],
  [
    'RequestExpired (query API)',
    (now: Date) => xmlError(400, 'RequestExpired', 'Request has expired.', { date: now.toUTCString() }),
  ],
] as Array<[string, (now: Date, date: string) => FaultAnswer]>)(
  'clock skew %s: offset learnt, one retry, later requests signed with the corrected time',
  async (_, refusal) => {
    // Our clock is 20 minutes behind the server's: the server says "expired" or "too skewed".
    const offset = 20 * 60_000
    const server = await skewedServer(offset, (now, date) => {
      const answer = refusal(now, date)
      // The JSON variant carries no Date header at all, so the time must come from the message.
      if (typeof answer === 'object' && !answer.headers?.date) answer.headers = { ...answer.headers, date: '' }
      return answer
    })
    const client = clientFor({ retries: 0 }) // the skew correction does not need a retry allowance
    expect((await client.fetch(server.url + '/')).status).toBe(200)
    expect(server.requests).toHaveLength(2)
    expect(Math.abs(client.clockOffset - offset)).toBeLessThan(5000) // Date has 1 s resolution, plus latency
    expect((await client.fetch(server.url + '/')).status).toBe(200)
    expect(server.requests).toHaveLength(3) // first attempt accepted
    expect((await client.presign(server.url + '/x')).searchParams.get('X-Amz-Date')!.slice(0, 8)).toBe(
      amzDate(new Date(Date.now() + offset)).slice(0, 8),
    )
  },
)

test('clock skew is corrected once per request: a server that keeps refusing gets two attempts', async () => {
  const server = await serve(() =>
    xmlError(403, 'RequestTimeTooSkewed', 'too skewed', { date: new Date(Date.now() + 20 * 60_000).toUTCString() }),
  )
  const response = await clientFor({ retries: 0 }).fetch(server.url + '/')
  expect(response.status).toBe(403)
  expect((await AwsError.from(response)).code).toBe('RequestTimeTooSkewed')
  expect(server.requests).toHaveLength(2)
})

test('abort: during a backoff sleep, while waiting for an answer, and before starting', async () => {
  const slow = await serve(() => ({ status: 503, headers: { 'retry-after': '10' } }))
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 200)
  let started = Date.now()
  await expect(clientFor().fetch(slow.url + '/', { signal: controller.signal })).rejects.toMatchObject({
    name: 'AbortError',
  })
  expect(Date.now() - started).toBeLessThan(6000) // far below the 10 s Retry-After / a hang
  expect(slow.requests).toHaveLength(1)

  const hanging = await serve(() => 'hang')
  started = Date.now()
  await expect(clientFor().fetch(hanging.url + '/', { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
    name: 'TimeoutError',
  })
  expect(Date.now() - started).toBeLessThan(6000) // far below the 10 s Retry-After / a hang
  expect(hanging.requests).toHaveLength(1) // an abort is not a network error: no retry

  const untouched = await serve(() => ok)
  await expect(clientFor().fetch(untouched.url + '/', { signal: AbortSignal.abort() })).rejects.toMatchObject({
    name: 'AbortError',
  })
  expect(untouched.requests).toHaveLength(0)
})

test('sign, presign and lastSigning; AwsError.from(response) finds how the request was signed', async () => {
  const server = await serve(() =>
    jsonError(
      403,
      'InvalidSignatureException',
      "The request signature we calculated does not match the signature you provided.\n\nThe Canonical String for this request should have been\n'GET\n/\n\nhost:x\n\nhost\nabc'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\nserver'\n",
    ),
  )
  const client = clientFor()
  const request = await client.sign(server.url + '/a', {
    method: 'POST',
    body: 'x',
    aws: { datetime: '2026-01-01T00:00:00Z' },
  })
  expect(request.headers.get('x-amz-date')).toBe('20260101T000000Z')
  expect(client.lastSigning!.canonicalRequest).toContain('POST\n/a\n')
  const url = await client.presign(server.url + '/b?c=1', { aws: { expiresIn: 60 } })
  expect(url.searchParams.get('X-Amz-Expires')).toBe('60')
  expect(url.searchParams.get('c')).toBe('1')

  const response = await client.fetch(server.url + '/')
  const signing = client.lastSigning!
  const error = await AwsError.from(response)
  expect(error.canonicalRequest).toBe(signing.canonicalRequest)
  expect(error.stringToSign).toBe(signing.stringToSign)
  expect(error.serverCanonicalRequest).toBe('GET\n/\n\nhost:x\n\nhost\nabc')
  expect(error.serverStringToSign).toBe('AWS4-HMAC-SHA256\nserver')
})
