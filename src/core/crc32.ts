// CRC-32 (ISO-HDLC, as zlib) and CRC-32C (Castagnoli): the event-stream framing uses the first, S3 trailing
// checksums either. Table-driven, incremental, pure JS: WebCrypto has no CRC.
import { base64 } from './encoding.js'

function table(polynomial: number): Uint32Array {
  const entries = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1
    entries[n] = c >>> 0
  }
  return entries
}

let crc32Table: Uint32Array | undefined
let crc32cTable: Uint32Array | undefined

function update(entries: Uint32Array, bytes: Uint8Array, previous: number): number {
  let crc = ~previous
  for (let i = 0; i < bytes.length; i++) crc = entries[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8)
  return ~crc >>> 0
}

/**
 * CRC-32 of bytes; pass the previous result to continue over a stream.
 *
 * @example
 * crc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 * const [first, second] = [new TextEncoder().encode('12345'), new TextEncoder().encode('6789')]
 * crc32(second, crc32(first)) // 0xcbf43926 too: the CRC of both
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  return update((crc32Table ??= table(0xedb88320)), bytes, previous)
}

/**
 * CRC-32C (Castagnoli) of bytes; pass the previous result to continue over a stream.
 *
 * @example
 * crc32c(new TextEncoder().encode('123456789')) // 0xe3069283
 */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  return update((crc32cTable ??= table(0x82f63b78)), bytes, previous)
}

/**
 * A CRC as its 4 big-endian bytes in base64, the form of `x-amz-checksum-crc32` / `-crc32c`.
 *
 * @example
 * crcBase64(0xcbf43926) // 'y/Q5Jg=='
 */
export function crcBase64(crc: number): string {
  return base64(new Uint8Array([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff]))
}
