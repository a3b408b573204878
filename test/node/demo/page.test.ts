// @vitest-environment happy-dom
// The whole page (demo/page/index.html + lib/ui.ts) against a fake Worker and Kinesis: credentials, PutRecord,
// a PutRecords batch with progress, read-back, the signing inspector, explained errors, and no secret stored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KINESIS, TEMPORARY, WORKER } from './fake-aws.js'
import { mount, type Mounted } from './mount.js'

let view: Mounted
beforeEach(() => {
  localStorage.clear()
  view = mount()
})
afterEach(() => view.page.stop())

describe('demo page', () => {
  it('gets credentials from the Worker and counts down to their expiry', async () => {
    const { page, aws, $ } = view
    await page.getCredentials()
    expect(aws.calls).toContain('worker POST /credentials')
    expect($('key-hint').textContent).toBe('ASIA…RY01')
    expect($('cred-pill').textContent).toBe('Expires in 15:00')
    view.advance(61_000)
    expect($('cred-pill').textContent).toBe('Expires in 13:59')
    expect($('countdown').textContent).toBe('13:59 left · auto-refresh')
  })

  it('refreshes the credentials by itself when they are about to expire', async () => {
    const { page, aws, $ } = view
    await page.getCredentials()
    const before = aws.calls.filter((call) => call.endsWith('/credentials')).length
    view.advance((900 - 100) * 1000) // inside the 120 s margin
    await page.session!.refreshing
    expect(aws.calls.filter((call) => call.endsWith('/credentials')).length).toBe(before + 1)
    expect($('cred-pill').textContent).toBe('Expires in 15:00')
  })

  it('sends PutRecord signed with the session token, shows shard and sequence number, and reads it back', async () => {
    const { page, aws, $ } = view
    ;($('record') as HTMLTextAreaElement).value = '{"hello":"kinesis"}'
    await page.putRecord()
    expect($('error').hidden).toBe(true)
    expect(aws.calls).toEqual([
      'worker GET /config',
      'worker POST /credentials',
      'kinesis PutRecord',
      'kinesis GetShardIterator',
      'kinesis GetRecords',
    ])
    expect($('r-shard').textContent).toBe('shardId-000000000000')
    expect($('r-seq').textContent).toBe('49000000000')
    expect($('r-read').textContent).toBe('✓ all 1 arrived')
    expect($('records').textContent).toContain('{"hello":"kinesis"}')
  })

  it('shows the canonical request, string to sign and signed headers of the last request, token shortened', async () => {
    const { page, $ } = view
    await page.putRecord()
    const canonical = $('i-canonical').textContent
    expect(canonical.startsWith('POST\n/\n\n')).toBe(true)
    expect(canonical).toContain('x-amz-target:Kinesis_20131202.PutRecord\n')
    expect($('inspect-what').textContent).toBe('last PutRecord request')
    expect($('i-sts').textContent).toMatch(
      /^AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/us-east-1\/kinesis\/aws4_request\n[0-9a-f]{64}$/,
    )
    expect($('i-signed').textContent).toContain('x-amz-security-token')
    expect($('inspector').textContent).not.toContain(TEMPORARY.sessionToken)
    expect($('inspector').textContent).not.toContain(TEMPORARY.secretAccessKey)
  })

  it('sends a 50-record PutRecords batch with a progress bar and reads all 50 back', async () => {
    const { page, aws, $ } = view
    await page.putBatch()
    expect(aws.calls.filter((call) => call === 'kinesis PutRecords')).toHaveLength(1)
    expect($('progress-text').textContent).toBe('50/50 sent')
    expect($('progress').getAttribute('aria-valuenow')).toBe('100')
    expect($('progress').dataset.state).toBe('done')
    expect($('r-read').textContent).toBe('✓ all 50 arrived')
    expect($('records').children).toHaveLength(11) // the last 10 plus "… and 40 earlier records"
  })

  it('explains an AWS error in plain words', async () => {
    const { page, aws, $ } = view
    await page.getCredentials()
    aws.kinesisError = {
      status: 400,
      type: 'application/x-amz-json-1.1',
      body: JSON.stringify({
        __type: 'ResourceNotFoundException',
        message: 'Stream events under account 123456789012 not found.',
      }),
    }
    await page.putRecord()
    expect($('error').hidden).toBe(false)
    expect($('error').textContent).toContain('The stream does not exist here.')
    expect($('error').textContent).toContain(
      'ResourceNotFoundException: Stream events under account 123456789012 not found.',
    )
    expect($('log').textContent).toContain('ResourceNotFoundException')
  })

  it('gets guest credentials from a Cognito identity pool (GetId, GetCredentialsForIdentity) and sends with them', async () => {
    const { page, aws, $ } = view
    const radio = document.querySelector<HTMLInputElement>('input[name=source][value=cognito]')!
    radio.checked = true
    radio.dispatchEvent(new Event('change'))
    expect(($('pool-id').closest('label') as HTMLElement).hidden).toBe(false)
    expect(($('worker-url').closest('label') as HTMLElement).hidden).toBe(true)
    view.type('pool-id', 'eu-west-1:0123abcd-0123-4567-89ab-0123456789ab')
    await page.putRecord()
    expect($('error').hidden).toBe(true)
    expect(aws.calls.filter((call) => !call.startsWith('worker')).slice(0, 3)).toEqual([
      'cognito GetId',
      'cognito GetCredentialsForIdentity',
      'kinesis PutRecord',
    ])
    expect($('cred-pill').textContent).toBe('Expires in 1:00:00')
    expect($('r-read').textContent).toBe('✓ all 1 arrived')
  })

  it('explains a wrong secret in pasted credentials as a signature mismatch', async () => {
    const { page, $ } = view
    ;($('pasted') as HTMLTextAreaElement).value = JSON.stringify({
      Credentials: {
        AccessKeyId: TEMPORARY.accessKeyId,
        SecretAccessKey: 'wrong',
        SessionToken: TEMPORARY.sessionToken,
      },
    })
    const radio = document.querySelector<HTMLInputElement>('input[name=source][value=pasted]')!
    radio.checked = true
    radio.dispatchEvent(new Event('change'))
    await page.putRecord()
    expect($('error').textContent).toContain('AWS computed a different signature than this page did.')
    expect($('cred-pill').textContent).toBe('Credentials (no expiry)')
  })

  it('stores the form in localStorage but never a secret, a token or pasted credentials', async () => {
    const { page, $ } = view
    ;($('pasted') as HTMLTextAreaElement).value =
      `AWS_ACCESS_KEY_ID=${TEMPORARY.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${TEMPORARY.secretAccessKey}`
    $('pasted').dispatchEvent(new Event('input'))
    view.type('region', 'eu-west-1')
    await page.getCredentials()
    const stored = JSON.stringify({ ...localStorage })
    expect(stored).toContain('eu-west-1')
    expect(stored).not.toContain(TEMPORARY.secretAccessKey)
    expect(stored).not.toContain(TEMPORARY.sessionToken)
    expect(stored).not.toContain(TEMPORARY.accessKeyId)
  })

  it('the page as the Worker serves it (no query, its own origin): stream and endpoint come from GET /config', async () => {
    // Only the Worker is named (the page mount() serves sits on another origin); nothing else is given.
    view.page.stop()
    view = mount(`?worker=${encodeURIComponent(WORKER)}`)
    await view.page.configured
    expect((view.$('stream') as HTMLInputElement).value).toBe('events')
    expect((view.$('endpoint') as HTMLInputElement).value).toBe(KINESIS)
    expect(view.aws.calls).toEqual(['worker GET /config'])
    // Typing a stream name keeps the Worker's endpoint: the page never falls back to real AWS by itself.
    view.type('stream', 'other-stream')
    await view.page.putRecord()
    expect(view.aws.calls).toContain('kinesis PutRecord')
  })

  it('leaves no placeholder that looks like a value in the stream and region fields', () => {
    expect((view.$('stream') as HTMLInputElement).placeholder).toBe('')
    expect((view.$('region') as HTMLInputElement).placeholder).toBe('')
  })
})
