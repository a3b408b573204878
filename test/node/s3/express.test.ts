// S3 Express One Zone: fromS3ExpressSession against a local stand-in for the zonal endpoint (CreateSession and
// object requests, every signature checked with verify()), the cache (5-minute sessions, refreshed ahead, single
// flight), typed errors, and signatures equal to botocore's S3ExpressAuth / S3ExpressQueryAuth for the same session
// credentials on generated requests. moto has no CreateSession (moto 5.x), hence the stand-in.
import { spawnSync } from 'node:child_process'
import type { IncomingMessage } from 'node:http'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AwsError } from '../../../src/client/aws-error.js'
import { SigV4Error } from '../../../src/core/errors.js'
import { hostScope } from '../../../src/core/infer.js'
import { fromS3ExpressSession } from '../../../src/s3.js'
import { verify } from '../../../src/verify.js'
import { differentFrom } from '../../helpers/different.js'
import { serve, type Listening } from '../../helpers/loopback.js'

const BUCKET = 'logs--use1-az4--x-s3'
const REGION = 'us-east-1'
const iam = { accessKeyId: 'AKIAIAMEXAMPLE000001', secretAccessKey: 'iam/secret/EXAMPLE+key' }
const SESSION_SECONDS = 300

/** The stand-in zonal endpoint: CreateSession hands out numbered sessions; object requests echo what was verified. */
class StandIn {
  server!: Listening
  endpoint = ''
  /** The stand-in's clock for session expirations (ms), moved by the tests. */
  clock = Date.parse('2025-01-15T10:00:00Z')
  sessions = 0
  /** Answer CreateSession with this status and error code instead, when set. */
  refuse: { status: number; code: string } | undefined
  /** Session secrets by access key id. */
  secrets = new Map<string, string>()

  async start() {
    this.server = await serve((request, response) => {
      void this.handle(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/xml' })
        response.end(body)
      })
    })
    this.endpoint = this.server.endpoint
  }

  private async handle(incoming: IncomingMessage): Promise<{ status: number; body: string }> {
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    const headers = new Headers(incoming.headers as Record<string, string>)
    const request = new Request(this.endpoint + incoming.url, {
      method: incoming.method,
      headers,
      ...(chunks.length && { body: Buffer.concat(chunks) }),
    })
    const url = new URL(request.url)
    if (url.pathname === '/' && url.searchParams.has('session')) {
      const checked = await verify(request, {
        lookupSecret: (id) => (id === iam.accessKeyId ? iam.secretAccessKey : null),
        service: 's3express',
        region: REGION,
      })
      if (!checked.ok) return { status: 403, body: `<Error><Code>${checked.code}</Code></Error>` }
      if (this.refuse)
        return {
          status: this.refuse.status,
          body: `<Error><Code>${this.refuse.code}</Code><Message>no</Message></Error>`,
        }
      if (
        headers.get('x-amz-create-session-mode') !== 'ReadWrite' ||
        !checked.signedHeaders.includes('x-amz-create-session-mode')
      )
        return { status: 400, body: '<Error><Code>InvalidArgument</Code></Error>' }
      const n = ++this.sessions
      const accessKeyId = `ASIASESSION${String(n).padStart(9, '0')}`
      this.secrets.set(accessKeyId, `session/secret/${n}`)
      const expiration = new Date(this.clock + SESSION_SECONDS * 1000).toISOString()
      return {
        status: 200,
        body: `<?xml version="1.0" encoding="UTF-8"?><CreateSessionResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Credentials><SessionToken>session+token/${n}=</SessionToken><SecretAccessKey>session/secret/${n}</SecretAccessKey><AccessKeyId>${accessKeyId}</AccessKeyId><Expiration>${expiration}</Expiration></Credentials></CreateSessionResult>`,
      }
    }
    const checked = await verify(request, {
      lookupSecret: (id) => this.secrets.get(id),
      service: 's3express',
      region: REGION,
    })
    if (!checked.ok) return { status: 403, body: `<Error><Code>${checked.code}</Code></Error>` }
    const token = checked.presigned
      ? url.searchParams.get('X-Amz-S3session-Token')
      : headers.get('x-amz-s3session-token')
    const signed = checked.presigned
      ? new URLSearchParams(url.search).has('X-Amz-S3session-Token')
      : checked.signedHeaders.includes('x-amz-s3session-token')
    return {
      status: 200,
      body: JSON.stringify({
        accessKeyId: checked.accessKeyId,
        token,
        signed,
        securityToken: headers.get('x-amz-security-token') ?? url.searchParams.get('X-Amz-Security-Token'),
        presigned: checked.presigned,
      }),
    }
  }
}

const standIn = new StandIn()
beforeAll(() => standIn.start())
afterAll(() => standIn.server.close())

const session = (extra = {}) =>
  fromS3ExpressSession({
    bucket: BUCKET,
    credentials: iam,
    region: REGION,
    endpoint: standIn.endpoint,
    now: () => standIn.clock,
    ...extra,
  })

interface Echo {
  accessKeyId: string
  token: string
  signed: boolean
  securityToken: string | null
  presigned: boolean
}

describe('against a local stand-in for the zonal endpoint', () => {
  test('header form: CreateSession once, then requests signed with the session and x-amz-s3session-token', async () => {
    const before = standIn.sessions
    const s = session()
    for (let i = 0; i < 3; i++) {
      const response = await fetch(await s.sign({ method: 'PUT', url: `${standIn.endpoint}/a/${i}.log`, body: 'line' }))
      expect(response.status).toBe(200)
      const echo = (await response.json()) as Echo
      expect(echo.signed).toBe(true)
      expect(echo.securityToken).toBeNull()
      expect(echo.accessKeyId).toBe(`ASIASESSION${String(before + 1).padStart(9, '0')}`)
      expect(echo.token).toBe(`session+token/${before + 1}=`)
    }
    expect(standIn.sessions).toBe(before + 1)
  })

  test('presigned form: X-Amz-S3session-Token is signed into the query; no x-amz-security-token', async () => {
    const url = await session().presign(`${standIn.endpoint}/a/report.csv`, { expiresIn: 300 })
    expect(url.searchParams.get('X-Amz-Security-Token')).toBeNull()
    const response = await fetch(url)
    expect(response.status).toBe(200)
    const echo = (await response.json()) as Echo
    expect(echo).toMatchObject({ presigned: true, signed: true, securityToken: null })
    expect(echo.token).toMatch(/^session\+token\/\d+=$/)
  })

  test('a caller-set x-amz-security-token is dropped (S3 Express refuses it)', async () => {
    const response = await fetch(
      await session().sign({ url: `${standIn.endpoint}/a/x`, headers: { 'x-amz-security-token': 'sts-token' } }),
    )
    expect(((await response.json()) as Echo).securityToken).toBeNull()
  })

  test('single flight: 25 requests signed at once share one CreateSession', async () => {
    const before = standIn.sessions
    const s = session()
    const requests = await Promise.all(
      Array.from({ length: 25 }, (_, i) => s.sign({ url: `${standIn.endpoint}/k${i}` })),
    )
    expect(standIn.sessions).toBe(before + 1)
    for (const response of await Promise.all(requests.map((request) => fetch(request))))
      expect(response.status).toBe(200)
  })

  test('refreshed ahead: 60 s before the 5-minute end a new session is made; until then the cached one is used', async () => {
    const started = standIn.clock
    const before = standIn.sessions
    const s = session()
    const first = await s.credentials()
    standIn.clock = started + 239_000 // 61 s before the end: still cached
    expect(await s.credentials()).toBe(first)
    expect(standIn.sessions).toBe(before + 1)
    standIn.clock = started + 241_000 // 59 s before the end: refresh
    const second = await s.credentials()
    expect(second.accessKeyId).not.toBe(first.accessKeyId)
    expect(standIn.sessions).toBe(before + 2)
    const response = await fetch(await s.sign({ url: `${standIn.endpoint}/after-refresh` }))
    expect(((await response.json()) as Echo).accessKeyId).toBe(second.accessKeyId)
    standIn.clock = started
  })

  test('a refused CreateSession is an AwsError with the service code (no secret in it); the next call tries again', async () => {
    const s = session()
    standIn.refuse = { status: 403, code: 'AccessDenied' }
    const error = await s.sign({ url: `${standIn.endpoint}/k` }).catch((caught: unknown) => caught)
    standIn.refuse = undefined
    expect(error).toBeInstanceOf(AwsError)
    expect((error as AwsError).code).toBe('AccessDenied')
    expect((error as AwsError).status).toBe(403)
    expect(JSON.stringify(error) + String(error)).not.toContain(iam.secretAccessKey)
    const response = await fetch(await s.sign({ url: `${standIn.endpoint}/k` }))
    expect(response.status).toBe(200)
  })

  test('CreateSession signed with the wrong secret is refused by the stand-in (so the check above can fail)', async () => {
    const s = session({ credentials: { ...iam, secretAccessKey: differentFrom(iam.secretAccessKey) } })
    const error = await s.credentials().catch((caught: unknown) => caught)
    expect((error as AwsError).code).toBe('ERR_SIGNATURE_MISMATCH')
  })
})

describe('options and host recognition', () => {
  test.each([
    ['a general purpose bucket', { bucket: 'logs' }],
    ['a bucket with no zone', { bucket: 'logs--x-s3' }],
    ['a bucket that is not a string', { bucket: 7 }],
    ['no region', { region: undefined }],
    ['a bad session mode', { sessionMode: 'WriteOnly' }],
    ['a margin as long as the session', { marginSeconds: 300 }],
  ])('%s: ERR_INVALID_OPTION', (_, extra) => {
    let error: unknown
    try {
      fromS3ExpressSession({ bucket: BUCKET, credentials: iam, region: REGION, ...extra } as never)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(SigV4Error)
    expect((error as SigV4Error).code).toBe('ERR_INVALID_OPTION')
  })
  test('the zonal endpoint and its scope are recognised', () => {
    const s = fromS3ExpressSession({ bucket: BUCKET, credentials: iam, region: REGION })
    expect(s.endpoint).toBe('https://logs--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com')
    expect(hostScope(new URL(s.endpoint).host)).toEqual({ region: 'us-east-1', service: 's3express' })
    expect(hostScope('s3express-control.eu-north-1.amazonaws.com')).toEqual({
      region: 'eu-north-1',
      service: 's3express',
    })
    expect(hostScope('b.s3.eu-north-1.amazonaws.com')).toEqual({ region: 'eu-north-1', service: 's3' })
  })
})

describe("botocore's S3ExpressAuth and S3ExpressQueryAuth, same session credentials", () => {
  const host = 'logs--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com'
  const cases = fc.sample(
    fc.record({
      method: fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE'),
      // No . or .. segments: a URL parser resolves those before anything is signed (core behaviour, not S3 Express).
      key: fc
        .stringMatching(/^[A-Za-z0-9._~\-/]{1,30}$/)
        .filter((key) => !key.split('/').some((segment) => segment === '.' || segment === '..')),
      query: fc.option(fc.constantFrom('partNumber=1&uploadId=abc', 'versionId=x', 'list-type=2&prefix=a%2Fb'), {
        nil: undefined,
      }),
      meta: fc.option(fc.stringMatching(/^[a-z0-9 ]{1,10}$/), { nil: undefined }),
      body: fc.option(fc.uint8Array({ maxLength: 100 }), { nil: undefined }),
      accessKeyId: fc.stringMatching(/^ASIA[A-Z0-9]{16}$/),
      secretAccessKey: fc.stringMatching(/^[A-Za-z0-9/+]{40}$/),
      sessionToken: fc.stringMatching(/^[A-Za-z0-9/+=]{20,120}$/),
      time: fc.date({
        min: new Date('2024-01-01T00:00:00Z'),
        max: new Date('2030-01-01T00:00:00Z'),
        noInvalidDate: true,
      }),
      expiresIn: fc.integer({ min: 1, max: 300 }),
    }),
    { seed: 4040, numRuns: 120 },
  )

  test('120 header-signed and 120 presigned requests: the same signature', async () => {
    const jobs: object[] = []
    const ours: Array<{ header: string; query: URL }> = []
    for (const c of cases) {
      const datetime = new Date(Math.floor(+c.time / 1000) * 1000)
      const amzDate = datetime.toISOString().replace(/[-:]|\.\d{3}/g, '')
      const xml = `<CreateSessionResult><Credentials><SessionToken>${c.sessionToken}</SessionToken><SecretAccessKey>${c.secretAccessKey}</SecretAccessKey><AccessKeyId>${c.accessKeyId}</AccessKeyId><Expiration>2100-01-01T00:00:00Z</Expiration></Credentials></CreateSessionResult>`
      const s = fromS3ExpressSession({
        bucket: BUCKET,
        credentials: iam,
        region: REGION,
        fetch: () => Promise.resolve(new Response(xml)),
      })
      const url = `https://${host}/${c.key}${c.query ? '?' + c.query : ''}`
      const body = c.method === 'PUT' ? (c.body ?? new Uint8Array(0)) : undefined
      const headers: Array<[string, string]> = c.meta ? [['x-amz-meta-note', c.meta]] : []
      const signed = await s.sign({ method: c.method, url, headers, ...(body && { body }) }, { datetime })
      const presigned = await s.presign(url, { datetime, expiresIn: c.expiresIn })
      ours.push({ header: signed.headers.get('authorization')!, query: presigned })
      const job = {
        method: c.method,
        url,
        headers,
        body_b64: body ? Buffer.from(body).toString('base64') : null,
        access_key: c.accessKeyId,
        secret_key: c.secretAccessKey,
        token: c.sessionToken,
        region: REGION,
        time: amzDate,
        expires: c.expiresIn,
      }
      jobs.push({ ...job, mode: 'header' }, { ...job, mode: 'query', method: 'GET', headers: [], body_b64: null })
    }
    const script = fileURLToPath(new URL('./botocore_express.py', import.meta.url))
    const run = spawnSync('python3', [script], { input: JSON.stringify(jobs), encoding: 'utf8', timeout: 120_000 })
    expect(run.status, run.stderr).toBe(0)
    const answers = JSON.parse(run.stdout) as Array<{
      signature: string
      url: string
      error?: string
      canonical_request: string
    }>
    expect(answers).toHaveLength(240)
    cases.forEach((c, i) => {
      const header = answers[2 * i]!
      const query = answers[2 * i + 1]!
      expect(header.error).toBeUndefined()
      expect(query.error).toBeUndefined()
      expect(ours[i]!.header, header.canonical_request).toMatch(new RegExp(`Signature=${header.signature}$`))
      expect(ours[i]!.header).toContain('/us-east-1/s3express/aws4_request')
      expect(ours[i]!.query.searchParams.get('X-Amz-Signature'), query.canonical_request).toBe(query.signature)
      const params = (url: URL | string) => [...new URL(url).searchParams].map((pair) => pair.join('=')).sort()
      expect(params(ours[i]!.query)).toEqual(params(query.url))
    })
  }, 120_000)
})
