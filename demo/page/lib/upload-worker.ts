// The upload Web Worker (a module Worker): runs upload() off the page's main thread, so reading, hashing and
// sending 5 MiB parts never blocks the page. The page (./upload.ts, FileUpload) starts and stops runs and answers
// each credentials request; this side reports requests, progress and the outcome. Messages: ./upload-protocol.ts.
import type { TemporaryCredentials } from '../../../src/credentials.js'
import type { ToPage, ToWorker } from './upload-protocol.js'
import { plainError, runUpload } from './upload-run.js'

interface WorkerScope {
  postMessage(message: ToPage): void
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void
}
const scope = globalThis as unknown as WorkerScope

const runs = new Map<number, AbortController>()
const waiting = new Map<number, { resolve: (value: TemporaryCredentials) => void; reject: (error: unknown) => void }>()
let asks = 0

scope.addEventListener('message', ({ data }) => {
  if (data.type === 'start') {
    const controller = new AbortController()
    runs.set(data.run, controller)
    const { run } = data
    runUpload(data.spec, {
      signal: controller.signal,
      // Each signature asks the page (its credential session refreshes them).
      credentials: () =>
        new Promise<TemporaryCredentials>((resolve, reject) => {
          const ask = ++asks
          waiting.set(ask, { resolve, reject })
          scope.postMessage({ type: 'credentials', run, ask })
        }),
      onCreate: (uploadId) => scope.postMessage({ type: 'created', run, uploadId }),
      onProgress: (progress) => scope.postMessage({ type: 'progress', run, progress }),
      onRequest: (event) => scope.postMessage({ type: 'request', run, event }),
    })
      .then(
        (result) => scope.postMessage({ type: 'done', run, result }),
        (error: unknown) => scope.postMessage({ type: 'failed', run, error: plainError(error) }),
      )
      .finally(() => runs.delete(run))
  } else if (data.type === 'stop') {
    runs
      .get(data.run)
      ?.abort(Object.assign(new Error(`The upload was ${data.how}`), { name: 'UploadStoppedError', how: data.how }))
  } else if (data.type === 'credentials') {
    const pending = waiting.get(data.ask)
    waiting.delete(data.ask)
    if (!pending) return
    if (data.credentials) pending.resolve(data.credentials)
    else pending.reject(Object.assign(new Error(data.error?.message ?? 'no credentials'), data.error))
  }
})
