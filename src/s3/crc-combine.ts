// The CRC of a concatenation from the CRCs of its pieces: crc(A‖B) = crc(A)·x^(8·|B|) mod P ⊕ crc(B), for the
// reflected CRCs with all-ones initial value and final XOR that S3 uses (CRC32, CRC32C, CRC64NVME). A multipart
// upload's FULL_OBJECT checksum is built from its parts' checksums this way, instead of a second pass over the
// bytes. Polynomial arithmetic in GF(2), reflected (the top bit is x^0), as zlib's crc32_combine does it.
import type { ChecksumAlgorithm } from '../core/checksum-algorithms.js'
import { base64, fromBase64 } from '../core/encoding.js'
import { fail } from '../core/errors.js'

/** The combinable CRCs of S3. */
export type CombinableCrc = Extract<ChecksumAlgorithm, 'crc32' | 'crc32c' | 'crc64nvme'>

// Reflected polynomials and widths (CRC-32/ISO-HDLC, CRC-32/ISCSI, CRC-64/NVME).
const CRCS: Record<CombinableCrc, { width: bigint; polynomial: bigint }> = {
  crc32: { width: 32n, polynomial: 0xedb88320n },
  crc32c: { width: 32n, polynomial: 0x82f63b78n },
  crc64nvme: { width: 64n, polynomial: 0x9a6c9329ac4bc9b5n },
}

// a·b mod P for reflected polynomials of `width` bits.
function multiply(a: bigint, b: bigint, width: bigint, polynomial: bigint): bigint {
  let product = 0n
  for (let bit = 1n << (width - 1n); bit > 0n; bit >>= 1n) {
    if (a & bit) product ^= b
    b = b & 1n ? (b >> 1n) ^ polynomial : b >> 1n
  }
  return product
}

// x^(8·bytes) mod P, by squaring: x^(2^k) for each set bit of 8·bytes.
function shiftBy(bytes: number, width: bigint, polynomial: bigint): bigint {
  let result = 1n << (width - 1n) // x^0
  let power = 1n << (width - 2n) // x^1
  for (let exponent = BigInt(bytes) * 8n; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = multiply(power, result, width, polynomial)
    power = multiply(power, power, width, polynomial)
  }
  return result
}

function crcValue(crc: string): bigint {
  let value = 0n
  for (const byte of fromBase64(crc) ?? fail('ERR_INVALID_OPTION', 'Pass each CRC as base64 (with = padding)'))
    value = (value << 8n) | BigInt(byte)
  return value
}

function toBase64(value: bigint, width: bigint): string {
  const bytes = new Uint8Array(Number(width / 8n))
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn)
    value >>= 8n
  }
  return base64(bytes)
}

/**
 * The base64 CRC of `first ‖ second` from the base64 CRCs of both (as in `x-amz-checksum-*`) and the length of
 * `second` in bytes.
 *
 * @example
 * combineCrc('crc32', await checksum('1234', 'crc32'), await checksum('56789', 'crc32'), 5) // === await checksum('123456789', 'crc32')
 */
export function combineCrc(algorithm: CombinableCrc, first: string, second: string, secondLength: number): string {
  const { width, polynomial } = CRCS[algorithm]
  const shifted = multiply(shiftBy(secondLength, width, polynomial), crcValue(first), width, polynomial)
  return toBase64(shifted ^ crcValue(second), width)
}
