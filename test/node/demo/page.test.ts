// @vitest-environment happy-dom
// The whole page (demo/page/index.html + lib/ui.ts) against a fake Worker and Kinesis: credentials, PutRecord,
// a PutRecords batch with progress, read-back, the signing inspector, explained errors, and no secret stored.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mountDemo, type Page } from '../../../demo/page/lib/ui.js'
import { fakeAws, KINESIS, TEMPORARY, WORKER, type FakeAws } from './fake-aws.js'

const HTML = readFileSync(
  fileURLToPath(import.meta.url).replace(/test\/node\/demo\/page\.test\.ts$/, 'demo/page/index.html'),
  'utf8',
)
const body = /<body>([^]*)<\/body>/.exec(HTML)![1]!.replace(/<script[^]*?<\/script>/g, '')

let page: Page
let aws: FakeAws
let clock: number
const ticks: Array<() => void> = []
const $ = (id: string) => document.getElementById(id)!

function mount(query = `?worker=${encodeURIComponent(WORKER)}&endpoint=${encodeURIComponent(KINESIS)}&stream=events`) {
  document.body.innerHTML = body
  aws = fakeAws(() => clock)
  page = mountDemo({
    document,
    storage: localStorage,
    location: new URL('http://127.0.0.1:5173/' + query),
    fetch: aws.fetch,
    now: () => clock,
    every: (_ms, tick) => {
      ticks.push(tick)
      return () => ticks.splice(ticks.indexOf(tick), 1)
    },
  })
}

beforeEach(() => {
  localStorage.clear()
  clock = Date.now()
  mount()
})
afterEach(() => page.stop())

describe('demo page', () => {
  it('gets credentials from the Worker and counts down to their expiry', async () => {
    await page.getCredentials()
    expect(aws.calls).toContain('worker POST /credentials')
    expect($('key-hint').textContent).toBe('ASIA…RY01')
    expect($('cred-pill').textContent).toBe('Expires in 15:00')
    clock += 61_000
    ticks.forEach((tick) => tick())
    expect($('cred-pill').textContent).toBe('Expires in 13:59')
    expect($('countdown').textContent).toBe('13:59 left · auto-refresh')
  })

  it('refreshes the credentials by itself when they are about to expire', async () => {
    await page.getCredentials()
    const before = aws.calls.filter((call) => call.endsWith('/credentials')).length
    clock += (900 - 100) * 1000 // inside the 120 s margin
    ticks.forEach((tick) => tick())
    await page.session!.refreshing
    expect(aws.calls.filter((call) => call.endsWith('/credentials')).length).toBe(before + 1)
    expect($('cred-pill').textContent).toBe('Expires in 15:00')
  })

  it('sends PutRecord signed with the session token, shows shard and sequence number, and reads it back', async () => {
    ;($('record') as HTMLTextAreaElement).value = '{"hello":"kinesis"}'
    await page.putRecord()
    expect($('error').hidden).toBe(true)
    expect(aws.calls).toEqual([
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
    await page.putRecord()
    const canonical = $('i-canonical').textContent!
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
    await page.putBatch()
    expect(aws.calls.filter((call) => call === 'kinesis PutRecords')).toHaveLength(1)
    expect($('progress-text').textContent).toBe('50/50 sent')
    expect($('progress').getAttribute('aria-valuenow')).toBe('100')
    expect($('progress').dataset.state).toBe('done')
    expect($('r-read').textContent).toBe('✓ all 50 arrived')
    expect($('records').children).toHaveLength(11) // the last 10 plus "… and 40 earlier records"
  })

  it('explains an AWS error in plain words', async () => {
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
    const radio = document.querySelector<HTMLInputElement>('input[name=source][value=cognito]')!
    radio.checked = true
    radio.dispatchEvent(new Event('change'))
    expect(($('pool-id').closest('label') as HTMLElement).hidden).toBe(false)
    expect(($('worker-url').closest('label') as HTMLElement).hidden).toBe(true)
    const pool = $('pool-id') as HTMLInputElement
    pool.value = 'eu-west-1:0123abcd-0123-4567-89ab-0123456789ab'
    pool.dispatchEvent(new Event('input'))
    await page.putRecord()
    expect($('error').hidden).toBe(true)
    expect(aws.calls.slice(0, 3)).toEqual(['cognito GetId', 'cognito GetCredentialsForIdentity', 'kinesis PutRecord'])
    expect($('cred-pill').textContent).toBe('Expires in 1:00:00')
    expect($('r-read').textContent).toBe('✓ all 1 arrived')
  })

  it('explains a wrong secret in pasted credentials as a signature mismatch', async () => {
    ;($('pasted') as HTMLTextAreaElement).value = JSON.stringify({
      Credentials: {
        ...TEMPORARY,
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
    ;($('pasted') as HTMLTextAreaElement).value =
      `AWS_ACCESS_KEY_ID=${TEMPORARY.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${TEMPORARY.secretAccessKey}`
    $('pasted').dispatchEvent(new Event('input'))
    const region = $('region') as HTMLInputElement
    region.value = 'eu-west-1'
    region.dispatchEvent(new Event('input'))
    await page.getCredentials()
    const stored = JSON.stringify({ ...localStorage })
    expect(stored).toContain('eu-west-1')
    expect(stored).not.toContain(TEMPORARY.secretAccessKey)
    expect(stored).not.toContain(TEMPORARY.sessionToken)
    expect(stored).not.toContain(TEMPORARY.accessKeyId)
  })

  it('fills an empty stream and endpoint from the Worker GET /config', async () => {
    mount(`?worker=${encodeURIComponent(WORKER)}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(($('stream') as HTMLInputElement).value).toBe('events')
    expect(($('endpoint') as HTMLInputElement).value).toBe(KINESIS)
  })

  it('refuses to send with an invalid form and says what to fix', async () => {
    const stream = $('stream') as HTMLInputElement
    stream.value = 'no spaces allowed'
    stream.dispatchEvent(new Event('input'))
    await page.putRecord()
    expect($('error').textContent).toContain('The stream name is 1-128 letters')
    expect(aws.calls.some((call) => call.startsWith('kinesis'))).toBe(false)
  })

  it('shows the kinesalite banner when the local stack runs without signature checks', () => {
    mount('?emulator=kinesalite')
    expect($('banner').hidden).toBe(false)
    expect($('banner').textContent).toContain('does NOT check signatures')
  })
})
