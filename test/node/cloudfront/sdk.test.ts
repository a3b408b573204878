// Against @aws-sdk/cloudfront-signer (Node-only: node:crypto and Buffer): RSA URLs and cookies byte-equal, parameter
// for parameter (the SDK writes Key-Pair-Id before Signature; we write botocore's and CloudFront's documented order,
// Signature then Key-Pair-Id), policies byte-equal to the SDK's builder; and every SDK output, RSA or ECDSA, accepted
// by verifyCloudFront.
import { generateKeyPairSync } from 'node:crypto'
import { getSignedCookies, getSignedUrl } from '@aws-sdk/cloudfront-signer'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  cloudFrontSignedCookies,
  cloudFrontSignedUrl,
  importCloudFrontKey,
  importCloudFrontPublicKey,
  verifyCloudFront,
  type CloudFrontHashAlgorithm,
} from '../../../src/cloudfront.js'
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
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const pem = {
  rsaPrivate: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  rsaPublic: rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  ecPrivate: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  ecPublic: ec.publicKey.export({ type: 'spki', format: 'pem' }) as string,
}
const rsaKeys = new Map<CloudFrontHashAlgorithm, CryptoKey>()
beforeAll(async () => {
  for (const hash of ['SHA1', 'SHA256'] as const)
    rsaKeys.set(hash, await importCloudFrontKey(pem.rsaPrivate, { hashAlgorithm: hash }))
})

/** Our parameters in the SDK's order: Expires, Policy, Key-Pair-Id, Signature, Hash-Algorithm. */
const SDK_ORDER = ['Expires', 'Policy', 'Key-Pair-Id', 'Signature', 'Hash-Algorithm']
const inSdkOrder = (params: Array<[string, string]>) =>
  [...params].sort(([a], [b]) => SDK_ORDER.indexOf(a) - SDK_ORDER.indexOf(b))
const joined = (url: string, params: Array<[string, string]>) =>
  url + (url.includes('?') ? '&' : '?') + params.map(([name, value]) => `${name}=${value}`).join('&')
const asStrings = (cookies: object) =>
  Object.fromEntries(Object.entries(cookies).map(([name, value]) => [name, String(value)]))
const cookieHeader = (cookies: object) =>
  Object.entries(cookies)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join('; ')

describe('RSA: byte-equal to @aws-sdk/cloudfront-signer', () => {
  it('canned policy URLs and cookies', async () => {
    await fc.assert(
      fc.asyncProperty(urlArbitrary, epochArbitrary, hashArbitrary, async (url, expires, hash) => {
        const options = { url, keyPairId: KEY_PAIR_ID, privateKey: rsaKeys.get(hash)!, expires, hashAlgorithm: hash }
        const ours = await cloudFrontSignedUrl(options)
        const sdk = {
          url,
          keyPairId: KEY_PAIR_ID,
          privateKey: pem.rsaPrivate,
          dateLessThan: new Date(expires * 1000),
          algorithm: hash,
        }
        expect(getSignedUrl(sdk)).toBe(joined(url, inSdkOrder(signingParams(ours, url))))
        expect((await cloudFrontSignedCookies(options)).cookies).toEqual(asStrings(getSignedCookies(sdk)))
      }),
      RUNS,
    )
  })

  it('custom policies: the SDK builds the same JSON from the same times and range, and signs the same bytes', async () => {
    let builderCompared = 0
    await fc.assert(
      fc.asyncProperty(customArbitrary, hashArbitrary, async ({ url, policy }, hash) => {
        const options = { url, keyPairId: KEY_PAIR_ID, privateKey: rsaKeys.get(hash)!, policy, hashAlgorithm: hash }
        const ours = await cloudFrontSignedUrl(options)
        const params = signingParams(ours, url)
        const policyJson = atob(standardBase64(new Map(params).get('Policy')!))
        const sdk = { url, keyPairId: KEY_PAIR_ID, privateKey: pem.rsaPrivate, policy: policyJson, algorithm: hash }
        expect(getSignedUrl(sdk)).toBe(joined(url, inSdkOrder(params)))
        expect((await cloudFrontSignedCookies(options)).cookies).toEqual(asStrings(getSignedCookies(sdk)))
        if ((policy.notBefore !== undefined || policy.ipAddress !== undefined) && policy.resource === url) {
          builderCompared++
          // The SDK's own builder (custom when a start or a range is given; it takes the resource from its URL, which
          // it re-encodes, so only where the resource is the URL itself).
          const built = getSignedUrl({
            url: policy.resource,
            keyPairId: KEY_PAIR_ID,
            privateKey: pem.rsaPrivate,
            dateLessThan: new Date(policy.expires * 1000),
            ...(policy.notBefore === undefined ? {} : { dateGreaterThan: new Date(policy.notBefore * 1000) }),
            ...(policy.ipAddress === undefined ? {} : { ipAddress: policy.ipAddress }),
          })
          const sdkPolicy = new URL(built).searchParams.get('Policy')!
          expect(atob(standardBase64(sdkPolicy))).toBe(policyJson)
        }
      }),
      { ...RUNS, numRuns: 150 },
    )
    expect(builderCompared).toBeGreaterThan(10)
  })
})

describe('every SDK output is accepted by verifyCloudFront', () => {
  const now = 950_000_000_000 // 2000-02-08: after every generated start, before every generated end
  it('RSA and ECDSA, canned and custom, URLs and cookies, SHA-1 and SHA-256', async () => {
    const ecPublicKey = await importCloudFrontPublicKey(pem.ecPublic)
    let ecdsa = 0
    await fc.assert(
      fc.asyncProperty(
        customArbitrary,
        hashArbitrary,
        fc.constantFrom('rsa', 'ec'),
        fc.boolean(),
        fc.boolean(),
        async ({ url, policy }, hash, kind, canned, cookies) => {
          const privateKey = kind === 'rsa' ? pem.rsaPrivate : pem.ecPrivate
          const publicKeys = { [KEY_PAIR_ID]: kind === 'rsa' ? pem.rsaPublic : ecPublicKey, KOTHER: pem.rsaPublic }
          const json = JSON.stringify({
            Statement: [
              {
                Resource: policy.resource,
                Condition: {
                  DateLessThan: { 'AWS:EpochTime': policy.expires },
                  ...(policy.notBefore === undefined ? {} : { DateGreaterThan: { 'AWS:EpochTime': policy.notBefore } }),
                  ...(policy.ipAddress === undefined
                    ? {}
                    : {
                        IpAddress: {
                          'AWS:SourceIp': policy.ipAddress.includes('/') ? policy.ipAddress : `${policy.ipAddress}/32`,
                        },
                      }),
                },
              },
            ],
          })
          const sdk = canned
            ? {
                url,
                keyPairId: KEY_PAIR_ID,
                privateKey,
                dateLessThan: new Date(policy.expires * 1000),
                algorithm: hash,
              }
            : { url, keyPairId: KEY_PAIR_ID, privateKey, policy: json, algorithm: hash }
          const viewer = policy.ipAddress?.split('/')[0] ?? '192.0.2.1'
          const headers: Record<string, string> = { 'cf-connecting-ip': viewer }
          const request = cookies
            ? new Request(url, { headers: { ...headers, cookie: cookieHeader(getSignedCookies(sdk)) } })
            : new Request(getSignedUrl(sdk), { headers })
          const result = await verifyCloudFront(request, { publicKeys, now })
          expect(result).toMatchObject({
            ok: true,
            source: cookies ? 'cookies' : 'url',
            policyType: canned ? 'canned' : 'custom',
            keyPairId: KEY_PAIR_ID,
            hashAlgorithm: hash,
            url,
          })
          if (kind === 'ec') ecdsa++
        },
      ),
      { ...RUNS, numRuns: 120 },
    )
    expect(ecdsa).toBeGreaterThan(30)
  })
})
