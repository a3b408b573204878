// @vitest-environment happy-dom
// The page's logic modules on their own: settings, pasted credentials, the Worker client, the credential
// session clock, error explanations, sequence numbers and record decoding.
import { describe, expect, it } from 'vitest'
import { explain, redact } from '../../../demo/page/lib/explain.js'
import {
  CredentialSession,
  fetchWorkerCredentials,
  formatCountdown,
  keyHint,
  parsePasted,
  WorkerError,
} from '../../../demo/page/lib/session.js'
import {
  kinesisEndpoint,
  loadSettings,
  saveSettings,
  validate,
  defaultSettings,
} from '../../../demo/page/lib/settings.js'
import { compareSequence, decodeData, makeBatch } from '../../../demo/page/lib/stream.js'

const page = new URL('http://127.0.0.1:5173/')

describe('settings', () => {
  it('keeps only the form fields when saving, whatever else the object carries', () => {
    const store = new Map<string, string>()
    const storage = {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => void store.set(key, value),
    }
    saveSettings(storage, {
      ...defaultSettings(page),
      streamName: 'events',
      ...({ secretAccessKey: 'leak', sessionToken: 'leak' } as object),
    })
    const saved = [...store.values()].join()
    expect(saved).toContain('"streamName":"events"')
    expect(saved).not.toContain('leak')
    expect(loadSettings(storage, page).streamName).toBe('events')
  })

  it('lets query parameters win and ignores unreadable storage', () => {
    const settings = loadSettings(
      { getItem: () => '{not json' },
      new URL('http://x.test/?worker=http://127.0.0.1:9/&region=eu-west-1&stream=s1&endpoint=http://127.0.0.1:1/'),
    )
    expect(settings).toMatchObject({
      workerUrl: 'http://127.0.0.1:9/',
      region: 'eu-west-1',
      streamName: 's1',
      endpoint: 'http://127.0.0.1:1/',
      source: 'worker',
    })
    expect(defaultSettings(new URL('https://demo.example.com/x')).workerUrl).toBe('https://demo.example.com')
  })

  it('says what is wrong with a form', () => {
    const good = { ...defaultSettings(page), streamName: 'events' }
    expect(validate(good)).toEqual([])
    expect(validate({ ...good, region: 'EU', streamName: '', batchSize: 501 }).map(({ field }) => field)).toEqual([
      'region',
      'stream',
      'batch-size',
    ])
    expect(validate({ ...good, source: 'cognito', identityPoolId: 'nope' })).toEqual([
      { field: 'pool-id', message: 'An identity pool id looks like "eu-west-1:0123abcd-…" (region, colon, id).' },
    ])
    expect(kinesisEndpoint({ endpoint: '', region: 'eu-west-1' })).toBe('https://kinesis.eu-west-1.amazonaws.com/')
    expect(kinesisEndpoint({ endpoint: 'http://127.0.0.1:4567', region: 'eu-west-1' })).toBe('http://127.0.0.1:4567/')
  })
})

describe('credentials', () => {
  it('reads pasted `aws sts assume-role` JSON, camelCase JSON and env lines', () => {
    const sts = parsePasted(
      JSON.stringify({
        Credentials: {
          AccessKeyId: 'ASIA1',
          SecretAccessKey: 's1',
          SessionToken: 't1',
          Expiration: '2030-01-01T00:00:00Z',
        },
      }),
    )
    expect(sts).toEqual({
      accessKeyId: 'ASIA1',
      secretAccessKey: 's1',
      sessionToken: 't1',
      expiration: new Date('2030-01-01T00:00:00Z'),
    })
    expect(parsePasted('{"accessKeyId":"A","secretAccessKey":"B"}')).toEqual({ accessKeyId: 'A', secretAccessKey: 'B' })
    expect(parsePasted('export AWS_ACCESS_KEY_ID="ASIA2"\nAWS_SECRET_ACCESS_KEY=s2\nAWS_SESSION_TOKEN=t2')).toEqual({
      accessKeyId: 'ASIA2',
      secretAccessKey: 's2',
      sessionToken: 't2',
    })
    expect(() => parsePasted('hello')).toThrow(/access key id and a secret/)
    expect(() => parsePasted('{broken')).toThrow(/does not parse/)
  })

  it('turns a Worker refusal into a WorkerError with its code', async () => {
    const refuse = () =>
      Promise.resolve(
        new Response(JSON.stringify({ error: 'origin_not_allowed', message: 'The origin x may not' }), { status: 403 }),
      )
    const error: unknown = await fetchWorkerCredentials('http://127.0.0.1:8787', refuse).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(WorkerError)
    expect(error).toMatchObject({ error: 'origin_not_allowed', status: 403 })
    expect(explain(error).title).toBe('The Worker refused to hand credentials to this page.')
    const partial = () => Promise.resolve(new Response(JSON.stringify({ accessKeyId: 'A' })))
    await expect(fetchWorkerCredentials('http://127.0.0.1:8787/', partial)).rejects.toThrow(/without \{ accessKeyId/)
  })

  it('tracks valid → expiring → expired on its clock and never auto-refreshes pasted keys', async () => {
    let now = 0
    let calls = 0
    const source = () =>
      Promise.resolve({
        accessKeyId: 'ASIAABCDEFGH1234',
        secretAccessKey: 's',
        sessionToken: 't',
        expiration: new Date(600_000),
        call: ++calls,
      })
    const pasted = new CredentialSession(source, { refreshable: false, now: () => now })
    expect(pasted.view().state).toBe('none')
    await pasted.provider()
    expect(pasted.view()).toEqual({ keyHint: 'ASIA…1234', remainingMs: 600_000, state: 'valid' })
    now = 500_000
    expect(pasted.view().state).toBe('expiring')
    pasted.tick()
    now = 600_001
    expect(pasted.view()).toMatchObject({ state: 'expired', remainingMs: 0 })
    expect(calls).toBe(1)
    // Expired and not refreshable: the provider refuses instead of handing out the old keys.
    await expect(pasted.provider()).rejects.toMatchObject({ code: 'PastedCredentialsExpired' })
    const refreshable = new CredentialSession(source, { refreshable: true, now: () => now })
    await refreshable.provider()
    await refreshable.provider() // expired on arrival (the fake clock is past it): fetched again
    expect(calls).toBe(3)
  })

  it('formats countdowns and key hints', () => {
    expect(formatCountdown(754_000)).toBe('12:34')
    expect(formatCountdown(3_601_000)).toBe('1:00:01')
    expect(formatCountdown(-5)).toBe('0:00')
    expect(keyHint('ASIAIOSFODNN7EXAMPLE')).toBe('ASIA…MPLE')
  })
})

describe('errors', () => {
  it.each([
    [{ code: 'SignatureDoesNotMatch', status: 403 }, 'AWS computed a different signature than this page did.'],
    [
      {
        code: 'InvalidSignatureException',
        status: 400,
        message: 'Signature expired: 20260101T000000Z is now earlier than …',
      },
      "The request's signing time is too far from AWS's clock.",
    ],
    [{ code: 'ExpiredTokenException', status: 400 }, 'The temporary credentials have expired.'],
    [{ code: 'UnrecognizedClientException', status: 400 }, 'AWS does not recognise these credentials.'],
    [{ code: 'AccessDeniedException', status: 400 }, 'The credentials are valid but not allowed to do this.'],
    [
      { code: 'ProvisionedThroughputExceededException', status: 400 },
      'AWS is throttling: too much, too fast for this stream.',
    ],
    [
      { error: 'sts_error', message: "Credentials could not be issued right now: the Worker's log has the details." },
      'The Worker could not get credentials from STS.',
    ],
    [
      { error: 'origin_not_allowed', message: 'The origin x may not ask' },
      'The Worker refused to hand credentials to this page.',
    ],
    [{ error: 'rate_limited', message: 'Too many' }, 'The Worker limits how often one client may ask for credentials.'],
    [{ error: 'turnstile_failed', message: 'failed' }, "The Worker's human check (Turnstile) did not pass."],
    [
      { error: 'access_denied', message: 'Sign in' },
      'Cloudflare Access did not let this request through to the Worker.',
    ],
    [
      { error: 'worker_error', message: 'The Worker answered 404' },
      'The Worker URL did not answer like the demo Worker.',
    ],
    [{ code: 'ERR_RECORD_TOO_LARGE', message: 'Record is 2000000 bytes' }, 'The record is larger than Kinesis allows.'],
    [new TypeError('Failed to fetch'), 'The browser could not reach the endpoint.'],
    [{ code: 'ERR_CRYPTO_UNAVAILABLE' }, 'This page cannot sign: WebCrypto is unavailable.'],
    [{ code: 'InternalFailure', status: 500 }, 'The service had a problem.'],
  ])('%o', (error, title) => {
    const explained = explain(error)
    expect(explained.title).toBe(title)
    expect(explained.hint.length).toBeGreaterThan(20)
  })

  it('removes secrets and tokens from texts it shows', () => {
    expect(redact('{"secretAccessKey":"abc/def","sessionToken":"tok"}')).toBe(
      '{"secretAccessKey":"…","sessionToken":"…"}',
    )
    expect(redact('X-Amz-Security-Token=abc&x=1')).toBe('X-Amz-Security-Token=…&x=1')
    expect(explain({ code: 'X', message: 'SessionToken: secret123' }).detail).toBe('SessionToken: …')
    expect(explain({ error: 'sts_error', code: 'AccessDenied', message: 'm' }).code).toBe('sts_error · AccessDenied')
  })
})

describe('records', () => {
  it('orders sequence numbers as numbers and decodes record data', () => {
    expect(['10', '9', '100'].sort(compareSequence)).toEqual(['9', '10', '100'])
    expect(decodeData(btoa('hello'))).toBe('hello')
    expect(decodeData(btoa(String.fromCharCode(0xff, 0x00)))).toBe('ff 00')
    expect(makeBatch(2, 'click', new Date(0))).toEqual([
      '{"event":"click","n":1,"of":2,"at":"1970-01-01T00:00:00.000Z"}',
      '{"event":"click","n":2,"of":2,"at":"1970-01-01T00:00:00.000Z"}',
    ])
  })
})
