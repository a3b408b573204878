// @vitest-environment happy-dom
// Issue 13, "stale state", "parallel sends" and "phone layout": each action clears or replaces what it supersedes
// (error box, result, progress bar, inspector), parallel sends are queued, never dropped, and what changed is
// scrolled into view.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount, type Mounted } from './mount.js'

let view: Mounted
beforeEach(() => {
  localStorage.clear()
  view = mount()
})
afterEach(() => {
  view.page.stop()
  vi.restoreAllMocks()
})

const notFound = {
  status: 400,
  type: 'application/x-amz-json-1.1',
  body: JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Stream events not found.' }),
}

describe('each action replaces what it supersedes', () => {
  it('a new error hides the previous "✓ all 50 arrived" and its records', async () => {
    const { page, aws, $ } = view
    await page.putBatch()
    expect($('r-read').textContent).toBe('✓ all 50 arrived')
    aws.kinesisError = notFound
    await page.putRecord()
    expect($('error').hidden).toBe(false)
    expect($('result').hidden).toBe(true)
    expect($('r-read').textContent).toBe('')
    expect($('records').children).toHaveLength(0)
    expect($('result-card').textContent).not.toContain('arrived')
  })

  it('a success after an error hides the error box', async () => {
    const { page, aws, $ } = view
    aws.kinesisError = notFound
    await page.putRecord()
    expect($('error').hidden).toBe(false)
    delete aws.kinesisError
    await page.putRecord()
    expect($('error').hidden).toBe(true)
    expect($('r-read').textContent).toBe('✓ all 1 arrived')
  })

  it('the progress bar no longer shows "50/50 sent" after a later single record', async () => {
    const { page, $ } = view
    await page.putBatch()
    expect($('progress-text').textContent).toBe('50/50 sent')
    await page.putRecord()
    expect($('progress-text').textContent).toBe('')
    expect($('progress').dataset.state).toBe('idle')
    expect($('progress').getAttribute('aria-valuenow')).toBe('0')
  })

  it('after a credential failure the inspector says nothing was signed, never an older request', async () => {
    const { page, aws, $ } = view
    await page.putRecord()
    expect($('inspect-what').textContent).toBe('last PutRecord request')
    aws.down.add('worker')
    await page.getCredentials()
    expect($('error').textContent).toContain('could not reach the Worker')
    expect(document.getElementById('i-canonical')).toBeNull()
    expect($('inspect-what').textContent).toBe('last request')
    expect($('inspector').textContent).toContain('Nothing signed')
    await page.putRecord() // the session is gone and the Worker still down: fails before signing
    expect(document.getElementById('i-canonical')).toBeNull()
    expect($('inspector').textContent).toContain('failed before a request was signed')
  })
})

describe('parallel sends', () => {
  it('queues 10 parallel putRecord() calls: all 10 are sent, one after the other', async () => {
    const { page, aws, $ } = view
    const texts = Array.from({ length: 10 }, (_, index) => `{"n":${index}}`)
    const sends = texts.map((text) => {
      ;($('record') as HTMLTextAreaElement).value = text
      return page.putRecord()
    })
    // While the queue runs, the send buttons are disabled.
    expect(($('put-record') as HTMLButtonElement).disabled).toBe(true)
    expect(($('put-records') as HTMLButtonElement).disabled).toBe(true)
    await Promise.all(sends)
    expect(aws.calls.filter((call) => call === 'kinesis PutRecord')).toHaveLength(10)
    expect(aws.records).toHaveLength(10)
    expect(($('put-record') as HTMLButtonElement).disabled).toBe(false)
    // One at a time: each PutRecord's read-back comes before the next PutRecord.
    const order = aws.calls.filter((call) => call === 'kinesis PutRecord' || call === 'kinesis GetRecords')
    expect(order).toEqual(Array.from({ length: 10 }, () => ['kinesis PutRecord', 'kinesis GetRecords']).flat())
  })
})

describe('phone layout', () => {
  it('scrolls the result into view after a send, and the error after a failure', async () => {
    const { page, aws, $ } = view
    const scrolled: string[] = []
    vi.spyOn(HTMLElement.prototype, 'scrollIntoView').mockImplementation(function (this: HTMLElement) {
      scrolled.push(this.id)
    })
    await page.putRecord()
    expect(scrolled).toEqual(['result-card'])
    aws.kinesisError = notFound
    await page.putRecord()
    expect(scrolled).toEqual(['result-card', 'error'])
    expect($('error').hidden).toBe(false)
  })
})
