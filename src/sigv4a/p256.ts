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
