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
 * new Uint8Array(await digest('SHA-1', utf8('abc'))) // a9 99 3e 36 ...
 */
export function digest(algorithm: 'SHA-1' | 'SHA-256', data: Bytes): Promise<ArrayBuffer> {
  return subtle().digest(algorithm, data)
}

/**
 * Imports raw bytes as a non-extractable HMAC-SHA256 key.
 *
 * @example
 * const key = await importHmacKey(utf8('AWS4' + secret))
 */
export function importHmacKey(raw: Bytes): Promise<CryptoKey> {
  return subtle().importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
}

/**
 * HMAC-SHA256 of a string with a key (a CryptoKey, or raw bytes imported first).
 *
 * @example
 * const kDate = await hmac(utf8('AWS4' + secret), '20150830')
 */
export async function hmac(key: CryptoKey | Bytes, data: string): Promise<ArrayBuffer> {
  return subtle().sign('HMAC', isBytes(key) ? await importHmacKey(key) : key, utf8(data))
}

/**
 * HMAC-SHA256 of bytes with an HMAC key (SigV4a key derivation feeds binary counters).
 *
 * @example
 * const block = await hmacBytes(key, new Uint8Array([0, 0, 0, 1]))
 */
export function hmacBytes(key: CryptoKey, data: Bytes): Promise<ArrayBuffer> {
  return subtle().sign('HMAC', key, data)
}

/**
 * Imports an ECDSA P-256 private key from a JWK (`d`, `x`, `y`), non-extractable, for signing only.
 *
 * @example
 * const key = await importEcdsaP256Key({ d, x, y }) // base64url coordinates
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
 * const rs = new Uint8Array(await ecdsaP256Sign(key, stringToSign)) // 64 bytes
 */
export function ecdsaP256Sign(key: CryptoKey, data: string): Promise<ArrayBuffer> {
  return subtle().sign({ name: 'ECDSA', hash: 'SHA-256' }, key, utf8(data))
}
