// MD5 (RFC 1321), for one job only: S3's ETag of an uploaded part is the MD5 of its bytes (unless the bucket
// encrypts with KMS), and crypto.subtle has no MD5. Resuming an upload compares it to tell which stored parts
// are the same bytes. Never used for security.

// Per-round shift amounts and the sine-derived constants of RFC 1321, section 3.4.
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
let sines: Uint32Array | undefined

function sineTable(): Uint32Array {
  sines ??= Uint32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32))
  return sines
}

const BLOCK_BYTES = 64

/**
 * MD5 of bytes as lower-case hex: what S3 puts (in quotes) in a part's ETag.
 *
 * @example
 * md5Hex(new TextEncoder().encode('abc')) // '900150983cd24fb0d6963f7d28e17f72'
 */
export function md5Hex(bytes: Uint8Array): string {
  const constants = sineTable()
  const state = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476])
  const words = new Uint32Array(16)
  const fullBlocks = Math.floor(bytes.length / BLOCK_BYTES)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let block = 0; block < fullBlocks; block++) {
    const offset = block * BLOCK_BYTES
    for (let i = 0; i < 16; i++) words[i] = view.getUint32(offset + i * 4, true)
    compress(state, words, constants)
  }
  // The padding: 0x80, zeros up to 56 bytes mod 64, then the bit length as 64-bit little-endian.
  const rest = bytes.length - fullBlocks * BLOCK_BYTES
  const tail = new Uint8Array(rest < 56 ? BLOCK_BYTES : 2 * BLOCK_BYTES)
  tail.set(bytes.subarray(fullBlocks * BLOCK_BYTES))
  tail[rest] = 0x80
  const tailView = new DataView(tail.buffer)
  const bits = bytes.length * 8
  tailView.setUint32(tail.length - 8, bits >>> 0, true)
  tailView.setUint32(tail.length - 4, Math.floor(bits / 2 ** 32), true)
  for (let offset = 0; offset < tail.length; offset += BLOCK_BYTES) {
    for (let i = 0; i < 16; i++) words[i] = tailView.getUint32(offset + i * 4, true)
    compress(state, words, constants)
  }
  let hex = ''
  const out = new DataView(state.buffer)
  for (let i = 0; i < 16; i++) hex += out.getUint8(i).toString(16).padStart(2, '0')
  return hex
}

// One 64-byte block: four rounds of sixteen steps (RFC 1321, section 3.4), each with its own mixing function
// and order of message words.
function compress(state: Uint32Array, words: Uint32Array, constants: Uint32Array): void {
  let a = state[0]!
  let b = state[1]!
  let c = state[2]!
  let d = state[3]!
  for (let step = 0; step < 64; step++) {
    const round = step >> 4
    let mixed: number
    let wordIndex: number
    if (round === 0) {
      mixed = (b & c) | (~b & d)
      wordIndex = step
    } else if (round === 1) {
      mixed = (d & b) | (~d & c)
      wordIndex = (5 * step + 1) & 15
    } else if (round === 2) {
      mixed = b ^ c ^ d
      wordIndex = (3 * step + 5) & 15
    } else {
      mixed = c ^ (b | ~d)
      wordIndex = (7 * step) & 15
    }
    const sum = (a + mixed + constants[step]! + words[wordIndex]!) | 0
    const shift = SHIFTS[round * 4 + (step & 3)]!
    a = d
    d = c
    c = b
    b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0
  }
  state[0] = state[0]! + a
  state[1] = state[1]! + b
  state[2] = state[2]! + c
  state[3] = state[3]! + d
}
