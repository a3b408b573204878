// The seed requests of the project, each signed through the high-level sign() (region and service inferred from
// the host) and checked step by step against botocore given the same wire request.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { RequestLike, SignOptions } from '../../../src/index.js'
import { sign } from '../../../src/index.js'
import { SIGV4 } from '../../../src/core/engine.js'
import { signRequestWith } from '../../../src/core/with-algorithm.js'
import { startBotocore, type Botocore } from '../../differential/botocore.js'
import { headerLines } from '../../differential/inputs.js'

const datetime = '2024-05-01T10:00:00Z'
const credentials = {
  accessKeyId: 'ASIAEXAMPLESEED00001',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+seed/token+with/slashes==',
}

let botocore: Botocore
beforeAll(() => {
  botocore = startBotocore()
})
afterAll(() => botocore?.close())

interface Seed {
  input: () => RequestLike
  options: Omit<SignOptions, 'credentials' | 'datetime'>
  region: string
  service: string
  /** The bytes botocore hashes (null: no body, or an unsigned stream). */
  body: string | null
  unsignedPayload?: boolean
}

/** Signs a seed with sign() and with botocore; returns our signed request after asserting every step agrees. */
async function check(seed: Seed): Promise<Request> {
  const options = { credentials, datetime, ...seed.options }
  const probe = seed.input()
  const headers = new Headers(probe.headers)
  const theirs = await botocore.sign({
    mode: 'header',
    s3: false,
    method: probe.method ?? 'GET',
    url: new URL(probe.url).href,
    headers: [...headers],
    bodyBase64: seed.body === null ? null : Buffer.from(seed.body).toString('base64'),
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    region: seed.region,
    service: seed.service,
    amzDate: '20240501T100000Z',
    unsignedPayload: seed.unsignedPayload,
  })
  const { signed } = await signRequestWith(seed.input(), options, SIGV4)
  expect(signed.canonicalRequest).toBe(theirs.canonicalRequest)
  expect(signed.stringToSign).toBe(theirs.stringToSign)
  expect(signed.signature).toBe(theirs.signature)
  const request = await sign(seed.input(), options)
  expect(headerLines(request.headers)).toEqual(headerLines(theirs.headers))
  expect(request.headers.get('authorization')).toBe(theirs.headers.find(([name]) => name === 'Authorization')?.[1])
  return request
}

test('Kinesis PutRecord with a session token', async () => {
  const body = JSON.stringify({ StreamName: 'events', PartitionKey: 'user-42', Data: btoa('hello kinesis') })
  const request = await check({
    input: () => ({
      method: 'POST',
      url: 'https://kinesis.us-east-1.amazonaws.com/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'Kinesis_20131202.PutRecord' },
      body,
    }),
    options: {},
    region: 'us-east-1',
    service: 'kinesis',
    body,
  })
  expect(request.headers.get('authorization')).toContain(
    'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,',
  )
  expect(await request.text()).toBe(body)
})

test('API Gateway execute-api POST /api/workflow/execution with a JSON body', async () => {
  const body = JSON.stringify({
    workflow: 'nightly-report',
    input: { date: '2024-05-01', notify: ['ops@example.com'] },
  })
  const request = await check({
    input: () => ({
      method: 'POST',
      url: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/api/workflow/execution',
      headers: { 'content-type': 'application/json' },
      body,
    }),
    options: {},
    region: 'eu-west-1',
    service: 'execute-api',
    body,
  })
  expect(request.headers.get('authorization')).toMatch(
    /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLESEED00001\/20240501\/eu-west-1\/execute-api\/aws4_request, /,
  )
  expect(await request.text()).toBe(body)
})

test('Kinesis Video PutMedia: UNSIGNED-PAYLOAD with a ReadableStream body', async () => {
  const media = new Uint8Array(4096).map((_, i) => (i * 31) & 0xff)
  const request = await check({
    input: () =>
      ({
        method: 'POST',
        url: 'https://s-1234abcd.kinesisvideo.us-west-2.amazonaws.com/putMedia',
        headers: {
          'x-amzn-stream-name': 'camera-1',
          'x-amzn-fragment-timecode-type': 'ABSOLUTE',
          'x-amzn-producer-start-timestamp': '1714557600.250',
        },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(media)
            controller.close()
          },
        }),
        duplex: 'half',
      }) as RequestLike,
    options: { unsignedPayload: true },
    region: 'us-west-2',
    service: 'kinesisvideo',
    body: null,
    // botocore's switch for operations with an unsigned body (auth type v4-unsigned-body).
    unsignedPayload: true,
  })
  expect(request.headers.get('x-amz-content-sha256')).toBe('UNSIGNED-PAYLOAD')
  expect(new Uint8Array(await request.arrayBuffer())).toEqual(media)
})
