// The "Upload a file" card's logic: where a file goes in the bucket, the progress line (speed, time left), and
// one upload's life: start, pause (abort that keeps the stored parts), resume (with the upload id), cancel
// (AbortMultipartUpload). upload() from webcrypto-sigv4/s3 does the work.
import { AwsClient } from '../../../src/client.js'
import type { CredentialProvider } from '../../../src/credentials.js'
import { abortUpload, upload, type UploadProgress, type UploadResult } from '../../../src/s3.js'
import { reporting } from './errors.js'

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

/** What the card hears from a {@link FileUpload}. */
export interface FileUploadEvents {
  onChange?: () => void
  onProgress?: (view: ProgressView) => void
  /** Each request as it goes out (the page records S3 requests in its history). */
  fetch?: (request: Request) => Promise<Response>
  /** A monotonic clock in milliseconds (speed and time left). */
  clock?: () => number
}

/** Why an upload stopped on purpose: the abort reasons of pause and cancel. */
export class UploadStoppedError extends Error {
  constructor(readonly how: 'paused' | 'cancelled') {
    super(`The upload was ${how}`)
    this.name = 'UploadStoppedError'
  }
}

/**
 * One file's upload, with pause/resume and cancel. Pause aborts with `keepPartsOnAbort` (S3 keeps the parts);
 * resume passes the upload id back, so upload() lists the stored parts and sends only the others; cancel aborts
 * the multipart upload (AbortMultipartUpload) and discards them.
 *
 * @example
 * const job = new FileUpload(file, target, session.provider, { onProgress: (view) => (bar.value = view.percent) })
 * const result = await job.start()
 */
export class FileUpload {
  state: UploadState = 'idle'
  /** The multipart upload S3 holds for this file (set once it started; kept while paused). */
  uploadId?: string
  result?: UploadResult
  error?: unknown
  readonly url: string
  readonly #client: AwsClient
  readonly #events: FileUploadEvents
  readonly #clock: () => number
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
    this.#events = events
    this.#clock = events.clock ?? (() => performance.now())
    const send = reporting('s3', events.fetch ?? ((request: Request) => fetch(request)))
    this.#client = new AwsClient({ credentials, region: target.region, service: 's3', retries: 2, fetch: send })
  }

  /** Starts (or resumes, after a pause) the upload; settles when it is done, paused, cancelled or failed. */
  start(): Promise<UploadResult | undefined> {
    if (this.state === 'uploading') return this.#running!
    if (this.state === 'done' || this.state === 'cancelled')
      return Promise.reject(new Error(`This upload is ${this.state}: pick the file again to send it again.`))
    const controller = new AbortController()
    this.#controller = controller
    this.#set('uploading')
    const started = this.#clock()
    this.#running = upload(this.#client, {
      url: this.url,
      body: this.file,
      partSize: DEMO_PART_SIZE,
      concurrency: DEMO_CONCURRENCY,
      checksum: DEMO_CHECKSUM,
      signal: controller.signal,
      keepPartsOnAbort: true,
      ...(this.uploadId && { uploadId: this.uploadId }),
      // Known before any part is stored, so a pause right after the start can still be resumed.
      onCreate: ({ uploadId }) => (this.uploadId = uploadId),
      ...(this.file.type && { headers: { 'content-type': this.file.type } }),
      onProgress: (progress) => {
        // upload() reports the bytes stored, a resume's skipped parts included; the speed is over this run's time.
        const view = progressView(progress, progress.loaded, this.#clock() - started)
        this.#events.onProgress?.(view)
      },
    }).then(
      (result) => {
        this.result = result
        this.#set('done')
        return result
      },
      (error: unknown) => {
        if (error instanceof UploadStoppedError) {
          this.#set(error.how)
          return undefined
        }
        // this.uploadId came from onCreate (or was the resumed one): the error's is the same id.
        this.error = error
        this.#set('failed')
        throw error
      },
    )
    return this.#running
  }

  /** Stops the parts in flight and keeps the stored ones: `start()` resumes. */
  async pause(): Promise<void> {
    if (this.state !== 'uploading') return
    this.#controller!.abort(new UploadStoppedError('paused'))
    await this.#running!.catch(() => undefined)
  }

  /** Stops and discards the multipart upload (AbortMultipartUpload): nothing of it stays in the bucket. */
  async cancel(): Promise<void> {
    if (this.state === 'uploading') {
      this.#controller!.abort(new UploadStoppedError('paused'))
      await this.#running!.catch(() => undefined)
    }
    if (this.state === 'done' || this.state === 'cancelled') return
    if (this.uploadId) {
      await abortUpload(this.#client, { url: this.url, uploadId: this.uploadId })
    }
    this.uploadId = undefined
    this.#set('cancelled')
  }

  #set(state: UploadState): void {
    this.state = state
    this.#events.onChange?.()
  }
}
