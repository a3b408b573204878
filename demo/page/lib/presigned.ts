// The upload card's "Presigned part URLs" mode: the page holds no credentials. The Worker (POST /uploads) starts
// the multipart upload and hands out one presigned UploadPart URL per part; the page PUTs each slice with plain
// fetch and reads its ETag (the bucket's CORS rule must expose it); the Worker then completes it
// (POST /uploads/complete) or, on cancel, aborts it (POST /uploads/abort).
import { reporting } from './errors.js'
import { TURNSTILE_HEADER, WorkerError, type TokenSource } from './session.js'
import type { UploadState } from './upload.js'

/**
 * What POST /uploads answers (demo/worker.ts `PresignedUploadResponse`). Part n is bytes `(n - 1) * partSize` to
 * `n * partSize` of the file (the last one the rest); `size` is that length, signed into its URL as content-length.
 */
export interface PresignedPlan {
  uploadId: string
  key: string
  partSize: number
  parts: { partNumber: number; url: string; size?: number }[]
}

/** One part as the card shows it. */
export interface PartView {
  partNumber: number
  state: 'waiting' | 'sending' | 'done' | 'failed'
  bytes: number
}

/** What a finished presigned upload holds. */
export interface PresignedResult {
  key: string
  etag: string
  parts: { partNumber: number; etag: string }[]
}

/** What the card gives a {@link PresignedUpload}. */
export interface PresignedUploadDeps {
  /** The Worker's base URL. */
  workerUrl: string
  /** Requests to the Worker (the page's history records them). */
  worker: (request: Request) => Promise<Response>
  /** Part PUTs to S3 (recorded too). */
  s3: (request: Request) => Promise<Response>
  /** A fresh Turnstile token per Worker request, when the Worker needs one. */
  token?: TokenSource
  onChange?: () => void
  /** Each time a part changes state. */
  onPart?: (parts: readonly PartView[]) => void
}

/** Parts in flight at once. */
export const PRESIGNED_CONCURRENCY = 2
/** Tries per part PUT (a part is retried on its own). */
const PART_ATTEMPTS = 2

/**
 * One file's upload through presigned part URLs, with cancel (the Worker aborts it). Pause stops the parts in
 * flight; resume sends only the parts without an ETag yet.
 *
 * @example
 * const job = new PresignedUpload(file, { workerUrl, worker: fetch, s3: fetch })
 * const result = await job.start() // { key, etag, parts }
 */
export class PresignedUpload {
  state: UploadState = 'idle'
  plan?: PresignedPlan
  result?: PresignedResult
  error?: unknown
  parts: PartView[] = []
  readonly #etags = new Map<number, string>()
  readonly #deps: PresignedUploadDeps
  #controller?: AbortController
  #running?: Promise<PresignedResult | undefined>

  constructor(
    readonly file: Blob,
    deps: PresignedUploadDeps,
    readonly fileName = (file as Partial<File>).name ?? 'file',
  ) {
    this.#deps = deps
  }

  get uploadId(): string | undefined {
    return this.plan?.uploadId
  }

  /** The object's URL (known once the Worker has answered POST /uploads). */
  get url(): string {
    const first = this.plan?.parts[0]?.url
    if (!first) return `(the Worker picks the key for ${this.fileName})`
    const url = new URL(first)
    return url.origin + url.pathname
  }

  /** Starts (or, after a pause, resumes) the upload; settles when it is done, paused, cancelled or failed. */
  start(): Promise<PresignedResult | undefined> {
    if (this.state === 'uploading') return this.#running!
    if (this.state === 'done' || this.state === 'cancelled')
      return Promise.reject(new Error(`This upload is ${this.state}: pick the file again to send it again.`))
    const controller = new AbortController()
    this.#controller = controller
    this.#set('uploading')
    this.#running = this.#run(controller.signal).then(
      (result) => {
        this.result = result
        this.#set('done')
        return result
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          this.#set(controller.signal.reason === 'cancel' ? 'cancelled' : 'paused')
          return undefined
        }
        this.error = error
        this.#set('failed')
        throw error
      },
    )
    return this.#running
  }

  /** Stops the parts in flight; the ones with an ETag stay stored. */
  async pause(): Promise<void> {
    if (this.state !== 'uploading') return
    this.#controller!.abort('pause')
    await this.#running!.catch(() => undefined)
  }

  /** Stops, and has the Worker abort the multipart upload (nothing of it stays in the bucket). */
  async cancel(): Promise<void> {
    if (this.state === 'uploading') {
      this.#controller!.abort('cancel')
      await this.#running!.catch(() => undefined)
    }
    if (this.state === 'done') return
    if (this.plan) await this.#callWorker('uploads/abort', { key: this.plan.key, uploadId: this.plan.uploadId })
    this.#set('cancelled')
  }

  async #run(signal: AbortSignal): Promise<PresignedResult> {
    this.plan ??= await this.#createPlan()
    const plan = this.plan
    if (!this.parts.length)
      this.parts = plan.parts.map(({ partNumber }) => ({
        partNumber,
        state: 'waiting',
        bytes: this.#slice(partNumber).size,
      }))
    const queue = plan.parts.filter(({ partNumber }) => !this.#etags.has(partNumber))
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.#sendPart(next, signal)
    }
    await Promise.all(Array.from({ length: Math.min(PRESIGNED_CONCURRENCY, queue.length) }, worker))
    if (signal.aborted) throw signal.reason
    const parts = [...this.#etags].map(([partNumber, etag]) => ({ partNumber, etag }))
    parts.sort((a, b) => a.partNumber - b.partNumber)
    const done = (await this.#callWorker('uploads/complete', { key: plan.key, uploadId: plan.uploadId, parts })) as {
      etag: string
    }
    return { key: plan.key, etag: done.etag, parts }
  }

  async #createPlan(): Promise<PresignedPlan> {
    const plan = (await this.#callWorker('uploads', { name: this.fileName, size: this.file.size })) as PresignedPlan
    if (!plan.uploadId || !plan.key || !(plan.partSize > 0) || !Array.isArray(plan.parts) || !plan.parts.length)
      throw new WorkerError(
        'worker_error',
        'The Worker answered POST /uploads without { uploadId, key, partSize, parts }',
        200,
      )
    // Each part URL signs its length: a slice of any other length would only come back as a 403 from S3.
    for (const part of plan.parts) {
      const slice = this.#slice(part.partNumber, plan.partSize).size
      if (part.size !== undefined && part.size !== slice)
        throw new WorkerError(
          'worker_error',
          `The Worker signed part ${part.partNumber} for ${part.size} bytes, but that slice of the file has ${slice}`,
          200,
        )
    }
    return plan
  }

  /** Part n's bytes: `partSize` of them from `(n - 1) * partSize`, the last part the rest (what its URL signed). */
  #slice(partNumber: number, size = this.plan!.partSize): Blob {
    return this.file.slice((partNumber - 1) * size, partNumber * size)
  }

  async #sendPart(part: { partNumber: number; url: string }, signal: AbortSignal): Promise<void> {
    const view = this.parts.find((entry) => entry.partNumber === part.partNumber)!
    this.#partState(view, 'sending')
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await reporting(
          's3',
          this.#deps.s3,
        )(new Request(part.url, { method: 'PUT', body: this.#slice(part.partNumber), signal }))
        if (!response.ok)
          throw new Error(
            `S3 answered part ${part.partNumber} with ${response.status}: ${(await response.text()).slice(0, 300)}`,
          )
        const etag = response.headers.get('etag')
        if (!etag)
          throw new Error(
            `S3 stored part ${part.partNumber} but its answer shows no ETag: the bucket's CORS rule must expose it (<ExposeHeader>ETag</ExposeHeader>)`,
          )
        this.#etags.set(part.partNumber, etag)
        this.#partState(view, 'done')
        return
      } catch (error) {
        if (signal.aborted) {
          this.#partState(view, 'waiting')
          throw signal.reason
        }
        if (attempt >= PART_ATTEMPTS) {
          this.#partState(view, 'failed')
          throw error
        }
      }
    }
  }

  #partState(view: PartView, state: PartView['state']): void {
    view.state = state
    this.#deps.onPart?.(this.parts)
  }

  async #callWorker(path: string, body: object): Promise<unknown> {
    const token = await this.#deps.token?.()
    const request = new Request(new URL(path, this.#deps.workerUrl.replace(/\/*$/, '/')), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { [TURNSTILE_HEADER]: token }) },
      body: JSON.stringify(body),
    })
    const response = await reporting('worker', this.#deps.worker)(request)
    let answer: Record<string, unknown> = {}
    try {
      answer = (await response.json()) as Record<string, unknown>
    } catch {
      // Not JSON: reported below from the status.
    }
    if (!response.ok) {
      const message = typeof answer.message === 'string' ? answer.message : `The Worker answered ${response.status}`
      throw new WorkerError(
        typeof answer.error === 'string' ? answer.error : 'worker_error',
        typeof answer.ref === 'string' ? `${message} (reference ${answer.ref})` : message,
        response.status,
      )
    }
    return answer
  }

  #set(state: UploadState): void {
    this.state = state
    this.#deps.onChange?.()
  }
}
