// Runs the bundled suite in headless Chromium (Debian's /usr/bin/chromium through playwright-core, started by the
// shared helper test/helpers/browsers.mjs with a fresh profile and HOME), served from http://127.0.0.1 so that the
// page is a secure context and has crypto.subtle.
import { readFile } from 'node:fs/promises'
import { servePage } from '../../scripts/local-servers.mjs'
import { CHROMIUM_PATH, launchBrowser } from '../../test/helpers/browsers.mjs'

export const CHROMIUM = CHROMIUM_PATH

export async function runChromium(bundlePath, config, log) {
  const suite = await readFile(bundlePath)
  const server = await servePage({ '/index.html': '<!doctype html><title>bench</title>', '/suite.js': suite })
  let browser
  try {
    browser = await launchBrowser('chromium', { timeout: 60_000, onConsole: (text) => log?.(`[chromium] ${text}`) })
    await browser.goto(`${server.endpoint}/`)
    const result = await browser.evaluate(
      `(async () => { const { runBench } = await import('/suite.js'); return runBench(${JSON.stringify(config)}, (line) => console.log(line)) })()`,
    )
    return { runtime: browser.version, ...result }
  } finally {
    await browser?.close().catch(() => {})
    await server.close()
  }
}
