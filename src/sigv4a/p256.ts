// The one piece of elliptic-curve arithmetic WebCrypto does not offer portably: the public point Q = d·G of a
// P-256 private scalar. WebCrypto can import a JWK only with x and y; a private-only PKCS8 fails in some
// browsers. BigInt arithmetic is not constant-time; it runs once per credential, and then WebCrypto signs.
import { fail } from '../core/errors.js'

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n

/**
 * The order n of the P-256 base point.
 *
 * @example
 * declare const d: bigint
 * d < P256_N // a valid private scalar
 */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

// Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity.
type Point = [x: bigint, y: bigint, z: bigint]

const mod = (a: bigint): bigint => ((a % P) + P) % P

function double([x, y, z]: Point): Point {
  if (!y || !z) return [0n, 1n, 0n]
  // dbl-2001-b for a = -3.
  const delta = mod(z * z)
  const gamma = mod(y * y)
  const beta = mod(x * gamma)
  const alpha = mod(3n * (x - delta) * (x + delta))
  const x3 = mod(alpha * alpha - 8n * beta)
  return [x3, mod(alpha * (4n * beta - x3) - 8n * gamma * gamma), mod((y + z) * (y + z) - gamma - delta)]
}

/** Adds the affine point (gx, gy) to a Jacobian point (madd). */
function addAffine(point: Point, gx: bigint, gy: bigint): Point {
  const [x, y, z] = point
  if (!z) return [gx, gy, 1n]
  const zz = mod(z * z)
  const h = mod(gx * zz - x)
  const r = mod(gy * zz * z - y)
  if (!h) return r ? [0n, 1n, 0n] : double(point)
  const hh = mod(h * h)
  const hhh = mod(hh * h)
  const v = mod(x * hh)
  const x3 = mod(r * r - hhh - 2n * v)
  return [x3, mod(r * (v - x3) - y * hhh), mod(z * h)]
}

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n
  let square = base
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = mod(result * square)
    square = mod(square * square)
  }
  return result
}

/**
 * The affine coordinates of the public point d·G on P-256, for a private scalar 1 ≤ d < n.
 *
 * @example
 * p256PublicPoint(1n) // [0x6b17d1f2…c296n, 0x4fe342e2…51f5n] (the base point G)
 */
export function p256PublicPoint(d: bigint): [x: bigint, y: bigint] {
  if (d < 1n || d >= P256_N) fail('ERR_INVALID_OPTION', 'A P-256 private scalar must be from 1 to n - 1')
  let point: Point = [0n, 1n, 0n]
  for (let bit = BigInt(d.toString(2).length - 1); bit >= 0n; bit--) {
    point = double(point)
    if ((d >> bit) & 1n) point = addAffine(point, GX, GY)
  }
  const zInverse = power(point[2], P - 2n)
  const zInverse2 = mod(zInverse * zInverse)
  return [mod(point[0] * zInverse2), mod(point[1] * zInverse2 * zInverse)]
}

/**
 * Whether a > b (1 or 0) for two 32-byte big-endian numbers, in constant time: every byte is visited with the
 * same operations and no early exit, so the timing says nothing about the secret candidate key.
 *
 * @example
 * import { fromHex } from '../core/encoding.js'
 * const N_MINUS_2 = fromHex('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f') // n - 2
 * declare const candidate: Uint8Array // 32 bytes of key derivation output
 * greaterThan(candidate, N_MINUS_2) // 1: reject the candidate, try the next counter
 */
export function greaterThan(a: Uint8Array, b: Uint8Array): number {
  let greater = 0
  let equal = 1
  for (let i = 0; i < 32; i++) {
    greater |= ((b[i]! - a[i]!) >> 31) & equal
    equal &= ((a[i]! ^ b[i]!) - 1) >>> 31
  }
  return greater
}

/**
 * a + 1 for a 32-byte big-endian number, in constant time (the carry runs through every byte).
 *
 * @example
 * declare const candidate: Uint8Array // 32 bytes of key derivation output, at most n - 2
 * addOne(candidate) // the private scalar d
 */
export function addOne(a: Uint8Array): Uint8Array<ArrayBuffer> {
  const sum = new Uint8Array(32)
  let carry = 1
  for (let i = 31; i >= 0; i--) {
    carry += a[i]!
    sum[i] = carry & 255
    carry >>= 8
  }
  return sum
}

/**
 * DER `SEQUENCE { INTEGER r, INTEGER s }` of WebCrypto's ECDSA P-256 `r‖s` (64 bytes), the form AWS expects (SigV4a
 * signatures, CloudFront's ECDSA signatures). Each integer is minimal and positive.
 *
 * @example
 * import { toHex } from '../core/encoding.js'
 * import { ecdsaP256Sign } from '../core/webcrypto.js'
 * declare const key: CryptoKey, stringToSign: string
 * toHex(ecdsaDerSignature(await ecdsaP256Sign(key, stringToSign)).buffer) // '3045022100…'
 */
export function ecdsaDerSignature(raw: ArrayBuffer): Uint8Array<ArrayBuffer> {
  const integer = (half: Uint8Array): number[] => {
    let start = 0
    while (start < half.length - 1 && !half[start]) start++
    const bytes = [...half.subarray(start)]
    if (bytes[0]! & 128) bytes.unshift(0)
    return [2, bytes.length, ...bytes]
  }
  const rs = new Uint8Array(raw)
  if (rs.length !== 64)
    fail(
      'ERR_ECDSA_UNAVAILABLE',
      `WebCrypto returned a ${rs.length}-byte ECDSA P-256 signature instead of 64 bytes (r‖s): ` +
        'use a standard WebCrypto',
    )
  const body = [...integer(rs.subarray(0, 32)), ...integer(rs.subarray(32))]
  return new Uint8Array([48, body.length, ...body])
}

/**
 * WebCrypto's `r‖s` (64 bytes) of a DER ECDSA P-256 signature, or undefined unless it is strict DER: one SEQUENCE
 * of two minimal, positive INTEGERs of at most 32 bytes (after a sign byte), nothing after it. So one signature
 * has one accepted encoding.
 *
 * @example
 * declare const rs: ArrayBuffer // WebCrypto's ECDSA P-256 signature: r‖s
 * ecdsaRawSignature(ecdsaDerSignature(rs)) // the same 64 bytes as rs
 */
export function ecdsaRawSignature(der: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  // Every length fits in one byte: at most 2 + 2 × (2 + 33) = 72 bytes.
  if (der.length < 8 || der.length > 72 || der[0] !== 48 || der[1] !== der.length - 2) return undefined
  const rs = new Uint8Array(64)
  let offset = 2
  for (const half of [0, 32]) {
    const length = der[offset + 1]!
    if (der[offset] !== 2 || length < 1 || length > 33 || offset + 2 + length > der.length) return undefined
    const bytes = der.subarray(offset + 2, offset + 2 + length)
    // Negative, or a leading zero that is not needed for the sign: not minimal DER.
    if (bytes[0]! & 128 || (length > 1 && !bytes[0] && !(bytes[1]! & 128))) return undefined
    const value = length === 33 ? bytes.subarray(1) : bytes
    if (length === 33 && bytes[0]) return undefined
    rs.set(value, half + 32 - value.length)
    offset += 2 + length
  }
  return offset === der.length ? rs : undefined
}
