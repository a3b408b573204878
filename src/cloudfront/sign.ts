// Signing CloudFront URLs and cookies: options checked first (nothing is guessed: a URL must already be in the form
// a browser sends), then the policy JSON, its signature (RSA PKCS#1 v1.5, or ECDSA P-256 in DER), and the
// parameters or cookies, in CloudFront's names and URL-safe base64.
import { CLOUDFRONT_COOKIE_PREFIX, CLOUDFRONT_PARAMS, CLOUDFRONT_SHA256 } from '../core/constants.js'
import { fail } from '../core/errors.js'
import { ecdsaDerSignature } from '../sigv4a/p256.js'
import { utf8 } from '../core/encoding.js'
import { signWithKey } from '../core/webcrypto.js'
import { cloudFrontBase64 } from './base64.js'
import {
  DIGEST_NAMES,
  hashOption,
  importCloudFrontKey,
  isCryptoKey,
  keyProblem,
  type CloudFrontHashAlgorithm,
} from './keys.js'
import {
  cannedPolicy,
  customPolicy,
  customStatement,
  epochSeconds,
  resourceMatches,
  type CloudFrontPolicy,
} from './policy.js'

/** Options of {@link cloudFrontSignedUrl} and {@link cloudFrontSignedCookies}. */
export interface CloudFrontSignOptions {
  /** The URL to sign, as a browser sends it (`new URL(text).href`): the signed URL is this with the signing
   * parameters appended (its own query is kept). For cookies with a custom `policy` it is not needed. */
  url?: string | URL
  /** The id of the public key in CloudFront (the key group's key, e.g. `K2JCJMDEHXQW5F`). */
  keyPairId: string
  /** The private key: from {@link importCloudFrontKey} (RSA keys imported for the same `hashAlgorithm`), or its PEM. */
  privateKey: CryptoKey | string
  /** A canned policy: the URL, exactly, until this time (a Date or whole seconds since the epoch). */
  expires?: Date | number
  /** A custom policy instead of `expires`: a resource that may hold wildcards, a start, an IPv4 range. */
  policy?: CloudFrontPolicy
  /**
   * The hash the policy is signed over: `SHA1` (as CloudFront's own) or `SHA256`, which adds
   * `Hash-Algorithm=SHA256` (the `CloudFront-Hash-Algorithm` cookie).
   * @default 'SHA1'
   */
  hashAlgorithm?: CloudFrontHashAlgorithm
}

/** The cookies that carry a CloudFront signature. */
export interface CloudFrontCookies {
  /** The custom policy (custom policies only). */
  'CloudFront-Policy'?: string
  /** The end of access, seconds since the epoch (canned policies only). */
  'CloudFront-Expires'?: string
  /** The signature of the policy, in CloudFront's URL-safe base64. */
  'CloudFront-Signature': string
  /** The id of the public key in CloudFront that checks the signature. */
  'CloudFront-Key-Pair-Id': string
  /** `SHA256` when the policy is signed over SHA-256. */
  'CloudFront-Hash-Algorithm'?: string
}

/** Attributes of the `Set-Cookie` headers made by {@link CloudFrontSignedCookies.setCookie}. */
export interface CloudFrontCookieAttributes {
  /**
   * `Domain=`.
   * @default none: the cookies go to the host that set them only
   */
  domain?: string
  /**
   * `Path=`.
   * @default '/'
   */
  path?: string
  /**
   * `Secure`.
   * @default true
   */
  secure?: boolean
  /**
   * `HttpOnly`.
   * @default true
   */
  httpOnly?: boolean
  /**
   * `SameSite=`. `None` needs `secure`.
   * @default none
   */
  sameSite?: 'Strict' | 'Lax' | 'None'
  /**
   * `Max-Age=` in whole seconds.
   * @default none: session cookies, as CloudFront recommends
   */
  maxAge?: number
  /**
   * `Expires=`.
   * @default none
   */
  expires?: Date
}

/** What {@link cloudFrontSignedCookies} returns. */
export interface CloudFrontSignedCookies {
  /** The cookie names and values. */
  cookies: CloudFrontCookies
  /** One `Set-Cookie` header value per cookie, `Secure; HttpOnly; Path=/` unless told otherwise. */
  setCookie: (attributes?: CloudFrontCookieAttributes) => string[]
}

const KNOWN_OPTIONS = new Set(['url', 'keyPairId', 'privateKey', 'expires', 'policy', 'hashAlgorithm'])
const KEY_PAIR_ID = /^[A-Za-z0-9]{1,128}$/

interface Signed {
  /** Name (without the cookie prefix) and value of each parameter, in CloudFront's documented order. */
  params: Array<[name: string, value: string]>
  href?: string
}

/** The URL option, checked: absolute http(s)/ws(s), as a browser would send it, not signed already. */
function checkUrl(value: unknown): string {
  let url: URL
  try {
    url = new URL(value instanceof URL ? value.href : String(value))
  } catch {
    fail('ERR_INVALID_URL', 'CloudFront: url must be an absolute URL')
  }
  if (typeof value !== 'string' && !(value instanceof URL))
    fail('ERR_INVALID_URL', 'CloudFront: url must be a string or URL')
  if (!/^(https?|wss?):$/.test(url.protocol)) fail('ERR_INVALID_URL', 'CloudFront: url must be http(s) or ws(s)')
  if (url.username || url.password) fail('ERR_INVALID_URL', 'CloudFront: url must not hold a user name or password')
  if (url.hash || String(value).includes('#'))
    fail('ERR_INVALID_URL', 'CloudFront: url must not hold a #fragment (it is never sent)')
  if (url.href !== String(value))
    fail(
      'ERR_INVALID_URL',
      'CloudFront: url must be written as a browser sends it (pass new URL(url).href): ' +
        'otherwise the signed resource differs from the requested one',
    )
  for (const pair of url.search.slice(1).split('&')) {
    const name = pair.split('=')[0]!
    let decoded = name
    try {
      decoded = decodeURIComponent(name)
    } catch {
      // kept as written
    }
    const signing = Object.values(CLOUDFRONT_PARAMS).map((known) => known.toLowerCase())
    if (signing.includes(name.toLowerCase()) || signing.includes(decoded.toLowerCase()))
      fail('ERR_INVALID_URL', `CloudFront: url already holds the signing parameter ${name}: pass the unsigned URL`)
  }
  return url.href
}

async function signingKey(value: unknown, hash: CloudFrontHashAlgorithm): Promise<CryptoKey> {
  if (typeof value === 'string') return importCloudFrontKey(value, { hashAlgorithm: hash })
  if (!isCryptoKey(value))
    fail('ERR_INVALID_OPTION', 'CloudFront: privateKey must be a CryptoKey from importCloudFrontKey, or the PEM text')
  const problem = keyProblem(value, 'private', hash)
  if (problem) fail('ERR_CLOUDFRONT_KEY', `CloudFront: privateKey cannot sign: ${problem}`)
  return value
}

/** Checks the options, builds the policy, signs it: the parameters of a signed URL or cookie set. */
async function signParams(options: CloudFrontSignOptions, purpose: 'url' | 'cookies'): Promise<Signed> {
  const where = purpose === 'url' ? 'cloudFrontSignedUrl' : 'cloudFrontSignedCookies'
  if (typeof options !== 'object' || options === null) fail('ERR_INVALID_OPTION', `${where}: pass an options object`)
  const unknown = Object.keys(options).find((name) => !KNOWN_OPTIONS.has(name))
  if (unknown !== undefined) fail('ERR_INVALID_OPTION', `${where}: options.${unknown.slice(0, 40)} is not an option`)
  const hash = hashOption(options.hashAlgorithm, where)
  if (typeof options.keyPairId !== 'string' || !KEY_PAIR_ID.test(options.keyPairId))
    fail('ERR_INVALID_OPTION', `${where}: keyPairId must be the CloudFront public key id (letters and digits)`)
  if ((options.expires === undefined) === (options.policy === undefined))
    fail('ERR_INVALID_OPTION', `${where}: pass either expires (a canned policy) or policy (a custom one), not both`)
  const href =
    options.url !== undefined || purpose === 'url' || options.policy === undefined ? checkUrl(options.url) : undefined
  let policy: string
  const params: Array<[string, string]> = []
  if (options.policy === undefined) {
    const expires = epochSeconds(options.expires, 'expires', 'floor')
    policy = cannedPolicy(href!, expires)
    params.push([CLOUDFRONT_PARAMS.expires, String(expires)])
  } else {
    const statement = customStatement(options.policy)
    if (href !== undefined && !resourceMatches(statement.resource, href))
      fail(
        'ERR_INVALID_OPTION',
        `${where}: policy.resource does not cover url, so CloudFront would refuse it: widen the resource (wildcards * ?)`,
      )
    policy = customPolicy(statement)
    params.push([CLOUDFRONT_PARAMS.policy, cloudFrontBase64(utf8(policy))])
  }
  const key = await signingKey(options.privateKey, hash)
  const raw = await signWithKey(key, DIGEST_NAMES[hash], utf8(policy))
  const signature = key.algorithm.name === 'ECDSA' ? ecdsaDerSignature(raw) : new Uint8Array(raw)
  params.push(
    [CLOUDFRONT_PARAMS.signature, cloudFrontBase64(signature)],
    [CLOUDFRONT_PARAMS.keyPairId, options.keyPairId],
  )
  if (hash === 'SHA256') params.push([CLOUDFRONT_PARAMS.hashAlgorithm, CLOUDFRONT_SHA256])
  return href === undefined ? { params } : { params, href }
}

/**
 * Signs a CloudFront URL: with `expires`, a canned policy (this URL exactly, until then); with `policy`, a custom
 * one (a resource pattern, a start, an IPv4 range). Returns the URL with `Expires` or `Policy`, `Signature`,
 * `Key-Pair-Id` (and `Hash-Algorithm=SHA256`) appended after its own query, as botocore's CloudFrontSigner does.
 * Runs on WebCrypto only: browsers, Workers without nodejs_compat, Deno, Bun, Node.
 *
 * @example
 * declare const env: { CLOUDFRONT_PRIVATE_KEY: string } // a Worker secret
 * const privateKey = await importCloudFrontKey(env.CLOUDFRONT_PRIVATE_KEY)
 * const url = await cloudFrontSignedUrl({
 *   url: 'https://d111111abcdef8.cloudfront.net/videos/intro.mp4',
 *   keyPairId: 'K2JCJMDEHXQW5F',
 *   privateKey,
 *   expires: new Date(Date.now() + 3600_000),
 * })
 */
export async function cloudFrontSignedUrl(options: CloudFrontSignOptions): Promise<string> {
  const { params, href } = await signParams(options, 'url')
  const query = params.map(([name, value]) => `${name}=${value}`).join('&')
  return `${href!}${href!.includes('?') ? '&' : '?'}${query}`
}

const COOKIE_TEXT = /^[\x21-\x3a\x3c-\x7e]+$/ // printable ASCII without space or ';'

function attributes(options: CloudFrontCookieAttributes | undefined): string {
  const given = options ?? {}
  if (typeof given !== 'object' || given === null) fail('ERR_INVALID_OPTION', 'setCookie: pass an attributes object')
  const known = new Set(['domain', 'path', 'secure', 'httpOnly', 'sameSite', 'maxAge', 'expires'])
  const unknown = Object.keys(given).find((name) => !known.has(name))
  if (unknown !== undefined) fail('ERR_INVALID_OPTION', `setCookie: ${unknown.slice(0, 40)} is not a cookie attribute`)
  const { domain, path = '/', secure = true, httpOnly = true, sameSite, maxAge, expires } = given
  const parts: string[] = []
  if (domain !== undefined) {
    if (typeof domain !== 'string' || !/^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(domain))
      fail('ERR_INVALID_OPTION', 'setCookie: domain must be a host name such as example.com')
    parts.push(`Domain=${domain}`)
  }
  if (typeof path !== 'string' || !path.startsWith('/') || !COOKIE_TEXT.test(path))
    fail('ERR_INVALID_OPTION', "setCookie: path must start with '/' and hold no space or ';'")
  parts.push(`Path=${path}`)
  if (typeof secure !== 'boolean' || typeof httpOnly !== 'boolean')
    fail('ERR_INVALID_OPTION', 'setCookie: secure and httpOnly must be booleans')
  if (secure) parts.push('Secure')
  if (httpOnly) parts.push('HttpOnly')
  if (sameSite !== undefined) {
    if (sameSite !== 'Strict' && sameSite !== 'Lax' && sameSite !== 'None')
      fail('ERR_INVALID_OPTION', "setCookie: sameSite must be 'Strict', 'Lax' or 'None'")
    if (sameSite === 'None' && !secure) fail('ERR_INVALID_OPTION', "setCookie: sameSite 'None' needs secure")
    parts.push(`SameSite=${sameSite}`)
  }
  if (maxAge !== undefined) {
    if (!Number.isInteger(maxAge) || maxAge < 0)
      fail('ERR_INVALID_OPTION', 'setCookie: maxAge must be whole seconds, 0 or more')
    parts.push(`Max-Age=${maxAge}`)
  }
  if (expires !== undefined) {
    if (!(expires instanceof Date) || Number.isNaN(expires.getTime()))
      fail('ERR_INVALID_OPTION', 'setCookie: expires must be a valid Date')
    parts.push(`Expires=${expires.toUTCString()}`)
  }
  return parts.join('; ')
}

/**
 * Signs CloudFront cookies: the same options as {@link cloudFrontSignedUrl} (a canned policy covers `url` exactly; a
 * custom `policy` covers its resource, e.g. `https://d111111abcdef8.cloudfront.net/videos/*`). Returns the cookie
 * values and `setCookie()`, which gives one `Set-Cookie` value per cookie (`Secure; HttpOnly; Path=/` by default).
 *
 * @example
 * declare const env: { CLOUDFRONT_PRIVATE_KEY: string } // a Worker secret
 * const privateKey = await importCloudFrontKey(env.CLOUDFRONT_PRIVATE_KEY)
 * const { setCookie } = await cloudFrontSignedCookies({
 *   keyPairId: 'K2JCJMDEHXQW5F',
 *   privateKey,
 *   policy: { resource: 'https://media.example.com/videos/*', expires: new Date(Date.now() + 3600_000) },
 * })
 * const headers = new Headers()
 * for (const cookie of setCookie({ domain: 'media.example.com' })) headers.append('set-cookie', cookie)
 */
export async function cloudFrontSignedCookies(options: CloudFrontSignOptions): Promise<CloudFrontSignedCookies> {
  const { params } = await signParams(options, 'cookies')
  const cookies = Object.fromEntries(
    params.map(([name, value]) => [CLOUDFRONT_COOKIE_PREFIX + name, value]),
  ) as unknown as CloudFrontCookies
  return {
    cookies,
    setCookie: (attrs) => {
      const suffix = attributes(attrs)
      return params.map(([name, value]) => `${CLOUDFRONT_COOKIE_PREFIX}${name}=${value}; ${suffix}`)
    },
  }
}
