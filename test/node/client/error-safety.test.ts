// Issue 12, items 12 and 13: an AwsError (and the client) keeps nothing replayable and no secret; AwsError.from
// is linear-time, bounded and typed on any body; the client retries a 503 whatever its body says.
import { inspect } from 'node:util'
import { afterEach, expect, test } from 'vitest'
import { MAX_ERROR_BODY_BYTES, REDACTED } from '../../../src/client/aws-error.js'
import { AwsClient, AwsError } from '../../../src/client.js'
import { assumeRole, fromStatic, refreshing } from '../../../src/credentials.js'
import { signParts } from '../../../src/index.js'
import { startFaultServer, type FaultAnswer, type ReceivedRequest } from '../../helpers/fault-server.js'

const servers: Array<{ stop(): Promise<void> }> = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop()
})

async function serve(answer: (request: ReceivedRequest, index: number) => FaultAnswer) {
  const server = await startFaultServer(answer)
  servers.push(server)
  return server
}

const temporary = {
  accessKeyId: 'ASIAEXAMPLETEMPORARY',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEEXAMPLESESSIONTOKEN//////////wEaCXVzLWVhc3QtMSJGMEQCIFAKE=',
}

// What AWS answers to a bad signature: the canonical request it computed, token line included, quoted back.
function canonicalEcho(request: ReceivedRequest): string {
  const token = request.headers['x-amz-security-token'] as string
  return `POST\n/\n\nhost:${String(request.headers.host)}\nx-amz-date:${String(request.headers['x-amz-date'])}\nx-amz-security-token:${token}\n\nhost;x-amz-date;x-amz-security-token\nabc`
}
const jsonMismatch = (request: ReceivedRequest): FaultAnswer => ({
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify({
    __type: 'InvalidSignatureException',
    message: `The request signature we calculated does not match the signature you provided.\n\nThe Canonical String for this request should have been\n'${canonicalEcho(request)}'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\nserver'\n`,
  }),
})
const xmlMismatch = (request: ReceivedRequest): FaultAnswer => ({
  status: 403,
  headers: { 'content-type': 'application/xml' },
  body: `<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><AWSAccessKeyId>${temporary.accessKeyId}</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\nserver</StringToSign><SignatureProvided>${/Signature=(\w+)/.exec(request.headers.authorization!)![1]}</SignatureProvided><CanonicalRequest>${canonicalEcho(request)}</CanonicalRequest></Error>`,
})

// Every way an app might print or ship the object: none may show the secret, the token or the signature.
function views(value: unknown): string[] {
  return [
    JSON.stringify(value) ?? '',
    inspect(value, { showHidden: true, depth: Infinity }),
    String(value),
    value instanceof Error ? String(value.stack) : '',
  ]
}
function expectNothingReplayable(value: unknown, signature: string) {
  for (const view of views(value)) {
    expect(view).not.toContain(temporary.secretAccessKey)
    expect(view).not.toContain(temporary.sessionToken)
    expect(view).not.toContain(signature)
    expect(view).not.toMatch(/Signature=|authorization/i)
  }
}

test.each([
  ['JSON service, the canonical request quoted in the message', jsonMismatch],
  ['S3, the canonical request in <CanonicalRequest>', xmlMismatch],
])('item 12: %s: the AwsError and the client show no secret, token or signature', async (_, answer) => {
  const server = await serve(answer)
  const client = new AwsClient({ credentials: temporary, region: 'us-east-1', service: 'kinesis', retries: 0 })
  const response = await client.fetch(server.url + '/', { method: 'POST', body: '{}' })
  const signature = /Signature=([0-9a-f]{64})/.exec(server.requests[0]!.headers.authorization!)![1]!
  expect(server.requests[0]!.headers['x-amz-security-token']).toBe(temporary.sessionToken)
  const error = await AwsError.from(response)
  expect(error.code).toMatch(/Signature/)
  // What the error is for is still there: both canonical requests, token lines redacted alike.
  expect(error.canonicalRequest).toContain(`\nx-amz-security-token:${REDACTED}\n`)
  expect(error.serverCanonicalRequest).toContain(`\nx-amz-security-token:${REDACTED}\n`)
  expect(error.stringToSign).toMatch(/^AWS4-HMAC-SHA256\n/)
  expect(error.serverStringToSign).toBe('AWS4-HMAC-SHA256\nserver')
  expect(Object.keys(error).sort()).toEqual(
    [
      'canonicalRequest',
      'code',
      'name',
      'requestId',
      'serverCanonicalRequest',
      'serverStringToSign',
      'serverTime',
      'status',
      'stringToSign',
    ].sort(),
  )
  expectNothingReplayable(error, signature)
  expectNothingReplayable(client, signature)
  const thrown: unknown = await client
    .json(server.url + '/', { method: 'POST', body: '{}' })
    .catch((reason: unknown) => reason)
  expect(thrown).toBeInstanceOf(AwsError)
  expectNothingReplayable(thrown, signature)
})

test('item 12: a presigned canonical request keeps no token either (X-Amz-Security-Token redacted)', async () => {
  const server = await serve(() => ({ status: 500 }))
  const client = new AwsClient({ credentials: temporary, region: 'us-east-1', service: 's3' })
  const url = await client.presign(server.url + '/bucket/key')
  const token = url.searchParams.get('X-Amz-Security-Token')!
  expect(token).toBe(temporary.sessionToken)
  const canonical = `GET\n/bucket/key\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=${encodeURIComponent(token)}&X-Amz-SignedHeaders=host\nhost:h\n\nhost\nUNSIGNED-PAYLOAD`
  const response = new Response(
    `<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message><CanonicalRequest>${canonical}</CanonicalRequest></Error>`,
    { status: 403 },
  )
  const error = await AwsError.from(response, { canonicalRequest: canonical, stringToSign: 'AWS4-HMAC-SHA256\nx' })
  expect(error.serverCanonicalRequest).toContain(`X-Amz-Security-Token=${REDACTED}&`)
  expect(error.canonicalRequest).toContain(`X-Amz-Security-Token=${REDACTED}&`)
  expectNothingReplayable(error, 'no signature here')
})

test('item 12: credential providers and a client built on them print no key', async () => {
  const server = await serve(() => ({
    status: 200,
    body: `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>${temporary.secretAccessKey}</SecretAccessKey><SessionToken>${temporary.sessionToken}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`,
  }))
  const base = { accessKeyId: 'AKIABASE', secretAccessKey: 'base-secret-never-printed' }
  const role = assumeRole({
    credentials: base,
    roleArn: 'arn:aws:iam::123456789012:role/r',
    roleSessionName: 's',
    endpoint: server.url,
  })
  const cached = refreshing(fromStatic(temporary))
  await role()
  await cached()
  for (const value of [role, cached, new AwsClient({ credentials: role, region: 'us-east-1' })]) {
    for (const view of views(value)) {
      expect(view).not.toContain(base.secretAccessKey)
      expect(view).not.toContain(temporary.secretAccessKey)
      expect(view).not.toContain(temporary.sessionToken)
    }
  }
  const client = new AwsClient({ credentials: temporary, region: 'us-east-1', retries: 1 })
  expect(client.options).toEqual({ region: 'us-east-1', retries: 1 })
})

test('item 13: a 1 MB adversarial body is read in linear time (the lazy-quantifier regex took seconds)', async () => {
  const marker = "The Canonical String for this request should have been\n'"
  const bodies = {
    'repeated canonical-request markers': JSON.stringify({
      __type: 'InvalidSignatureException',
      message: marker.repeat(Math.ceil(1e6 / marker.length)),
    }),
    'repeated <Code> openings': '<Code>'.repeat(2e5),
    'a million ampersands in a tag': `<Error><Code>${'&'.repeat(1e6)}</Code></Error>`,
    'a million word characters': 'a'.repeat(1e6),
  }
  for (const [name, body] of Object.entries(bodies)) {
    const started = performance.now()
    const error = await AwsError.from(new Response(body, { status: 400 }))
    const elapsed = performance.now() - started
    expect(error, name).toBeInstanceOf(AwsError)
    expect(elapsed, name).toBeLessThan(1500) // about 10 ms; the old regex took about 5 s on the first body
  }
})

test.each([
  ['null', 'null', 'Http400'],
  ['a number as __type', '{"__type":5,"message":7}', 'Http400'],
  ['an array', '[1,2]', 'Http400'],
  ['a JSON string', '"ThrottlingException"', 'Http400'],
  ['an object as message', '{"__type":"X","message":{"a":1}}', 'X'],
  ['a code point above U+10FFFF', '<Error><Code>C</Code><Message>&#x110000;&#99999999;</Message></Error>', 'C'],
  ['a hex entity that is not hex', '<Error><Code>C</Code><Message>&#xZZ;</Message></Error>', 'C'],
  ['a lone surrogate', '<Error><Code>C</Code><Message>A&#xD800;</Message></Error>', 'C'],
  ['an exponent that looked numeric', '<Error><Code>C</Code><Message>&#1e5;</Message></Error>', 'C'],
  ['invalid UTF-8', new Uint8Array([0xff, 0xfe, 0x7b, 0x22]), 'Http400'],
] as Array<[string, BodyInit, string]>)('item 13: AwsError.from is typed on %s', async (_, body, code) => {
  const error = await AwsError.from(new Response(body, { status: 400, statusText: 'Bad Request' }))
  expect(error).toBeInstanceOf(AwsError)
  expect(error.code).toBe(code)
  expect(typeof error.message).toBe('string')
  // An entity that names no character stays as written.
  const entity = /&#\w+;/.exec(typeof body === 'string' ? body : '')?.[0]
  if (entity) expect(error.message).toContain(entity)
  expect(error.status).toBe(400)
})

test('item 13: entities that name characters are decoded', async () => {
  const error = await AwsError.from(
    new Response(
      '<Error><Code>A&#66;&#x43;&#x1F600;</Code><Message>&lt;&amp;&quot;&apos;&gt;&unknown;</Message></Error>',
      {
        status: 400,
      },
    ),
  )
  expect([error.code, error.message]).toEqual(['ABC\u{1F600}', `<&"'>&unknown;`])
})

test('item 13: at most MAX_ERROR_BODY_BYTES of a huge body are read, then the stream is cancelled', async () => {
  const chunk = new TextEncoder().encode('<'.repeat(16 * 1024))
  let pulled = 0
  let cancelled = false
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.length
      controller.enqueue(chunk)
    },
    cancel() {
      cancelled = true
    },
  })
  const error = await AwsError.from(new Response(body, { status: 500 }))
  expect(error.code).toBe('Http500')
  expect(cancelled).toBe(true)
  expect(pulled).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES + 4 * chunk.length) // a few chunks of read-ahead
  expect(error.message.length).toBeLessThanOrEqual(200)
})

test.each([
  ['null', 'null'],
  ['{"__type":5}', '{"__type":5}'],
  ['&#x110000;', '<Error><Code>&#x110000;</Code></Error>'],
  ['&#xZZ;', '<Error><Code>&#xZZ;</Code></Error>'],
  ['1 MB of canonical-request markers', JSON.stringify({ __type: 'X', message: "should have been\n'".repeat(55_000) })],
])('item 13: client.fetch retries a 503 whose body is %s', async (_, body) => {
  const server = await serve((_, index) => (index === 0 ? { status: 503, body } : { status: 200, body: '{}' }))
  const client = new AwsClient({ credentials: temporary, region: 'us-east-1', service: 'kinesis', retryDelay: 5 })
  const started = performance.now()
  const response = await client.fetch(server.url + '/', { method: 'POST', body: '{}' })
  expect(response.status).toBe(200)
  expect(server.requests).toHaveLength(2)
  expect(performance.now() - started).toBeLessThan(3000)
})

test('item 12: an error message that quotes the Authorization header or a presigned URL keeps no signature', async () => {
  const server = await serve((request) =>
    jsonErrorEcho(
      `Authorization header requires 'Credential' parameter. Authorization=${request.headers.authorization!}`,
    ),
  )
  const client = new AwsClient({ credentials: temporary, region: 'us-east-1', service: 'kinesis', retries: 0 })
  const error = await AwsError.from(await client.fetch(server.url + '/', { method: 'POST', body: '{}' }))
  const signature = /Signature=([0-9a-f]{64})/.exec(server.requests[0]!.headers.authorization!)![1]!
  expect(error.code).toBe('IncompleteSignatureException')
  expect(error.message).toContain(`Signature=${REDACTED}`)
  expect(error.message).toContain('Credential=ASIAEXAMPLETEMPORARY/') // the key id is not a secret: it stays
  for (const view of views(error)) expect(view).not.toContain(signature)

  const url = await client.presign('https://b.s3.amazonaws.com/k', { aws: { service: 's3' } })
  const presigned = await AwsError.from(
    new Response(`<Error><Code>AccessDenied</Code><Message>Denied: ${url.href}</Message></Error>`, { status: 403 }),
  )
  expect(presigned.message).toContain(`X-Amz-Signature=${REDACTED}`)
  expect(presigned.message).toContain(`X-Amz-Security-Token=${REDACTED}`)
  for (const view of views(presigned)) {
    expect(view).not.toContain(url.searchParams.get('X-Amz-Signature')!)
    expect(view).not.toContain(encodeURIComponent(temporary.sessionToken))
  }
})

function jsonErrorEcho(message: string): FaultAnswer {
  return {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ __type: 'IncompleteSignatureException', message }),
  }
}

test('item 12: AwsError.from given a whole SignedParts (Authorization header, signature) keeps only the redacted steps', async () => {
  const signed = await signParts(
    { method: 'POST', host: 'kinesis.us-east-1.amazonaws.com', path: '/', headers: [['content-type', 'x']] },
    { credentials: temporary, region: 'us-east-1', service: 'kinesis' },
  )
  const error = await AwsError.from(
    new Response(JSON.stringify({ __type: 'InvalidSignatureException', message: 'no' }), { status: 400 }),
    signed,
  )
  expect(error.canonicalRequest).toBe(signed.canonicalRequest.replace(temporary.sessionToken, REDACTED))
  expect(error.stringToSign).toBe(signed.stringToSign)
  expectNothingReplayable(error, signed.signature)
})
