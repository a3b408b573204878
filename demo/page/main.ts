// Entry of the demo page: mounts it on the real document.
import { mountDemo } from './lib/ui.js'

// Signed uploads run upload() in a module Web Worker (one for the page, started at the first upload), so the
// page never freezes while parts are read, hashed and sent. `?upload-worker=off` runs it on the main thread.
let uploadWorker: Worker | undefined
const workerOff = new URL(location.href).searchParams.get('upload-worker') === 'off'

const page = mountDemo({
  document,
  storage: localStorage,
  location: new URL(location.href),
  fetch: (input, init) => fetch(input, init),
  uploadWorker: () => {
    if (workerOff || typeof Worker === 'undefined') return undefined
    try {
      uploadWorker ??= new Worker(new URL('./lib/upload-worker.ts', import.meta.url), { type: 'module' })
    } catch {
      // A browser without module Workers: upload() runs on the page.
    }
    return uploadWorker
  },
})
// For the console and the end-to-end test.
Object.assign(globalThis, { demo: page })
