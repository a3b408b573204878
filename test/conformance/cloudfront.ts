// webcrypto-sigv4/cloudfront in every runtime: key import from each PEM form, RSA URLs and cookies byte-equal to
// botocore's CloudFrontSigner (test/vectors/cloudfront.json), ECDSA signatures checked with crypto.subtle directly,
// and verifyCloudFront's acceptances and refusals. Web-platform APIs only, no test globals, no Node built-ins.
import type * as CloudFront from '../../src/cloudfront.js'
import vectors from '../vectors/cloudfront.json' with { type: 'json' }
import { equal, ok, rejectsWith } from './assert.js'
import { derToRaw } from './sigv4a.js'
import type { Check } from './suite.js'

export type CloudFrontLib = typeof CloudFront

type Hash = 'SHA1' | 'SHA256'
interface CloudFrontVector {
  name: string
  url: string
  hashAlgorithm: Hash
  keyPairId: string
  expires?: number
  policy?: { resource: string; expires: number; notBefore?: number; ipAddress?: string }
  policyJson?: string
  botocore: string
}
const CASES = vectors.cases as CloudFrontVector[]
const KEYS = vectors.keys
const NOW = vectors.now

const fromCloudFront = (text: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/')), (char) => char.charCodeAt(0))
const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
const spki = (pem: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, '')), (char) => char.charCodeAt(0))
const cannedJson = (url: string, expires: number) =>
  `{"Statement":[{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`
// Browsers drop a Cookie header from a Request (a forbidden request header); a server sees it. verifyCloudFront
// also takes { url, headers }, whose standalone Headers keep it everywhere.
const received = (url: string, headers: Record<string, string>) => ({ url, headers: new Headers(headers) })
const viewer = (vector: CloudFrontVector) => vector.policy?.ipAddress?.replace(/\.0\/\d+$/, '.7') ?? '203.0.113.9'

function optionsOf(vector: CloudFrontVector, privateKey: CryptoKey | string) {
  const base = { url: vector.url, keyPairId: vector.keyPairId, privateKey, hashAlgorithm: vector.hashAlgorithm }
  return vector.policy ? { ...base, policy: vector.policy } : { ...base, expires: vector.expires! }
}

/** The parameters botocore appended, as cookie names and values. */
function botocoreCookies(vector: CloudFrontVector): Record<string, string> {
  const params = vector.botocore.slice(vector.url.length + 1).split('&')
  return Object.fromEntries(
    params.map((pair) => [`CloudFront-${pair.split('=')[0]}`, pair.slice(pair.indexOf('=') + 1)]),
  )
}

/** The CloudFront checks. */
export function cloudFrontChecks(lib: CloudFrontLib): Check[] {
  const checks: Check[] = []
  const rsaKeys = new Map<Hash, Promise<CryptoKey>>()
  const rsaKey = (hash: Hash) => {
    if (!rsaKeys.has(hash)) rsaKeys.set(hash, lib.importCloudFrontKey(KEYS.rsa_pkcs1, { hashAlgorithm: hash }))
    return rsaKeys.get(hash)!
  }
  const publicKeys = { K2JCJMDEHXQW5F: KEYS.rsa_public, KEC: KEYS.ec_public }

  checks.push({
    name: 'cloudfront: every PEM form imports as a non-extractable key',
    run: async () => {
      for (const pem of [KEYS.rsa_pkcs8, KEYS.rsa_pkcs1, KEYS.ec_pkcs8, KEYS.ec_sec1]) {
        const key = await lib.importCloudFrontKey(pem)
        equal(key.type, 'private', 'key type')
        equal(key.extractable, false, 'extractable')
      }
      for (const pem of [KEYS.rsa_public, KEYS.rsa_public_pkcs1, KEYS.ec_public])
        equal((await lib.importCloudFrontPublicKey(pem)).type, 'public', 'public key type')
    },
  })

  for (const vector of CASES) {
    checks.push({
      name: `cloudfront: ${vector.name}: URL and cookies byte-equal to botocore, and verified`,
      run: async () => {
        const options = optionsOf(vector, await rsaKey(vector.hashAlgorithm))
        equal(await lib.cloudFrontSignedUrl(options), vector.botocore, 'signed URL')
        const { cookies, setCookie } = await lib.cloudFrontSignedCookies(options)
        equal(JSON.stringify(cookies), JSON.stringify(botocoreCookies(vector)), 'cookies')
        ok(
          setCookie().every((line) => line.endsWith('; Path=/; Secure; HttpOnly')),
          'Set-Cookie defaults',
        )
        if (vector.policyJson !== undefined) {
          const policy = new URL(vector.botocore).searchParams.get('Policy')!
          equal(new TextDecoder().decode(fromCloudFront(policy)), vector.policyJson, "botocore's build_policy JSON")
        }
        const headers = { 'cf-connecting-ip': viewer(vector) }
        const result = await lib.verifyCloudFront(new Request(vector.botocore, { headers }), { publicKeys, now: NOW })
        ok(result.ok, `verifyCloudFront accepts botocore's URL: ${JSON.stringify(result)}`)
        const cookie = Object.entries(cookies)
          .map(([name, value]) => `${name}=${value}`)
          .join('; ')
        const fromCookies = await lib.verifyCloudFront(received(vector.url, { ...headers, cookie }), {
          publicKeys,
          now: NOW,
        })
        ok(
          fromCookies.ok && fromCookies.source === 'cookies',
          `verifyCloudFront accepts the cookies: ${JSON.stringify(fromCookies)}`,
        )
      },
    })
  }

  checks.push({
    name: 'cloudfront: ECDSA P-256 (SEC1 and PKCS#8 keys) signs DER that crypto.subtle verifies, and verifyCloudFront too',
    run: async () => {
      const publicKey = await crypto.subtle.importKey(
        'spki',
        spki(KEYS.ec_public),
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['verify'],
      )
      for (const pem of [KEYS.ec_sec1, KEYS.ec_pkcs8]) {
        for (const hash of ['SHA1', 'SHA256'] as const) {
          const url = 'https://d111111abcdef8.cloudfront.net/ec.jpg'
          const signed = await lib.cloudFrontSignedUrl({
            url,
            keyPairId: 'KEC',
            privateKey: await lib.importCloudFrontKey(pem),
            expires: 1893456000,
            hashAlgorithm: hash,
          })
          const der = fromCloudFront(new URL(signed).searchParams.get('Signature')!)
          const valid = await crypto.subtle.verify(
            { name: 'ECDSA', hash: hash === 'SHA1' ? 'SHA-1' : 'SHA-256' },
            publicKey,
            derToRaw(hex(der)),
            new TextEncoder().encode(cannedJson(url, 1893456000)),
          )
          ok(valid, `crypto.subtle verifies the DER signature (${hash})`)
          const result = await lib.verifyCloudFront(new Request(signed), { publicKeys, now: NOW })
          ok(result.ok, `verifyCloudFront accepts it: ${JSON.stringify(result)}`)
        }
      }
    },
  })

  checks.push({
    name: 'cloudfront: verifyCloudFront refuses a changed signature, expiry, another key, a resource outside, both sets',
    run: async () => {
      const [canned, , wildcard, start, ranged] = CASES as [
        CloudFrontVector,
        CloudFrontVector,
        CloudFrontVector,
        CloudFrontVector,
        CloudFrontVector,
      ]
      const code = async (url: string, now = NOW, headers: Record<string, string> = {}) => {
        const result = await lib.verifyCloudFront(received(url, headers), { publicKeys, now })
        return result.ok ? 'ok' : result.code
      }
      const signature = new URL(canned.botocore).searchParams.get('Signature')!
      const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11)
      equal(await code(canned.botocore.replace(signature, flipped)), 'ERR_CF_SIGNATURE', 'changed signature')
      equal(await code(canned.botocore.replace('image.jpg', 'image.png')), 'ERR_CF_SIGNATURE', 'changed path (canned)')
      equal(await code(canned.botocore, 1893456000 * 1000), 'ERR_CF_EXPIRED', 'expired')
      equal(await code(start.botocore, 1600000000 * 1000), 'ERR_CF_NOT_YET_VALID', 'not yet valid')
      equal(
        await code(canned.botocore.replace('Key-Pair-Id=K2JCJMDEHXQW5F', 'Key-Pair-Id=KEC')),
        'ERR_CF_SIGNATURE',
        'other key',
      )
      equal(
        await code(canned.botocore.replace('Key-Pair-Id=K2JCJMDEHXQW5F', 'Key-Pair-Id=KNONE')),
        'ERR_CF_UNKNOWN_KEY',
        'unknown key',
      )
      equal(await code(wildcard.botocore.replace('/videos/', '/private/')), 'ERR_CF_RESOURCE', 'resource outside')
      equal(await code(ranged.botocore, NOW, { 'cf-connecting-ip': '198.51.101.1' }), 'ERR_CF_IP', 'viewer outside')
      equal(await code(ranged.botocore), 'ERR_CF_IP', 'no viewer IP')
      const both = {
        cookie: Object.entries(botocoreCookies(canned))
          .map(([name, value]) => `${name}=${value}`)
          .join('; '),
      }
      equal(await code(canned.botocore, NOW, both), 'ERR_CF_AMBIGUOUS', 'URL and cookies')
      equal(await code(canned.url), 'ERR_CF_NO_SIGNATURE', 'no signature')
    },
  })

  checks.push({
    name: 'cloudfront: typed key errors (encrypted, public, garbled)',
    run: async () => {
      await rejectsWith(
        () => lib.importCloudFrontKey(KEYS.rsa_encrypted),
        'ERR_CLOUDFRONT_KEY_ENCRYPTED',
        'encrypted PEM',
      )
      await rejectsWith(() => lib.importCloudFrontKey(KEYS.rsa_public), 'ERR_CLOUDFRONT_KEY_PUBLIC', 'public key')
      await rejectsWith(() => lib.importCloudFrontKey('not a key'), 'ERR_CLOUDFRONT_KEY', 'not PEM')
      await rejectsWith(() => lib.importCloudFrontPublicKey(KEYS.ec_sec1), 'ERR_CLOUDFRONT_KEY', 'private for public')
    },
  })
  return checks
}
