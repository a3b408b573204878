// One way to start the three Debian browsers for the runners that drive real pages (test/runtimes/browsers.mjs,
// test/demo/e2e.mjs, bench/runners/chromium.mjs): Chromium through playwright-core, Firefox ESR through
// puppeteer-core over WebDriver BiDi, WebKitGTK through selenium-webdriver and WebKitWebDriver on a virtual X display.
// Every browser leads its own process group; each group is killed when its session closes and, whatever happens, when
// the process exits or gets SIGINT/SIGTERM/SIGHUP. Flags and prefs keep the browsers off the network (see
// ../../../shared/RUNTIMES.md): pages must be served from 127.0.0.1 or localhost.
//
//   const browser = await within(90_000, 'chromium start', launchBrowser('chromium'))
//   await browser.goto('http://127.0.0.1:5173/')
//   console.log(browser.version, await browser.evaluate('document.title'))
//   await browser.close()
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, killGroup as killProcessGroup } from '../../scripts/local-servers.mjs'

/** The browsers `launchBrowser` knows. */
export const BROWSER_NAMES = ['chromium', 'firefox', 'webkit']

/** Debian's Chromium; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-breakpad',
  '--disable-crash-reporter',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
]

// Without these Firefox keeps calling its settings, update and telemetry services.
// (The crash reporter would run in a process group of its own.)
const FIREFOX_ENV = { MOZ_REMOTE_SETTINGS_DEVTOOLS: '1', MOZ_CRASHREPORTER_DISABLE: '1' }
const FIREFOX_PREFS = {
  'services.settings.server': 'data:,#remote-settings-dummy/v1',
  'app.update.enabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
}

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'

// The signal handlers below own the cleanup; playwright's and puppeteer's own would exit before a caller's handler
// could stop its servers.
const NO_SIGNAL_HANDLERS = { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false }

const groups = new Set() // process group ids still to kill
const temporary = new Set() // fresh HOME directories still to remove

/** Kills every process group started here and removes the temporary HOME directories (synchronous, idempotent). */
export function killAll() {
  for (const pgid of groups) killGroup(pgid)
  for (const dir of temporary) removeDir(dir)
}

function killGroup(pgid) {
  groups.delete(pgid)
  killProcessGroup(pgid, 'SIGKILL')
}

function removeDir(dir) {
  temporary.delete(dir)
  rmSync(dir, { recursive: true, force: true })
}

process.on('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAll()
    // A caller with its own handler decides when to exit (e.g. after stopping its servers); otherwise exit here.
    if (process.listenerCount(signal) === 1) process.exit(1)
  })
}

/**
 * Resolves with `promise`, or rejects after `ms` (a browser that cannot start may never answer: WebKit's build()).
 * @example await within(45_000, 'MiniBrowser start', builder.build())
 */
export const within = (ms, what, promise) =>
  Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms).unref(),
    ),
  ])

// One helper for ports across the demo and the tests: scripts/local-servers.mjs.
export { freePort }

/**
 * Starts one browser with a fresh HOME (profile, caches) and one page. Resolves with
 * `{ name, version, goto(url), evaluate(expression) → value, screenshot(path), resize(width, height), close() }`;
 * `evaluate` takes an expression string and awaits a promise it yields. `close()` shuts the browser down and kills
 * its process group.
 * Options: `viewport` ({ width, height }), `timeout` (launch, ms; default 30 s), `onPageError(error)`,
 * `onConsole(text)` (Chromium and Firefox), `driverLog` (WebKit: forward WebKitWebDriver's stderr to ours).
 * @example const browser = await launchBrowser('firefox', { viewport: { width: 1280, height: 900 } })
 */
export async function launchBrowser(name, options = {}) {
  if (!BROWSER_NAMES.includes(name)) throw new Error(`unknown browser ${name} (use ${BROWSER_NAMES.join('|')})`)
  const home = mkdtempSync(join(tmpdir(), `browser-${name}-`))
  temporary.add(home)
  const env = { ...process.env, HOME: home }
  const session = await LAUNCHERS[name](env, { timeout: 30_000, ...options })
  return {
    name,
    ...session,
    async close() {
      try {
        await within(10_000, `${name} close`, session.close())
      } finally {
        for (const pgid of session.groups) killGroup(pgid)
        removeDir(home)
      }
    },
  }
}

/** The part of the session API that playwright's and puppeteer's pages share; also hooks up the page listeners. */
function pageSession(page, { onPageError, onConsole }) {
  if (onPageError) page.on('pageerror', onPageError)
  if (onConsole) page.on('console', (message) => onConsole(message.text()))
  return {
    goto: (url) => page.goto(url),
    evaluate: (expression) => page.evaluate(expression),
    screenshot: (path) => page.screenshot({ path, fullPage: true }),
  }
}

const LAUNCHERS = {
  async chromium(env, { timeout, viewport, ...listeners }) {
    const { chromium } = await import('playwright-core')
    const server = await chromium.launchServer({
      executablePath: CHROMIUM_PATH,
      headless: true,
      timeout,
      env,
      args: CHROMIUM_ARGS,
      ...NO_SIGNAL_HANDLERS,
    })
    const pgid = server.process().pid // playwright starts the browser detached: it leads its own process group
    groups.add(pgid)
    const browser = await chromium.connect(server.wsEndpoint())
    const page = await browser.newPage(viewport ? { viewport } : {})
    return {
      version: `Chromium ${browser.version()}`,
      groups: [pgid],
      ...pageSession(page, listeners),
      resize: (width, height) => page.setViewportSize({ width, height }),
      close: () => server.close(),
    }
  },

  async firefox(env, { timeout, viewport, ...listeners }) {
    const { default: puppeteer } = await import('puppeteer-core')
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: '/usr/bin/firefox-esr',
      headless: true,
      timeout,
      env: { ...env, ...FIREFOX_ENV },
      extraPrefsFirefox: FIREFOX_PREFS,
      ...NO_SIGNAL_HANDLERS,
    })
    const pgid = browser.process().pid // puppeteer starts the browser detached: it leads its own process group
    groups.add(pgid)
    const page = await browser.newPage()
    if (viewport) await page.setViewport(viewport)
    return {
      version: `Firefox ${(await browser.version()).replace(/^firefox\//i, '')}`,
      groups: [pgid],
      ...pageSession(page, listeners),
      resize: (width, height) => page.setViewport({ width, height }),
      close: () => browser.close(),
    }
  },

  async webkit(env, { viewport, driverLog }) {
    const { Builder } = await import('selenium-webdriver')
    const port = await freePort()
    // MiniBrowser has no headless mode: the driver (and the browser it starts) run on a virtual X display.
    const driverProcess = spawn('xvfb-run', ['-a', '/usr/bin/WebKitWebDriver', `--port=${port}`, '--host=127.0.0.1'], {
      detached: true,
      env,
      stdio: ['ignore', 'ignore', driverLog ? 'pipe' : 'ignore'],
    })
    groups.add(driverProcess.pid)
    if (driverLog) driverProcess.stderr.on('data', (chunk) => process.stderr.write(chunk))
    const serverUrl = `http://127.0.0.1:${port}`
    await within(
      30_000,
      'WebKitWebDriver start',
      (async () => {
        for (;;) {
          if (driverProcess.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${driverProcess.exitCode}`)
          if (
            await fetch(`${serverUrl}/status`).then(
              (response) => response.ok,
              () => false,
            )
          )
            return
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      })(),
    )
    const capabilities = {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    }
    // If MiniBrowser cannot start, build() never returns.
    const driver = await within(
      45_000,
      'MiniBrowser start (WebDriver session)',
      new Builder().usingServer(serverUrl).withCapabilities(capabilities).build(),
    )
    if (viewport)
      await driver
        .manage()
        .window()
        .setRect(viewport)
        .catch(() => {})
    return {
      version: `WebKitGTK ${(await driver.getCapabilities()).get('browserVersion')}`,
      groups: [driverProcess.pid],
      goto: (url) => driver.get(url),
      evaluate: (expression) => driver.executeScript(`return (${expression})`),
      screenshot: async (path) => writeFileSync(path, Buffer.from(await driver.takeScreenshot(), 'base64')),
      resize: (width, height) => driver.manage().window().setRect({ width, height }),
      close: () => driver.quit(),
    }
  },
}
