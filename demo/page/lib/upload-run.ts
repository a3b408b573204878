// One run of upload() for the card, the same in the page and in the upload Web Worker (./upload-worker.ts): the
// client with its credentials, a time limit per S3 request, and a report of each request (what is on its way,
// and its answer for the request history). Everything it reports can cross postMessage.
import { AwsClient } from '../../../src/client.js'
import type { CredentialProvider } from '../../../src/credentials.js'
import { upload, type UploadProgress, type UploadResult } from '../../../src/s3.js'
import { reporting, timed } from './errors.js'

/** The S3 call a request of upload() is. */
export type S3Call = 'create' | 'list' | 'part' | 'complete' | 'abort' | 'other'

/** What one run needs to know (all of it can be posted to a Worker). */
export interface RunSpec {
  url: string
  body: Blob
  region: string
  partSize: number
  concurrency: number
  checksum: 'sha256'
  uploadId?: string
  contentType?: string
  /** The time limit of one S3 request, in ms. */
  timeoutMs: number
}

/** A request of the run going out, or its answer (status 0: none). */
export type RequestEvent =
  | { kind: 'sent'; key: number; call: S3Call; part: number; operation: string }
  | {
      kind: 'answered'
      key: number
      call: S3Call
      part: number
      operation: string
      status: number
      requestId: string
      ms: number
    }

/** What a run reports. */
export interface RunHooks {
  credentials: CredentialProvider
  signal: AbortSignal
  onCreate: (uploadId: string) => void
  onProgress: (progress: UploadProgress) => void
  onRequest: (event: RequestEvent) => void
  /** Sends a request (default `fetch`). */
  fetch?: (request: Request) => Promise<Response>
  /** A monotonic clock, ms. */
  clock?: () => number
}

const REQUEST_ID_HEADERS = ['x-amz-request-id', 'x-amzn-requestid', 'x-amz-id-2']

/**
 * The S3 call a request of upload() is, and the part it carries (0 for none; 1 for a single PUT).
 *
 * @example
 * callOf(new Request('http://s3/b/k?partNumber=2&uploadId=x', { method: 'PUT', body: 'x' })) // { call: 'part', part: 2 }
 */
export function callOf(request: Request): { call: S3Call; part: number } {
  const query = new URL(request.url).searchParams
  if (request.method === 'PUT') return { call: 'part', part: Number(query.get('partNumber') ?? 1) || 1 }
  if (request.method === 'POST') return { call: query.has('uploads') ? 'create' : 'complete', part: 0 }
  if (request.method === 'GET' && query.has('uploadId')) return { call: 'list', part: 0 }
  if (request.method === 'DELETE') return { call: 'abort', part: 0 }
  return { call: 'other', part: 0 }
}

/**
 * Runs upload() once: resumes `spec.uploadId` when set, stops (keeping the parts) when `hooks.signal` aborts or a
 * request gets no answer within `spec.timeoutMs` (then it rejects with the `TimedOutError`).
 *
 * @example
 * const result = await runUpload(spec, { credentials, signal, onCreate, onProgress, onRequest: console.log })
 */
export function runUpload(spec: RunSpec, hooks: RunHooks): Promise<UploadResult> {
  const clock = hooks.clock ?? (() => performance.now())
  const controller = new AbortController()
  const forward = () => controller.abort(hooks.signal.reason)
  if (hooks.signal.aborted) forward()
  hooks.signal.addEventListener('abort', forward, { once: true })
  const plain = hooks.fetch ?? ((request: Request) => fetch(request))
  // No answer in time: the whole run stops (no retries), keeping its parts, and rejects with the TimedOutError.
  const limited = timed('s3', plain, { ms: () => spec.timeoutMs, onTimeout: (error) => controller.abort(error) })
  let keys = 0
  const watched = async (request: Request): Promise<Response> => {
    const key = ++keys
    const { call, part } = callOf(request)
    const operation = `${request.method} ${new URL(request.url).pathname}`
    const started = clock()
    hooks.onRequest({ kind: 'sent', key, call, part, operation })
    let status = 0
    let requestId = ''
    try {
      const response = await limited(request)
      status = response.status
      requestId = REQUEST_ID_HEADERS.map((name) => response.headers.get(name)).find(Boolean) ?? ''
      return response
    } finally {
      hooks.onRequest({
        kind: 'answered',
        key,
        call,
        part,
        operation,
        status,
        requestId,
        ms: Math.round(clock() - started),
      })
    }
  }
  const client = new AwsClient({
    credentials: hooks.credentials,
    region: spec.region,
    service: 's3',
    retries: 2,
    fetch: reporting('s3', watched),
  })
  return upload(client, {
    url: spec.url,
    body: spec.body,
    partSize: spec.partSize,
    concurrency: spec.concurrency,
    checksum: spec.checksum,
    signal: controller.signal,
    keepPartsOnAbort: true,
    ...(spec.uploadId && { uploadId: spec.uploadId }),
    // Known before any part is stored, so a pause right after the start can still be resumed.
    onCreate: ({ uploadId }) => hooks.onCreate(uploadId),
    ...(spec.contentType && { headers: { 'content-type': spec.contentType } }),
    onProgress: hooks.onProgress,
  }).finally(() => hooks.signal.removeEventListener('abort', forward))
}

/** An error as plain data (name, message, code, status, component, …, cause): what explain() reads, postable. */
export interface PlainError {
  name?: string
  message?: string
  code?: string
  status?: number
  component?: string
  url?: string
  ms?: number
  operation?: string
  uploadId?: string
  how?: string
  error?: string
  cause?: PlainError
}

const PLAIN_FIELDS = [
  'name',
  'message',
  'code',
  'status',
  'component',
  'url',
  'ms',
  'operation',
  'uploadId',
  'how',
  'error',
] as const

/**
 * An error and its causes (at most 5 deep) as plain data that can be posted between a Worker and the page.
 *
 * @example
 * plainError(new TypeError('Failed to fetch')) // { name: 'TypeError', message: 'Failed to fetch' }
 */
export function plainError(error: unknown, depth = 0): PlainError {
  if (typeof error !== 'object' || error === null) return { message: String(error) }
  const source = error as Record<string, unknown>
  const plain: Record<string, unknown> = {}
  for (const field of PLAIN_FIELDS) {
    const value = source[field]
    if (typeof value === 'string' || typeof value === 'number') plain[field] = value
  }
  if (source.cause !== undefined && depth < 5) plain.cause = plainError(source.cause, depth + 1)
  return plain
}
