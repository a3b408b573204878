#!/usr/bin/env node
// Browser runner: serves test/runtimes/browser with Vite on 127.0.0.1, opens it in one Debian browser, and reads
// the results the page posts back. Prints `<browser>: N passed, M failed`; exits non-zero on any failure, on zero
// checks, or after the time limit. Every browser process runs in its own process group, killed on the way out.
// Usage: node test/runtimes/browsers.mjs chromium|firefox|webkit
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'

const TIME_LIMIT_MS = 150_000
const name = process.argv[2]
const groups = new Set() // process group ids to kill on exit
const closers = [] // graceful shutdowns, tried first
const temporary = []

const killGroups = () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL')
    } catch {}
  }
  groups.clear()
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true })
}
process.on('exit', killGroups)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(1))

let finished = false
async function finish(passed, failed) {
  if (finished) return
  finished = true
  console.log(`${name}: ${passed} passed, ${failed} failed`)
  const deadline = new Promise((resolve) => setTimeout(resolve, 10_000).unref())
  for (const close of closers.reverse()) await Promise.race([close().catch(() => {}), deadline])
  process.exit(passed > 0 && failed === 0 ? 0 : 1)
}
setTimeout(() => (console.error(`${name}: timed out after ${TIME_LIMIT_MS / 1000} s`), finish(0, 1)), TIME_LIMIT_MS).unref()

/** Resolves with `promise`, or rejects after `ms` (a browser that cannot start may never answer). */
const within = (ms, what, promise) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms).unref())])

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })

const BROWSERS = {
  async chromium(url) {
    const { chromium } = await import('playwright-core')
    const server = await chromium.launchServer({
      executablePath: '/usr/bin/chromium',
      headless: true,
      timeout: 30_000,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-breakpad', '--disable-crash-reporter',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
      ],
    })
    groups.add(server.process().pid) // playwright starts the browser detached: it leads its own process group
    closers.push(() => server.close())
    const browser = await chromium.connect(server.wsEndpoint())
    const page = await browser.newPage()
    page.on('pageerror', (error) => console.error(`page error: ${error}`))
    await page.goto(url)
    return `Chromium ${browser.version()}`
  },

  async firefox(url) {
    const { default: puppeteer } = await import('puppeteer-core')
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: '/usr/bin/firefox-esr',
      headless: true,
      timeout: 30_000,
      // Without these Firefox keeps calling its settings, update and telemetry services.
      // (The crash reporter would run in a process group of its own.)
      env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1', MOZ_CRASHREPORTER_DISABLE: '1' },
      extraPrefsFirefox: {
        'services.settings.server': 'data:,#remote-settings-dummy/v1',
        'app.update.enabled': false,
        'toolkit.telemetry.enabled': false,
        'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false,
      },
    })
    groups.add(browser.process().pid) // puppeteer starts the browser detached: it leads its own process group
    closers.push(() => browser.close())
    const page = await browser.newPage()
    page.on('pageerror', (error) => console.error(`page error: ${error}`))
    await page.goto(url)
    return `Firefox ${(await browser.version()).replace(/^firefox\//i, '')}`
  },

  async webkit(url) {
    const { Builder } = await import('selenium-webdriver')
    const port = await freePort()
    // MiniBrowser has no headless mode: the driver (and the browser it starts) run on a virtual X display.
    const driverProcess = spawn('xvfb-run', ['-a', '/usr/bin/WebKitWebDriver', `--port=${port}`, '--host=127.0.0.1'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] })
    groups.add(driverProcess.pid)
    driverProcess.stderr.on('data', (chunk) => process.stderr.write(chunk))
    const serverUrl = `http://127.0.0.1:${port}`
    await within(30_000, 'WebKitWebDriver start', (async () => {
      for (;;) {
        if (driverProcess.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${driverProcess.exitCode}`)
        if (await fetch(`${serverUrl}/status`).then((response) => response.ok, () => false)) return
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    })())
    const capabilities = {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', args: ['--automation'] },
    }
    // If MiniBrowser cannot start, build() never returns.
    const driver = await within(45_000, 'MiniBrowser start (WebDriver session)', new Builder().usingServer(serverUrl).withCapabilities(capabilities).build())
    closers.push(() => driver.quit())
    const version = (await driver.getCapabilities()).get('browserVersion')
    await driver.get(url)
    return `WebKitGTK ${version}`
  },
}

if (!BROWSERS[name]) {
  console.error(`usage: node test/runtimes/browsers.mjs ${Object.keys(BROWSERS).join('|')}`)
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
            deliver({ passed: 0, failed: 1, results: [{ name: 'results', ok: false, error: `unreadable results: ${error}` }] })
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
  const home = mkdtempSync(join(tmpdir(), `conformance-${name}-`))
  temporary.push(home)
  process.env.HOME = home // a fresh profile and cache for browsers that use $HOME
  const version = await within(90_000, `${name} start and page load`, BROWSERS[name](url))
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
