// test/vectors/cloudfront.json is botocore's output, not a copy of ours: every stored URL is recomputed here by
// botocore's CloudFrontSigner (and every stored policy by its build_policy) from the stored inputs.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startCloudFrontReference, type CloudFrontReference } from '../../differential/cloudfront.js'
import vectors from '../../vectors/cloudfront.json' with { type: 'json' }

let reference: CloudFrontReference
beforeAll(() => {
  reference = startCloudFrontReference()
})
afterAll(() => reference?.close())

it('every vector URL is what botocore signs for its inputs', async () => {
  expect(vectors.cases.length).toBeGreaterThanOrEqual(5)
  interface Vector {
    name: string
    url: string
    keyPairId: string
    hashAlgorithm: 'SHA1' | 'SHA256'
    expires?: number
    policy?: { resource: string; expires: number; notBefore?: number; ipAddress?: string }
    policyJson?: string
    botocore: string
  }
  for (const vector of vectors.cases as Vector[]) {
    const policy = vector.policy
      ? await reference.policy({
          resource: vector.policy.resource,
          expires: vector.policy.expires,
          ...(vector.policy.notBefore === undefined ? {} : { notBefore: vector.policy.notBefore }),
          ...(vector.policy.ipAddress === undefined ? {} : { ip: vector.policy.ipAddress }),
        })
      : undefined
    if (policy !== undefined) expect(policy, vector.name).toBe(vector.policyJson)
    const url = await reference.url({
      key: vectors.keys.rsa_pkcs8,
      keyPairId: vector.keyPairId,
      url: vector.url,
      ...(policy === undefined ? { expires: vector.expires } : { policy }),
      hash: vector.hashAlgorithm,
    })
    expect(url, vector.name).toBe(vector.botocore)
  }
})
