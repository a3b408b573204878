// @vitest-environment happy-dom
// Issue 13, "small things", "keyboard", "local-stack banner" and "beyond": automatic refreshes in the Activity
// log, empty and multi-line records, the focus ring, even buttons, the banners, the tamper button, copy buttons,
// the request history, Turnstile tokens, and a Worker that does not allow read-back.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TurnstileApi } from '../../../demo/page/lib/turnstile.js'
import { WORKER } from './fake-aws.js'
import { mount, ROOT, STACK_QUERY, type Mounted } from './mount.js'

const CSS = readFileSync(join(ROOT, 'demo/page/styles.css'), 'utf8')

/** The declarations of the first rule whose selector list is exactly `selector`. */
function rule(selector: string): string {
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const match = new RegExp(`(?:^|\\n)${escaped}\\s*\\{([^}]*)\\}`).exec(CSS)
  if (!match) throw new Error(`no rule for ${selector} in styles.css`)
  return match[1]!
}

let view: Mounted
beforeEach(() => {
  localStorage.clear()
  view = mount()
})
afterEach(() => view.page.stop())

describe('small things', () => {
  it('the Activity log records automatic refreshes', async () => {
    await view.page.getCredentials()
    view.advance((900 - 100) * 1000)
    await view.page.session!.refreshing
    expect(view.$('log').textContent).toMatch(/credentials refreshed automatically \(worker\): ASIA…RY01, expire /)
  })

  it('an empty record reads "(empty, 0 bytes)"', async () => {
    view.type('record', '')
    expect(view.$('record-bytes').textContent).toBe('4 B of 1 MiB') // the partition key alone
    await view.page.putRecord()
    expect(view.$('r-read').textContent).toBe('✓ all 1 arrived')
    const shown = view.$('records').querySelector('code')!
    expect(shown.textContent).toBe('(empty, 0 bytes)')
    expect(shown.dataset.empty).toBe('true')
  })

  it('newlines and tabs survive in the read-back view', async () => {
    const text = 'line one\n\tindented\tcolumns\nlast'
    view.type('record', text)
    await view.page.putRecord()
    const shown = view.$('records').querySelector('code')!
    expect(shown.textContent).toBe(text)
    expect(shown.className).toBe('record-text')
    expect(rule('.record-text')).toMatch(/white-space:\s*pre-wrap/)
  })

  it('the focus ring of a selected segment is not the segment colour (orange on orange)', () => {
    const selected = rule('.segmented label:has(input:checked)')
    const focused = rule('.segmented label:has(input:focus-visible)')
    const background = /background:\s*([^;]+);/.exec(selected)![1]!.trim()
    const ring = /outline:\s*\S+\s+\S+\s+([^;]+);/.exec(focused)![1]!.trim()
    expect(background).toBe('var(--accent)')
    expect(ring).toBe('var(--focus)')
    expect(/--focus:\s*([^;]+);/.exec(CSS)![1]).not.toBe(/--accent:\s*([^;]+);/.exec(CSS)![1])
  })

  it('buttons in a row keep one height (stretched), also on a phone', () => {
    expect(rule('.row.buttons')).toMatch(/align-items:\s*stretch/)
    expect(view.$('put-record').parentElement!.classList.contains('buttons')).toBe(true)
    const phone = CSS.slice(CSS.indexOf('@media (max-width: 760px)'))
    expect(phone).toMatch(/\.row\.buttons \{\s*display: grid;\s*grid-template-columns: repeat\(3, minmax\(0, 1fr\)\);/)
    expect(phone).toMatch(/\.row\.buttons button \{[^}]*min-height: 44px/)
  })
})

describe('banners', () => {
  it('local stack with moto: signatures checked, session policies not enforced', () => {
    view.page.stop()
    view = mount(STACK_QUERY + '&emulator=moto')
    expect(view.$('banner').hidden).toBe(false)
    expect(view.$('banner').textContent).toContain('moto checks every signature')
    expect(view.$('banner').textContent).toContain('does not enforce session policies')
  })

  it('the Worker-served page learns the emulator from GET /config', async () => {
    view.page.stop()
    view.aws.localEmulator = 'moto'
    view = mount(`?worker=${encodeURIComponent(WORKER)}`, {}, view.aws)
    await view.page.configured
    expect(view.$('banner').dataset.emulator).toBe('moto')
  })

  it('kinesalite: NO signature checks', () => {
    view.page.stop()
    view = mount('?emulator=kinesalite')
    expect(view.$('banner').textContent).toContain('does NOT check signatures')
  })

  it('no banner against a real endpoint', () => {
    expect(view.$('banner').hidden).toBe(true)
  })
})

describe('tamper button', () => {
  it('resends the last signed write with one byte changed and shows the server refusing it', async () => {
    const { page, aws, $ } = view
    expect(($('tamper') as HTMLButtonElement).disabled).toBe(true)
    await page.putRecord()
    expect(($('tamper') as HTMLButtonElement).disabled).toBe(false)
    const stored = aws.records.length
    $('tamper').click()
    await page.tamper() // queued behind the click's run: both finish here
    const box = $('tamper-result')
    expect(box.hidden).toBe(false)
    expect(box.dataset.state).toBe('refused')
    expect(box.textContent).toContain('Refused, as it should be')
    expect(box.textContent).toMatch(/Changed byte \d+ of the body: "\w" → "\w"\. Server: 400 InvalidSignatureException/)
    expect(aws.records).toHaveLength(stored) // nothing was written
    expect($('inspect-what').textContent).toBe('last PutRecord request') // the request it replayed
    expect($('idle').hidden).toBe(true)
    expect(page.history[0]).toMatchObject({ component: 'kinesis', operation: 'PutRecord', status: 400 })
  })
})

describe('copy buttons', () => {
  it('copy each inspector block to the clipboard', async () => {
    const copied: string[] = []
    view.page.stop()
    view = mount(STACK_QUERY, { clipboard: { writeText: (text: string) => Promise.resolve(void copied.push(text)) } })
    await view.page.putRecord()
    for (const id of ['i-canonical', 'i-sts', 'i-signed', 'i-headers']) {
      view.$(`${id}-copy`).click()
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(copied.at(-1)).toBe(view.$(id).textContent)
      expect(view.$(`${id}-copy`).textContent).toBe('Copied')
    }
    expect(copied).toHaveLength(4)
  })
})

describe('request history', () => {
  it('lists every request with component, operation, status, request id and milliseconds, newest first', async () => {
    let ms = 0
    view.page.stop()
    view = mount(STACK_QUERY, { clock: () => (ms += 7) })
    await view.page.putRecord()
    const rows = [...view.$('history').querySelectorAll('tbody tr')].map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent),
    )
    expect(rows.map((row) => row.slice(0, 3))).toEqual([
      ['kinesis', 'GetRecords', '200'],
      ['kinesis', 'GetShardIterator', '200'],
      ['kinesis', 'PutRecord', '200'],
      ['worker', 'POST /credentials', '200'],
      ['worker', 'GET /config', '200'],
    ])
    for (const row of rows) {
      expect(row[3]).toMatch(/^fake-request-\d+$/)
      expect(row[4]).toBe('7')
    }
    expect(view.$('history-empty').hidden).toBe(true)
  })

  it('records a request that got no answer as "no answer"', async () => {
    view.aws.down.add('worker')
    await view.page.getCredentials()
    const first = view.$('history').querySelector('tbody tr')!
    expect(first.textContent).toContain('no answer')
    expect(first.getAttribute('data-status')).toBe('failed')
  })
})

describe('Turnstile', () => {
  it('sends a fresh widget token with every credentials request when GET /config names a site key', async () => {
    view.page.stop()
    const aws = view.aws
    aws.turnstileSiteKey = '0xSITEKEY'
    const rendered: string[] = []
    let issued = 0
    let callback: ((token: string) => void) | undefined
    const api: TurnstileApi = {
      render: (_container, options) => {
        rendered.push(options.sitekey)
        callback = options.callback
        return 'widget-1'
      },
      reset: () => {},
      execute: () => {
        const token = `token-${++issued}`
        aws.turnstileTokens.add(token)
        queueMicrotask(() => callback!(token))
      },
    }
    view = mount(STACK_QUERY, { loadTurnstile: () => Promise.resolve(api) }, aws)
    await view.page.getCredentials()
    expect(view.$('error').hidden).toBe(true)
    await view.page.getCredentials()
    expect(rendered).toEqual(['0xSITEKEY'])
    expect(aws.tokensSeen).toEqual(['token-1', 'token-2'])
    expect(view.$('cred-pill').textContent).toBe('Expires in 15:00')
  })

  it('explains a refused token', async () => {
    let callback: ((token: string) => void) | undefined
    view.aws.turnstileSiteKey = '0xSITEKEY'
    view.page.stop()
    view = mount(
      STACK_QUERY,
      {
        loadTurnstile: () =>
          Promise.resolve({
            render: (_container, options) => {
              callback = options.callback
              return 'w'
            },
            reset: () => {},
            execute: () => queueMicrotask(() => callback!('not-issued')),
          } satisfies TurnstileApi),
      },
      view.aws,
    )
    await view.page.getCredentials()
    expect(view.$('error').textContent).toContain("The Worker's human check (Turnstile) did not pass.")
    expect(view.$('error').textContent).toContain('reference ref-1')
  })
})

describe('read-back off (production Worker)', () => {
  it('says the records are not read back instead of failing', async () => {
    view.page.stop()
    view.aws.readBack = false
    view = mount(STACK_QUERY, {}, view.aws)
    await view.page.putRecord()
    expect(view.$('error').hidden).toBe(true)
    expect(view.$('r-read').textContent).toContain('ALLOW_READ_BACK is off')
    expect(view.aws.calls).not.toContain('kinesis GetRecords')
  })
})
