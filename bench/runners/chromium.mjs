// Runs the bundled suite in headless Chromium (Debian's /usr/bin/chromium through playwright-core, started by the
// shared helper test/helpers/browsers.mjs with a fresh profile and HOME), served from http://127.0.0.1 so that the
// page is a secure context and has crypto.subtle.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { CHROMIUM_PATH, launchBrowser } from '../../test/helpers/browsers.mjs'

export const CHROMIUM = CHROMIUM_PATH

export async function runChromium(bundlePath, config, log) {
  const suite = await readFile(bundlePath)
  const server = createServer((request, response) => {
    if (request.url === '/suite.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(suite)
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>bench</title>')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  let browser
  try {
    browser = await launchBrowser('chromium', { timeout: 60_000, onConsole: (text) => log?.(`[chromium] ${text}`) })
    await browser.goto(`http://127.0.0.1:${server.address().port}/`)
    const result = await browser.evaluate(
      `(async () => { const { runBench } = await import('/suite.js'); return runBench(${JSON.stringify(config)}, (line) => console.log(line)) })()`,
    )
    return { runtime: browser.version, ...result }
  } finally {
    await browser?.close().catch(() => {})
    server.close()
  }
}
