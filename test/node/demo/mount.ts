// Mounts the real page (demo/page/index.html's body + lib/ui.ts) on happy-dom's document, against the fake
// Worker/Cognito/Kinesis of fake-aws.ts, with a clock and a one-second ticker the test drives.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { mountDemo, type Page, type PageDeps } from '../../../demo/page/lib/ui.js'
import { fakeAws, KINESIS, WORKER, type FakeAws } from './fake-aws.js'

// (happy-dom's URL is not Node's: the path is built from this file's own.)
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const HTML = readFileSync(join(ROOT, 'demo/page/index.html'), 'utf8')
const BODY = /<body>([^]*)<\/body>/.exec(HTML)![1]!.replace(/<script[^]*?<\/script>/g, '')

/** The query `npm run demo` gives the Vite-served page (the Worker, the stream and the endpoint). */
export const STACK_QUERY = `?worker=${encodeURIComponent(WORKER)}&endpoint=${encodeURIComponent(KINESIS)}&stream=events`

/** A mounted page and what drives it. */
export interface Mounted {
  page: Page
  aws: FakeAws
  /** Moves the clock on and runs the one-second ticks. */
  advance(ms: number): void
  now(): number
  $: (id: string) => HTMLElement
  /** Types into a field the way a user does (value + input event). */
  type(id: string, value: string): void
}

/**
 * Mounts the page; `extra` replaces dependencies (clipboard, Turnstile loader, …).
 *
 * @example
 * const { page, aws, $ } = mount()
 * await page.putRecord()
 */
export function mount(query = STACK_QUERY, extra: Partial<PageDeps> = {}, aws: FakeAws = fakeAws()): Mounted {
  document.body.innerHTML = BODY
  let clock = Date.now()
  aws.now = () => clock
  const ticks: Array<() => void> = []
  const page = mountDemo({
    document,
    storage: localStorage,
    location: new URL('http://127.0.0.1:5173/' + query),
    fetch: aws.fetch,
    now: () => clock,
    every: (_ms, tick) => {
      ticks.push(tick)
      return () => void ticks.splice(ticks.indexOf(tick), 1)
    },
    ...extra,
  })
  const $ = (id: string) => document.getElementById(id)!
  return {
    page,
    aws,
    advance(ms) {
      clock += ms
      for (const tick of [...ticks]) tick()
    },
    now: () => clock,
    $,
    type(id, value) {
      const field = $(id) as HTMLInputElement
      field.value = value
      field.dispatchEvent(new Event('input'))
    },
  }
}
