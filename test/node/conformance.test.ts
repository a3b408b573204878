// Node runner of the conformance suite.
import { test } from 'vitest'
import * as core from '../../src/index.js'
import * as sigv4a from '../../src/sigv4a.js'
import { conformanceChecks } from '../conformance/suite.js'

for (const check of conformanceChecks({ ...core, ...sigv4a })) test(check.name, check.run)
