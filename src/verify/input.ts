// What verify() was handed (a fetch Request or request parts), in one shape, and the body read within a limit.
import type { RequestParts } from '../core/types.js'
import { quote, refuse } from './text.js'
import type { VerifyFailure } from './types.js'
import { isBytes, utf8 } from '../core/encoding.js'

/** Where the body comes from; nothing is read until a step asks. */
export type BodySource =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array<ArrayBuffer> }
  /** `copy` reads a copy (a Request's clone, so the app can still read it); `own` takes the stream itself. */
  | { kind: 'stream'; copy: () => ReadableStream<Uint8Array>; own: () => ReadableStream<Uint8Array>; consumed: boolean }

/** The request as received. */
export interface ReceivedRequest {
  method: string
  /** The value the signature covers as `host`: the Host header when there is one, else the URL's host. */
  host: string
  path: string
  /** The query without `?`. */
  query: string
  /** Lower-case header name → its values in order. */
  headers: Map<string, string[]>
  body: BodySource
}

const NO_BODY_METHODS = new Set(['GET', 'HEAD'])

function indexHeaders(entries: Iterable<readonly [string, string]>): Map<string, string[]> {
  const index = new Map<string, string[]>()
  for (const [name, value] of entries) {
    const key = name.toLowerCase()
    const values = index.get(key)
    if (values) values.push(value)
    else index.set(key, [value])
  }
  return index
}

/** The host the signature must cover, or a refusal when a Host header disagrees with the target host. */
function checkedHost(target: string, headers: Map<string, string[]>): string | VerifyFailure {
  const given = headers.get('host')
  if (!given) return target
  if (given.length > 1) return refuse('ERR_HOST_MISMATCH', 'The request has more than one Host header')
  const header = given[0]!.trim()
  if (header.toLowerCase() !== target.toLowerCase())
    return refuse('ERR_HOST_MISMATCH', `The Host header ${quote(header)} is not the request's host ${quote(target)}`)
  return header
}

function fromRequest(request: Request): ReceivedRequest | VerifyFailure {
  const url = new URL(request.url)
  const headers = indexHeaders(request.headers)
  const host = checkedHost(url.host, headers)
  if (typeof host !== 'string') return host
  const body: BodySource =
    request.body === null || NO_BODY_METHODS.has(request.method)
      ? { kind: 'none' }
      : {
          kind: 'stream',
          // A clone, so that the handler can still read the body afterwards.
          copy: () => request.clone().body!,
          own: () => request.body!,
          consumed: false,
        }
  return { method: request.method, host, path: url.pathname, query: url.search.slice(1), headers, body }
}

function partsBody(body: unknown): BodySource | undefined {
  if (body === undefined || body === null) return { kind: 'none' }
  if (typeof body === 'string') return { kind: 'text', text: body }
  if (isBytes(body))
    return {
      kind: 'bytes',
      bytes: ArrayBuffer.isView(body)
        ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
        : new Uint8Array(body),
    }
  if (body instanceof ReadableStream) {
    const stream = body as ReadableStream<Uint8Array>
    return { kind: 'stream', copy: () => stream, own: () => stream, consumed: true }
  }
  return undefined
}

function fromParts(parts: RequestParts): ReceivedRequest | VerifyFailure {
  const { method, host, path, query = '' } = parts
  if (typeof method !== 'string' || typeof host !== 'string' || typeof path !== 'string' || typeof query !== 'string')
    return refuse('ERR_MALFORMED_REQUEST', 'Pass a fetch Request, or request parts with a method, a host and a path')
  const given = parts.headers ?? []
  const malformedHeaders = 'Request parts headers must be an iterable of [name, value] pairs of strings'
  if (typeof (given as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function')
    return refuse('ERR_MALFORMED_REQUEST', malformedHeaders)
  const entries: Array<[string, string]> = []
  for (const entry of given as Iterable<unknown>) {
    if (!Array.isArray(entry) || entry.length !== 2) return refuse('ERR_MALFORMED_REQUEST', malformedHeaders)
    const [name, value] = entry as [unknown, unknown]
    if (typeof name !== 'string' || typeof value !== 'string') return refuse('ERR_MALFORMED_REQUEST', malformedHeaders)
    entries.push([name, value])
  }
  const headers = indexHeaders(entries)
  const checked = checkedHost(host, headers)
  if (typeof checked !== 'string') return checked
  const body = partsBody(parts.body)
  if (!body)
    return refuse('ERR_MALFORMED_REQUEST', 'Request parts body must be a string, bytes, a ReadableStream or null')
  return { method, host: checked, path, query, headers, body }
}

/**
 * The request in one shape, or a refusal when it is neither a fetch `Request` nor request parts, or when its Host
 * header is not its target host.
 *
 * @example
 * const input = receivedRequest(request)
 * if ('ok' in input) console.log('refused:', input.message)
 * else console.log(input.method, input.host, input.path)
 */
export function receivedRequest(input: Request | RequestParts): ReceivedRequest | VerifyFailure {
  if (input instanceof Request) return fromRequest(input)
  if (typeof input !== 'object' || input === null)
    return refuse('ERR_MALFORMED_REQUEST', 'Pass a fetch Request, or request parts with a method, a host and a path')
  return fromParts(input)
}

/** The body's bytes, or why they were not read. */
export type BodyRead =
  | { ok: true; bytes: Uint8Array<ArrayBuffer> }
  | { ok: false; tooLarge: true }
  | { ok: false; tooLarge: false; cause: unknown }

async function readStream(stream: ReadableStream<Uint8Array>, limit: number): Promise<BodyRead> {
  const reader = stream.getReader()
  const pieces: Uint8Array[] = []
  let length = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (!(value instanceof Uint8Array)) throw new TypeError('A body stream must yield Uint8Array chunks')
      length += value.length
      // Cut off at the limit: a stream without content-length is not read to its end.
      if (length > limit) {
        await reader.cancel().catch(() => {})
        return { ok: false, tooLarge: true }
      }
      pieces.push(value)
    }
  } catch (cause) {
    await reader.cancel().catch(() => {})
    return { ok: false, tooLarge: false, cause }
  }
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const piece of pieces) {
    bytes.set(piece, offset)
    offset += piece.length
  }
  return { ok: true, bytes }
}

/**
 * Reads the body, at most `limit` bytes: a longer body (or stream) is cut off at the limit and reported, never
 * read to its end.
 *
 * @example
 * import { sha256Hex } from '../core/webcrypto.js'
 * const input = receivedRequest(request)
 * if (!('ok' in input)) {
 *   const read = await readBody(input.body, 10 * 1024 * 1024)
 *   if (read.ok) await sha256Hex(read.bytes)
 * }
 */
export async function readBody(body: BodySource, limit: number): Promise<BodyRead> {
  switch (body.kind) {
    case 'none':
      return { ok: true, bytes: new Uint8Array(0) }
    case 'text': {
      // UTF-8 takes at least one byte a code unit: a string longer than the limit is refused without encoding it.
      if (body.text.length > limit) return { ok: false, tooLarge: true }
      const bytes = utf8(body.text)
      return bytes.length > limit ? { ok: false, tooLarge: true } : { ok: true, bytes }
    }
    case 'bytes':
      return body.bytes.length > limit ? { ok: false, tooLarge: true } : { ok: true, bytes: body.bytes }
    case 'stream':
      try {
        return await readStream(body.copy(), limit)
      } catch (cause) {
        return { ok: false, tooLarge: false, cause }
      }
  }
}

/**
 * The body as a stream to read once: the request's own stream (a Request's body is then locked, so nothing else
 * reads it unchecked), or a stream over the given string or bytes.
 *
 * @example
 * const input = receivedRequest(request)
 * if (!('ok' in input)) {
 *   const source = ownBodyStream(input.body) // read by the chunk checks
 * }
 */
export function ownBodyStream(body: BodySource): ReadableStream<Uint8Array> {
  switch (body.kind) {
    case 'none':
      return new Response(new Uint8Array(0)).body!
    case 'text':
      return new Response(body.text).body!
    case 'bytes':
      return new Response(body.bytes).body!
    case 'stream':
      return body.own()
  }
}
