// CloudFront's URL-safe base64: standard base64 with `+` → `-`, `=` → `_`, `/` → `~` (so it needs no escaping in a
// query or a cookie). Decoding is strict: only the one text CloudFront's encoding gives for the bytes is read.
import { base64, fromBase64 } from '../core/encoding.js'

const TO_CLOUDFRONT: Record<string, string> = { '+': '-', '=': '_', '/': '~' }
const FROM_CLOUDFRONT: Record<string, string> = { '-': '+', _: '=', '~': '/' }

/**
 * CloudFront's URL-safe base64 of bytes.
 *
 * @example
 * cloudFrontBase64(new Uint8Array([0xfb, 0xff])) // '-~8_'
 */
export const cloudFrontBase64 = (bytes: Uint8Array): string =>
  base64(bytes).replace(/[+=/]/g, (char) => TO_CLOUDFRONT[char]!)

/**
 * The bytes of CloudFront's URL-safe base64, or undefined unless it is exactly what {@link cloudFrontBase64} gives
 * for them (a standard `+`, `/` or `=` is refused too).
 *
 * @example
 * fromCloudFrontBase64('-~8_') // Uint8Array [0xfb, 0xff]
 */
export function fromCloudFrontBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (/[+=/]/.test(text)) return undefined
  return fromBase64(text.replace(/[-_~]/g, (char) => FROM_CLOUDFRONT[char]!))
}
