// Node runner of the runtime-neutral SigV4a checks (the same list runs in every runtime).
import { test } from 'vitest'
import * as lib from '../../../src/sigv4a.js'
import { sigv4aChecks } from '../../conformance/sigv4a.js'

for (const check of sigv4aChecks(lib)) test(check.name, check.run)
