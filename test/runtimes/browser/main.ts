// The browser page: runs the conformance suite, shows the outcome and posts the results back to the Vite server
// the runner started (test/runtimes/browsers.mjs reads them from there).
import * as core from '../../../src/index.js'
import * as sigv4a from '../../../src/sigv4a.js'
import * as s3 from '../../../src/s3.js'
import * as cloudfront from '../../../src/cloudfront.js'
import * as eventstream from '../../../src/eventstream.js'
import * as tokens from '../../../src/tokens.js'
import * as appsync from '../../../src/appsync.js'
import { runChecks, type SuiteResult } from '../../conformance/run.js'
import { conformanceChecks } from '../../conformance/suite.js'

let result: SuiteResult
try {
  result = await runChecks(
    conformanceChecks({ ...core, ...sigv4a, ...s3, ...cloudfront, ...eventstream, ...tokens, ...appsync }),
  )
} catch (error) {
  result = { passed: 0, failed: 1, results: [{ name: 'the suite starts', ok: false, error: String(error), ms: 0 }] }
}
document.getElementById('status')!.textContent = `${result.passed} passed, ${result.failed} failed`
for (const failure of result.results.filter((check) => !check.ok)) {
  document
    .getElementById('failures')!
    .append(Object.assign(document.createElement('li'), { textContent: `${failure.name}: ${failure.error}` }))
}
await fetch('/__conformance/results', {
  method: 'POST',
  body: JSON.stringify({ userAgent: navigator.userAgent, ...result }),
})
