// Node runner of the conformance suite.
import { test } from 'vitest'
import * as core from '../../src/index.js'
import * as sigv4a from '../../src/sigv4a.js'
import * as s3 from '../../src/s3.js'
import * as cloudfront from '../../src/cloudfront.js'
import * as tokens from '../../src/tokens.js'
import { conformanceChecks } from '../conformance/suite.js'
import * as eventstream from '../../src/eventstream.js'
import * as appsync from '../../src/appsync.js'

for (const check of conformanceChecks({
  ...core,
  ...sigv4a,
  ...s3,
  ...cloudfront,
  ...eventstream,
  ...tokens,
  ...appsync,
}))
  test(check.name, check.run)
