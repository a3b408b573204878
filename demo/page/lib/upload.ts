// The "Upload a file" card's logic: where a file goes in the bucket, the progress line (speed, time left), and
// one upload's life: start, pause (abort that keeps the stored parts), resume (with the upload id), cancel
// (AbortMultipartUpload). upload() from webcrypto-sigv4/s3 does the work.
import { AwsClient } from '../../../src/client.js'
import type { CredentialProvider } from '../../../src/credentials.js'
import { abortUpload, type UploadProgress, type UploadResult } from '../../../src/s3.js'
import { reporting, timed } from './errors.js'
import type { HistoryEntry } from './history.js'
import type { ToPage, ToWorker } from './upload-protocol.js'
import { plainError, runUpload, type RequestEvent, type RunHooks, type RunSpec, type S3Call } from './upload-run.js'

/** Where the page may upload: GET /config's `upload` (see demo/worker.ts `ConfigResponse`). */
export interface UploadTarget {
  region: string
  /** Path-style S3 endpoint, e.g. `http://127.0.0.1:4566/` or `https://s3.eu-west-1.amazonaws.com/`. */
  s3Endpoint: string
  bucket: string
  /** The key prefix the Worker's session policy allows, e.g. `uploads/`. */
  prefix: string
}

/** S3's smallest part (except the last one): the demo's parts are this size, so a 12 MiB file has three. */
export const DEMO_PART_SIZE = 5 * 1024 * 1024
/** Parts in flight at once. */
export const DEMO_CONCURRENCY = 2
/** The checksum each part carries; the object's (composite) checksum is shown when done. */
export const DEMO_CHECKSUM = 'sha256'

const MIB = 1024 * 1024

/**
 * The object URL of a file: `<endpoint>/<bucket>/<prefix><name>`, the name reduced to safe characters (no path).
 *
 * @example
 * objectUrl({ region: 'us-east-1', s3Endpoint: 'http://127.0.0.1:4566/', bucket: 'b', prefix: 'uploads/' }, 'My photo.jpg')
 * // 'http://127.0.0.1:4566/b/uploads/My-photo.jpg'
 */
export function objectUrl(target: UploadTarget, fileName: string): string {
  const safeName = fileName.replace(/[^\w.-]+/g, '-').replace(/^[.-]+/, '') || 'file'
  const base = target.s3Endpoint.replace(/\/*$/, '/')
  return `${base}${encodeURIComponent(target.bucket)}/${target.prefix}${safeName}`
}

/**
 * Bytes as `512 B`, `3.4 KiB`, `12.0 MiB`.
 *
 * @example
 * formatBytes(12 * 1024 * 1024) // '12.0 MiB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < MIB) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 * MIB) return `${(bytes / MIB).toFixed(1)} MiB`
  return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`
}

/**
 * A duration as `45 s`, `3 min 05 s`, `2 h 01 min`.
 *
 * @example
 * formatDuration(185_000) // '3 min 05 s'
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  if (total < 60) return `${total} s`
  const minutes = Math.floor(total / 60)
  if (minutes < 60) return `${minutes} min ${String(total % 60).padStart(2, '0')} s`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

/** What the progress bar shows. */
export interface ProgressView {
  /** 0..100 */
  percent: number
  /** `6.0 MiB of 12.0 MiB · 2.1 MiB/s · 3 s left` */
  text: string
}

/**
 * The progress line: bytes so far, the speed since this run started (a resume counts only what it sends), and
 * the time left at that speed. `sentThisRun` bytes took `elapsedMs`.
 *
 * @example
 * progressView({ loaded: 6 * 2 ** 20, total: 12 * 2 ** 20 }, 3 * 2 ** 20, 1500)
 * // { percent: 50, text: '6.0 MiB of 12.0 MiB · 2.0 MiB/s · 3 s left' }
 */
export function progressView(
  progress: Pick<UploadProgress, 'loaded' | 'total'>,
  sentThisRun: number,
  elapsedMs: number,
): ProgressView {
  const total = progress.total ?? 0
  const percent = total > 0 ? Math.min(100, Math.round((progress.loaded / total) * 100)) : 0
  const parts = [total > 0 ? `${formatBytes(progress.loaded)} of ${formatBytes(total)}` : formatBytes(progress.loaded)]
  if (sentThisRun > 0 && elapsedMs > 0) {
    const bytesPerSecond = (sentThisRun / elapsedMs) * 1000
    parts.push(`${formatBytes(Math.round(bytesPerSecond))}/s`)
    if (total > 0) parts.push(`${formatDuration(((total - progress.loaded) / bytesPerSecond) * 1000)} left`)
  }
  return { percent, text: parts.join(' · ') }
}

/** The states of the card. */
export type UploadState = 'idle' | 'uploading' | 'paused' | 'done' | 'failed' | 'cancelled'

/** How long one S3 request (a 5 MiB part on a slow link included) may go without an answer. */
export const PART_TIMEOUT_MS = 60_000

/** What the card hears from a {@link FileUpload}. */
export interface FileUploadEvents {
  onChange?: () => void
  onProgress?: (view: ProgressView) => void
  /** Sends each request of an upload run in the page (the page records S3 requests in its history). */
  fetch?: (request: Request) => Promise<Response>
  /** A monotonic clock in milliseconds (speed and time left). */
  clock?: () => number
  /** The time limit of one S3 request, read at each start (default {@link PART_TIMEOUT_MS}). */
  timeoutMs?: () => number
  /**
   * The upload Web Worker (./upload-worker.ts) that runs upload() off the main thread; without one, upload()
   * runs in the page. Its requests are reported to `record` (the page's history), since `fetch` does not see them.
   */
  worker?: () => Worker | undefined
  record?: (entry: HistoryEntry) => void
}

/** Why an upload stopped on purpose: the abort reasons of pause and cancel. */
export class UploadStoppedError extends Error {
  constructor(readonly how: 'paused' | 'cancelled') {
    super(`The upload was ${how}`)
    this.name = 'UploadStoppedError'
  }
}

/**
 * "Sending part 2 of 5", "Sending parts 2 and 3 of 5".
 *
 * @example
 * sendingText([3, 2], 5) // 'Sending parts 2 and 3 of 5'
 */
export function sendingText(parts: Iterable<number>, of: number): string {
  const list = [...parts].sort((a, b) => a - b)
  if (list.length <= 1) return `Sending part ${list[0] ?? 1} of ${of}`
  return `Sending parts ${list.slice(0, -1).join(', ')} and ${list.at(-1)} of ${of}`
}

const ACTIVITIES: Partial<Record<S3Call, string>> = {
  create: 'Starting the multipart upload',
  list: 'Asking S3 which parts it already has',
  complete: 'Completing the upload',
}

let runs = 0

/**
 * One file's upload, with pause/resume and cancel. Pause aborts with `keepPartsOnAbort` (S3 keeps the parts);
 * resume passes the upload id back, so upload() lists the stored parts and sends only the others; cancel aborts
 * the multipart upload (AbortMultipartUpload) and discards them. A request with no answer within `timeoutMs`
 * stops the upload the way a pause does (the parts stay): it fails with a `TimedOutError`, and resumes the same
 * way. With `events.worker`, upload() runs in that Web Worker (the page only renders).
 *
 * @example
 * const job = new FileUpload(file, target, session.provider, { onProgress: (view) => (bar.value = view.percent) })
 * const result = await job.start()
 */
export class FileUpload {
  state: UploadState = 'idle'
  /** The multipart upload S3 holds for this file (set once it started; kept while paused or failed). */
  uploadId?: string
  result?: UploadResult
  error?: unknown
  readonly url: string
  /** Parts of the file (1: a single PUT). */
  readonly partCount: number
  /** Part numbers on their way now. */
  readonly sending = new Set<number>()
  /** Part numbers S3 holds (sent, or found stored on resume). */
  readonly stored = new Set<number>()
  /** Bytes S3 holds so far (this run's and those found stored on resume). */
  loaded = 0
  /** Bytes sent (and stored) in this run: what the speed counts. */
  sentThisRun = 0
  /** What the upload does now, while no part is on its way ("Completing the upload", …). */
  activity = ''
  /** When the oldest request still waiting for its answer went out (the card says "waiting for S3" after a while). */
  waitingSince?: number
  /** Where the last run ran: 'worker' (the upload Web Worker) or 'page'. */
  ranIn?: 'worker' | 'page'
  readonly #target: UploadTarget
  readonly #credentials: CredentialProvider
  readonly #events: FileUploadEvents
  readonly #clock: () => number
  readonly #pending = new Map<number, number>()
  /** Parts S3 answered for in this run (not those a resume found stored). */
  readonly #sentParts = new Set<number>()
  #controller?: AbortController
  #running?: Promise<UploadResult | undefined>

  constructor(
    readonly file: Blob,
    target: UploadTarget,
    credentials: CredentialProvider,
    events: FileUploadEvents = {},
    fileName = (file as Partial<File>).name ?? 'file',
  ) {
    this.url = objectUrl(target, fileName)
    this.partCount = file.size < DEMO_PART_SIZE ? 1 : Math.ceil(file.size / DEMO_PART_SIZE)
    this.#target = target
    this.#credentials = credentials
    this.#events = events
    this.#clock = events.clock ?? (() => performance.now())
  }

  /** The bytes of part `part` (1-based). */
  partBytes(part: number): number {
    if (this.partCount === 1) return this.file.size
    return Math.max(0, Math.min(DEMO_PART_SIZE, this.file.size - (part - 1) * DEMO_PART_SIZE))
  }

  // Keeps track of the parts on their way and of what the upload waits for.
  #onRequest(event: RequestEvent): void {
    if (event.kind === 'sent') {
      if (event.part) this.sending.add(event.part)
      this.activity = ACTIVITIES[event.call] ?? this.activity
      this.#pending.set(event.key, this.#clock())
    } else {
      if (event.part) this.sending.delete(event.part)
      if (event.part && event.status >= 200 && event.status < 300) this.#sentParts.add(event.part)
      if (event.call === 'create' || event.call === 'list') this.activity = ''
      this.#pending.delete(event.key)
    }
    this.waitingSince = this.#pending.size ? Math.min(...this.#pending.values()) : undefined
    this.#events.onChange?.()
  }

  /** Starts (or resumes, after a pause or a failure) the upload; settles when it is done, paused, cancelled or failed. */
  start(): Promise<UploadResult | undefined> {
    if (this.state === 'uploading') return this.#running!
    if (this.state === 'done' || this.state === 'cancelled')
      return Promise.reject(new Error(`This upload is ${this.state}: pick the file again to send it again.`))
    const controller = new AbortController()
    this.#controller = controller
    this.error = undefined
    this.sentThisRun = 0
    this.#sentParts.clear()
    this.#pending.clear()
    this.sending.clear()
    this.waitingSince = undefined
    this.activity = this.uploadId ? ACTIVITIES.list! : ''
    this.#set('uploading')
    const started = this.#clock()
    const spec: RunSpec = {
      url: this.url,
      body: this.file,
      region: this.#target.region,
      partSize: DEMO_PART_SIZE,
      concurrency: DEMO_CONCURRENCY,
      checksum: DEMO_CHECKSUM,
      timeoutMs: this.#events.timeoutMs?.() ?? PART_TIMEOUT_MS,
      ...(this.uploadId && { uploadId: this.uploadId }),
      ...(this.file.type && { contentType: this.file.type }),
    }
    const hooks: RunHooks = {
      credentials: this.#credentials,
      signal: controller.signal,
      clock: this.#clock,
      onCreate: (uploadId) => (this.uploadId = uploadId),
      onRequest: (event) => this.#onRequest(event),
      onProgress: (progress) => {
        // upload() reports the bytes stored, a resume's skipped parts included: the speed counts only the parts
        // sent in this run, over this run's time.
        this.loaded = progress.loaded
        this.stored.add(progress.part)
        if (this.#sentParts.has(progress.part)) this.sentThisRun += this.partBytes(progress.part)
        this.#events.onProgress?.(progressView(progress, this.sentThisRun, this.#clock() - started))
      },
    }
    const worker = this.#events.worker?.()
    this.ranIn = worker ? 'worker' : 'page'
    const running = worker
      ? this.#inWorker(worker, spec, hooks)
      : runUpload(spec, { ...hooks, ...(this.#events.fetch && { fetch: this.#events.fetch }) })
    this.#running = running.then(
      (result) => {
        this.result = result
        this.#set('done')
        return result
      },
      (error: unknown) => {
        const failure = error as { name?: string; how?: string; uploadId?: string }
        if (failure?.name === 'UploadStoppedError') {
          // A cancel goes on with AbortMultipartUpload (cancel() sets the state once S3 has discarded the parts).
          if (failure.how === 'paused') this.#set('paused')
          else this.state = 'paused'
          return undefined
        }
        // An UploadError says whether the multipart upload is still there (its uploadId) or was discarded; an
        // abort reason (a timeout) keeps the parts, and this.uploadId came from onCreate or the resume.
        if (failure?.name === 'UploadError') this.uploadId = failure.uploadId
        this.error = error
        this.#set('failed')
        throw error
      },
    )
    return this.#running
  }

  // The same run in the upload Web Worker: credentials asked for here, everything else reported back.
  #inWorker(worker: Worker, spec: RunSpec, hooks: RunHooks): Promise<UploadResult> {
    const run = ++runs
    const post = (message: ToWorker) => worker.postMessage(message)
    return new Promise<UploadResult>((resolve, reject) => {
      const done = () => {
        worker.removeEventListener('message', onMessage)
        worker.removeEventListener('error', onError)
        hooks.signal.removeEventListener('abort', onAbort)
      }
      const onMessage = ({ data }: MessageEvent<ToPage>) => {
        if (data.run !== run) return
        if (data.type === 'credentials')
          hooks.credentials().then(
            (credentials) => post({ type: 'credentials', ask: data.ask, credentials }),
            (error: unknown) => post({ type: 'credentials', ask: data.ask, error: plainError(error) }),
          )
        else if (data.type === 'created') hooks.onCreate(data.uploadId)
        else if (data.type === 'progress') hooks.onProgress(data.progress)
        else if (data.type === 'request') {
          hooks.onRequest(data.event)
          const event = data.event
          if (event.kind === 'answered')
            this.#events.record?.({
              component: 's3',
              operation: event.operation,
              status: event.status,
              requestId: event.requestId,
              ms: event.ms,
            })
        } else if (data.type === 'done') {
          done()
          resolve(data.result)
        } else if (data.type === 'failed') {
          done()
          // An Error again, with the fields explain() reads (code, status, component, uploadId, cause, …).
          reject(Object.assign(new Error(data.error.message ?? 'The upload failed'), data.error))
        }
      }
      const onError = (event: ErrorEvent) => {
        done()
        reject(new Error(`The upload Worker stopped: ${event.message || 'it could not start'}`))
      }
      const onAbort = () => {
        const reason = hooks.signal.reason as { how?: 'paused' | 'cancelled' }
        post({ type: 'stop', run, how: reason?.how ?? 'paused' })
      }
      worker.addEventListener('message', onMessage)
      worker.addEventListener('error', onError)
      hooks.signal.addEventListener('abort', onAbort, { once: true })
      post({ type: 'start', run, spec })
    })
  }

  /** Stops the parts in flight and keeps the stored ones: `start()` resumes. */
  async pause(): Promise<void> {
    if (this.state !== 'uploading') return
    this.#controller!.abort(new UploadStoppedError('paused'))
    await this.#running!.catch(() => undefined)
  }

  /**
   * Stops and discards the multipart upload (AbortMultipartUpload): nothing of it stays in the bucket. After a
   * failure this is "Discard"; when it fails too (S3 still down), the upload stays failed with its id.
   */
  async cancel(): Promise<void> {
    if (this.state === 'uploading') {
      this.#controller!.abort(new UploadStoppedError('cancelled'))
      await this.#running!.catch(() => undefined)
    }
    if (this.state === 'done') return
    if (this.uploadId) {
      // One small request: sent from the page (recorded by `fetch`), whatever ran the upload, with the same time
      // limit (a Discard while S3 still hangs ends with the TimedOutError, and can be pressed again).
      const plain = this.#events.fetch ?? ((request: Request) => fetch(request))
      const limit = this.#events.timeoutMs?.() ?? PART_TIMEOUT_MS
      const send = reporting('s3', timed('s3', plain, { ms: () => limit }))
      const client = new AwsClient({
        credentials: this.#credentials,
        region: this.#target.region,
        service: 's3',
        retries: 2,
        fetch: send,
      })
      try {
        await abortUpload(client, { url: this.url, uploadId: this.uploadId })
      } catch (error) {
        // Still there: Discard (or Resume) can be tried again.
        this.error = error
        this.#set('failed')
        throw error
      }
    }
    this.uploadId = undefined
    this.#set('cancelled')
  }

  #set(state: UploadState): void {
    this.state = state
    this.#events.onChange?.()
  }
}
