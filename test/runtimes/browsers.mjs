#!/usr/bin/env node
// Browser runner: serves test/runtimes/browser with Vite on 127.0.0.1, opens it in one Debian browser, and reads
// the results the page posts back. Prints `<browser>: N passed, M failed`; exits non-zero on any failure, on zero
// checks, or after the time limit. Every browser process runs in its own process group, killed on the way out.
// Usage: node test/runtimes/browsers.mjs chromium|firefox|webkit
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'
import { BROWSER_NAMES, freePort, launchBrowser, within } from '../helpers/browsers.mjs'

const TIME_LIMIT_MS = 150_000
const name = process.argv[2]
const closers = [] // graceful shutdowns, tried first (the helper kills the browser's process group on exit anyway)

let finished = false
async function finish(passed, failed) {
  if (finished) return
  finished = true
  console.log(`${name}: ${passed} passed, ${failed} failed`)
  const deadline = new Promise((resolve) => setTimeout(resolve, 10_000).unref())
  for (const close of closers.reverse()) await Promise.race([close().catch(() => {}), deadline])
  process.exit(passed > 0 && failed === 0 ? 0 : 1)
}
setTimeout(
  () => (console.error(`${name}: timed out after ${TIME_LIMIT_MS / 1000} s`), finish(0, 1)),
  TIME_LIMIT_MS,
).unref()

/** Starts the browser (fresh HOME, own process group) and opens the page; resolves with its version. */
async function open(url) {
  const browser = await launchBrowser(name, {
    onPageError: (error) => console.error(`page error: ${error}`),
    driverLog: true,
  })
  closers.push(() => browser.close())
  await browser.goto(url)
  return browser.version
}

if (!BROWSER_NAMES.includes(name)) {
  console.error(`usage: node test/runtimes/browsers.mjs ${BROWSER_NAMES.join('|')}`)
  process.exit(2)
}

try {
  let deliver
  const posted = new Promise((resolve) => (deliver = resolve))
  const collect = {
    name: 'conformance-results',
    configureServer(server) {
      server.middlewares.use('/__conformance/results', (request, response) => {
        let body = ''
        request.on('data', (chunk) => (body += chunk))
        request.on('end', () => {
          response.statusCode = 204
          response.end()
          try {
            deliver(JSON.parse(body))
          } catch (error) {
            deliver({
              passed: 0,
              failed: 1,
              results: [{ name: 'results', ok: false, error: `unreadable results: ${error}` }],
            })
          }
        })
      })
    },
  }
  const vite = await createServer({
    configFile: fileURLToPath(new URL('browser/vite.config.ts', import.meta.url)),
    server: { port: await freePort(), strictPort: true },
    plugins: [collect],
  })
  closers.push(() => vite.close())
  await vite.listen()
  const url = vite.resolvedUrls.local[0]
  const version = await within(90_000, `${name} start and page load`, open(url))
  console.log(`${name} version: ${version}`)
  const result = await within(90_000, 'results from the page', posted)
  console.log(`${name} user agent: ${result.userAgent}`)
  for (const check of result.results ?? []) {
    if (!check.ok) console.log(`FAIL ${check.name}\n     ${check.error}`)
    else if (check.note) console.log(`NOTE ${check.name}\n     ${check.note}`)
  }
  const passed = (result.results ?? []).filter((check) => check.ok).length
  await finish(passed, (result.results ?? []).length - passed || (passed ? 0 : 1))
} catch (error) {
  if (!finished) console.error(`${name}: the suite could not run:`, error)
  await finish(0, 1)
}
