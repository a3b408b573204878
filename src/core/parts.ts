// The parts API's checks: request parts from a caller are checked once, and nothing that passes can split a raw
// HTTP/1.1 request (no CR, LF or NUL in the request line or a header).
import { HTTP_TOKEN } from './constants.js'
import type { CheckedParts, RequestParts } from './types.js'
import { fail } from './errors.js'
import { isRecord } from './options.js'

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\0-\x1f\x7f]/
/** A line break followed by spaces or tabs: an obsolete header line folding (RFC 9112 section 5.2). */
const OBS_FOLD = /\r?\n[ \t]+/g

/**
 * Checks request parts from a caller: a method token, a host name, a path from `/`, and headers that can be sent.
 * Header values folded over lines come back unfolded.
 *
 * @example
 * const checked = checkParts({ method: 'GET', host: 'sts.amazonaws.com', path: '/' })
 */
export function checkParts(parts: RequestParts): CheckedParts {
  if (!isRecord(parts)) fail('ERR_INVALID_REQUEST', 'Pass the request parts: { method, host, path, query?, headers? }')
  const { method, host, path, query = '' } = parts
  if (typeof method !== 'string' || !HTTP_TOKEN.test(method)) {
    fail('ERR_INVALID_REQUEST', "Set parts.method to an HTTP method such as GET (letters, digits, !#$%&'*+.^_`|~-)")
  }
  if (typeof host !== 'string' || !host || CONTROL.test(host) || /[\s/?#@]/.test(host)) {
    fail('ERR_INVALID_REQUEST', 'Set parts.host to a host name, plus :port when not the default (no scheme or path)')
  }
  // Nothing returned may split a raw HTTP/1.1 request: no control characters in the request line.
  if (typeof path !== 'string' || path[0] !== '/' || CONTROL.test(path)) {
    fail('ERR_INVALID_REQUEST', 'Set parts.path to the path as sent, from / (percent-encode control characters)')
  }
  if (typeof query !== 'string' || CONTROL.test(query)) {
    fail('ERR_INVALID_REQUEST', 'Set parts.query to the query as sent, without ? (percent-encode control characters)')
  }
  const given: unknown = parts.headers ?? []
  if (!isIterable(given)) {
    fail('ERR_INVALID_HEADER', 'Pass parts.headers as a list of [name, value] pairs or a Headers object')
  }
  const headers: Array<[string, string]> = []
  for (const entry of given) {
    if (!Array.isArray(entry) || entry.length !== 2) fail('ERR_INVALID_HEADER', 'Pass each header as [name, value]')
    const [name, value] = entry as unknown[]
    if (typeof name !== 'string' || !HTTP_TOKEN.test(name)) {
      fail('ERR_INVALID_HEADER', "Fix a header name: letters, digits and !#$%&'*+.^_`|~- only")
    }
    if (typeof value !== 'string') fail('ERR_INVALID_HEADER', `Set the value of header ${name} to a string`)
    // A value folded onto continuation lines (obs-fold) is sent unfolded, as RFC 9112 says a recipient reads it:
    // the signature is the same, and no line break reaches the wire.
    const unfolded = value.replace(OBS_FOLD, ' ')
    if (/[\0\r\n]/.test(unfolded)) {
      fail('ERR_INVALID_HEADER', `Fix the value of header ${name}: no line breaks or NUL characters`)
    }
    headers.push([name, unfolded])
  }
  return { ...parts, query, headers }
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return isRecord(value) && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
}
