// Turns a generated case into what our signer takes (parts, or a URL request) and formats mismatch reports.
import type { PresignOptions, RequestLike, RequestParts } from '../../src/index.js'
import { parserRewritesPath } from '../../src/core/request.js'
import type { Case } from './generator.js'
import { toBase64 } from './random.js'

export function wireUrl(c: Case): string {
  return `${c.scheme}://${c.host}${c.path}${c.query ? '?' + c.query : ''}`
}

export function bodyBytes(c: Case): Uint8Array<ArrayBuffer> | null {
  if (c.body === null) return null
  return 'text' in c.body ? new TextEncoder().encode(c.body.text) : c.body.bytes
}

export function options(c: Case): PresignOptions {
  const result: PresignOptions = {
    credentials: { ...c.credentials },
    region: c.region,
    service: c.service,
    datetime: c.datetime,
  }
  if (c.unsignedPayload) result.unsignedPayload = true
  if (c.mode === 'query') result.expiresIn = c.expiresIn
  return result
}

/** The lower-layer input: exactly the wire parts. */
export function parts(c: Case): RequestParts {
  const body = c.body === null ? null : 'text' in c.body ? c.body.text : c.body.bytes
  return { method: c.method, host: c.host, path: c.path, query: c.query, headers: c.headers, body }
}

/** The high-level input: a URL plus fetch-style headers and body (a fresh stream each call). */
export function requestLike(c: Case): RequestLike {
  // sign() and presign() refuse an S3 string URL with . or .. segments (the parser would change the key); a URL
  // object is already parsed, so the caller has accepted that: the comparison with the parsed wire URL is the same.
  const url = c.s3 && parserRewritesPath(wireUrl(c)) ? new URL(wireUrl(c)) : wireUrl(c)
  const input: RequestLike = { url, method: c.method, headers: c.headers }
  if (c.body !== null) {
    if (c.stream) {
      const bytes = bodyBytes(c)!
      input.body = new ReadableStream({
        start(controller) {
          controller.enqueue(bytes)
          controller.close()
        },
      })
    } else input.body = 'text' in c.body ? c.body.text : c.body.bytes
  }
  return input
}

/**
 * What fetch puts on the wire for the high-level input, computed with the platform's URL and Headers (not our
 * code): dot segments resolved, header names lower-cased, repeated names joined with ", ", values trimmed, and
 * `text/plain;charset=UTF-8` for a string body without a content type.
 */
export function fetchWire(c: Case): { url: string; headers: Array<[string, string]> } {
  const headers = new Headers(c.headers)
  if (c.body !== null && 'text' in c.body && !c.stream && !headers.has('content-type'))
    headers.set('content-type', 'text/plain;charset=UTF-8')
  return { url: new URL(wireUrl(c)).href, headers: [...headers] }
}

/**
 * Header lists compared without regard to order, name case or leading/trailing whitespace of values (which
 * signing trims; `Headers` keeps the ", " left when an empty value is appended, a rebuilt `Headers` drops it).
 */
export function headerLines(headers: Iterable<readonly [string, string]>): string[] {
  return [...headers].map(([name, value]) => `${name.toLowerCase()}: ${value.replace(/^[ \t]+|[ \t]+$/g, '')}`).sort()
}

/** Query strings compared as sets of raw `key=value` parameters (the order of appended parameters differs). */
export function queryParams(query: string): string[] {
  // botocore re-serialises a presigned query and writes a bare key `k` as `k=` (both sign as `k=`).
  return query
    .split('&')
    .filter(Boolean)
    .map((param) => (param.includes('=') ? param : param + '='))
    .sort()
}

export function describeCase(c: Case): string {
  const { body, ...rest } = c
  const shownBody = body === null ? null : 'text' in body ? { text: body.text } : { base64: toBase64(body.bytes) }
  return JSON.stringify({ ...rest, body: shownBody, wireUrl: wireUrl(c) }, null, 2)
}

export interface Side {
  canonicalRequest: string
  stringToSign: string
  signature: string
}

/** A full report of one failing case: its input and both sides' steps, with the first differing step named. */
export function mismatchReport(c: Case, reference: string, ours: Side, theirs: Side, extra: string[] = []): string {
  return [
    `MISMATCH in case ${c.id} (${c.mode}, ${c.s3 ? 'S3' : 'non-S3'}, ${c.highLevel ? 'sign()/presign()' : 'signParts()/presignParts()'})`,
    ...extra,
    'input:',
    describeCase(c),
    '--- ours: canonical request ---',
    ours.canonicalRequest,
    `--- ${reference}: canonical request ---`,
    theirs.canonicalRequest,
    '--- ours: string to sign ---',
    ours.stringToSign,
    `--- ${reference}: string to sign ---`,
    theirs.stringToSign,
    `signature ours: ${ours.signature}`,
    `signature ${reference}: ${theirs.signature}`,
  ].join('\n')
}

export function sameSteps(ours: Side, theirs: Side): string[] {
  const differences: string[] = []
  if (ours.canonicalRequest !== theirs.canonicalRequest) differences.push('canonical request differs')
  if (ours.stringToSign !== theirs.stringToSign) differences.push('string to sign differs')
  if (ours.signature !== theirs.signature) differences.push('signature differs')
  return differences
}

export function sameList(what: string, ours: string[], theirs: string[]): string[] {
  if (JSON.stringify(ours) === JSON.stringify(theirs)) return []
  return [`${what} differ:`, `  ours:   ${JSON.stringify(ours)}`, `  theirs: ${JSON.stringify(theirs)}`]
}
