// The request history: every request the page makes (Worker, Cognito, Kinesis) with its status, request id and
// time, and the tamper button's one-byte change of a signed request.
import type { Component } from './errors.js'
import type { SentRequest } from './stream.js'

/** One row of the request history. */
export interface HistoryEntry {
  component: Component
  /** `PutRecord`, `GetRecords`, `POST /credentials`, … */
  operation: string
  /** HTTP status, or 0 when nothing answered. */
  status: number
  /** `x-amzn-requestid` / `x-amz-request-id` of the answer, when the server sent (and exposed) one. */
  requestId: string
  ms: number
}

/** Rows the history keeps (newest first). */
export const HISTORY_ROWS = 20

const REQUEST_ID_HEADERS = ['x-amzn-requestid', 'x-amz-request-id', 'x-amz-id-2']

/**
 * A fetch that reports each request to `record` once it is answered (or failed), then passes the result on.
 *
 * @example
 * const send = tracked('kinesis', fetch, (entry) => rows.unshift(entry), performance.now.bind(performance))
 */
export function tracked(
  component: Component,
  send: (request: Request) => Promise<Response>,
  record: (entry: HistoryEntry) => void,
  clock: () => number,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const operation = operationOf(request)
    const started = clock()
    try {
      const response = await send(request)
      const requestId = REQUEST_ID_HEADERS.map((name) => response.headers.get(name)).find(Boolean) ?? ''
      record({ component, operation, status: response.status, requestId, ms: Math.round(clock() - started) })
      return response
    } catch (error) {
      record({ component, operation, status: 0, requestId: '', ms: Math.round(clock() - started) })
      throw error
    }
  }
}

/**
 * What a request does: the action of an `x-amz-target` (`PutRecord`), else its method and path.
 *
 * @example
 * operationOf(new Request('http://127.0.0.1:8787/credentials', { method: 'POST' })) // 'POST /credentials'
 */
export function operationOf(request: Request): string {
  const target = request.headers.get('x-amz-target')
  if (target) return target.slice(target.indexOf('.') + 1)
  return `${request.method} ${new URL(request.url).pathname}`
}

/** A signed request with one byte of its body changed, and which byte. */
export interface Tampered {
  request: Request
  /** E.g. `byte 61 of the body: "e" → "f"`. */
  change: string
}

/**
 * The same signed request (method, URL, headers, signature) with one byte of the body changed: inside the record's
 * base64 `Data` when there is one, so the JSON stays valid and only the signature can tell.
 *
 * @example
 * const { request, change } = tamperWith(stream.lastSent!)
 * const answer = await fetch(request) // a server that checks signatures refuses it
 */
export function tamperWith(sent: SentRequest): Tampered {
  const body = sent.body
  const data = /"Data":"([A-Za-z0-9+/])/.exec(body)
  const index = data ? data.index + data[0].length - 1 : body.search(/[A-Za-z0-9]/)
  if (index < 0) throw new Error('The last request has no body byte to change')
  const before = body[index]!
  const after = before === 'A' ? 'B' : 'A'
  const headers = new Headers(sent.headers)
  const request = new Request(sent.url, {
    method: sent.method,
    headers,
    body: body.slice(0, index) + after + body.slice(index + 1),
  })
  return { request, change: `byte ${index} of the body: "${before}" → "${after}"` }
}
