// SigV4 task 3: the signing key, derived once per secret/date/region/service and kept as a CryptoKey.
import { hmac, importHmacKey, sha256Hex, utf8, type Bytes } from './webcrypto.js'

/** Credentials that sign requests. */
export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

const MAX_KEYS = 64
// Cache keyed by SHA-256 of the secret plus the scope: the secret itself is never a key.
const signingKeys = new Map<string, Promise<CryptoKey>>()
// The secret's hash, memoised per credentials object so a warm signature costs no extra digest.
const secretIds = new WeakMap<Credentials, { secret: string; id: Promise<string> }>()

function secretId(credentials: Credentials): Promise<string> {
  let entry = secretIds.get(credentials)
  if (!entry || entry.secret !== credentials.secretAccessKey) {
    const secret = credentials.secretAccessKey
    entry = { secret, id: sha256Hex('AWS4' + secret) }
    secretIds.set(credentials, entry)
  }
  return entry.id
}

/**
 * The SigV4 signing key `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`
 * as a non-extractable HMAC `CryptoKey`. Cached (at most 64 keys) under a hash of the secret, never the secret.
 *
 * @example
 * const key = await signingKey(credentials, '20150830', 'us-east-1', 'iam')
 */
export async function signingKey(credentials: Credentials, date: string, region: string, service: string): Promise<CryptoKey> {
  const cacheKey = (await secretId(credentials)) + '/' + date + '/' + region + '/' + service
  let key = signingKeys.get(cacheKey)
  if (key) {
    // Refresh its place so the least recently used key is the one dropped.
    signingKeys.delete(cacheKey)
  } else {
    key = deriveKey(credentials.secretAccessKey, [date, region, service, 'aws4_request'])
    key.catch(() => signingKeys.delete(cacheKey))
    if (signingKeys.size >= MAX_KEYS) signingKeys.delete(signingKeys.keys().next().value!)
  }
  signingKeys.set(cacheKey, key)
  return key
}

async function deriveKey(secret: string, path: string[]): Promise<CryptoKey> {
  let raw: Bytes = utf8('AWS4' + secret)
  for (const step of path) raw = await hmac(raw, step)
  return importHmacKey(raw)
}
