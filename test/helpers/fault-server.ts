// A scripted HTTP server on 127.0.0.1 for client tests: answers each request as the test says (any status,
// headers, body), drops the connection, or never answers. Records every request it got.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { serve } from './loopback.js'

/** A request as the fault server received it. */
export interface ReceivedRequest {
  method: string
  /** Path and query, e.g. `/a?b=1`. */
  url: string
  headers: IncomingHttpHeaders
  body: string
  /** `Date.now()` when it arrived. */
  time: number
}

/** How to answer: a response (`headers.date: ''` leaves the Date header out), `'drop'` (close the connection without a word) or `'hang'` (never answer). */
export type FaultAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'drop' | 'hang'

/** A running fault server. */
export interface FaultServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  requests: ReceivedRequest[]
  /** Closes the server and every open connection. Safe to call twice. */
  stop(): Promise<void>
}

/**
 * Starts a server on 127.0.0.1 (a free port) that answers request number `index` (0-based) with `answer(...)`.
 *
 * @example
 * const server = await startFaultServer((request, index) => (index === 0 ? { status: 503 } : { status: 200, body: '{}' }))
 * afterAll(() => server.stop())
 */
export async function startFaultServer(
  answer: (request: ReceivedRequest, index: number) => FaultAnswer | Promise<FaultAnswer>,
): Promise<FaultServer> {
  const requests: ReceivedRequest[] = []
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const request = {
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
      time: Date.now(),
    }
    requests.push(request)
    let reply: FaultAnswer
    try {
      reply = await answer(request, requests.length - 1)
    } catch (error) {
      reply = { status: 599, body: String(error) }
    }
    if (reply === 'hang') return
    if (reply === 'drop') {
      req.socket.destroy()
      return
    }
    const { date, ...headers } = reply.headers ?? {}
    // `date: ''` sends no Date header at all (as a browser sees a cross-origin answer).
    if (date === '') res.sendDate = false
    else if (date) headers.date = date
    res.writeHead(reply.status, headers)
    res.end(reply.body ?? '')
  }
  // A handler that fails (a socket gone mid-answer) drops that connection, as a broken server would.
  // serve() closes every connection on stop, a hung one included.
  const listening = await serve((req, res) => void handle(req, res).catch(() => res.destroy()))
  let stopped: Promise<void> | undefined
  return {
    url: listening.endpoint,
    requests,
    stop: () => (stopped ??= listening.close()),
  }
}

/** A JSON error answer the way AWS JSON services send it (`__type` + `message`). */
export function jsonError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): FaultAnswer {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-' + type, ...headers },
    body: JSON.stringify({ __type: type, message }),
  }
}

/** An XML error answer the way S3 and query services send it (`<Error><Code>`). */
export function xmlError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  extra = '',
): FaultAnswer {
  return {
    status,
    headers: { 'content-type': 'application/xml', ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>xml-${code}</RequestId></Error>`,
  }
}
