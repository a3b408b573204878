// demo/worker.ts in workerd (Miniflare, no nodejs_compat): CORS refusal for unlisted origins, the session
// policy and signature of its STS AssumeRole call, and STS errors passed on clearly.
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signParts } from '../../src/index.js'

const PAGE = 'http://127.0.0.1:5173'
const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDWORKERTEST', AWS_SECRET_ACCESS_KEY: 'worker-secret/never+leaves' }
const VARS = {
  AWS_REGION: 'eu-west-1',
  ROLE_ARN: 'arn:aws:iam::111122223333:role/kinesis-demo-writer',
  STREAM_NAME: 'clicks',
  ALLOWED_ORIGINS: `${PAGE}, https://demo.example.com/`,
  STS_ENDPOINT: 'https://sts.eu-west-1.amazonaws.com/',
  DURATION_SECONDS: '1200',
}

interface StsCall {
  url: string
  headers: Array<[string, string]>
  body: string
}

type StsAnswer = (call: StsCall) => Response | Promise<Response>
const OK: StsAnswer = () =>
  new Response(
    `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
      <AccessKeyId>ASIATEMPORARY1234</AccessKeyId><SecretAccessKey>temporary/secret</SecretAccessKey>
      <SessionToken>FQoGZXIvYXdzE-token</SessionToken><Expiration>2030-01-01T00:20:00Z</Expiration>
    </Credentials></AssumeRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    { headers: { 'content-type': 'text/xml' } },
  )

let script: string
let calls: StsCall[] = []
let answer: StsAnswer = OK
const instances: Miniflare[] = []

async function worker(bindings: Record<string, string> = { ...VARS, ...KEYS }): Promise<Miniflare> {
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2025-09-01',
    bindings,
    serviceBindings: {
      ASSETS: () => new Response('<!doctype html><title>page</title>', { headers: { 'content-type': 'text/html' } }),
    },
    outboundService: async (request) => {
      const call = { url: request.url, headers: [...request.headers], body: await request.text() }
      calls.push(call)
      return (await answer(call)) as any
    },
  })
  instances.push(mf)
  await mf.ready
  return mf
}

beforeAll(async () => {
  const output = await build({
    entryPoints: ['demo/worker.ts'],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
  })
  script = output.outputFiles[0]!.text
})
afterAll(async () => {
  await Promise.all(instances.map((mf) => mf.dispose()))
})

function post(mf: Miniflare, origin?: string, path = '/credentials') {
  calls = []
  return mf.dispatchFetch('https://kinesis-demo.example.workers.dev' + path, {
    method: 'POST',
    headers: origin ? { origin } : {},
  })
}

describe('CORS', () => {
  it('refuses an unlisted origin without CORS headers and never calls STS', async () => {
    const mf = await worker()
    const response = await post(mf, 'https://evil.example')
    expect(response.status).toBe(403)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    const body = (await response.json()) as { error: string; message: string }
    expect(body.error).toBe('origin_not_allowed')
    expect(body.message).toContain('ALLOWED_ORIGINS')
    expect(calls).toHaveLength(0)
  })

  it('refuses a preflight from an unlisted origin and a request without Origin', async () => {
    const mf = await worker()
    const preflight = await mf.dispatchFetch('https://kinesis-demo.example.workers.dev/credentials', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:9999', 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(403)
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    await preflight.arrayBuffer()
    const anonymous = await post(mf)
    expect(anonymous.status).toBe(403)
    expect(((await anonymous.json()) as { error: string }).error).toBe('origin_not_allowed')
    expect(calls).toHaveLength(0)
  })

  it('answers a preflight from a listed origin (trailing slash in the list ignored) and echoes the asked headers', async () => {
    const mf = await worker()
    const response = await mf.dispatchFetch('https://kinesis-demo.example.workers.dev/credentials', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://demo.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('https://demo.example.com')
    expect(response.headers.get('access-control-allow-methods')).toContain('POST')
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type')
    expect(response.headers.get('vary')).toBe('Origin')
  })

  it("always allows the Worker's own origin (the page it serves) and serves other paths from the assets", async () => {
    const mf = await worker()
    const response = await post(mf, 'https://kinesis-demo.example.workers.dev')
    expect(response.status).toBe(200)
    await response.arrayBuffer()
    const page = await mf.dispatchFetch('https://kinesis-demo.example.workers.dev/')
    expect(await page.text()).toContain('<title>page</title>')
  })
})

describe('AssumeRole', () => {
  it('returns { accessKeyId, secretAccessKey, sessionToken, expiration } with CORS for a listed origin', async () => {
    const mf = await worker()
    const response = await post(mf, PAGE)
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const text = await response.text()
    expect(JSON.parse(text)).toEqual({
      accessKeyId: 'ASIATEMPORARY1234',
      secretAccessKey: 'temporary/secret',
      sessionToken: 'FQoGZXIvYXdzE-token',
      expiration: '2030-01-01T00:20:00.000Z',
    })
    expect(text).not.toContain(KEYS.AWS_SECRET_ACCESS_KEY)
  })

  it('calls STS with the session policy: PutRecord/PutRecords on the one stream, the role, a session name and the duration', async () => {
    const mf = await worker()
    await (await post(mf, PAGE)).arrayBuffer()
    expect(calls).toHaveLength(1)
    const call = calls[0]!
    expect(call.url).toBe('https://sts.eu-west-1.amazonaws.com/')
    const params = new URLSearchParams(call.body)
    expect(params.get('Action')).toBe('AssumeRole')
    expect(params.get('Version')).toBe('2011-06-15')
    expect(params.get('RoleArn')).toBe(VARS.ROLE_ARN)
    expect(params.get('RoleSessionName')).toMatch(/^kinesis-demo-[0-9a-f]{8}$/)
    expect(params.get('DurationSeconds')).toBe('1200')
    expect(JSON.parse(params.get('Policy')!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['kinesis:PutRecord', 'kinesis:PutRecords'],
          Resource: 'arn:aws:kinesis:eu-west-1:111122223333:stream/clicks',
        },
      ],
    })
  })

  it('adds only GetShardIterator/GetRecords on the same stream when ALLOW_READ_BACK is "true"', async () => {
    const mf = await worker({ ...VARS, ...KEYS, ALLOW_READ_BACK: 'true' })
    await (await post(mf, PAGE)).arrayBuffer()
    const policy = JSON.parse(new URLSearchParams(calls[0]!.body).get('Policy')!)
    expect(policy.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:GetShardIterator', 'kinesis:GetRecords'],
        Resource: 'arn:aws:kinesis:eu-west-1:111122223333:stream/clicks',
      },
    ])
  })

  it("signs the AssumeRole call with the Worker's keys (SigV4, service sts): the signature recomputes", async () => {
    const mf = await worker()
    await (await post(mf, PAGE)).arrayBuffer()
    const call = calls[0]!
    const headers = new Map(call.headers)
    const authorization = headers.get('authorization')!
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDWORKERTEST\/\d{8}\/eu-west-1\/sts\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    )
    const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';')
    const amzDate = headers.get('x-amz-date')!
    const url = new URL(call.url)
    const expected = await signParts(
      {
        method: 'POST',
        host: url.host,
        path: url.pathname,
        headers: signedNames
          .filter((name) => name !== 'host')
          .map((name) => [name, headers.get(name)!] as [string, string]),
        body: call.body,
      },
      {
        credentials: { accessKeyId: KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: KEYS.AWS_SECRET_ACCESS_KEY },
        region: 'eu-west-1',
        service: 'sts',
        datetime: amzDate.replace(/(....)(..)(..)T(..)(..)(..)Z/, '$1-$2-$3T$4:$5:$6Z'),
      },
    )
    expect(authorization).toBe(expected.headers.find(([name]) => name === 'authorization')![1])
  })
})

describe('errors', () => {
  it('passes an STS error on clearly: 502 with its code, message and request id', async () => {
    answer = () =>
      new Response(
        '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::111122223333:user/worker is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>req-denied</RequestId></ErrorResponse>',
        { status: 403, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-denied' } },
      )
    try {
      const mf = await worker()
      const response = await post(mf, PAGE)
      expect(response.status).toBe(502)
      expect(response.headers.get('access-control-allow-origin')).toBe(PAGE)
      const body = (await response.json()) as Record<string, unknown>
      expect(body).toMatchObject({ error: 'sts_error', code: 'AccessDenied', status: 403, requestId: 'req-denied' })
      expect(body.message).toBe(
        'STS refused AssumeRole (AccessDenied): User: arn:aws:iam::111122223333:user/worker is not authorized to perform: sts:AssumeRole',
      )
      expect(JSON.stringify(body)).not.toContain(KEYS.AWS_SECRET_ACCESS_KEY)
    } finally {
      answer = OK
    }
  })

  it('retries a failing STS, then passes its status on (an HTML error page becomes code Http503)', async () => {
    answer = () =>
      new Response('<html><body>Service Unavailable</body></html>', {
        status: 503,
        headers: { 'content-type': 'text/html' },
      })
    try {
      const mf = await worker()
      const response = await post(mf, PAGE)
      expect(response.status).toBe(502)
      const body = (await response.json()) as Record<string, unknown>
      expect(body).toMatchObject({ error: 'sts_error', code: 'Http503', status: 503 })
      expect(body.message).toContain('STS refused AssumeRole (Http503)')
      // The library's client retried the 5xx answer 3 times before giving up.
      expect(calls).toHaveLength(4)
    } finally {
      answer = OK
    }
  })

  it('says which settings are missing, without calling STS', async () => {
    const { AWS_SECRET_ACCESS_KEY: _, ...withoutSecret } = KEYS
    const mf = await worker({ ...VARS, ...withoutSecret })
    const response = await post(mf, PAGE)
    expect(response.status).toBe(500)
    const body = (await response.json()) as { error: string; message: string }
    expect(body.error).toBe('worker_misconfigured')
    expect(body.message).toContain('AWS_SECRET_ACCESS_KEY')
    expect(body.message).toContain('wrangler secret put')
    expect(calls).toHaveLength(0)
  })

  it('serves GET /config to listed origins and refuses other methods on /credentials', async () => {
    const mf = await worker({ ...VARS, ...KEYS, KINESIS_ENDPOINT: 'http://127.0.0.1:4567/' })
    const config = await mf.dispatchFetch('https://kinesis-demo.example.workers.dev/config', {
      headers: { origin: PAGE },
    })
    expect(await config.json()).toEqual({
      region: 'eu-west-1',
      streamName: 'clicks',
      kinesisEndpoint: 'http://127.0.0.1:4567/',
      readBack: false,
    })
    const get = await mf.dispatchFetch('https://kinesis-demo.example.workers.dev/credentials', {
      headers: { origin: PAGE },
    })
    expect(get.status).toBe(405)
    await get.arrayBuffer()
  })
})
