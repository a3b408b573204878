// verifyCloudFront: checks a request's CloudFront signature (signed URL or signed cookies) as CloudFront would,
// for a Worker or server in front of an origin. Fail closed: anything it cannot read unambiguously or check is
// refused with a typed code. Order: what the request claims (cheap, no key), the key, the signature over the
// policy, and only then the policy's conditions, so a condition code means "authentic, but not now/here/this".
import { CLOUDFRONT_COOKIE_PREFIX, CLOUDFRONT_PARAMS, CLOUDFRONT_SHA1, CLOUDFRONT_SHA256 } from '../core/constants.js'
import { fail } from '../core/errors.js'
import { ecdsaRawSignature } from '../sigv4a/p256.js'
import { quote } from '../verify/text.js'
import { utf8 } from '../core/encoding.js'
import { verifyWithKey } from '../core/webcrypto.js'
import { fromCloudFrontBase64 } from './base64.js'
import {
  DIGEST_NAMES,
  importCloudFrontPublicKey,
  isCryptoKey,
  keyProblem,
  type CloudFrontHashAlgorithm,
} from './keys.js'
import { cannedPolicy, inRange, parseIpv4, readPolicy, resourceMatches, type PolicyStatement } from './policy.js'

/** Why verifyCloudFront refused a request. Match on these codes, never on the message. */
export type CloudFrontVerifyErrorCode =
  /** Neither a signed URL (`Signature`, `Key-Pair-Id`, ...) nor CloudFront signed cookies. */
  | 'ERR_CF_NO_SIGNATURE'
  /** Both a signed URL and CloudFront cookies, a signing parameter or cookie given twice, `Expires` and `Policy`
   * together, or a name that differs from CloudFront's only in case or percent-encoding: which one counts is unclear. */
  | 'ERR_CF_AMBIGUOUS'
  /** A part is missing or malformed: no `Signature` or `Key-Pair-Id`, neither `Expires` nor `Policy`, base64 that is
   * not CloudFront's canonical form, an `Expires` that is not whole seconds, an unknown `Hash-Algorithm`, or signing
   * parameters that are not the last ones of the query. */
  | 'ERR_CF_MALFORMED'
  /** The custom policy cannot be checked: not JSON or not UTF-8, a field or condition this check does not know, a
   * missing DateLessThan, a repeated member, more than one statement, or an IP range that is not IPv4 CIDR. */
  | 'ERR_CF_POLICY'
  /** `publicKeys` has no key for the `Key-Pair-Id`. */
  | 'ERR_CF_UNKNOWN_KEY'
  /** The hash is not accepted (`hashAlgorithms`), or the CryptoKey for the key id was imported for another hash. */
  | 'ERR_CF_HASH_ALGORITHM'
  /** The signature does not match the policy under the key: something signed was changed, or it is another key's. */
  | 'ERR_CF_SIGNATURE'
  /** The policy's DateLessThan (or `Expires`) has passed. */
  | 'ERR_CF_EXPIRED'
  /** The policy's DateGreaterThan is still ahead. */
  | 'ERR_CF_NOT_YET_VALID'
  /** The policy limits the viewer's IP and none is known (no `CF-Connecting-IP` header, no `clientIp` option), it
   * is not IPv4, or it is outside the range. */
  | 'ERR_CF_IP'
  /** The requested URL is not the policy's resource (nor matched by its wildcards). */
  | 'ERR_CF_RESOURCE'
  /** The input is not a Request (or an object with a `url` string and `headers`), or its URL is not absolute. */
  | 'ERR_CF_MALFORMED_REQUEST'
  /** Something failed inside the check itself (`cause` holds it): the request is refused, never let through. */
  | 'ERR_CF_INTERNAL'

/** Options of {@link verifyCloudFront}. Invalid options throw `ERR_INVALID_OPTION` at the call. */
export interface VerifyCloudFrontOptions {
  /** The public keys, by CloudFront key id: a CryptoKey from {@link importCloudFrontPublicKey} or the PEM text
   * (`BEGIN PUBLIC KEY`), which is imported for whichever hash the request uses. */
  publicKeys: Record<string, CryptoKey | string>
  /**
   * The current time: a valid Date or milliseconds since the epoch.
   * @default Date.now()
   */
  now?: Date | number
  /**
   * The viewer's IPv4 address, for policies that limit it. Set it on hosts where the `CF-Connecting-IP` header is
   * not set by a proxy you trust.
   * @default the `CF-Connecting-IP` header Cloudflare sets
   */
  clientIp?: string
  /**
   * The hashes accepted: `['SHA256']` refuses SHA-1 signatures.
   * @default ['SHA1', 'SHA256']
   */
  hashAlgorithms?: readonly CloudFrontHashAlgorithm[]
}

/** A verified request. */
export interface CloudFrontVerifySuccess {
  /** Always true: tells a success from a {@link CloudFrontVerifyFailure}. */
  ok: true
  /** Where the signature came from. */
  source: 'url' | 'cookies'
  /** A canned policy (`Expires`) or a custom one (`Policy`). */
  policyType: 'canned' | 'custom'
  /** The key id whose key verified the signature. */
  keyPairId: string
  /** The hash the policy was signed over. */
  hashAlgorithm: CloudFrontHashAlgorithm
  /** The resource the policy allows (for a canned policy, the URL without its signing parameters). */
  resource: string
  /** The end of access, seconds since the epoch. */
  expires: number
  /** The start of access, seconds since the epoch, if the policy has one. */
  notBefore?: number
  /** The IPv4 range the policy allows, if it has one. */
  ipAddress?: string
  /** The requested URL without the signing parameters: the URL to forward to the origin. */
  url: string
}

/** A refused request, with a typed reason. */
export interface CloudFrontVerifyFailure {
  /** Always false. */
  ok: false
  /** Why; each code is documented on {@link CloudFrontVerifyErrorCode}. */
  code: CloudFrontVerifyErrorCode
  /** What is wrong, for logs: never the signature or a key; request values quoted escaped and cut short. */
  message: string
  /** For `ERR_CF_INTERNAL`: what was thrown. */
  cause?: unknown
}

/** The outcome of {@link verifyCloudFront}. */
export type CloudFrontVerifyResult = CloudFrontVerifySuccess | CloudFrontVerifyFailure

interface Checked {
  publicKeys: Record<string, CryptoKey | string>
  now: number
  clientIp?: string
  hashAlgorithms: readonly CloudFrontHashAlgorithm[]
}

/** What a request claims: where, the raw fields, and the resource a canned policy would name. */
interface Claim {
  source: 'url' | 'cookies'
  fields: Map<string, string>
  /** The URL without the signing parameters. */
  unsigned: string
}

const KEY_PAIR_ID = /^[A-Za-z0-9]{1,128}$/
const EXPIRES = /^(0|[1-9]\d{0,11})$/

const refuse = (code: CloudFrontVerifyErrorCode, message: string, cause?: unknown): CloudFrontVerifyFailure =>
  cause === undefined ? { ok: false, code, message } : { ok: false, code, message, cause }

function invalid(message: string): never {
  fail('ERR_INVALID_OPTION', `verifyCloudFront: ${message}`)
}

function checkOptions(options: VerifyCloudFrontOptions): Checked {
  if (typeof options !== 'object' || options === null) invalid('pass an options object { publicKeys }')
  const known = new Set(['publicKeys', 'now', 'clientIp', 'hashAlgorithms'])
  const unknown = Object.keys(options).find((name) => !known.has(name))
  if (unknown !== undefined) invalid(`options.${unknown.slice(0, 40)} is not an option`)
  const { publicKeys, now = Date.now(), clientIp, hashAlgorithms = ['SHA1', 'SHA256'] } = options
  if (typeof publicKeys !== 'object' || publicKeys === null || !Object.keys(publicKeys).length)
    invalid('options.publicKeys must map CloudFront key ids to public keys (CryptoKey or PEM)')
  for (const [id, key] of Object.entries(publicKeys)) {
    if (!KEY_PAIR_ID.test(id)) invalid(`the key id ${quote(id)} is not a CloudFront key id (letters and digits)`)
    if (typeof key !== 'string' && !(isCryptoKey(key) && key.type === 'public'))
      invalid(`publicKeys.${id} must be a public CryptoKey (importCloudFrontPublicKey) or PEM text`)
  }
  const time = now instanceof Date ? now.getTime() : now
  if (typeof time !== 'number' || !Number.isFinite(time)) invalid('options.now must be a valid Date or milliseconds')
  if (clientIp !== undefined && typeof clientIp !== 'string') invalid('options.clientIp must be a string')
  if (
    !Array.isArray(hashAlgorithms) ||
    !hashAlgorithms.length ||
    !hashAlgorithms.every((hash) => hash === 'SHA1' || hash === 'SHA256')
  )
    invalid("options.hashAlgorithms must list 'SHA1' and/or 'SHA256'")
  return { publicKeys, now: time, hashAlgorithms, ...(clientIp === undefined ? {} : { clientIp }) }
}

/** A raw query or cookie name as an app may read it: percent-decoded where it decodes, lower-cased. */
function readable(raw: string): string {
  try {
    return decodeURIComponent(raw).toLowerCase()
  } catch {
    return raw.toLowerCase()
  }
}

/** The CloudFront name a raw name stands for (written exactly, or not), or undefined for other names. */
function nameOf(raw: string, prefix = ''): { name: string; exact: boolean } | undefined {
  const lower = readable(raw)
  if (!lower.startsWith(prefix.toLowerCase())) return undefined
  const rest = lower.slice(prefix.length)
  const name = Object.values(CLOUDFRONT_PARAMS).find((known) => known.toLowerCase() === rest)
  return name === undefined ? undefined : { name, exact: raw === prefix + name }
}

/** The signing parameters of a URL (the trailing run of the query) and the URL without them. */
function urlClaim(url: URL): Claim | CloudFrontVerifyFailure | undefined {
  const href = url.href
  const queryStart = href.indexOf('?')
  if (queryStart < 0) return undefined
  const pairs = href.slice(queryStart + 1).split('&')
  const fields = new Map<string, string>()
  let first = -1
  for (const [index, pair] of pairs.entries()) {
    const equals = pair.indexOf('=')
    const raw = equals < 0 ? pair : pair.slice(0, equals)
    const known = nameOf(raw)
    if (!known) {
      if (first >= 0)
        return refuse(
          'ERR_CF_MALFORMED',
          `The query parameter ${quote(raw)} follows the signing parameters: they must be last`,
        )
      continue
    }
    if (!known.exact)
      return refuse('ERR_CF_AMBIGUOUS', `The query parameter ${quote(raw)} is not CloudFront's ${known.name}`)
    if (fields.has(known.name)) return refuse('ERR_CF_AMBIGUOUS', `The query parameter ${known.name} is given twice`)
    if (equals < 0) return refuse('ERR_CF_MALFORMED', `The query parameter ${known.name} has no value`)
    if (first < 0) first = index
    fields.set(known.name, pair.slice(equals + 1))
  }
  if (first < 0) return undefined
  // What was signed: the URL up to the separator before the first signing parameter.
  const unsigned =
    first === 0 ? href.slice(0, queryStart) : href.slice(0, queryStart + 1) + pairs.slice(0, first).join('&')
  return { source: 'url', fields, unsigned }
}

/** The CloudFront cookies of a Cookie header. */
function cookieClaim(header: string | null, url: URL): Claim | CloudFrontVerifyFailure | undefined {
  if (header === null) return undefined
  const fields = new Map<string, string>()
  for (const part of header.split(';')) {
    const cookie = part.trim()
    const equals = cookie.indexOf('=')
    const raw = equals < 0 ? cookie : cookie.slice(0, equals).trim()
    const known = nameOf(raw, CLOUDFRONT_COOKIE_PREFIX)
    if (!known) continue
    if (!known.exact) return refuse('ERR_CF_AMBIGUOUS', `The cookie ${quote(raw)} is not CloudFront's ${known.name}`)
    if (fields.has(known.name))
      return refuse('ERR_CF_AMBIGUOUS', `The cookie ${CLOUDFRONT_COOKIE_PREFIX}${known.name} is sent twice`)
    if (equals < 0)
      return refuse('ERR_CF_MALFORMED', `The cookie ${CLOUDFRONT_COOKIE_PREFIX}${known.name} has no value`)
    fields.set(known.name, cookie.slice(equals + 1).trim())
  }
  return fields.size ? { source: 'cookies', fields, unsigned: url.href } : undefined
}

/** The key for a key id and hash: the given CryptoKey if it fits, else the PEM imported for the hash. */
async function publicKey(
  value: CryptoKey | string,
  hash: CloudFrontHashAlgorithm,
  keyPairId: string,
): Promise<CryptoKey | CloudFrontVerifyFailure> {
  if (typeof value === 'string') return importCloudFrontPublicKey(value, { hashAlgorithm: hash })
  const problem = keyProblem(value, 'public', hash)
  if (!problem) return value
  const code = value.algorithm.name === 'RSASSA-PKCS1-v1_5' ? 'ERR_CF_HASH_ALGORITHM' : 'ERR_CF_SIGNATURE'
  return refuse(code, `The key for ${keyPairId} cannot check this signature: ${problem}`)
}

async function check(input: unknown, options: Checked): Promise<CloudFrontVerifyResult> {
  const request = input as { url?: unknown; headers?: { get?: unknown } }
  if (
    typeof request !== 'object' ||
    request === null ||
    typeof request.url !== 'string' ||
    typeof request.headers?.get !== 'function'
  )
    return refuse('ERR_CF_MALFORMED_REQUEST', 'Pass a fetch Request (or an object with a url string and Headers)')
  const headers = request.headers as Headers
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return refuse('ERR_CF_MALFORMED_REQUEST', `The request URL ${quote(request.url)} is not an absolute URL`)
  }
  url.hash = '' // never sent, never signed
  const fromUrl = urlClaim(url)
  if (fromUrl && 'ok' in fromUrl) return fromUrl
  const fromCookies = cookieClaim(headers.get('cookie'), url)
  if (fromCookies && 'ok' in fromCookies) return fromCookies
  if (fromUrl && fromCookies)
    return refuse('ERR_CF_AMBIGUOUS', 'The request has both a signed URL and CloudFront cookies: send one of them')
  const claim = fromUrl ?? fromCookies
  if (!claim) return refuse('ERR_CF_NO_SIGNATURE', 'The request has no CloudFront signed URL or signed cookies')

  const { fields } = claim
  const where = claim.source === 'url' ? 'query parameter' : 'cookie'
  const named = (name: string) => (claim.source === 'url' ? name : CLOUDFRONT_COOKIE_PREFIX + name)
  const signatureText = fields.get(CLOUDFRONT_PARAMS.signature)
  const keyPairId = fields.get(CLOUDFRONT_PARAMS.keyPairId)
  const expiresText = fields.get(CLOUDFRONT_PARAMS.expires)
  const policyText = fields.get(CLOUDFRONT_PARAMS.policy)
  if (signatureText === undefined) return refuse('ERR_CF_MALFORMED', `The ${where} ${named('Signature')} is missing`)
  if (keyPairId === undefined) return refuse('ERR_CF_MALFORMED', `The ${where} ${named('Key-Pair-Id')} is missing`)
  if (expiresText !== undefined && policyText !== undefined)
    return refuse(
      'ERR_CF_AMBIGUOUS',
      `Both ${named('Expires')} and ${named('Policy')} are given: which policy counts is unclear`,
    )
  if (expiresText === undefined && policyText === undefined)
    return refuse('ERR_CF_MALFORMED', `Neither ${named('Expires')} nor ${named('Policy')} is given`)
  const hashText = fields.get(CLOUDFRONT_PARAMS.hashAlgorithm)
  const hash: CloudFrontHashAlgorithm | undefined =
    hashText === undefined || hashText === CLOUDFRONT_SHA1
      ? 'SHA1'
      : hashText === CLOUDFRONT_SHA256
        ? 'SHA256'
        : undefined
  if (!hash)
    return refuse('ERR_CF_MALFORMED', `${named('Hash-Algorithm')} ${quote(hashText!)} is neither SHA1 nor SHA256`)
  if (!options.hashAlgorithms.includes(hash))
    return refuse('ERR_CF_HASH_ALGORITHM', `Signatures over ${hash} are not accepted here (hashAlgorithms)`)
  if (!KEY_PAIR_ID.test(keyPairId)) return refuse('ERR_CF_MALFORMED', `The key id ${quote(keyPairId)} is malformed`)
  const signature = fromCloudFrontBase64(signatureText)
  if (!signature?.length) return refuse('ERR_CF_MALFORMED', `${named('Signature')} is not CloudFront's URL-safe base64`)

  let policyBytes: Uint8Array<ArrayBuffer>
  let statement: PolicyStatement
  if (expiresText !== undefined) {
    if (!EXPIRES.test(expiresText))
      return refuse('ERR_CF_MALFORMED', `${named('Expires')} ${quote(expiresText)} is not whole seconds`)
    statement = { resource: claim.unsigned, expires: +expiresText }
    policyBytes = utf8(cannedPolicy(statement.resource, statement.expires))
  } else {
    const bytes = fromCloudFrontBase64(policyText!)
    if (!bytes) return refuse('ERR_CF_MALFORMED', `${named('Policy')} is not CloudFront's URL-safe base64`)
    let json: string
    try {
      json = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
    } catch {
      return refuse('ERR_CF_POLICY', 'The policy is not UTF-8 text')
    }
    const read = readPolicy(json)
    if (typeof read === 'string') return refuse('ERR_CF_POLICY', `The policy cannot be checked: ${read}`)
    statement = read
    policyBytes = bytes
  }

  if (!Object.hasOwn(options.publicKeys, keyPairId))
    return refuse('ERR_CF_UNKNOWN_KEY', `No public key is configured for the key id ${quote(keyPairId)}`)
  const key = await publicKey(options.publicKeys[keyPairId]!, hash, keyPairId)
  if ('ok' in key) return key
  let rawSignature: Uint8Array<ArrayBuffer> | undefined = signature
  if (key.algorithm.name === 'ECDSA') rawSignature = ecdsaRawSignature(signature)
  else if (signature.length !== (key.algorithm as RsaHashedKeyAlgorithm).modulusLength / 8) rawSignature = undefined
  if (!rawSignature || !(await verifyWithKey(key, DIGEST_NAMES[hash], rawSignature, policyBytes)))
    return refuse('ERR_CF_SIGNATURE', `The signature does not match the policy under the key ${quote(keyPairId)}`)

  if (!(options.now < statement.expires * 1000))
    return refuse('ERR_CF_EXPIRED', `The policy expired at ${new Date(statement.expires * 1000).toISOString()}`)
  if (statement.notBefore !== undefined && options.now < statement.notBefore * 1000)
    return refuse(
      'ERR_CF_NOT_YET_VALID',
      `The policy is valid from ${new Date(statement.notBefore * 1000).toISOString()}`,
    )
  if (statement.ipAddress !== undefined) {
    const viewer = options.clientIp ?? headers.get('cf-connecting-ip')
    if (viewer === null)
      return refuse('ERR_CF_IP', 'The policy limits the viewer IP and no CF-Connecting-IP (or clientIp) is known')
    const address = parseIpv4(viewer.trim())
    if (!address || address.prefix !== 32 || viewer.includes('/'))
      return refuse(
        'ERR_CF_IP',
        `The viewer IP ${quote(viewer)} is not an IPv4 address, which the policy's range needs`,
      )
    if (!inRange(address, parseIpv4(statement.ipAddress)!))
      return refuse('ERR_CF_IP', `The viewer IP ${quote(viewer)} is outside the policy's ${statement.ipAddress}`)
  }
  if (policyText !== undefined && !resourceMatches(statement.resource, claim.unsigned))
    return refuse(
      'ERR_CF_RESOURCE',
      `The URL ${quote(claim.unsigned)} is not the policy's resource ${quote(statement.resource)}`,
    )

  return {
    ok: true,
    source: claim.source,
    policyType: expiresText === undefined ? 'custom' : 'canned',
    keyPairId,
    hashAlgorithm: hash,
    ...statement,
    url: claim.unsigned,
  }
}

/**
 * Checks a request's CloudFront signature, as CloudFront does, in a Worker or server in front of an origin: a signed
 * URL or signed cookies (not both), the signature under `publicKeys[Key-Pair-Id]` (RSA or ECDSA P-256, SHA-1 or
 * SHA-256), then the policy: expiry, start, viewer IP (`CF-Connecting-IP`) and resource. Returns `{ ok: true, ... }`
 * or `{ ok: false, code, message }`; it refuses whatever it cannot check (fail closed). Invalid options throw.
 *
 * @example
 * export default {
 *   async fetch(request: Request, env: { CLOUDFRONT_PUBLIC_KEY: string }): Promise<Response> {
 *     const result = await verifyCloudFront(request, { publicKeys: { K2JCJMDEHXQW5F: env.CLOUDFRONT_PUBLIC_KEY } })
 *     if (!result.ok) return new Response('Forbidden', { status: 403 })
 *     return fetch(new Request(result.url, request))
 *   },
 * }
 */
export async function verifyCloudFront(
  request: Request | { url: string; headers: Headers },
  options: VerifyCloudFrontOptions,
): Promise<CloudFrontVerifyResult> {
  const checked = checkOptions(options)
  try {
    return await check(request, checked)
  } catch (error) {
    // A configured PEM that cannot be imported is the server's fault: it throws, as an invalid option does.
    if (error instanceof Error && error.name === 'SigV4Error') throw error
    return refuse('ERR_CF_INTERNAL', 'The check failed inside verifyCloudFront: the request is refused', error)
  }
}
