// @vitest-environment happy-dom
// Issue 27, "the demo under failure": errors of a failed upload name the part that failed (S3 unreachable, S3
// refused, credentials, signing), a request with no answer times out with an explained error, a Worker refusal
// on PutRecord is explained as a credentials failure, and errors cross the upload Worker's postMessage intact.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AwsError } from '../../../src/client.js'
import { SigV4Error } from '../../../src/core/errors.js'
import { UploadError } from '../../../src/s3.js'
import { timed, TimedOutError, UnreachableError } from '../../../demo/page/lib/errors.js'
import { explain, explainUpload } from '../../../demo/page/lib/explain.js'
import { CredentialSession, fetchWorkerCredentials, WorkerError } from '../../../demo/page/lib/session.js'
import { plainError } from '../../../demo/page/lib/upload-run.js'
import { mount, type Mounted } from './mount.js'

const partFailed = (cause: unknown) =>
  new UploadError(
    'ERR_UPLOAD_PART_FAILED',
    "Part 2 failed after the client's retries: resume with the uploadId",
    cause,
    'UPLOAD-1',
  )

async function awsAnswer(status: number, body: string): Promise<AwsError> {
  return AwsError.from(new Response(body, { status, headers: { 'content-type': 'application/xml' } }))
}

describe('a failed upload names what failed', () => {
  it('S3 unreachable: no connection, no answer in time, or a gateway that could not reach it', async () => {
    const unreachable = partFailed(
      new UnreachableError('s3', 'http://127.0.0.1:4566', { cause: new TypeError('Failed to fetch') }),
    )
    expect(explainUpload(unreachable).title).toBe(
      'S3 unreachable: the browser could not reach the S3 endpoint at http://127.0.0.1:4566.',
    )
    const timedOut = new TimedOutError('s3', 'http://127.0.0.1:4566', 6000, 'PUT /bucket/uploads/a.bin')
    expect(explainUpload(timedOut).title).toBe(
      'S3 unreachable: S3 did not answer PUT /bucket/uploads/a.bin within 6 s (http://127.0.0.1:4566).',
    )
    const gateway = partFailed(await awsAnswer(502, 'CORS front: moto did not answer: ECONNREFUSED'))
    expect(explainUpload(gateway).title).toBe(
      'S3 unreachable: the gateway in front of it answered 502 (it could not reach S3).',
    )
  })

  it('S3 refused: its code and what it means', async () => {
    const denied = partFailed(
      await awsAnswer(403, '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'),
    )
    expect(explainUpload(denied).title).toBe(
      'S3 refused the request (403 AccessDenied): the credentials are valid but not allowed to do this.',
    )
  })

  it('credentials: the provider failure, not "could not be signed"', () => {
    const provider = new SigV4Error(
      'ERR_CREDENTIALS_PROVIDER',
      'Credentials provider failed: see cause',
      new WorkerError('rate_limited', 'Too many', 429),
    )
    expect(explainUpload(partFailed(provider)).title).toBe(
      'Credentials: no credentials to sign the upload with — the Worker limits how often one client may ask for credentials.',
    )
    const stalled = new SigV4Error(
      'ERR_CREDENTIALS_PROVIDER',
      'Credentials provider failed: see cause',
      new TimedOutError('worker', 'http://127.0.0.1:8787', 20_000, 'POST /credentials'),
    )
    expect(explainUpload(stalled).title).toBe(
      'Credentials: no credentials to sign the upload with — the Worker did not answer POST /credentials within 20 s (http://127.0.0.1:8787).',
    )
  })

  it('signing: a library error before anything was sent', () => {
    const invalid = new SigV4Error('ERR_INVALID_OPTION', 'options.region must be a region name')
    expect(explainUpload(invalid).title).toBe('Signing: the request could not be signed.')
  })

  it('explains the same way after crossing postMessage (plain data, causes kept)', () => {
    const provider = new SigV4Error(
      'ERR_CREDENTIALS_PROVIDER',
      'Credentials provider failed: see cause',
      new WorkerError('rate_limited', 'Too many', 429),
    )
    const crossed = structuredClone(plainError(partFailed(provider)))
    expect(crossed).toMatchObject({
      name: 'UploadError',
      code: 'ERR_UPLOAD_PART_FAILED',
      uploadId: 'UPLOAD-1',
      cause: { code: 'ERR_CREDENTIALS_PROVIDER', cause: { error: 'rate_limited', status: 429 } },
    })
    expect(explainUpload(crossed).title).toBe(explainUpload(partFailed(provider)).title)
  })
})

describe('timeouts', () => {
  it('a request with no answer rejects with TimedOutError after the limit and tells onTimeout', async () => {
    const told: TimedOutError[] = []
    const hung = (request: Request) =>
      new Promise<Response>((_, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason as Error)),
      )
    const send = timed('kinesis', hung, { ms: () => 30, onTimeout: (error) => told.push(error) })
    const request = new Request('http://127.0.0.1:4567/', {
      method: 'POST',
      headers: { 'x-amz-target': 'Kinesis_20131202.PutRecord' },
    })
    const error = await send(request).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(TimedOutError)
    expect(told).toEqual([error])
    expect(explain(error).title).toBe(
      'The Kinesis endpoint did not answer PutRecord within 0 s (http://127.0.0.1:4567).',
    )
  })

  it('an answer in time passes through, and the timer is gone', async () => {
    const send = timed('worker', () => Promise.resolve(new Response('ok')), {
      ms: () => 30,
      onTimeout: () => {
        throw new Error('no timeout expected')
      },
    })
    expect(await (await send(new Request('http://127.0.0.1:8787/config'))).text()).toBe('ok')
    await new Promise((resolve) => setTimeout(resolve, 60))
  })
})

describe('errors blamed on the right step (on the page)', () => {
  let view: Mounted
  beforeEach(() => {
    localStorage.clear()
    view = mount()
  })
  afterEach(() => view.page.stop())

  it('garbage pasted as credentials is said at the field, and nothing is signed', async () => {
    const radio = document.querySelector<HTMLInputElement>('input[name=source][value=pasted]')!
    radio.checked = true
    radio.dispatchEvent(new Event('change'))
    view.type('pasted', 'hello, these are not credentials')
    await view.page.putRecord()
    expect(view.$('pasted-error').hidden).toBe(false)
    expect(view.$('pasted-error').textContent).toMatch(/^Paste an access key id and a secret access key/)
    expect(view.$('error').hidden).toBe(true)
    expect(view.aws.calls.filter((call) => call.startsWith('kinesis'))).toEqual([])
  })
})

describe('a page clock far off', () => {
  const MINUTE = 60_000
  const answer = (expiration: Date, serverNow: number) =>
    new Response(
      JSON.stringify({
        accessKeyId: 'ASIAEXAMPLE1234',
        secretAccessKey: 's',
        sessionToken: 't',
        expiration: expiration.toISOString(),
      }),
      { headers: { 'content-type': 'application/json', date: new Date(serverNow).toUTCString() } },
    )

  it('moves the expiry onto the page clock from the Worker Date header (16 min ahead: 15 min left, not expired)', async () => {
    const server = Date.parse('2026-12-08T00:00:00Z')
    const page = server + 16 * MINUTE
    const credentials = await fetchWorkerCredentials(
      'http://127.0.0.1:8787',
      () => Promise.resolve(answer(new Date(server + 15 * MINUTE), server)),
      undefined,
      () => page,
    )
    expect(+credentials.expiration! - page).toBe(15 * MINUTE)
  })

  it('leaves the expiry alone within a minute of difference', async () => {
    const server = Date.parse('2026-12-08T00:00:00Z')
    const credentials = await fetchWorkerCredentials(
      'http://127.0.0.1:8787',
      () => Promise.resolve(answer(new Date(server + 15 * MINUTE), server)),
      undefined,
      () => server + 30_000,
    )
    expect(credentials.expiration!.toISOString()).toBe('2026-12-08T00:15:00.000Z')
  })

  it('fresh credentials that still look expiring are not asked for again every second (backoff)', async () => {
    let clock = 0
    let asked = 0
    const session = new CredentialSession(
      () => {
        asked++
        return Promise.resolve({
          accessKeyId: 'ASIAEXAMPLE1234',
          secretAccessKey: 's',
          expiration: new Date(clock + 30_000),
        })
      },
      { refreshable: true, now: () => clock },
    )
    await session.refresh()
    for (let second = 0; second < 20; second++) {
      clock += 1000
      session.tick()
      await Promise.resolve()
      await Promise.resolve()
    }
    expect(asked).toBe(1)
    clock += 15_000
    session.tick()
    await session.refreshing
    expect(asked).toBe(2)
  })
})
