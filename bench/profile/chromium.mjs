#!/usr/bin/env node
// CPU profile of the signer in Chromium: `node bench/profile/chromium.mjs [workload] [seconds]` serves the same
// loop as bench/profile/node.mjs (bench/profile/page.ts, bundled) from 127.0.0.1, starts Debian's Chromium through
// playwright-core, records a profile with the DevTools protocol's Profiler domain and prints the top frames.
import { chromium } from 'playwright-core'
import { servePage } from '../../scripts/local-servers.mjs'
import { CHROMIUM_PATH } from '../../test/helpers/browsers.mjs'
import { profilePageScript, topFrames } from './frames.mjs'

const name = process.argv[2] ?? 'kinesis'
const seconds = Number(process.argv[3] ?? 3)
const script = await profilePageScript()
const server = await servePage({ '/index.html': '<!doctype html><title>profile</title>', '/page.js': script })
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
})
try {
  const page = await browser.newPage()
  await page.goto(`${server.endpoint}/`)
  await page.evaluate(`import('/page.js').then((page) => { globalThis.profilePage = page })`)
  await page.evaluate(`profilePage.loop(${JSON.stringify(name)}, 0.5)`) // warm-up
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
  await cdp.send('Profiler.start')
  const perCall = await page.evaluate(`profilePage.loop(${JSON.stringify(name)}, ${seconds})`)
  const { profile } = await cdp.send('Profiler.stop')
  console.log(`${name}: ${perCall.toFixed(1)} µs per call in Chromium (profiler on)`)
  console.log(topFrames(profile, Number(process.env.FRAMES ?? 15)).join('\n'))
} finally {
  await browser.close()
  await server.close()
}
