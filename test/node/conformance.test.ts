// Node runner of the conformance suite.
import { test } from 'vitest'
import * as lib from '../../src/index.js'
import { conformanceChecks } from '../conformance/suite.js'

for (const check of conformanceChecks(lib)) test(check.name, check.run)
