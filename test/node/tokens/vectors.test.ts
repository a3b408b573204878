// test/vectors/tokens.json (what the conformance suite checks in every runtime) is the python reference's output,
// not a copy of ours: every stored token is recomputed here from its stored inputs.
import { expect, test } from 'vitest'
import vectors from '../../vectors/tokens.json' with { type: 'json' }
import type { Credentials } from '../../../src/index.js'
import { reference, type ReferenceJob } from './cases.js'

test('every token vector is what botocore / awscli make for its inputs', () => {
  expect(vectors.cases.length).toBeGreaterThanOrEqual(14)
  const jobs = vectors.cases.map((c) => {
    const job: ReferenceJob = {
      kind: c.reference.kind as ReferenceJob['kind'],
      params: c.reference.params,
      credentials: vectors.credentials[c.credentials] as Credentials,
      time: c.datetime,
    }
    if (c.expiresIn !== undefined) job.expires = c.expiresIn
    return job
  })
  const answers = reference(jobs)
  vectors.cases.forEach((c, i) => expect(answers[i], c.name).toBe(c.token))
  for (const fn of [
    'rdsAuthToken',
    'dsqlAuthToken',
    'eksToken',
    'elastiCacheAuthToken',
    'memoryDbAuthToken',
    'mskAuthToken',
  ])
    expect(vectors.cases.filter((c) => c.fn === fn).length, fn).toBeGreaterThanOrEqual(2)
})
