// Runs the bundled suite in headless Chromium (Debian's /usr/bin/chromium through playwright-core), served from
// http://127.0.0.1 (playwright gives it a fresh profile) so that the page is a secure context and has crypto.subtle.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { chromium } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
]

export async function runChromium(bundlePath, config, log) {
  const suite = await readFile(bundlePath)
  const server = createServer((request, response) => {
    if (request.url === '/suite.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(suite)
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>bench</title>')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  let browser
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 })
    const page = await browser.newPage()
    page.on('console', (message) => log?.(`[chromium] ${message.text()}`))
    await page.goto(`http://127.0.0.1:${server.address().port}/`)
    const result = await page.evaluate(async (config) => {
      const { runBench } = await import('/suite.js')
      return runBench(config, (line) => console.log(line))
    }, config)
    return { runtime: `Chromium ${browser.version()}`, ...result }
  } finally {
    await browser?.close().catch(() => {})
    server.close()
  }
}
