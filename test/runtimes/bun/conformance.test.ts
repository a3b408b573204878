// Bun runner: `bun test` runs the TypeScript source as it is.
import { test } from 'bun:test'
import * as core from '../../../src/index.ts'
import * as sigv4a from '../../../src/sigv4a.ts'
import * as s3 from '../../../src/s3.ts'
import * as cloudfront from '../../../src/cloudfront.ts'
import * as tokens from '../../../src/tokens.ts'
import { conformanceChecks } from '../../conformance/suite.ts'
import * as eventstream from '../../../src/eventstream.ts'
import * as appsync from '../../../src/appsync.ts'

for (const check of conformanceChecks({
  ...core,
  ...sigv4a,
  ...s3,
  ...cloudfront,
  ...eventstream,
  ...tokens,
  ...appsync,
})) {
  test(check.name, async () => {
    const note = await check.run()
    if (note) console.log(`NOTE ${check.name}: ${note}`)
  })
}
