#!/usr/bin/env node
// Phone-sized (390×844) screenshots of the demo for docs/demo.md, from the page the Worker serves on the local
// stack (the one `npm run demo` starts): the page after a PutRecord, a failed upload with Resume and Discard
// (moto stopped mid-upload), and "Waiting for the Kinesis endpoint" with its Cancel (moto stopped mid-PutRecord).
// Usage: node scripts/demo-screenshots.mjs   (Chromium; writes docs/demo-phone*.png)
import { fileURLToPath } from 'node:url'
import { startStack } from './demo.mjs'
import { launchBrowser, within } from '../test/helpers/browsers.mjs'

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(browser, expression, what, ms = 60_000) {
  const deadline = Date.now() + ms
  while ((await browser.evaluate(expression).catch(() => false)) !== true) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${ms / 1000} s`)
    await sleep(150)
  }
}

// Only the header and the named cards stay: a short picture of one state.
const only = (...ids) =>
  `(() => { for (const card of document.querySelectorAll('main > section')) card.hidden = !${JSON.stringify(ids)}.includes(card.id); scrollTo(0, 0); return true })()`

const stack = await startStack({ emulator: 'moto', live: false, log: () => {} })
let browser
try {
  browser = await within(90_000, 'chromium start', launchBrowser('chromium', { viewport: { width: 390, height: 844 } }))
  await browser.goto(stack.workerPageUrl)
  await until(browser, `document.getElementById('stream').value === 'kinesis-demo'`, 'the page')
  await browser.evaluate(`(document.getElementById('put-record').click(), true)`)
  await until(browser, `document.getElementById('r-read').textContent === '✓ all 1 arrived'`, 'the read-back')
  await browser.evaluate(`(scrollTo(0, 0), true)`)
  await browser.screenshot(DOCS + 'demo-phone.png')

  // A 25 MiB upload; moto stops once a part is stored; the page gives up after 5 s.
  await browser.evaluate(`(() => {
    demo.timeouts.upload = 5000
    const bytes = new Uint8Array(25 * 1024 * 1024).map((_, i) => i & 255)
    void demo.upload.choose(new File([bytes], 'holiday-video.mp4', { type: 'video/mp4' }))
    return true
  })()`)
  await until(browser, `(demo.upload.job?.stored?.size ?? 0) >= 1`, 'a stored part')
  stack.signalMoto('SIGSTOP')
  try {
    await until(browser, `demo.upload.job.state === 'failed'`, 'the failure', 30_000)
  } finally {
    stack.signalMoto('SIGCONT')
  }
  await browser.evaluate(only('upload-card'))
  await browser.screenshot(DOCS + 'demo-phone-upload-failed.png')

  await browser.evaluate(
    `(() => { for (const card of document.querySelectorAll('main > section')) card.hidden = false; return true })()`,
  )
  stack.signalMoto('SIGSTOP')
  try {
    await browser.evaluate(`(document.getElementById('put-record').click(), true)`)
    await sleep(2500)
    await browser.evaluate(only('send-card', 'result-card'))
    await browser.screenshot(DOCS + 'demo-phone-waiting.png')
    await browser.evaluate(`(demo.cancel(), true)`)
  } finally {
    stack.signalMoto('SIGCONT')
  }
  console.log('docs/demo-phone.png, docs/demo-phone-upload-failed.png, docs/demo-phone-waiting.png written')
} finally {
  await browser?.close()
  await stack.stop()
}
