// SHA-1 and SHA-256 in pure JavaScript, incremental: crypto.subtle.digest takes the whole input at once, so a
// stream's SHA checksum would otherwise need the whole stream in memory. checksum() uses crypto.subtle for
// whole inputs (native speed) and these only for streams, where memory must stay bounded.

import { fail } from '../core/errors.js'

const BLOCK_BYTES = 64

/** An incremental hash: feed bytes in any pieces, then take the digest once. */
export interface IncrementalHash {
  update(bytes: Uint8Array): void
  /** The digest (big-endian words as bytes); the hash cannot be updated afterwards. */
  digest(): Uint8Array
}

/** Compresses one 64-byte block (as 16 big-endian words in `w`, which it may overwrite) into `state`. */
type Compress = (state: Uint32Array, w: Uint32Array) => void

/** Merkle-Damgard framing shared by SHA-1 and SHA-256: 64-byte blocks, then 0x80, zeros and the bit length. */
function blockHash(compress: Compress, initial: number[], scheduleWords: number): IncrementalHash {
  const state = Uint32Array.from(initial)
  const block = new Uint8Array(BLOCK_BYTES)
  const w = new Uint32Array(scheduleWords)
  let filled = 0
  let length = 0
  let finished = false

  function compressBlock(bytes: Uint8Array, at: number): void {
    for (let i = 0; i < 16; i++) {
      const j = at + i * 4
      w[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!
    }
    compress(state, w)
  }

  function update(bytes: Uint8Array): void {
    if (finished) fail('ERR_INVALID_OPTION', 'This hash has given its digest: start a new one')
    length += bytes.length
    let offset = 0
    if (filled) {
      const take = Math.min(BLOCK_BYTES - filled, bytes.length)
      block.set(bytes.subarray(0, take), filled)
      filled += take
      offset = take
      if (filled < BLOCK_BYTES) return
      compressBlock(block, 0)
      filled = 0
    }
    for (; offset + BLOCK_BYTES <= bytes.length; offset += BLOCK_BYTES) compressBlock(bytes, offset)
    block.set(bytes.subarray(offset), 0)
    filled = bytes.length - offset
  }

  function digest(): Uint8Array {
    const bitLength = length * 8
    const padding = new Uint8Array((filled < 56 ? 56 : 120) - filled + 8)
    padding[0] = 0x80
    // The length as a 64-bit big-endian number; byte counts stay below 2^53, so the high word fits a double.
    const view = new DataView(padding.buffer)
    view.setUint32(padding.length - 8, Math.floor(bitLength / 2 ** 32))
    view.setUint32(padding.length - 4, bitLength >>> 0)
    update(padding)
    finished = true
    const out = new Uint8Array(initial.length * 4)
    const outView = new DataView(out.buffer)
    state.forEach((word, i) => outView.setUint32(i * 4, word))
    return out
  }

  return { update, digest }
}

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n))
const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n))

function sha1Compress(state: Uint32Array, w: Uint32Array): void {
  for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1)
  let a = state[0]!
  let b = state[1]!
  let c = state[2]!
  let d = state[3]!
  let e = state[4]!
  for (let i = 0; i < 80; i++) {
    let f: number
    let k: number
    if (i < 20) {
      f = (b & c) | (~b & d)
      k = 0x5a827999
    } else if (i < 40) {
      f = b ^ c ^ d
      k = 0x6ed9eba1
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d)
      k = 0x8f1bbcdc
    } else {
      f = b ^ c ^ d
      k = 0xca62c1d6
    }
    const t = (rotl(a, 5) + f + e + k + w[i]!) | 0
    e = d
    d = c
    c = rotl(b, 30)
    b = a
    a = t
  }
  state[0] = state[0]! + a
  state[1] = state[1]! + b
  state[2] = state[2]! + c
  state[3] = state[3]! + d
  state[4] = state[4]! + e
}

// FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const SHA256_K: readonly number[] = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]

function sha256Compress(state: Uint32Array, w: Uint32Array): void {
  for (let i = 16; i < 64; i++) {
    const w15 = w[i - 15]!
    const w2 = w[i - 2]!
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3)
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10)
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0
  }
  let a = state[0]!
  let b = state[1]!
  let c = state[2]!
  let d = state[3]!
  let e = state[4]!
  let f = state[5]!
  let g = state[6]!
  let h = state[7]!
  for (let i = 0; i < 64; i++) {
    const s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
    const choice = (e & f) ^ (~e & g)
    const t1 = (h + s1 + choice + SHA256_K[i]! + w[i]!) | 0
    const s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
    const majority = (a & b) ^ (a & c) ^ (b & c)
    const t2 = (s0 + majority) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  state[0] = state[0]! + a
  state[1] = state[1]! + b
  state[2] = state[2]! + c
  state[3] = state[3]! + d
  state[4] = state[4]! + e
  state[5] = state[5]! + f
  state[6] = state[6]! + g
  state[7] = state[7]! + h
}

/**
 * An incremental SHA-1 (FIPS 180-4), for S3's `x-amz-checksum-sha1` of a stream.
 *
 * @example
 * const first = new TextEncoder().encode('12345')
 * const second = new TextEncoder().encode('6789')
 * const hash = sha1Incremental()
 * hash.update(first)
 * hash.update(second)
 * hash.digest() // 20 bytes
 */
export function sha1Incremental(): IncrementalHash {
  return blockHash(sha1Compress, [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0], 80)
}

/**
 * An incremental SHA-256 (FIPS 180-4), for S3's `x-amz-checksum-sha256` of a stream.
 *
 * @example
 * const hash = sha256Incremental()
 * hash.update(new TextEncoder().encode('abc'))
 * hash.digest() // 32 bytes: ba7816bf...
 */
export function sha256Incremental(): IncrementalHash {
  return blockHash(
    sha256Compress,
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19],
    64,
  )
}
