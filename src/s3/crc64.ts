// CRC-64/NVME (the CRC64NVME of S3 checksums) by slicing-by-8. JavaScript has no fast 64-bit integers (BigInt
// is about 50x slower here), so every 64-bit value is held as two 32-bit halves: `high` and `low`.

/** The reflected polynomial 0x9a6c9329ac4bc9b5, in halves. */
const POLYNOMIAL_HIGH = 0x9a6c9329
const POLYNOMIAL_LOW = 0xac4bc9b5
const SLICES = 8

/** A CRC-64 as two unsigned 32-bit halves (the value is `high * 2^32 + low`). */
export interface Crc64 {
  high: number
  low: number
}

/** The CRC of no bytes, where every CRC-64 starts. */
const INITIAL: Crc64 = { high: 0, low: 0 }

interface Tables {
  high: Uint32Array
  low: Uint32Array
}

/** Entry `k * 256 + n` is the CRC of byte n followed by k zero bytes, in halves. */
function slicingTables(): Tables {
  const high = new Uint32Array(SLICES * 256)
  const low = new Uint32Array(SLICES * 256)
  for (let n = 0; n < 256; n++) {
    let crcHigh = 0
    let crcLow = n
    for (let bit = 0; bit < 8; bit++) {
      const carry = crcLow & 1
      crcLow = (crcLow >>> 1) | (crcHigh << 31)
      crcHigh >>>= 1
      if (carry) {
        crcHigh ^= POLYNOMIAL_HIGH
        crcLow ^= POLYNOMIAL_LOW
      }
    }
    high[n] = crcHigh
    low[n] = crcLow
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < SLICES; k++) {
      const previousHigh = high[(k - 1) * 256 + n]!
      const previousLow = low[(k - 1) * 256 + n]!
      const index = previousLow & 0xff
      high[k * 256 + n] = high[index]! ^ (previousHigh >>> 8)
      low[k * 256 + n] = low[index]! ^ ((previousLow >>> 8) | (previousHigh << 24))
    }
  }
  return { high, low }
}

let tables: Tables | undefined

/**
 * CRC-64/NVME of bytes; pass the previous result to continue over a stream.
 *
 * @example
 * crc64nvme(new TextEncoder().encode('123456789')) // { high: 0xae8b1486, low: 0x0a799888 }
 * const first = new TextEncoder().encode('12345')
 * const second = new TextEncoder().encode('6789')
 * crc64nvme(second, crc64nvme(first)) // the same
 */
export function crc64nvme(bytes: Uint8Array, previous: Crc64 = INITIAL): Crc64 {
  const { high: tableHigh, low: tableLow } = (tables ??= slicingTables())
  let high = ~previous.high
  let low = ~previous.low
  let i = 0
  const whole = bytes.length - (bytes.length % SLICES)
  while (i < whole) {
    const x = low ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))
    const y = high ^ (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24))
    // Byte j of the 64-bit value (x is bytes 0-3, y bytes 4-7) goes through table 7 - j.
    const a = 7 * 256 + (x & 0xff)
    const b = 6 * 256 + ((x >>> 8) & 0xff)
    const c = 5 * 256 + ((x >>> 16) & 0xff)
    const d = 4 * 256 + (x >>> 24)
    const e = 3 * 256 + (y & 0xff)
    const f = 2 * 256 + ((y >>> 8) & 0xff)
    const g = 256 + ((y >>> 16) & 0xff)
    const h = y >>> 24
    high =
      tableHigh[a]! ^
      tableHigh[b]! ^
      tableHigh[c]! ^
      tableHigh[d]! ^
      tableHigh[e]! ^
      tableHigh[f]! ^
      tableHigh[g]! ^
      tableHigh[h]!
    low =
      tableLow[a]! ^
      tableLow[b]! ^
      tableLow[c]! ^
      tableLow[d]! ^
      tableLow[e]! ^
      tableLow[f]! ^
      tableLow[g]! ^
      tableLow[h]!
    i += SLICES
  }
  for (; i < bytes.length; i++) {
    const index = (low ^ bytes[i]!) & 0xff
    low = ((low >>> 8) | (high << 24)) ^ tableLow[index]!
    high = (high >>> 8) ^ tableHigh[index]!
  }
  return { high: ~high >>> 0, low: ~low >>> 0 }
}
