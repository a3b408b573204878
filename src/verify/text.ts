// Text checks of verify(): quoting untrusted values into messages, and the encoding checks that keep what an app
// reads (URLSearchParams, a decoded path) the same as what was signed. Every regex here is linear in its input.
import type { VerifyErrorCode, VerifyFailure } from './types.js'

/**
 * Longest part of an untrusted value that a message quotes; the rest is cut, with its length said.
 *
 * @example
 * quote('x'.repeat(1000)).length < MAX_QUOTED_LENGTH + 30
 */
export const MAX_QUOTED_LENGTH = 64

// C0 and C1 controls, DEL, the line and paragraph separators, bidirectional overrides, and the quote and backslash
// the quoting itself uses: none of them may reach a log line as they are (control characters are the point here).
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_MESSAGE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069"\\]/g

/**
 * An untrusted value as a message may show it: in double quotes, control characters and line breaks escaped as
 * `\u{...}`, cut to {@link MAX_QUOTED_LENGTH} characters. Log lines built from verify's messages cannot be split
 * or forged by the request.
 *
 * @example
 * quote('eu-west-1') // '"eu-west-1"'
 * quote('a\r\nInjected: yes') // '"a\\u{d}\\u{a}Injected: yes"'
 */
export function quote(value: string): string {
  const cut = value.length > MAX_QUOTED_LENGTH
  const shown = value
    .slice(0, MAX_QUOTED_LENGTH)
    .toWellFormed()
    .replace(UNSAFE_IN_MESSAGE, (char) => `\\u{${char.charCodeAt(0).toString(16)}}`)
  return `"${shown}"${cut ? `... (${value.length} characters)` : ''}`
}

const MALFORMED_PERCENT = /%(?![0-9A-Fa-f]{2})/
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g

/**
 * Why a path or query component cannot be read back unambiguously, or undefined when it can: an unpaired
 * surrogate, a `%` not followed by two hex digits, or percent-encoded bytes that are not UTF-8 (`%FF` reads as
 * U+FFFD, while its canonical form is that of the literal text `%FF`).
 *
 * @example
 * encodingProblem('a%20b') // undefined
 * encodingProblem('%FF') // 'percent-encoded bytes that are not UTF-8'
 */
export function encodingProblem(text: string): string | undefined {
  if (!text.isWellFormed()) return 'an unpaired surrogate'
  if (MALFORMED_PERCENT.test(text)) return 'a "%" not followed by two hex digits'
  for (const [run] of text.matchAll(PERCENT_RUN)) {
    try {
      decodeURIComponent(run)
    } catch {
      return 'percent-encoded bytes that are not UTF-8'
    }
  }
  return undefined
}

/**
 * A refusal with its typed reason (and, for a failure inside verify or lookupSecret, what was thrown).
 *
 * @example
 * function checkRegion(region: string): VerifyFailure | undefined {
 *   if (region !== 'eu-west-1') return refuse('ERR_SCOPE', `The region ${quote(region)} is not accepted here`)
 *   return undefined
 * }
 */
export function refuse(code: VerifyErrorCode, message: string, cause?: unknown): VerifyFailure {
  return cause === undefined ? { ok: false, code, message } : { ok: false, code, message, cause }
}
