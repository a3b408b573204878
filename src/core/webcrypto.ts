// The only module that touches crypto.subtle: everything else is pure string/byte work (encoding.ts).
import { isBytes, toHex, utf8, type Bytes } from './encoding.js'
import { fail } from './errors.js'

// crypto.subtle is missing on plain-http pages other than localhost (not a secure context).
const subtle = (): SubtleCrypto =>
  globalThis.crypto?.subtle ?? fail('ERR_CRYPTO_UNAVAILABLE', 'Serve over https: crypto.subtle is missing')

/**
 * SHA-256 of a string (UTF-8) or bytes, as lower-case hex.
 *
 * @example
 * await sha256Hex('') // 'e3b0c442...b855'
 */
export async function sha256Hex(data: string | Bytes): Promise<string> {
  return toHex(await subtle().digest('SHA-256', typeof data === 'string' ? utf8(data) : data))
}

/**
 * SHA-1 or SHA-256 digest of bytes (S3's `x-amz-checksum-sha1` / `-sha256` of a whole body).
 *
 * @example
 * import { utf8 } from './encoding.js'
 * new Uint8Array(await digest('SHA-1', utf8('abc'))) // a9 99 3e 36 ...
 */
export function digest(algorithm: 'SHA-1' | 'SHA-256', data: Bytes): Promise<ArrayBuffer> {
  return subtle().digest(algorithm, data)
}

/**
 * Imports raw bytes as a non-extractable HMAC-SHA256 key.
 *
 * @example
 * import { utf8 } from './encoding.js'
 * const key = await importHmacKey(utf8('AWS4' + secretAccessKey))
 */
export function importHmacKey(raw: Bytes): Promise<CryptoKey> {
  return subtle().importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
}

/**
 * HMAC-SHA256 of a string with a key (a CryptoKey, or raw bytes imported first).
 *
 * @example
 * import { utf8 } from './encoding.js'
 * const kDate = await hmac(utf8('AWS4' + secretAccessKey), '20150830')
 */
export async function hmac(key: CryptoKey | Bytes, data: string): Promise<ArrayBuffer> {
  return subtle().sign('HMAC', isBytes(key) ? await importHmacKey(key) : key, utf8(data))
}

/**
 * HMAC-SHA256 of bytes with an HMAC key (SigV4a key derivation feeds binary counters).
 *
 * @example
 * import { utf8 } from './encoding.js'
 * const key = await importHmacKey(utf8('AWS4A' + secretAccessKey))
 * const block = await hmacBytes(key, new Uint8Array([0, 0, 0, 1]))
 */
export function hmacBytes(key: CryptoKey, data: Bytes): Promise<ArrayBuffer> {
  return subtle().sign('HMAC', key, data)
}

/**
 * Imports an ECDSA P-256 private key from a JWK (`d`, `x`, `y`), non-extractable, for signing only.
 *
 * @example
 * // The P-256 key of RFC 7517, appendix A.2: base64url scalar and coordinates.
 * const key = await importEcdsaP256Key({
 *   d: '870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE',
 *   x: 'MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4',
 *   y: '4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM',
 * })
 */
export function importEcdsaP256Key(jwk: JsonWebKey): Promise<CryptoKey> {
  return subtle().importKey('jwk', { kty: 'EC', crv: 'P-256', ...jwk }, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
  ])
}

/**
 * ECDSA P-256 signature over SHA-256 of a string (UTF-8): WebCrypto returns `r‖s`, 64 bytes.
 *
 * @example
 * declare const key: CryptoKey // from importEcdsaP256Key
 * const stringToSign = 'AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/iam/aws4_request\n...'
 * const rs = new Uint8Array(await ecdsaP256Sign(key, stringToSign)) // 64 bytes
 */
export function ecdsaP256Sign(key: CryptoKey, data: string): Promise<ArrayBuffer> {
  return subtle().sign({ name: 'ECDSA', hash: 'SHA-256' }, key, utf8(data))
}

/**
 * WebCrypto's name of a hash that signs CloudFront policies (CloudFront calls them `SHA1` and `SHA256`).
 *
 * @example
 * const hash: DigestName = 'SHA-256'
 */
export type DigestName = 'SHA-1' | 'SHA-256'

/**
 * Imports an RSA private key (PKCS#8 DER) for RSASSA-PKCS1-v1_5 signing with one hash, non-extractable.
 *
 * @example
 * declare const pkcs8: Uint8Array<ArrayBuffer> // the DER of a `BEGIN PRIVATE KEY` PEM block
 * const key = await importRsaSigningKey(pkcs8, 'SHA-1')
 */
export function importRsaSigningKey(pkcs8: Bytes, hash: DigestName): Promise<CryptoKey> {
  return subtle().importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign'])
}

/**
 * Imports an RSA public key (SubjectPublicKeyInfo DER) to verify RSASSA-PKCS1-v1_5 signatures made with one hash.
 *
 * @example
 * declare const spki: Uint8Array<ArrayBuffer> // the DER of a `BEGIN PUBLIC KEY` PEM block
 * const key = await importRsaVerifyingKey(spki, 'SHA-256')
 */
export function importRsaVerifyingKey(spki: Bytes, hash: DigestName): Promise<CryptoKey> {
  return subtle().importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify'])
}

/**
 * Imports an ECDSA P-256 public key (SubjectPublicKeyInfo DER) to verify signatures.
 *
 * @example
 * declare const spki: Uint8Array<ArrayBuffer> // the DER of a `BEGIN PUBLIC KEY` PEM block
 * const key = await importEcdsaP256PublicKey(spki)
 */
export function importEcdsaP256PublicKey(spki: Bytes): Promise<CryptoKey> {
  return subtle().importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
}

/** The WebCrypto parameters of a signature by an RSASSA-PKCS1-v1_5 key (hash fixed at import) or an ECDSA key. */
const signatureParams = (key: CryptoKey, hash: DigestName): AlgorithmIdentifier | EcdsaParams =>
  key.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash } : key.algorithm.name

/**
 * Signs bytes with an RSASSA-PKCS1-v1_5 key (its import hash) or an ECDSA key over `hash`. ECDSA gives `r‖s`.
 *
 * @example
 * import { utf8 } from './encoding.js'
 * declare const key: CryptoKey // from importRsaSigningKey
 * const policy = '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/*",...}]}'
 * const signature = await signWithKey(key, 'SHA-1', utf8(policy))
 */
export function signWithKey(key: CryptoKey, hash: DigestName, data: Bytes): Promise<ArrayBuffer> {
  return subtle().sign(signatureParams(key, hash), key, data)
}

/**
 * Checks a signature as {@link signWithKey} makes it (ECDSA: `r‖s`), resolving true or false.
 *
 * @example
 * import { utf8 } from './encoding.js'
 * declare const key: CryptoKey // from importRsaVerifyingKey
 * declare const signature: Uint8Array<ArrayBuffer>
 * const policy = '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/*",...}]}'
 * if (!(await verifyWithKey(key, 'SHA-256', signature, utf8(policy)))) throw new Error('Forged policy')
 */
export function verifyWithKey(key: CryptoKey, hash: DigestName, signature: Bytes, data: Bytes): Promise<boolean> {
  return subtle().verify(signatureParams(key, hash), key, signature, data)
}
