// Deterministic randomness and the strict encoding an SDK puts on the wire, written independently of src/.

/** A seeded PRNG (mulberry32): the same seed gives the same sequence on every machine. */
export class Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  string(length: number, alphabet: string): string {
    let text = ''
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(this.next() * alphabet.length)]
    return text
  }

  bytes(length: number): Uint8Array<ArrayBuffer> {
    const bytes = new Uint8Array(length)
    for (let i = 0; i < length; i++) bytes[i] = Math.floor(this.next() * 256)
    return bytes
  }
}

/** RFC 3986 strict: every UTF-8 byte except A-Z a-z 0-9 - . _ ~ becomes %XX with upper-case hex. */
export function strictEncode(text: string): string {
  let out = ''
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

export const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
export const UNRESERVED = '-._~'
export const RESERVED = ' !"#$%&\'()*+,/:;<=>?@[\\]^`{|}'
/** Non-ASCII characters an SDK user may put in keys and paths: accents, CJK, Ethiopic, astral (emoji), NBSP. */
export const UNICODE = ['é', 'ü', 'ß', 'ñ', 'Ω', '€', '中', '文', 'ሴ', '😀', '𝄞', '\u00a0']

/** A decoded component mixing letters, unreserved, reserved, space and non-ASCII characters. */
export function component(random: Random, min: number, max: number): string {
  const length = random.int(min, max)
  let text = ''
  for (let i = 0; i < length; i++) {
    const kind = random.next()
    if (kind < 0.55) text += random.string(1, ALNUM)
    else if (kind < 0.65) text += random.string(1, UNRESERVED)
    else if (kind < 0.85) text += random.string(1, RESERVED)
    else text += random.pick(UNICODE)
  }
  return text
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}
