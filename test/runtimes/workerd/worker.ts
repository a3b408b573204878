// The Worker that runs the conformance suite inside workerd, without nodejs_compat: a GET answers with the results.
import * as core from '../../../src/index.js'
import * as sigv4a from '../../../src/sigv4a.js'
import * as s3 from '../../../src/s3.js'
import * as cloudfront from '../../../src/cloudfront.js'
import * as eventstream from '../../../src/eventstream.js'
import * as tokens from '../../../src/tokens.js'
import * as appsync from '../../../src/appsync.js'
import { ok } from '../../conformance/assert.js'
import { runChecks } from '../../conformance/run.js'
import { conformanceChecks } from '../../conformance/suite.js'

const noNode = {
  name: 'workerd: no Node globals here (no nodejs_compat), so the library needs none',
  run: () =>
    Promise.resolve().then(() =>
      ok(
        typeof (globalThis as { process?: unknown }).process === 'undefined' &&
          typeof (globalThis as { Buffer?: unknown }).Buffer === 'undefined',
        'process and Buffer are undefined',
      ),
    ),
}

export default {
  async fetch(): Promise<Response> {
    return Response.json(
      await runChecks([
        noNode,
        ...conformanceChecks({ ...core, ...sigv4a, ...s3, ...cloudfront, ...eventstream, ...tokens, ...appsync }),
      ]),
    )
  },
}
