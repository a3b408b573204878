// demo/worker.ts in workerd (Miniflare, no nodejs_compat): the gates in front of POST /credentials (Origin, the
// per-client rate limit, Turnstile checked against a siteverify stand-in on 127.0.0.1), generic errors with the
// details in the Worker's log, the session policy and signature of its STS AssumeRole call, GET /config for the
// page's own same-origin GET, and the production vars that wrangler.toml really ships.
import type { Readable } from 'node:stream'
import { build } from 'esbuild'
import { Miniflare, Response as MiniflareResponse } from 'miniflare'
import { unstable_readConfig } from 'wrangler'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { signParts } from '../../src/index.js'
import { verify } from '../../src/verify.js'
import { serve, type Listening } from '../helpers/loopback.js'

const WORKER = 'https://kinesis-demo.example.workers.dev'
const PAGE = 'http://127.0.0.1:5173'
const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDWORKERTEST', AWS_SECRET_ACCESS_KEY: 'worker-secret/never+leaves' }
const ACCOUNT_ID = '111122223333'
const VARS = {
  AWS_REGION: 'eu-west-1',
  ROLE_ARN: `arn:aws:iam::${ACCOUNT_ID}:role/kinesis-demo-writer`,
  STREAM_NAME: 'clicks',
  ALLOWED_ORIGINS: `${PAGE}, https://demo.example.com/`,
  STS_ENDPOINT: 'https://sts.eu-west-1.amazonaws.com/',
  DURATION_SECONDS: '1200',
  ALLOW_UNGATED_CREDENTIALS: 'true',
}
const TURNSTILE_SECRET = 'turnstile-secret-for-tests'
const GOOD_TOKEN = 'token-the-widget-made'
const LIMIT = 5

interface StsCall {
  url: string
  method: string
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
let logs = ''
const instances: Miniflare[] = []

// The siteverify stand-in: a real HTTP server on 127.0.0.1 that the Worker reaches through its outbound fetch.
let siteverify: Listening
let siteverifyUrl: string
const siteverifyCalls: URLSearchParams[] = []
const usedTokens = new Set<string>()

interface WorkerOptions {
  rateLimit?: number | false
}

async function worker(bindings: Record<string, string> = { ...VARS, ...KEYS }, options: WorkerOptions = {}) {
  const limit = options.rateLimit ?? 1000
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2025-09-01',
    bindings,
    ...(limit !== false && { ratelimits: { CREDENTIALS_RATE_LIMIT: { simple: { limit, period: 60 } } } }),
    serviceBindings: {
      ASSETS: () => new Response('<!doctype html><title>page</title>', { headers: { 'content-type': 'text/html' } }),
    },
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      stdout.on('data', (chunk) => (logs += chunk))
      stderr.on('data', (chunk) => (logs += chunk))
    },
    outboundService: async (request) => {
      // Stand-ins on 127.0.0.1 are reached for real (a closed port fails: miniflare turns it into a 5xx answer).
      if (new URL(request.url).hostname === '127.0.0.1') {
        const body = request.method === 'POST' ? await request.text() : undefined
        const forwarded = await fetch(request.url, { method: request.method, ...(body !== undefined && { body }) })
        return new MiniflareResponse(await forwarded.text(), { status: forwarded.status })
      }
      const call: StsCall = {
        url: request.url,
        method: request.method,
        headers: [...request.headers.entries()],
        body: await request.text(),
      }
      calls.push(call)
      const answered = await answer(call)
      const text = await answered.text()
      return new MiniflareResponse(answered.status === 204 ? null : text, {
        status: answered.status,
        headers: [...answered.headers.entries()],
      })
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
  teamKey = await generateRsaKey()
  otherKey = await generateRsaKey()
  const publicJwk = { ...(await crypto.subtle.exportKey('jwk', teamKey.publicKey)), kid: TEAM_KID }
  // Like Cloudflare's: form fields secret, response, remoteip; a token is good once. The same server publishes
  // the stand-in Access team's keys at /cdn-cgi/access/certs.
  siteverify = await serve((req, res) => {
    if (req.url === '/cdn-cgi/access/certs') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ keys: [publicJwk] }))
    }
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const form = new URLSearchParams(body)
      siteverifyCalls.push(form)
      const token = form.get('response') ?? ''
      const codes: string[] = []
      if (form.get('secret') !== TURNSTILE_SECRET) codes.push('invalid-input-secret')
      if (token !== GOOD_TOKEN && !token.startsWith(GOOD_TOKEN + '-')) codes.push('invalid-input-response')
      else if (usedTokens.has(token)) codes.push('timeout-or-duplicate')
      if (!codes.length) usedTokens.add(token)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ success: codes.length === 0, 'error-codes': codes, hostname: 'demo.example.com' }))
    })
  })
  siteverifyUrl = `${siteverify.endpoint}/turnstile/v0/siteverify`
})
afterAll(async () => {
  await Promise.all(instances.map((mf) => mf.dispose()))
  await siteverify.close()
})
beforeEach(() => {
  calls = []
  answer = OK
  siteverifyCalls.length = 0
})

function post(mf: Miniflare, origin?: string, headers: Record<string, string> = {}) {
  calls = []
  return mf.dispatchFetch(WORKER + '/credentials', {
    method: 'POST',
    headers: { ...(origin && { origin }), ...headers },
  })
}

function generateRsaKey(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )
}

function without<T extends object, K extends keyof T>(object: T, key: K): Omit<T, K> {
  const copy = { ...object }
  delete copy[key]
  return copy
}

interface SessionPolicy {
  Version: string
  Statement: Array<{ Effect: string; Action: string[]; Resource: string }>
}

function policyOf(call: StsCall): SessionPolicy {
  return JSON.parse(new URLSearchParams(call.body).get('Policy')!) as SessionPolicy
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
}

describe('CORS', () => {
  it('refuses an unlisted origin without CORS headers and never calls STS', async () => {
    const mf = await worker()
    const response = await post(mf, 'https://evil.example')
    expect(response.status).toBe(403)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    const body = (await response.json()) as { error: string; message: string }
    expect(body.error).toBe('origin_not_allowed')
    expect(calls).toHaveLength(0)
  })

  it('refuses a preflight from an unlisted origin and a POST without Origin', async () => {
    const mf = await worker()
    const preflight = await mf.dispatchFetch(WORKER + '/credentials', {
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
    const response = await mf.dispatchFetch(WORKER + '/credentials', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://demo.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'cf-turnstile-response',
      },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('https://demo.example.com')
    expect(response.headers.get('access-control-allow-methods')).toContain('POST')
    expect(response.headers.get('access-control-allow-headers')).toBe('cf-turnstile-response')
    expect(response.headers.get('vary')).toBe('Origin')
  })

  it("always allows the Worker's own origin (the page it serves) and serves other paths from the assets", async () => {
    const mf = await worker()
    const response = await post(mf, WORKER)
    expect(response.status).toBe(200)
    await response.arrayBuffer()
    const page = await mf.dispatchFetch(WORKER + '/')
    expect(await page.text()).toContain('<title>page</title>')
  })
})

describe('GET /config', () => {
  it("answers the page's own same-origin GET, which carries no Origin header (browsers omit it)", async () => {
    const mf = await worker({ ...VARS, ...KEYS, KINESIS_ENDPOINT: 'http://127.0.0.1:4567/' })
    const config = await mf.dispatchFetch(WORKER + '/config')
    expect(config.status).toBe(200)
    expect(config.headers.get('access-control-allow-origin')).toBeNull()
    expect(await config.json()).toEqual({
      region: 'eu-west-1',
      streamName: 'clicks',
      kinesisEndpoint: 'http://127.0.0.1:4567/',
      readBack: false,
    })
  })

  it('adds CORS for a listed origin only, names the Turnstile site key when Turnstile is on, refuses POST', async () => {
    const mf = await worker({ ...VARS, ...KEYS, TURNSTILE_SECRET, TURNSTILE_SITE_KEY: '0x4AAAAAAAsitekey' })
    const listed = await mf.dispatchFetch(WORKER + '/config', { headers: { origin: PAGE } })
    expect(listed.headers.get('access-control-allow-origin')).toBe(PAGE)
    expect(((await listed.json()) as { turnstileSiteKey?: string }).turnstileSiteKey).toBe('0x4AAAAAAAsitekey')
    const other = await mf.dispatchFetch(WORKER + '/config', { headers: { origin: 'https://evil.example' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
    await other.arrayBuffer()
    const wrongMethod = await mf.dispatchFetch(WORKER + '/config', { method: 'POST', headers: { origin: PAGE } })
    expect(wrongMethod.status).toBe(405)
    await wrongMethod.arrayBuffer()
    const getCredentials = await mf.dispatchFetch(WORKER + '/credentials', { headers: { origin: PAGE } })
    expect(getCredentials.status).toBe(405)
    await getCredentials.arrayBuffer()
  })
})

describe('Turnstile', () => {
  const gated = { ...VARS, ...KEYS, ALLOW_UNGATED_CREDENTIALS: 'false', TURNSTILE_SECRET }

  it('refuses a forged Origin (curl with an allowed origin) that has no Turnstile token, without calling STS', async () => {
    const mf = await worker({ ...gated, TURNSTILE_SITEVERIFY_URL: siteverifyUrl })
    const response = await post(mf, PAGE)
    expect(response.status).toBe(403)
    expect(((await response.json()) as { error: string }).error).toBe('turnstile_failed')
    expect(calls).toHaveLength(0)
  })

  it('refuses a forged Origin with an invalid token: siteverify is asked and says no', async () => {
    const mf = await worker({ ...gated, TURNSTILE_SITEVERIFY_URL: siteverifyUrl })
    const response = await post(mf, PAGE, {
      'cf-turnstile-response': 'made-up-token',
      'cf-connecting-ip': '203.0.113.7',
    })
    expect(response.status).toBe(403)
    expect(((await response.json()) as { error: string }).error).toBe('turnstile_failed')
    expect(siteverifyCalls).toHaveLength(1)
    expect(Object.fromEntries(siteverifyCalls[0]!)).toEqual({
      secret: TURNSTILE_SECRET,
      response: 'made-up-token',
      remoteip: '203.0.113.7',
    })
    expect(calls).toHaveLength(0)
    await until(() => logs.includes('invalid-input-response'))
    expect(logs).toContain('invalid-input-response')
  })

  it('hands out credentials for a valid token, once: the same token again is refused', async () => {
    const mf = await worker({ ...gated, TURNSTILE_SITEVERIFY_URL: siteverifyUrl })
    const token = `${GOOD_TOKEN}-${crypto.randomUUID()}`
    const first = await post(mf, PAGE, { 'cf-turnstile-response': token })
    expect(first.status).toBe(200)
    expect(((await first.json()) as { accessKeyId: string }).accessKeyId).toBe('ASIATEMPORARY1234')
    const again = await post(mf, PAGE, { 'cf-turnstile-response': token })
    expect(again.status).toBe(403)
    await again.arrayBuffer()
    expect(calls).toHaveLength(0) // `post` resets the STS calls: the replay reached none
  })

  it('fails closed when siteverify cannot be reached, and refuses an oversized token unasked', async () => {
    const mf = await worker({ ...gated, TURNSTILE_SITEVERIFY_URL: 'http://127.0.0.1:9/siteverify' })
    const unreachable = await post(mf, PAGE, { 'cf-turnstile-response': GOOD_TOKEN })
    expect(unreachable.status).toBe(403)
    const { ref } = (await unreachable.json()) as { ref: string }
    await until(() => logs.includes(ref))
    expect(logs.split('\n').find((entry) => entry.includes(ref))).toMatch(/siteverify-(unreachable|http-5\d\d)/)
    const mf2 = await worker({ ...gated, TURNSTILE_SITEVERIFY_URL: siteverifyUrl })
    const huge = await post(mf2, PAGE, { 'cf-turnstile-response': 'x'.repeat(2049) })
    expect(huge.status).toBe(403)
    await huge.arrayBuffer()
    expect(siteverifyCalls).toHaveLength(0)
    expect(calls).toHaveLength(0)
  })

  it('refuses to hand out credentials when neither TURNSTILE_SECRET nor the explicit opt-out is set', async () => {
    const ungated = without(VARS, 'ALLOW_UNGATED_CREDENTIALS')
    const mf = await worker({ ...ungated, ...KEYS })
    const response = await post(mf, PAGE)
    expect(response.status).toBe(500)
    expect(((await response.json()) as { error: string }).error).toBe('worker_misconfigured')
    expect(calls).toHaveLength(0)
  })
})

// A stand-in Access team: its signing key, its published certs (served by the siteverify stand-in's server) and
// JWTs made like Access makes them.
const TEAM_AUD = 'aud-tag-of-the-demo-app'
let teamKey: CryptoKeyPair
let otherKey: CryptoKeyPair
const TEAM_KID = 'team-key-1'

function base64Url(bytes: Uint8Array | string): string {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes
  return btoa(String.fromCharCode(...data))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
}

async function accessJwt(claims: Record<string, unknown>, key = teamKey, header: object = {}): Promise<string> {
  const head = base64Url(JSON.stringify({ alg: 'RS256', kid: TEAM_KID, typ: 'JWT', ...header }))
  const body = base64Url(JSON.stringify(claims))
  const signature = await crypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    key.privateKey,
    new TextEncoder().encode(`${head}.${body}`),
  )
  return `${head}.${body}.${base64Url(new Uint8Array(signature))}`
}

describe('Cloudflare Access (the alternative gate)', () => {
  const teamDomain = () => siteverifyUrl.replace(/\/turnstile\/v0\/siteverify$/, '')
  const accessVars = () => ({
    ...without(VARS, 'ALLOW_UNGATED_CREDENTIALS'),
    ...KEYS,
    ACCESS_TEAM_DOMAIN: teamDomain(),
    ACCESS_AUD: TEAM_AUD,
  })
  const valid = () => ({
    aud: [TEAM_AUD],
    iss: teamDomain(),
    email: 'visitor@example.com',
    exp: Math.floor(Date.now() / 1000) + 600,
    nbf: Math.floor(Date.now() / 1000) - 10,
  })

  it('hands out credentials for a JWT signed by the team key, for this audience and issuer', async () => {
    const mf = await worker(accessVars())
    const response = await post(mf, PAGE, { 'cf-access-jwt-assertion': await accessJwt(valid()) })
    expect(response.status).toBe(200)
    await response.arrayBuffer()
    expect(calls).toHaveLength(1)
  })

  it('refuses a missing, forged, foreign, expired or wrongly addressed JWT, and alg "none", without calling STS', async () => {
    const mf = await worker(accessVars())
    const now = Math.floor(Date.now() / 1000)
    const unsigned = (await accessJwt(valid())).split('.').slice(0, 2).join('.') + '.'
    const { exp: _, ...noExpiry } = valid()
    // Each case with the reason the Worker logs: the check that refused it, not some other failure.
    const cases: Array<[string, string | undefined, string]> = [
      ['missing', undefined, 'no Cf-Access-Jwt-Assertion header'],
      ['signed by another key', await accessJwt(valid(), otherKey), 'the signature does not verify'],
      ['another audience', await accessJwt({ ...valid(), aud: ['other-app'] }), 'aud does not name this application'],
      [
        'another issuer',
        await accessJwt({ ...valid(), iss: 'https://evil.cloudflareaccess.com' }),
        'iss is not the team domain',
      ],
      ['expired', await accessJwt({ ...valid(), exp: now - 3600 }), 'expired'],
      ['no expiry', await accessJwt(noExpiry), 'claim exp'],
      ['not yet valid', await accessJwt({ ...valid(), nbf: now + 3600 }), 'not yet valid'],
      ['unknown kid', await accessJwt(valid(), teamKey, { kid: 'other' }), "the kid is not one of the team's keys"],
      ['no kid', await accessJwt(valid(), teamKey, { kid: undefined }), 'the JWT names no key (kid)'],
      [
        'alg none',
        unsigned.replace(/^[^.]+/, base64Url(JSON.stringify({ alg: 'none', kid: TEAM_KID }))),
        'alg is not RS256',
      ],
      ['garbage', 'not.a.jwt', 'not a JWT'],
    ]
    for (const [label, token, reason] of cases) {
      const response = await post(mf, PAGE, token ? { 'cf-access-jwt-assertion': token } : {})
      expect(response.status, label).toBe(403)
      const { error, ref } = (await response.json()) as { error: string; ref: string }
      expect(error, label).toBe('access_denied')
      expect(calls, label).toHaveLength(0)
      await until(() => logs.includes(ref))
      const line = logs.split('\n').find((entry) => entry.includes(ref))!
      expect((JSON.parse(line.slice(line.indexOf('{'))) as { reason: string }).reason, label).toContain(reason)
    }
  })

  it('accepts a JWT that expired within the 60 s clock leeway, and refuses one past it', async () => {
    const mf = await worker(accessVars())
    const now = Math.floor(Date.now() / 1000)
    const within = await post(mf, PAGE, { 'cf-access-jwt-assertion': await accessJwt({ ...valid(), exp: now - 30 }) })
    expect(within.status).toBe(200)
    await within.arrayBuffer()
    const past = await post(mf, PAGE, { 'cf-access-jwt-assertion': await accessJwt({ ...valid(), exp: now - 90 }) })
    expect(past.status).toBe(403)
    await past.arrayBuffer()
  })
})

describe('rate limit', () => {
  it(`lets ${LIMIT} POST /credentials per client and minute through, then answers 429 with Retry-After`, async () => {
    const mf = await worker({ ...VARS, ...KEYS }, { rateLimit: LIMIT })
    const statuses: number[] = []
    let stsCalls = 0
    for (let attempt = 0; attempt < LIMIT + 3; attempt++) {
      const response = await post(mf, PAGE, { 'cf-connecting-ip': '198.51.100.1' })
      stsCalls += calls.length
      statuses.push(response.status)
      if (response.status === 429) {
        expect(response.headers.get('retry-after')).toBe('60')
        expect(((await response.json()) as { error: string }).error).toBe('rate_limited')
      } else await response.arrayBuffer()
    }
    expect(statuses).toEqual([...Array.from({ length: LIMIT }, () => 200), 429, 429, 429])
    expect(stsCalls).toBe(LIMIT)
    // Another client has its own allowance.
    const other = await post(mf, PAGE, { 'cf-connecting-ip': '198.51.100.2' })
    expect(other.status).toBe(200)
    await other.arrayBuffer()
  })

  it('counts refused Turnstile attempts too (no free guessing), and refuses when the binding is missing', async () => {
    const mf = await worker(
      { ...VARS, ...KEYS, TURNSTILE_SECRET, TURNSTILE_SITEVERIFY_URL: siteverifyUrl },
      { rateLimit: 2 },
    )
    const statuses: number[] = []
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await post(mf, PAGE, { 'cf-connecting-ip': '198.51.100.9', 'cf-turnstile-response': 'guess' })
      statuses.push(response.status)
      await response.arrayBuffer()
    }
    expect(statuses).toEqual([403, 403, 429])
    expect(siteverifyCalls).toHaveLength(2)
    const unbound = await worker({ ...VARS, ...KEYS }, { rateLimit: false })
    const response = await post(unbound, PAGE)
    expect(response.status).toBe(500)
    expect(((await response.json()) as { error: string }).error).toBe('worker_misconfigured')
    expect(calls).toHaveLength(0)
  })
})

describe('AssumeRole', () => {
  it('returns { accessKeyId, secretAccessKey, sessionToken, expiration } with CORS for a listed origin', async () => {
    const mf = await worker()
    const response = await post(mf, PAGE)
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE)
    expect(response.headers.get('cache-control')).toBe('no-store')
    // The Worker's clock, readable by a page on another origin: it corrects its own clock's skew from it.
    expect(response.headers.get('access-control-expose-headers')).toBe('date')
    expect(Math.abs(Date.parse(response.headers.get('date') ?? '') - Date.now())).toBeLessThan(5000)
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
    expect(policyOf(call)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['kinesis:PutRecord', 'kinesis:PutRecords'],
          Resource: `arn:aws:kinesis:eu-west-1:${ACCOUNT_ID}:stream/clicks`,
        },
      ],
    })
  })

  it('adds only GetShardIterator/GetRecords on the same stream when ALLOW_READ_BACK is "true"', async () => {
    const mf = await worker({ ...VARS, ...KEYS, ALLOW_READ_BACK: 'true' })
    await (await post(mf, PAGE)).arrayBuffer()
    const policy = policyOf(calls[0]!)
    expect(policy.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:GetShardIterator', 'kinesis:GetRecords'],
        Resource: `arn:aws:kinesis:eu-west-1:${ACCOUNT_ID}:stream/clicks`,
      },
    ])
  })

  it('with S3_BUCKET, adds uploads under UPLOAD_PREFIX of that bucket only, and GET /config names them', async () => {
    const mf = await worker({ ...VARS, ...KEYS, S3_BUCKET: 'demo-uploads', UPLOAD_PREFIX: 'inbox/' })
    await (await post(mf, PAGE)).arrayBuffer()
    expect(policyOf(calls[0]!).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['kinesis:PutRecord', 'kinesis:PutRecords'],
        Resource: `arn:aws:kinesis:eu-west-1:${ACCOUNT_ID}:stream/clicks`,
      },
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: 'arn:aws:s3:::demo-uploads/inbox/*',
      },
    ])
    const config = (await (await mf.dispatchFetch(WORKER + '/config')).json()) as { upload?: object }
    expect(config.upload).toEqual({
      bucket: 'demo-uploads',
      prefix: 'inbox/',
      s3Endpoint: 'https://s3.eu-west-1.amazonaws.com/',
      // Without S3_PRESIGN_ENDPOINT the part URLs go to the same S3 endpoint.
      presignEndpoint: 'https://s3.eu-west-1.amazonaws.com/',
    })
  })

  it('without S3_BUCKET: no S3 statement and no upload in GET /config', async () => {
    const mf = await worker()
    await (await post(mf, PAGE)).arrayBuffer()
    expect(policyOf(calls[0]!).Statement.map((statement) => statement.Resource)).toEqual([
      `arn:aws:kinesis:eu-west-1:${ACCOUNT_ID}:stream/clicks`,
    ])
    const config = (await (await mf.dispatchFetch(WORKER + '/config')).json()) as { upload?: object }
    expect(config.upload).toBeUndefined()
  })

  it("on moto, the policy's * is sent as \\u002a (moto re-encodes form bodies); elsewhere as *, the same JSON", async () => {
    for (const [emulator, star] of [
      ['moto', '\\u002a'],
      ['', '*'],
    ] as const) {
      calls = []
      const mf = await worker({ ...VARS, ...KEYS, S3_BUCKET: 'demo-uploads', LOCAL_EMULATOR: emulator })
      await (await post(mf, PAGE)).arrayBuffer()
      const sent = new URLSearchParams(calls[0]!.body).get('Policy')!
      expect(sent).toContain(`demo-uploads/uploads/${star}`)
      expect(sent.includes('*')).toBe(star === '*')
      expect(policyOf(calls[0]!).Statement[1]!.Resource).toBe('arn:aws:s3:::demo-uploads/uploads/*')
    }
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

describe('errors are generic to the caller, detailed in the log', () => {
  const USER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/worker`

  it('an STS refusal: no ARN, no account id, no STS text in the answer; all of it in the log under the ref', async () => {
    answer = () =>
      new Response(
        `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: ${USER_ARN} is not authorized to perform: sts:AssumeRole on resource: ${VARS.ROLE_ARN}</Message></Error><RequestId>req-denied</RequestId></ErrorResponse>`,
        { status: 403, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-denied' } },
      )
    const mf = await worker()
    const response = await post(mf, PAGE)
    expect(response.status).toBe(502)
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE)
    const text = await response.text()
    const body = JSON.parse(text) as { error: string; message: string; ref: string }
    expect(Object.keys(body).sort()).toEqual(['error', 'message', 'ref'])
    expect(body.error).toBe('sts_error')
    expect(body.message).toBe("Credentials could not be issued right now: the Worker's log has the details.")
    for (const leak of ['arn:', ACCOUNT_ID, 'AccessDenied', 'req-denied', 'not authorized', KEYS.AWS_SECRET_ACCESS_KEY])
      expect(text).not.toContain(leak)
    await until(() => logs.includes(body.ref))
    const line = logs.split('\n').find((entry) => entry.includes(body.ref))!
    expect(line).toContain('AccessDenied')
    expect(line).toContain(USER_ARN)
    expect(line).toContain('req-denied')
    expect(line).not.toContain(KEYS.AWS_SECRET_ACCESS_KEY)
  })

  it('a failing STS is retried, then reported with the same generic answer (the status goes to the log)', async () => {
    answer = () =>
      new Response('<html><body>Service Unavailable</body></html>', {
        status: 503,
        headers: { 'content-type': 'text/html' },
      })
    const mf = await worker()
    const response = await post(mf, PAGE)
    expect(response.status).toBe(502)
    const body = (await response.json()) as { error: string; message: string; ref: string }
    expect(body.error).toBe('sts_error')
    expect(JSON.stringify(body)).not.toContain('503')
    // The library's client retried the 5xx answer 3 times before giving up.
    expect(calls).toHaveLength(4)
    await until(() => logs.includes(body.ref))
    expect(logs.split('\n').find((entry) => entry.includes(body.ref))).toContain('Http503')
  })

  it('a missing setting: a generic answer; the log names what is missing', async () => {
    const withoutSecret = without(KEYS, 'AWS_SECRET_ACCESS_KEY')
    const mf = await worker({ ...VARS, ...withoutSecret })
    const response = await post(mf, PAGE)
    expect(response.status).toBe(500)
    const body = (await response.json()) as { error: string; message: string; ref: string }
    expect(body.error).toBe('worker_misconfigured')
    expect(body.message).not.toContain('AWS_SECRET_ACCESS_KEY')
    expect(calls).toHaveLength(0)
    await until(() => logs.includes(body.ref))
    expect(logs.split('\n').find((entry) => entry.includes(body.ref))).toContain('AWS_SECRET_ACCESS_KEY')
  })
})

/** The parts of wrangler's parsed configuration these tests read. */
interface ShippedConfig {
  vars: Record<string, string>
  ratelimits: Array<{ name: string; simple: { limit: number; period: number } }>
  assets?: { run_worker_first?: unknown }
}

function readWranglerToml(env?: string): ShippedConfig {
  const read = unstable_readConfig as (args: { config: string; env?: string }) => unknown
  return read({ config: 'wrangler.toml', ...(env && { env }) }) as ShippedConfig
}

describe('what wrangler.toml ships (parsed by wrangler itself)', () => {
  const production = readWranglerToml()
  const dev = readWranglerToml('dev')
  const productionVars = production.vars

  it('production [vars]: read-back off, no localhost origins, no ungated opt-out; a rate limit is bound', () => {
    expect(productionVars.ALLOW_READ_BACK).not.toBe('true')
    expect(productionVars.ALLOWED_ORIGINS ?? '').not.toMatch(/localhost|127\.0\.0\.1|\[::1\]/)
    expect(productionVars.ALLOW_UNGATED_CREDENTIALS).toBeUndefined()
    expect(production.ratelimits.map((binding) => binding.name)).toEqual(['CREDENTIALS_RATE_LIMIT'])
    expect(production.assets?.run_worker_first).toEqual(['/credentials', '/config'])
  })

  it('the Worker with exactly those vars: its credentials cannot read back, localhost is refused, no token no keys', async () => {
    const limit = production.ratelimits[0]!.simple
    const mf = await worker(
      {
        ...productionVars,
        ...KEYS,
        TURNSTILE_SECRET,
        TURNSTILE_SITEVERIFY_URL: siteverifyUrl,
        STS_ENDPOINT: 'https://sts.us-east-1.amazonaws.com/',
      },
      { rateLimit: limit.limit },
    )
    const config = (await (await mf.dispatchFetch(WORKER + '/config')).json()) as { readBack: boolean }
    expect(config.readBack).toBe(false)
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:5173']) {
      const local = await post(mf, origin, { 'cf-turnstile-response': `${GOOD_TOKEN}-${crypto.randomUUID()}` })
      expect(local.status).toBe(403)
      await local.arrayBuffer()
    }
    const noToken = await post(mf, WORKER)
    expect(noToken.status).toBe(403)
    await noToken.arrayBuffer()
    const granted = await post(mf, WORKER, { 'cf-turnstile-response': `${GOOD_TOKEN}-${crypto.randomUUID()}` })
    expect(granted.status).toBe(200)
    await granted.arrayBuffer()
    const policy = policyOf(calls[0]!)
    expect(policy.Statement).toHaveLength(1)
    expect(policy.Statement[0]!.Action).toEqual(['kinesis:PutRecord', 'kinesis:PutRecords'])
  })

  it('[env.dev] (npm run demo) turns on what the local stack needs: read-back, localhost origins, no Turnstile', () => {
    const vars = dev.vars
    expect(vars.ALLOW_READ_BACK).toBe('true')
    expect(vars.ALLOW_UNGATED_CREDENTIALS).toBe('true')
    expect(vars.ALLOWED_ORIGINS).toContain('http://127.0.0.1:5173')
    expect(dev.ratelimits.map((binding) => binding.name)).toEqual(['CREDENTIALS_RATE_LIMIT'])
  })
})

describe('POST /uploads, /uploads/complete, /uploads/abort (presigned part URLs)', () => {
  const S3 = 'https://s3.eu-west-1.amazonaws.com/'
  const UPLOAD_VARS = { ...VARS, ...KEYS, S3_BUCKET: 'demo-uploads', UPLOAD_PREFIX: 'uploads/', S3_ENDPOINT: S3 }
  const MIB = 1024 * 1024
  const s3Calls = () => calls.filter((call) => new URL(call.url).hostname.startsWith('s3.'))
  const stsCalls = () => calls.filter((call) => new URL(call.url).hostname.startsWith('sts.'))

  // STS as before; S3 answers CreateMultipartUpload, CompleteMultipartUpload and AbortMultipartUpload.
  const withS3 =
    (s3: StsAnswer = okS3): StsAnswer =>
    (call) =>
      new URL(call.url).hostname.startsWith('s3.') ? s3(call) : OK(call)
  function okS3(call: StsCall): Response {
    const url = new URL(call.url)
    if (url.searchParams.has('uploads'))
      return new Response(
        `<InitiateMultipartUploadResult><Bucket>demo-uploads</Bucket><Key>k</Key><UploadId>upload-1.abc</UploadId></InitiateMultipartUploadResult>`,
      )
    if (call.method === 'DELETE') return new Response(null, { status: 204 })
    return new Response(
      `<CompleteMultipartUploadResult><Location>${call.url}</Location><ETag>"etag-3"</ETag></CompleteMultipartUploadResult>`,
    )
  }

  function send(mf: Miniflare, path: string, body: unknown, origin: string | null = PAGE, headers = {}) {
    calls = []
    return mf.dispatchFetch(WORKER + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(origin && { origin }), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  }
  const COMPLETE = {
    key: 'uploads/0123abcd-a.bin',
    uploadId: 'upload-1.abc',
    parts: [
      { partNumber: 1, etag: '"e1"' },
      { partNumber: 2, etag: '"e2"' },
    ],
  }
  const ROUTES: Array<[string, unknown]> = [
    ['/uploads', { name: 'a.bin', size: 12 * MIB }],
    ['/uploads/complete', COMPLETE],
    ['/uploads/abort', { key: COMPLETE.key, uploadId: COMPLETE.uploadId }],
  ]

  it('are gated like /credentials: a foreign origin, no Origin, or no Turnstile token reach neither STS nor S3', async () => {
    answer = withS3()
    const open = await worker(UPLOAD_VARS)
    const turnstile = await worker({
      ...without(UPLOAD_VARS, 'ALLOW_UNGATED_CREDENTIALS'),
      TURNSTILE_SECRET,
      TURNSTILE_SITEVERIFY_URL: siteverifyUrl,
    })
    for (const [path, body] of ROUTES) {
      for (const origin of ['https://evil.example', null]) {
        const response = await send(open, path, body, origin)
        expect(response.status, `${path} from ${origin}`).toBe(403)
        expect(((await response.json()) as { error: string }).error).toBe('origin_not_allowed')
        expect(calls).toHaveLength(0)
      }
      const noToken = await send(turnstile, path, body)
      expect(noToken.status).toBe(403)
      expect(((await noToken.json()) as { error: string }).error).toBe('turnstile_failed')
      expect(calls).toHaveLength(0)
    }
  })

  it('POST /uploads: a key under the prefix (random id + reduced name), 5 MiB parts, one presigned PUT URL per part', async () => {
    answer = withS3()
    const mf = await worker(UPLOAD_VARS)
    const response = await send(mf, '/uploads', { name: '../../other/My photo.jpg', size: 12 * MIB + 1 })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE)
    const body = (await response.json()) as {
      uploadId: string
      key: string
      partSize: number
      parts: { partNumber: number; url: string }[]
    }
    expect(body.key).toMatch(/^uploads\/[0-9a-f]{8}-My-photo\.jpg$/)
    expect(body.uploadId).toBe('upload-1.abc')
    expect(body.partSize).toBe(5 * MIB)
    expect(body.parts.map((part) => part.partNumber)).toEqual([1, 2, 3])
    for (const part of body.parts) {
      const url = new URL(part.url)
      expect(url.origin + url.pathname).toBe(`${S3}demo-uploads/${body.key}`)
      expect(url.searchParams.get('partNumber')).toBe(String(part.partNumber))
      expect(url.searchParams.get('uploadId')).toBe('upload-1.abc')
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
      expect(url.searchParams.get('X-Amz-Expires')).toBe('900')
      // Signed with the AssumeRole session (narrowed by the session policy), never with the Worker's own keys.
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^ASIATEMPORARY1234\//)
      expect(part.url).not.toContain(KEYS.AWS_ACCESS_KEY_ID)
    }
    expect(JSON.stringify(body)).not.toContain('temporary/secret')
    expect(stsCalls()).toHaveLength(1)
    const created = s3Calls()
    expect(created).toHaveLength(1)
    expect(new URL(created[0]!.url).pathname).toBe(`/demo-uploads/${body.key}`)
    expect(new URL(created[0]!.url).searchParams.has('uploads')).toBe(true)
  })

  it('POST /uploads: each part URL signs its content-length, so a longer PUT fails the signature (verify() as S3)', async () => {
    answer = withS3()
    const mf = await worker(UPLOAD_VARS)
    type Plan = { partSize: number; parts: { partNumber: number; url: string; size: number }[] }
    const plan = async (size: number) => {
      const response = await send(mf, '/uploads', { name: 'a.bin', size })
      expect(response.status).toBe(200)
      return (await response.json()) as Plan
    }
    // S3's view of a part PUT: the URL as sent and the content-length on the wire (a Request built in Node with a
    // body sets none itself). The secret is that of the AssumeRole session the Worker signed with (OK above).
    const put = (url: string, length: number) =>
      verify(
        new Request(url, {
          method: 'PUT',
          headers: { 'content-length': String(length) },
          body: new Uint8Array(length),
        }),
        {
          lookupSecret: (id) => (id === 'ASIATEMPORARY1234' ? 'temporary/secret' : undefined),
          region: 'eu-west-1',
          service: 's3',
        },
      )

    const twelve = await plan(12 * MIB + 1)
    expect(twelve.partSize).toBe(5 * MIB)
    expect(twelve.parts.map((part) => part.size)).toEqual([5 * MIB, 5 * MIB, 2 * MIB + 1])
    for (const part of twelve.parts) {
      const signed = new URL(part.url).searchParams.get('X-Amz-SignedHeaders')!.split(';')
      expect(signed, `part ${part.partNumber}`).toContain('content-length')
      expect(signed).toContain('host')
      const exact = await put(part.url, part.size)
      expect(exact.ok, `part ${part.partNumber}: ${JSON.stringify(exact)}`).toBe(true)
      for (const length of [part.size + 1, part.size - 1]) {
        const other = await put(part.url, length)
        expect(other.ok, `part ${part.partNumber} with ${length} bytes`).toBe(false)
        expect(!other.ok && other.code).toBe('ERR_SIGNATURE_MISMATCH')
      }
    }

    // Declared 1 byte: one URL, good for 1 byte and refused for a 5 MiB body.
    const one = await plan(1)
    expect(one.parts).toHaveLength(1)
    expect(one.parts[0]!.size).toBe(1)
    expect((await put(one.parts[0]!.url, 1)).ok).toBe(true)
    const bigger = await put(one.parts[0]!.url, 5 * MIB)
    expect(bigger.ok).toBe(false)
    expect(!bigger.ok && bigger.code).toBe('ERR_SIGNATURE_MISMATCH')

    // Declared 1 GiB: the URLs together take exactly 1 GiB (94 parts of 11 MiB, the last the rest), not 94 x 5 GiB.
    const gib = await plan(1024 * MIB)
    expect(gib.partSize).toBe(11 * MIB)
    expect(gib.parts).toHaveLength(94)
    expect(gib.parts.slice(0, -1).every((part) => part.size === gib.partSize)).toBe(true)
    expect(gib.parts.reduce((sum, part) => sum + part.size, 0)).toBe(1024 * MIB)
    const last = gib.parts.at(-1)!
    expect((await put(last.url, last.size)).ok).toBe(true)
    const longer = await put(last.url, last.size + 1)
    expect(!longer.ok && longer.code).toBe('ERR_SIGNATURE_MISMATCH')
  })

  it('complete and abort: CompleteMultipartUpload with the parts in order, AbortMultipartUpload, for that key', async () => {
    answer = withS3()
    const mf = await worker(UPLOAD_VARS)
    const completed = await send(mf, '/uploads/complete', { ...COMPLETE, parts: [...COMPLETE.parts].reverse() })
    expect(completed.status).toBe(200)
    expect(await completed.json()).toEqual({ key: COMPLETE.key, etag: '"etag-3"' })
    const [completeCall] = s3Calls()
    expect(new URL(completeCall!.url).pathname).toBe(`/demo-uploads/${COMPLETE.key}`)
    expect(new URL(completeCall!.url).searchParams.get('uploadId')).toBe('upload-1.abc')
    expect(completeCall!.body.indexOf('"e1"')).toBeGreaterThan(-1)
    expect(completeCall!.body.indexOf('"e1"')).toBeLessThan(completeCall!.body.indexOf('"e2"'))
    const aborted = await send(mf, '/uploads/abort', { key: COMPLETE.key, uploadId: COMPLETE.uploadId })
    expect(aborted.status).toBe(200)
    const [abortCall] = s3Calls()
    expect(new URL(abortCall!.url).pathname).toBe(`/demo-uploads/${COMPLETE.key}`)
    expect(new URL(abortCall!.url).searchParams.get('uploadId')).toBe('upload-1.abc')
  })

  it('keys cannot leave the prefix, and malformed bodies get a generic 400 (the field goes to the log)', async () => {
    answer = withS3()
    const mf = await worker(UPLOAD_VARS)
    const badKeys = [
      'other/0123abcd-a.bin',
      'uploads/../secret/0123abcd-a.bin',
      'uploads/0123abcd-a/../../../x',
      'uploads/0123abcd-..%2F..%2Fx',
      'uploads/',
      'uploadsX/0123abcd-a.bin',
      '/uploads/0123abcd-a.bin',
      42,
    ]
    const bad: Array<[string, unknown]> = [
      ...badKeys.flatMap((key): Array<[string, unknown]> => [
        ['/uploads/complete', { ...COMPLETE, key }],
        ['/uploads/abort', { key, uploadId: COMPLETE.uploadId }],
      ]),
      ['/uploads', { name: 'a.bin', size: 1024 * 1024 * 1024 + 1 }],
      ['/uploads', { name: 'a.bin', size: 0 }],
      ['/uploads', { name: 'a.bin', size: 1.5 }],
      ['/uploads', { name: '', size: 10 }],
      ['/uploads', { size: 10 }],
      ['/uploads', 'not json'],
      ['/uploads', '[1,2]'],
      ['/uploads', JSON.stringify({ name: 'x'.repeat(70_000), size: 1 })],
      ['/uploads/complete', { ...COMPLETE, parts: [] }],
      ['/uploads/complete', { ...COMPLETE, parts: [COMPLETE.parts[0], COMPLETE.parts[0]] }],
      ['/uploads/complete', { ...COMPLETE, parts: [{ partNumber: 0, etag: '"e"' }] }],
      ['/uploads/complete', { ...COMPLETE, parts: [{ partNumber: 101, etag: '"e"' }] }],
      ['/uploads/complete', { ...COMPLETE, parts: [{ partNumber: 1, etag: '</ETag><x>' }] }],
      ['/uploads/complete', { ...COMPLETE, uploadId: 'a&b=c' }],
    ]
    for (const [path, body] of bad) {
      const response = await send(mf, path, body)
      const label = `${path} ${JSON.stringify(body).slice(0, 80)}`
      expect(response.status, label).toBe(400)
      const answerBody = (await response.json()) as { error: string; message: string; ref: string }
      expect(answerBody.error, label).toBe('bad_request')
      expect(answerBody.message).toBe('The request body is not what this route takes.')
      expect(s3Calls(), label).toHaveLength(0)
    }
    // A name that tries a path still lands under the prefix.
    const sneaky = await send(mf, '/uploads', { name: 'uploads/../../../other/.hidden', size: 10 })
    expect(((await sneaky.json()) as { key: string }).key).toMatch(/^uploads\/[0-9a-f]{8}-hidden$/)
    const last = (await send(mf, '/uploads/abort', { key: 'other/x', uploadId: 'u' }).then((r) => r.json())) as {
      ref: string
    }
    await until(() => logs.includes(last.ref))
    expect(logs.split('\n').find((entry) => entry.includes(last.ref))).toContain('not under the upload prefix')
  })

  it('an S3 refusal: 502 s3_error with no ARN or account id in the answer; the log has them; no bucket: 404', async () => {
    const arn = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/kinesis-demo-writer/s`
    answer = withS3(
      () =>
        new Response(
          `<Error><Code>AccessDenied</Code><Message>User: ${arn} is not authorized to perform: s3:PutObject</Message><RequestId>s3-req</RequestId></Error>`,
          { status: 403, headers: { 'content-type': 'application/xml' } },
        ),
    )
    const mf = await worker(UPLOAD_VARS)
    for (const [path, body] of ROUTES) {
      const response = await send(mf, path, body)
      expect(response.status, path).toBe(502)
      const text = await response.text()
      const refused = JSON.parse(text) as { error: string; ref: string }
      expect(Object.keys(refused).sort()).toEqual(['error', 'message', 'ref'])
      expect(refused.error).toBe('s3_error')
      for (const leak of ['arn:', ACCOUNT_ID, 'AccessDenied', 'not authorized', 'temporary/secret'])
        expect(text).not.toContain(leak)
      await until(() => logs.includes(refused.ref))
      const line = logs.split('\n').find((entry) => entry.includes(refused.ref))!
      expect(line).toContain('AccessDenied')
      expect(line).not.toContain('temporary/secret')
    }
    const noBucket = await worker({ ...VARS, ...KEYS })
    const off = await send(noBucket, '/uploads', ROUTES[0]![1])
    expect(off.status).toBe(404)
    expect(((await off.json()) as { error: string }).error).toBe('uploads_off')
  })
})
