// SigV4a (AWS4-ECDSA-P256-SHA256): one signature valid in a set of regions. The canonical request and the
// pipeline are the core's; only the scope (no region), the region-set value and the signature differ.
import { REGION_SET_PARAM, SCOPE_TERMINATOR, SIGV4A_ALGORITHM } from '../core/constants.js'
import type { RequestParts, SignedParts, SigningAlgorithm } from '../core/types.js'
import { fail } from '../core/errors.js'
import { checkCredentials, type Credentials, type PresignOptions, type SignOptions } from '../core/options.js'
import { addOne, ecdsaDerSignature, greaterThan, p256PublicPoint } from './p256.js'
import { presignPartsWith, presignRequestWith, signPartsWith, signRequestWith } from '../core/with-algorithm.js'
import type { RequestLike } from '../core/request.js'
import { base64url, fromHex, toHex, utf8 } from '../core/encoding.js'
import { ecdsaP256Sign, hmacBytes, importEcdsaP256Key, importHmacKey, sha256Hex } from '../core/webcrypto.js'

/** Options of `signV4a` and `signPartsV4a`: those of `sign`, plus the region set. */
export interface SignV4aOptions extends SignOptions {
  /**
   * The regions the signature is valid in: one region (`'us-east-1'`), a list (`['us-east-1', 'eu-west-1']`),
   * or wildcards (`'*'` for all regions, `'us-*'`). Sent as `x-amz-region-set` / `X-Amz-Region-Set`.
   * The SigV4a scope itself has no region, so `region` serves only as this fallback (as given: it is not inferred
   * from the host).
   * @default [options.region]
   */
  regionSet?: string | string[]
}

/** Options of `presignV4a` and `presignPartsV4a`: those of `presign`, plus the region set. */
export interface PresignV4aOptions extends SignV4aOptions, PresignOptions {}

/** The SigV4a public key of a credential: the P-256 point's affine coordinates, 64 lower-case hex digits each. */
export interface PublicKeyV4a {
  /** The point's x coordinate: 64 lower-case hex digits. */
  x: string
  /** The point's y coordinate: 64 lower-case hex digits. */
  y: string
}

interface KeyPair extends PublicKeyV4a {
  privateKey: CryptoKey
}

const ALGORITHM = SIGV4A_ALGORITHM

// n - 2 of P-256, big-endian: a KDF candidate above it is rejected (d = candidate + 1 must be below n).
const N_MINUS_2 = /* @__PURE__ */ fromHex('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f')
const MAX_KEYS = 16
// Cache keyed by SHA-256 of (access key id, secret), never by the secret itself.
const keyPairs = new Map<string, Promise<KeyPair>>()
// The cache entry per credentials object, so a warm signature costs no digest.
const byCredentials = new WeakMap<Credentials, [accessKeyId: string, secret: string, keyPair: Promise<KeyPair>]>()

/**
 * The SigV4a key pair of a credential: the private scalar derived as AWS specifies (NIST SP 800-108 HMAC-SHA256
 * counter mode), the public point computed once, the private key imported into WebCrypto non-extractable.
 * Cached (at most 16) per credential, like the core's signing key.
 */
function keyPair(credentials: Credentials): Promise<KeyPair> {
  const { accessKeyId, secretAccessKey } = credentials
  const known = byCredentials.get(credentials)
  if (known && known[0] === accessKeyId && known[1] === secretAccessKey) return known[2]
  const pair = sha256Hex(JSON.stringify([ALGORITHM, accessKeyId, secretAccessKey])).then((id) => {
    let cached = keyPairs.get(id)
    if (cached) keyPairs.delete(id)
    else {
      cached = deriveKeyPair(accessKeyId, secretAccessKey)
      cached.catch(() => keyPairs.delete(id))
      if (keyPairs.size >= MAX_KEYS) keyPairs.delete(keyPairs.keys().next().value!)
    }
    keyPairs.set(id, cached)
    return cached
  })
  pair.catch(() => byCredentials.delete(credentials))
  byCredentials.set(credentials, [accessKeyId, secretAccessKey, pair])
  return pair
}

async function deriveKeyPair(accessKeyId: string, secret: string): Promise<KeyPair> {
  const kdfKey = await importHmacKey(utf8('AWS4A' + secret))
  const id = utf8(accessKeyId)
  // Fixed input: 1 (32-bit) ‖ label ‖ 0x00 ‖ access key id ‖ counter (8-bit) ‖ 256 (32-bit length in bits).
  const input = new Uint8Array(4 + ALGORITHM.length + 1 + id.length + 1 + 4)
  input.set([0, 0, 0, 1, ...utf8(ALGORITHM), 0, ...id, 0, 0, 0, 1, 0])
  for (let counter = 1; counter < 255; counter++) {
    input[input.length - 5] = counter
    const candidate = new Uint8Array(await hmacBytes(kdfKey, input))
    if (!greaterThan(candidate, N_MINUS_2)) {
      const d = addOne(candidate)
      const [x, y] = p256PublicPoint(BigInt('0x' + toHex(d.buffer))).map((coordinate) =>
        coordinate.toString(16).padStart(64, '0'),
      )
      let privateKey: CryptoKey
      try {
        privateKey = await importEcdsaP256Key({ d: base64url(d), x: base64url(fromHex(x!)), y: base64url(fromHex(y!)) })
      } catch (error) {
        fail(
          'ERR_ECDSA_UNAVAILABLE',
          "This runtime's WebCrypto cannot import an ECDSA P-256 key, which SigV4a needs: " +
            'use a runtime with P-256 support (see error.cause)',
          error,
        )
      }
      return { privateKey, x: x!, y: y! }
    }
  }
  // Each candidate fails with probability about 2^-32: 254 failures do not happen with real credentials.
  fail('ERR_KEY_DERIVATION', 'No SigV4a key can be derived from these credentials: use other credentials')
}

/**
 * The SigV4a algorithm for a region set: the core pipeline does the rest. It throws: call it from async functions
 * only.
 */
function sigv4a(options: SignV4aOptions): [SignOptions, SigningAlgorithm] {
  const set = options?.regionSet ?? options?.region
  if (set === undefined)
    fail(
      'ERR_REGION_REQUIRED',
      'SigV4a needs a region set: pass options.regionSet (e.g. "*", "us-east-1" or ["us-east-1", "eu-west-1"])',
    )
  const regions = typeof set === 'string' ? set.split(',') : set
  if (
    !Array.isArray(regions) ||
    !regions.length ||
    !regions.every((region) => typeof region === 'string' && /^[a-z0-9*-]+$/.test(region))
  ) {
    fail(
      'ERR_INVALID_REGION_SET',
      'options.regionSet must be one or more region names or patterns, ' +
        'e.g. "*", "us-*", "us-east-1" or ["us-east-1", "eu-west-1"]',
    )
  }
  const algorithm: SigningAlgorithm = {
    name: ALGORITHM,
    // The SigV4a scope has no region: the region set says where the signature is valid.
    scope: (date, _region, service) => [date, service, SCOPE_TERMINATOR].join('/'),
    params: [[REGION_SET_PARAM, regions.join(',')]],
    signature: async (stringToSign, { credentials }) =>
      toHex(ecdsaDerSignature(await ecdsaP256Sign((await keyPair(credentials)).privateKey, stringToSign)).buffer),
  }
  // The core resolves a region for its own scope; SigV4a ignores it, so any valid name does.
  return [{ ...options, region: 'aws-global' }, algorithm]
}

/**
 * Signs a request with SigV4a (`AWS4-ECDSA-P256-SHA256`) into the `authorization` header, valid in every region
 * of `options.regionSet`, and returns a new `Request`. Use it for S3 Multi-Region Access Points, EventBridge
 * global endpoints and CloudFront KeyValueStore. Pass `service` for these hosts: it is not in their names.
 *
 * @example
 * import { signV4a } from 'webcrypto-sigv4/sigv4a'
 * const request = await signV4a(
 *   { url: 'https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/report.pdf' },
 *   { credentials, service: 's3', regionSet: '*' },
 * )
 * const response = await fetch(request)
 */
export async function signV4a(input: Request | RequestLike, options: SignV4aOptions): Promise<Request> {
  return (await signRequestWith(input, ...sigv4a(options))).request
}

/**
 * Presigns a request with SigV4a: returns a URL whose query carries the signature and `X-Amz-Region-Set`,
 * valid for `options.expiresIn` seconds (default 3600) in every region of `options.regionSet`.
 *
 * @example
 * const url = await presignV4a('https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/report.pdf', {
 *   credentials,
 *   service: 's3',
 *   regionSet: '*',
 *   expiresIn: 600,
 * })
 */
export async function presignV4a(
  input: Request | RequestLike | string | URL,
  options: PresignV4aOptions,
): Promise<URL> {
  return presignRequestWith(input, ...sigv4a(options))
}

/**
 * Signs plain request parts with SigV4a and returns every step (canonical request, string to sign, DER
 * signature in hex) with the headers to send. See `signParts` for the parts.
 *
 * @example
 * const signed = await signPartsV4a(
 *   { method: 'GET', host: 'example.amazonaws.com', path: '/' },
 *   { credentials, service: 'service', regionSet: ['us-east-1', 'eu-west-1'] },
 * )
 * signed.headers
 * // [['x-amz-date', '…'], ['x-amz-region-set', 'us-east-1,eu-west-1'], ['authorization', '…']]
 */
export async function signPartsV4a(parts: RequestParts, options: SignV4aOptions): Promise<SignedParts> {
  return signPartsWith(parts, ...sigv4a(options))
}

/**
 * Presigns plain request parts with SigV4a and returns the query to send with every step.
 *
 * @example
 * const signed = await presignPartsV4a(
 *   { method: 'GET', host: 'example.amazonaws.com', path: '/' },
 *   { credentials, service: 'service', regionSet: '*' },
 * )
 * const url = `https://${signed.host}${signed.path}?${signed.query}`
 */
export async function presignPartsV4a(parts: RequestParts, options: PresignV4aOptions): Promise<SignedParts> {
  return presignPartsWith(parts, ...sigv4a(options))
}

/**
 * The SigV4a public key of a credential (derived once and cached), e.g. to verify signatures made with it.
 *
 * @example
 * const { x, y } = await publicKeyV4a({
 *   accessKeyId: 'AKIDEXAMPLE',
 *   secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
 * })
 * // x: 'b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1', y: '865ed22a…e518'
 */
export async function publicKeyV4a(credentials: Credentials): Promise<PublicKeyV4a> {
  const { x, y } = await keyPair(checkCredentials(credentials))
  return { x, y }
}
