// The messages between the page (FileUpload) and the upload Web Worker (./upload-worker.ts).
import type { TemporaryCredentials } from '../../../src/credentials.js'
import type { UploadProgress, UploadResult } from '../../../src/s3.js'
import type { PlainError, RequestEvent, RunSpec } from './upload-run.js'

/** From the page to the Worker. */
export type ToWorker =
  | { type: 'start'; run: number; spec: RunSpec }
  | { type: 'stop'; run: number; how: 'paused' | 'cancelled' }
  | { type: 'credentials'; ask: number; credentials?: TemporaryCredentials; error?: PlainError }

/** From the Worker to the page. */
export type ToPage =
  | { type: 'credentials'; run: number; ask: number }
  | { type: 'created'; run: number; uploadId: string }
  | { type: 'progress'; run: number; progress: UploadProgress }
  | { type: 'request'; run: number; event: RequestEvent }
  | { type: 'done'; run: number; result: UploadResult }
  | { type: 'failed'; run: number; error: PlainError }
