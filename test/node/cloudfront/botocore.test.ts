// Byte equality with botocore's CloudFrontSigner (signing with `cryptography`, RSA PKCS#1 v1.5) over generated URLs,
// times and IPv4 ranges: canned and custom policies, SHA-1 and SHA-256 (botocore has no Hash-Algorithm: the bridge
// appends it), cookies included (their values are the URL's parameters). ECDSA is randomised: `cryptography` checks
// our signatures instead.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cloudFrontSignedCookies,
  cloudFrontSignedUrl,
  importCloudFrontKey,
  type CloudFrontHashAlgorithm,
} from '../../../src/cloudfront.js'
import {
  startCloudFrontReference,
  type CloudFrontReference,
  type ReferenceKeys,
} from '../../differential/cloudfront.js'
import {
  customArbitrary,
  epochArbitrary,
  hashArbitrary,
  RUNS,
  signingParams,
  standardBase64,
  urlArbitrary,
} from './inputs.js'

const KEY_PAIR_ID = 'K2JCJMDEHXQW5F'
let reference: CloudFrontReference
let keys: ReferenceKeys
const rsaKeys = new Map<CloudFrontHashAlgorithm, CryptoKey>()

beforeAll(async () => {
  reference = startCloudFrontReference()
  keys = await reference.keys()
  for (const hash of ['SHA1', 'SHA256'] as const)
    rsaKeys.set(hash, await importCloudFrontKey(keys.rsa_pkcs1, { hashAlgorithm: hash }))
})
afterAll(() => reference?.close())

const cookieValues = (params: Array<[string, string]>) =>
  Object.fromEntries(params.map(([name, value]) => [`CloudFront-${name}`, value]))

describe('RSA: byte-equal to botocore CloudFrontSigner', () => {
  it('canned policy URLs and cookies', async () => {
    await fc.assert(
      fc.asyncProperty(urlArbitrary, epochArbitrary, hashArbitrary, async (url, expires, hash) => {
        const options = { url, keyPairId: KEY_PAIR_ID, privateKey: rsaKeys.get(hash)!, expires, hashAlgorithm: hash }
        const ours = await cloudFrontSignedUrl(options)
        const botocore = await reference.url({ key: keys.rsa_pkcs8, keyPairId: KEY_PAIR_ID, url, expires, hash })
        expect(ours).toBe(botocore)
        const { cookies } = await cloudFrontSignedCookies(options)
        expect(cookies).toEqual(cookieValues(signingParams(botocore, url)))
      }),
      RUNS,
    )
  })

  it('custom policies: the policy JSON as build_policy writes it, the URL and cookies byte-equal', async () => {
    let reordered = 0
    await fc.assert(
      fc.asyncProperty(customArbitrary, hashArbitrary, async ({ url, policy }, hash) => {
        const options = { url, keyPairId: KEY_PAIR_ID, privateKey: rsaKeys.get(hash)!, policy, hashAlgorithm: hash }
        const ours = await cloudFrontSignedUrl(options)
        const params = new Map(signingParams(ours, url))
        const policyJson = atob(standardBase64(params.get('Policy')!))
        const built = await reference.policy({
          resource: policy.resource,
          expires: policy.expires,
          ...(policy.notBefore === undefined ? {} : { notBefore: policy.notBefore }),
          ...(policy.ipAddress === undefined ? {} : { ip: policy.ipAddress }),
        })
        if (policy.notBefore !== undefined && policy.ipAddress !== undefined) {
          // botocore writes IpAddress before DateGreaterThan; CloudFront's documented order (and the JS SDK's) is
          // DateLessThan, DateGreaterThan, IpAddress. Same members and values:
          reordered++
          expect(JSON.parse(policyJson)).toEqual(JSON.parse(built))
        } else expect(policyJson).toBe(built)
        const botocore = await reference.url({
          key: keys.rsa_pkcs8,
          keyPairId: KEY_PAIR_ID,
          url,
          policy: policyJson,
          hash,
        })
        expect(ours).toBe(botocore)
        const { cookies } = await cloudFrontSignedCookies({ ...options, url: undefined })
        expect(cookies).toEqual(cookieValues(signingParams(botocore, url)))
      }),
      { ...RUNS, numRuns: 100 },
    )
    expect(reordered).toBeGreaterThan(5)
  })

  it('a PKCS#8 PEM given as privateKey signs the same bytes as the imported PKCS#1 key', async () => {
    const url = 'https://d111111abcdef8.cloudfront.net/a.jpg'
    for (const hash of ['SHA1', 'SHA256'] as const) {
      const fromPem = await cloudFrontSignedUrl({
        url,
        keyPairId: KEY_PAIR_ID,
        privateKey: keys.rsa_pkcs8,
        expires: 2e9,
        hashAlgorithm: hash,
      })
      const botocore = await reference.url({ key: keys.rsa_pkcs8, keyPairId: KEY_PAIR_ID, url, expires: 2e9, hash })
      expect(fromPem).toBe(botocore)
    }
  })
})

describe('ECDSA P-256: our DER signatures verified by cryptography', () => {
  it('canned and custom, SHA-1 and SHA-256, SEC1 and PKCS#8 keys', async () => {
    const ecKeys = [await importCloudFrontKey(keys.ec_sec1), await importCloudFrontKey(keys.ec_pkcs8)]
    let checked = 0
    await fc.assert(
      fc.asyncProperty(
        customArbitrary,
        hashArbitrary,
        fc.boolean(),
        fc.nat(1),
        async ({ url, policy }, hash, canned, which) => {
          const options = canned
            ? { url, keyPairId: 'K1', privateKey: ecKeys[which]!, expires: policy.expires, hashAlgorithm: hash }
            : { url, keyPairId: 'K1', privateKey: ecKeys[which]!, policy, hashAlgorithm: hash }
          const params = new Map(signingParams(await cloudFrontSignedUrl(options), url))
          const signed = canned
            ? `{"Statement":[{"Resource":${JSON.stringify(url)},"Condition":{"DateLessThan":{"AWS:EpochTime":${policy.expires}}}}]}`
            : atob(standardBase64(params.get('Policy')!))
          const signatureBase64 = standardBase64(params.get('Signature')!)
          expect(await reference.verify({ publicPem: keys.ec_public, signatureBase64, message: signed, hash })).toBe(
            true,
          )
          // The oracle can say no: the same signature over another policy, or under the other hash.
          expect(
            await reference.verify({ publicPem: keys.ec_public, signatureBase64, message: signed + ' ', hash }),
          ).toBe(false)
          const other = hash === 'SHA1' ? 'SHA256' : 'SHA1'
          expect(
            await reference.verify({ publicPem: keys.ec_public, signatureBase64, message: signed, hash: other }),
          ).toBe(false)
          checked++
        },
      ),
      { ...RUNS, numRuns: 40 },
    )
    expect(checked).toBe(40)
  })

  it('RSA signatures check in cryptography too (the oracle reads our RSA output the same way)', async () => {
    const url = 'https://d111111abcdef8.cloudfront.net/x'
    const params = new Map(
      signingParams(
        await cloudFrontSignedUrl({
          url,
          keyPairId: KEY_PAIR_ID,
          privateKey: rsaKeys.get('SHA256')!,
          expires: 2e9,
          hashAlgorithm: 'SHA256',
        }),
        url,
      ),
    )
    const message = `{"Statement":[{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000}}}]}`
    expect(
      await reference.verify({
        publicPem: keys.rsa_public,
        signatureBase64: standardBase64(params.get('Signature')!),
        message,
        hash: 'SHA256',
      }),
    ).toBe(true)
  })
})
