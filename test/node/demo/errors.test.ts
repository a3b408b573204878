// @vitest-environment happy-dom
// Issue 13, "errors name the wrong component", "size limits", "expired pasted credentials" and "form validation":
// the error names the component that failed, records are counted against 1 MiB before signing, expired pasted
// credentials never sign, and a form problem is shown at its field, focused and logged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PREVIEW_CHARS, RECORD_LIMIT_BYTES } from '../../../demo/page/lib/records.js'
import { TEMPORARY, WORKER } from './fake-aws.js'
import { mount, type Mounted } from './mount.js'

let view: Mounted
beforeEach(() => {
  localStorage.clear()
  view = mount()
})
afterEach(() => view.page.stop())

function choose(source: 'worker' | 'cognito' | 'pasted'): void {
  const radio = document.querySelector<HTMLInputElement>(`input[name=source][value=${source}]`)!
  radio.checked = true
  radio.dispatchEvent(new Event('change'))
}

const kinesisCalls = () => view.aws.calls.filter((call) => call.startsWith('kinesis'))

describe('errors name the component that failed', () => {
  it('an unreachable Worker is named as the Worker, with its URL, not as the Kinesis endpoint', async () => {
    view.aws.down.add('worker')
    await view.page.putRecord()
    const shown = view.$('error').textContent
    expect(shown).toContain(`The browser could not reach the Worker at ${WORKER}.`)
    expect(shown).toContain('Check the Worker URL field')
    expect(shown).toContain('Unreachable · worker')
    expect(shown).not.toMatch(/Kinesis endpoint|endpoint address/)
  })

  it('an unreachable Cognito is named as Cognito', async () => {
    choose('cognito')
    view.type('pool-id', 'eu-west-1:0123abcd-0123-4567-89ab-0123456789ab')
    view.aws.down.add('cognito')
    await view.page.putRecord()
    const shown = view.$('error').textContent
    expect(shown).toContain('The browser could not reach Cognito at https://cognito-identity.eu-west-1.amazonaws.com.')
    expect(shown).not.toMatch(/Kinesis endpoint|the Worker/)
  })

  it('an unreachable Kinesis endpoint is named as the Kinesis endpoint', async () => {
    await view.page.getCredentials()
    view.aws.down.add('kinesis')
    await view.page.putRecord()
    expect(view.$('error').textContent).toContain(
      'The browser could not reach the Kinesis endpoint at http://127.0.0.1:4567.',
    )
  })
})

describe('size limits', () => {
  it('counts the bytes of data plus partition key (UTF-8) next to the field', () => {
    const { $ } = view
    view.type('record', '{"a":1}')
    expect($('record-bytes').textContent).toBe('11 B of 1 MiB') // 7 + "demo"
    view.type('record', 'é'.repeat(1000))
    expect($('record-bytes').textContent).toBe('2.0 KiB of 1 MiB')
    view.type('partition-key', 'ké')
    expect($('record-bytes').textContent).toBe('2.0 KiB of 1 MiB')
    expect($('record-bytes').dataset.state).toBe('ok')
  })

  it('refuses a record over 1 MiB at the field with a size-specific message, before anything is signed', async () => {
    const { page, $ } = view
    view.type('record', 'x'.repeat(RECORD_LIMIT_BYTES - 4 + 1)) // + "demo" = 1 MiB + 1 byte
    expect($('record-bytes').dataset.state).toBe('over')
    expect($('record-bytes').textContent).toBe('1,048,577 of 1,048,576 bytes — too large')
    await page.putRecord()
    expect($('record-error').hidden).toBe(false)
    expect($('record-error').textContent).toBe(
      'This record is 1.00 MiB (data plus partition key): Kinesis takes at most 1 MiB per record. Shorten it by 1 B or split it in several records.',
    )
    expect(document.activeElement).toBe($('record'))
    expect($('error').hidden).toBe(true)
    expect(kinesisCalls()).toEqual([])
  })

  it('accepts a record of exactly 1 MiB (data plus partition key) and shows it truncated when read back', async () => {
    const { page, $ } = view
    view.type('record', 'y'.repeat(RECORD_LIMIT_BYTES - 4))
    expect($('record-bytes').dataset.state).toBe('near')
    await page.putRecord()
    expect($('error').hidden).toBe(true)
    expect($('r-read').textContent).toBe('✓ all 1 arrived')
    const shown = $('records').querySelector('code')!.textContent
    expect(shown).toHaveLength(PREVIEW_CHARS)
    expect($('records').textContent).toContain('… truncated: the first 2,000 characters of 1024.0 KiB')
  })
})

describe('expired pasted credentials', () => {
  const pasted = (expiration: string) =>
    JSON.stringify({
      Credentials: {
        AccessKeyId: TEMPORARY.accessKeyId,
        SecretAccessKey: TEMPORARY.secretAccessKey,
        SessionToken: TEMPORARY.sessionToken,
        Expiration: expiration,
      },
    })

  it('refuses credentials pasted after their expiry with a clear message, and signs nothing', async () => {
    choose('pasted')
    view.type('pasted', pasted(new Date(view.now() - 60_000).toISOString()))
    await view.page.putRecord()
    expect(view.$('error').textContent).toContain('The pasted credentials have expired.')
    expect(view.$('error').textContent).toContain('Paste fresh ones')
    expect(kinesisCalls()).toEqual([])
  })

  it('stops signing with pasted credentials once their expiry passes', async () => {
    choose('pasted')
    view.type('pasted', pasted(new Date(view.now() + 600_000).toISOString()))
    await view.page.putRecord()
    expect(view.$('r-read').textContent).toBe('✓ all 1 arrived')
    view.advance(601_000)
    expect(view.$('cred-pill').textContent).toBe('Credentials expired')
    const before = kinesisCalls().length
    await view.page.putRecord()
    expect(view.$('error').textContent).toContain('The pasted credentials have expired.')
    expect(kinesisCalls()).toHaveLength(before)
  })
})

describe('form validation', () => {
  it('shows the message at the field, focuses it, logs the specific text; no generic error box', async () => {
    const { page, $ } = view
    view.type('stream', 'no spaces allowed')
    await page.putRecord()
    expect($('stream-error').hidden).toBe(false)
    expect($('stream-error').textContent).toBe('The stream name is 1-128 letters, digits, "_", "." or "-".')
    expect($('stream').getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe($('stream'))
    expect($('log').textContent).toContain('Form: The stream name is 1-128 letters')
    expect($('error').hidden).toBe(true)
    expect(document.body.textContent).not.toContain('Something went wrong')
    expect(kinesisCalls()).toEqual([])
    // Typing a fix clears the message at once.
    view.type('stream', 'fixed')
    expect($('stream-error').hidden).toBe(true)
    expect($('stream').hasAttribute('aria-invalid')).toBe(false)
  })

  it('marks every invalid field and focuses the first in form order', async () => {
    const { page, $ } = view
    view.type('batch-size', '900')
    view.type('region', 'EU')
    await page.putBatch()
    expect($('region-error').textContent).toContain('eu-west-1')
    expect($('batch-size-error').textContent).toBe('A batch has 1-500 records.')
    expect(document.activeElement).toBe($('region'))
  })

  it('asks for pasted credentials at the paste field', async () => {
    choose('pasted')
    await view.page.getCredentials()
    expect(view.$('pasted-error').textContent).toBe('Paste temporary credentials first.')
    expect(document.activeElement).toBe(view.$('pasted'))
  })
})
