// The runtime-neutral conformance suite: written once, run by thin runners in every runtime.
// It takes the library as a parameter and uses only web-platform APIs (no test globals, no node:, no fs).
import type * as Library from '../../src/index.js'
import type * as SigV4aLibrary from '../../src/sigv4a.js'
import type * as S3Library from '../../src/s3.js'
import type * as CloudFrontLibrary from '../../src/cloudfront.js'
import type * as EventStreamLibrary from '../../src/eventstream.js'
import type * as TokensLibrary from '../../src/tokens.js'
import type * as AppSyncLibrary from '../../src/appsync.js'
import v4Cases from '../vectors/v4.json' with { type: 'json' }
import { appSyncChecks } from './appsync.js'
import { equal, ok } from './assert.js'
import { bodyChecks } from './bodies.js'
import { cloudFrontChecks } from './cloudfront.js'
import { errorChecks } from './errors.js'
import { eventStreamChecks } from './eventstream.js'
import { inferenceChecks } from './infer.js'
import { requestChecks } from './requests.js'
import { s3Checks } from './s3.js'
import { sigv4aChecks } from './sigv4a.js'
import { tokenChecks } from './tokens.js'
import { prepareVector, presignedQuery, type VectorCase } from './vectors.js'

/** The library under test: the main entry and the `webcrypto-sigv4/sigv4a`, `/s3`, `/cloudfront`, `/eventstream`,
 * `/tokens` and `/appsync` entries, merged into one object. */
export type Lib = typeof Library &
  typeof SigV4aLibrary &
  typeof S3Library &
  typeof CloudFrontLibrary &
  typeof EventStreamLibrary &
  typeof TokensLibrary &
  typeof AppSyncLibrary

/** One named check; `run` throws on failure, and may return a note on what this runtime could not do. */
export interface Check {
  name: string
  run: () => Promise<void | string | undefined>
}

function queryParams(query: string): string[] {
  return query.split('&').filter(Boolean).sort()
}

/** The 76 checks of the official SigV4 vectors: header and query signing for each of the 38 cases. */
export function vectorChecks(lib: Lib, cases: VectorCase[] = v4Cases): Check[] {
  const checks: Check[] = []
  for (const vector of cases) {
    const { context, parts, options } = prepareVector(vector)
    checks.push({
      name: `v4 vector ${vector.name} (header)`,
      run: async () => {
        const signed = await lib.signParts(parts, options)
        equal(signed.canonicalRequest, vector.files['header-canonical-request.txt'], 'canonical request')
        equal(signed.stringToSign, vector.files['header-string-to-sign.txt'], 'string to sign')
        equal(signed.signature, vector.files['header-signature.txt'], 'signature')
        const expectedAuthorization = /^Authorization:(.*)$/m.exec(vector.files['header-signed-request.txt']!)![1]
        equal(
          signed.headers.find(([name]) => name === 'authorization')?.[1],
          expectedAuthorization,
          'authorization header',
        )
        const token = signed.headers.find(([name]) => name === 'x-amz-security-token')?.[1]
        equal(token, context.credentials.token, 'x-amz-security-token header')
      },
    })
    checks.push({
      name: `v4 vector ${vector.name} (query)`,
      run: async () => {
        const signed = await lib.presignParts(parts, options)
        equal(signed.canonicalRequest, vector.files['query-canonical-request.txt'], 'canonical request')
        equal(signed.stringToSign, vector.files['query-string-to-sign.txt'], 'string to sign')
        equal(signed.signature, vector.files['query-signature.txt'], 'signature')
        const expectedQuery = presignedQuery(vector)
        equal(queryParams(signed.query).join('&'), queryParams(expectedQuery).join('&'), 'presigned query')
        ok(!signed.headers.some(([name]) => name === 'authorization'), 'no authorization header when presigning')
      },
    })
  }
  return checks
}

/**
 * Every check of the suite, for the given library. Runners pass `{ ...core, ...sigv4a, ...s3, ...cloudfront,
 * ...eventstream, ...tokens, ...appsync }` (the seven entry points).
 *
 * @example
 * import * as core from '../../src/index.js'
 * import * as sigv4a from '../../src/sigv4a.js'
 * import * as s3 from '../../src/s3.js'
 * import * as cloudfront from '../../src/cloudfront.js'
 * import * as eventstream from '../../src/eventstream.js'
 * import * as tokens from '../../src/tokens.js'
 * import * as appsync from '../../src/appsync.js'
 * const lib = { ...core, ...sigv4a, ...s3, ...cloudfront, ...eventstream, ...tokens, ...appsync }
 * for (const check of conformanceChecks(lib)) await check.run()
 */
export function conformanceChecks(lib: Lib): Check[] {
  return [
    ...vectorChecks(lib),
    ...requestChecks(lib),
    ...bodyChecks(lib),
    ...errorChecks(lib),
    ...inferenceChecks(lib),
    // ---- SigV4a (test/conformance/sigv4a.ts, owned by the SigV4a work): its checks join the suite here. ----
    ...sigv4aChecks(lib),
    // ---- webcrypto-sigv4/s3 (test/conformance/s3.ts): checksums. ----
    ...s3Checks(lib),
    // ---- webcrypto-sigv4/cloudfront (test/conformance/cloudfront.ts): signed URLs, cookies, verifyCloudFront. ----
    ...cloudFrontChecks(lib),
    // ---- webcrypto-sigv4/eventstream (test/conformance/eventstream.ts): the streaming decoder and events(). ----
    ...eventStreamChecks(lib),
    // ---- webcrypto-sigv4/tokens (test/conformance/tokens.ts): database and cluster tokens. ----
    ...tokenChecks(lib),
    // ---- webcrypto-sigv4/appsync (test/conformance/appsync.ts): IAM header records and subprotocols. ----
    ...appSyncChecks(lib),
    // ---- add further check lists above this line ----
  ]
}
