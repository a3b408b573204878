// SigV4 task 3: the signing key, derived once per secret/date/region/service and kept as a CryptoKey.
import { SCOPE_TERMINATOR } from './constants.js'
import { utf8, type Bytes } from './encoding.js'
import { hmac, importHmacKey, sha256Hex } from './webcrypto.js'

/** Credentials that sign requests. */
export interface Credentials {
  /** The access key id, e.g. `AKIAIOSFODNN7EXAMPLE`; it is named in the signature's credential scope. */
  accessKeyId: string
  /** The secret key the signing key is derived from; it never leaves the signer. */
  secretAccessKey: string
  /** The session token of temporary credentials (STS, Cognito, S3 Express), sent as `x-amz-security-token`. */
  sessionToken?: string
}

// Cache keyed by SHA-256 of the secret plus the scope: the secret itself is never a key. At most 64 keys.
const signingKeys = new Map<string, Promise<CryptoKey>>()
// The secret's hash, memoised per credentials object so a warm signature costs no extra digest.
const secretIds = new WeakMap<Credentials, [secret: string, id: Promise<string>]>()
// The last signing key per credentials object, with the secret and scope it is for (keyed by the object, never the
// secret: the secret is kept only to see that it has not changed).
type LastKey = [secret: string, date: string, region: string, service: string, key: Promise<CryptoKey>]
const lastKeys = new WeakMap<Credentials, LastKey>()

/**
 * The SigV4 signing key `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`
 * as a non-extractable HMAC `CryptoKey`. Cached (at most 64 keys) under a hash of the secret, never the secret.
 *
 * @example
 * const key = await signingKey(credentials, '20150830', 'us-east-1', 'iam')
 */
export function signingKey(
  credentials: Credentials,
  date: string,
  region: string,
  service: string,
): Promise<CryptoKey> {
  const secret = credentials.secretAccessKey
  // The key this credentials object signed with last, for the same secret and scope: no hash, no cache lookup, and
  // no async step (the cached promise itself).
  const last = lastKeys.get(credentials)
  if (last !== undefined && last[0] === secret && last[1] === date && last[2] === region && last[3] === service)
    return last[4]
  const key = sharedKey(credentials, date, region, service)
  const entry: LastKey = [secret, date, region, service, key]
  lastKeys.set(credentials, entry)
  key.catch(() => {
    if (lastKeys.get(credentials) === entry) lastKeys.delete(credentials)
  })
  return key
}

/** The signing key from the cache shared by every credentials object with the same secret, derived on a miss. */
async function sharedKey(credentials: Credentials, date: string, region: string, service: string): Promise<CryptoKey> {
  const secret = 'AWS4' + credentials.secretAccessKey
  let id = secretIds.get(credentials)
  if (id?.[0] !== secret) {
    id = [secret, sha256Hex(secret)]
    secretIds.set(credentials, id)
  }
  const path = [date, region, service, SCOPE_TERMINATOR]
  const cacheKey = [await id[1], ...path].join('/')
  let key = signingKeys.get(cacheKey)
  if (!key) {
    // Full: start again (keys are per day, so a busy cache turns over anyway).
    if (signingKeys.size > 63) signingKeys.clear()
    key = deriveKey(secret, path)
    signingKeys.set(cacheKey, key)
    key.catch(() => signingKeys.delete(cacheKey))
  }
  return key
}

async function deriveKey(secret: string, path: string[]): Promise<CryptoKey> {
  let raw: Bytes = utf8(secret)
  for (const step of path) raw = await hmac(raw, step)
  return importHmacKey(raw)
}
