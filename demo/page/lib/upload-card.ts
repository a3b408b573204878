// The "Upload a file" card: pick or drop a file, a progress bar with speed and time left, pause/resume and
// cancel, after a failure Resume (the same upload id, only the missing parts) or Discard (AbortMultipartUpload),
// and the object's checksum when done. The upload itself: ./upload.ts (signed in the page), or
// ./presigned.ts with the toggle on (part URLs from the Worker, no credentials on the page).
import type { CredentialProvider } from '../../../src/credentials.js'
import { explainUpload, explanationNodes } from './explain.js'
import { PresignedUpload, type PartView } from './presigned.js'
import type { HistoryEntry } from './history.js'
import type { TokenSource } from './session.js'
import {
  DEMO_PART_SIZE,
  FileUpload,
  formatBytes,
  formatDuration,
  sendingText,
  type ProgressView,
  type UploadTarget,
} from './upload.js'

/** What the card needs from the page. */
export interface UploadCardDeps {
  document: Document
  /** Where uploads go (from GET /config), or undefined while unknown / when the Worker names no bucket. */
  target: () => UploadTarget | undefined
  /** The page's credential session (the Worker's credentials). */
  credentials: () => CredentialProvider
  /** Sends an S3 request (the page's history records it). */
  fetch: (request: Request) => Promise<Response>
  log: (text: string, kind?: 'ok' | 'err' | 'info') => void
  clock?: () => number
  /** The time limit of one S3 request of an upload, in ms (read at each request). */
  timeoutMs?: () => number
  /** The upload Web Worker, when the page has one (upload() then runs off the main thread). */
  worker?: () => Worker | undefined
  /** Records a request the Worker made (the page's history). */
  record?: (entry: HistoryEntry) => void
  /** Why there is nowhere to upload (shown over the disabled card while `target()` is undefined). */
  unavailable?: () => string
  /** For the "Presigned part URLs" toggle: the Worker that hands them out (unset: no Worker, toggle off). */
  presigned?: {
    workerUrl: () => string | undefined
    /** Sends a request to the Worker (recorded in the history). */
    worker: (request: Request) => Promise<Response>
    /** A Turnstile token source, when the Worker asks for one. */
    token?: () => TokenSource | undefined
  }
}

/** Either kind of upload the card runs. */
export type CardJob = FileUpload | PresignedUpload

/** Handles for tests and the console. */
export interface UploadCard {
  /** The current (or last) upload. */
  readonly job: CardJob | undefined
  /** Starts uploading a file (what picking or dropping one does); settles when it stops. */
  choose(file: File): Promise<void>
  /** Pause when uploading; resume when paused or failed (the same upload id: only the missing parts are sent). */
  togglePause(): Promise<void>
  /** Cancel while uploading or paused; Discard after a failure: AbortMultipartUpload. */
  cancel(): Promise<void>
  render(): void
}

/**
 * Wires the card's markup (demo/page/index.html `#upload-card`).
 *
 * @example
 * const card = mountUploadCard({ document, target: () => config.upload, credentials: () => session.provider, fetch, log })
 */
export function mountUploadCard(deps: UploadCardDeps): UploadCard {
  const doc = deps.document
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => doc.getElementById(id) as T
  const picker = $<HTMLInputElement>('upload-file')
  const drop = $('upload-drop')
  const pauseButton = $<HTMLButtonElement>('upload-pause')
  const cancelButton = $<HTMLButtonElement>('upload-cancel')
  const presignedToggle = $<HTMLInputElement>('upload-presigned')
  let job: CardJob | undefined
  let lastView: ProgressView = { percent: 0, text: '' }
  const clock = deps.clock ?? (() => performance.now())
  // After a Cancel, the promise of the stopped run settles before AbortMultipartUpload is done: it logs nothing.
  let cancelling = false

  picker.addEventListener('change', () => {
    const file = picker.files?.[0]
    // Emptied at once, so that picking the same file again (after a cancel, a failure or a finished upload) is
    // a change too.
    picker.value = ''
    if (file) void card.choose(file)
  })
  drop.addEventListener('dragover', (event) => {
    event.preventDefault()
    drop.dataset.over = 'true'
  })
  drop.addEventListener('dragleave', () => delete drop.dataset.over)
  drop.addEventListener('drop', (event) => {
    event.preventDefault()
    delete drop.dataset.over
    if (!deps.target()) return
    const file = event.dataTransfer?.files[0]
    if (file) void card.choose(file)
  })
  pauseButton.addEventListener('click', () => void card.togglePause())
  cancelButton.addEventListener('click', () => void card.cancel())

  function showError(error: unknown): void {
    const explained = explainUpload(error)
    const box = $('upload-error')
    box.hidden = false
    box.replaceChildren(...explanationNodes(doc, explained, 600))
    deps.log(`upload: ${explained.code}: ${explained.title}`, 'err')
  }

  presignedToggle.addEventListener('change', () => render())

  async function run(current: CardJob): Promise<void> {
    $('upload-error').hidden = true
    try {
      const result = await current.start()
      if (result) {
        const count = result.parts.length
        deps.log(
          `uploaded ${current.url} (${count === 0 ? 'a single PUT' : count === 1 ? '1 part' : `${count} parts`})` +
            ('checksum' in result ? `, checksum ${result.checksum ?? '—'}` : ', through presigned part URLs'),
          'ok',
        )
      } else if (!cancelling) deps.log(`upload ${current.state}: ${current.url}`)
    } catch (error) {
      showError(error)
    }
  }

  const card: UploadCard = {
    get job() {
      return job
    },
    async choose(file) {
      if (job?.state === 'uploading' || job?.state === 'paused') await card.cancel()
      const target = deps.target()
      $('upload-error').hidden = true
      $('upload-result').hidden = true
      lastView = { percent: 0, text: '' }
      if (!target) {
        render()
        showError(
          new Error(
            'The Worker names no bucket for uploads: set S3_BUCKET (and S3_ENDPOINT locally), or run npm run demo with moto.',
          ),
        )
        return
      }
      const workerUrl = deps.presigned?.workerUrl()
      if (presignedToggle.checked && deps.presigned && workerUrl) {
        const token = deps.presigned.token?.()
        job = new PresignedUpload(file, {
          workerUrl,
          worker: deps.presigned.worker,
          s3: deps.fetch,
          ...(token && { token }),
          onChange: () => card.render(),
          onPart: (parts) => {
            lastView = partsProgress(parts)
            card.render()
          },
        })
      } else
        job = new FileUpload(file, target, deps.credentials(), {
          fetch: deps.fetch,
          ...(deps.clock && { clock: deps.clock }),
          ...(deps.timeoutMs && { timeoutMs: deps.timeoutMs }),
          ...(deps.worker && { worker: deps.worker }),
          ...(deps.record && { record: deps.record }),
          onChange: () => card.render(),
          onProgress: (view) => {
            lastView = view
            card.render()
          },
        })
      deps.log(`upload of ${file.name} (${formatBytes(file.size)}) to ${job.url}`)
      await run(job)
    },
    async togglePause() {
      if (!job) return
      if (job.state === 'uploading') await job.pause()
      else if (job.state === 'paused' || job.state === 'failed') {
        deps.log(job.uploadId ? `resuming upload ${job.uploadId}` : `sending ${job.url} again`)
        // The last run's speed and time left are not this run's.
        lastView = { percent: lastView.percent, text: '' }
        await run(job)
      }
    },
    async cancel() {
      if (!job) return
      const discarding = job.state === 'failed'
      cancelling = true
      try {
        await job.cancel()
        lastView = {
          percent: 0,
          text: discarding
            ? 'Discarded: S3 deleted the stored parts (AbortMultipartUpload).'
            : 'Cancelled: the stored parts were discarded (AbortMultipartUpload).',
        }
        deps.log(`upload ${discarding ? 'discarded' : 'cancelled'}: ${job.url}`)
        card.render()
      } catch (error) {
        showError(error)
      } finally {
        cancelling = false
      }
    },
    render,
  }

  function render(): void {
    const target = deps.target()
    $('upload-where').textContent = target ? `s3://${target.bucket}/${target.prefix}` : ''
    // No bucket: the card says why, and nothing in it can be used.
    const off = $('upload-off')
    off.hidden = Boolean(target)
    off.textContent = target ? '' : (deps.unavailable?.() ?? 'Uploads are off: the Worker names no bucket.')
    picker.disabled = !target
    drop.dataset.disabled = String(!target)
    const canPresign = Boolean(deps.presigned?.workerUrl() && target)
    presignedToggle.disabled = !canPresign || job?.state === 'uploading' || job?.state === 'paused'
    if (!canPresign) presignedToggle.checked = false
    // After a cancel the parts are gone: their "done" and "waiting" would no longer be true.
    renderParts(job instanceof PresignedUpload && job.state !== 'cancelled' ? job.parts : [])
    const state = job?.state ?? 'idle'
    const bar = $('upload-progress')
    bar.dataset.state = state
    bar.setAttribute('aria-valuenow', String(lastView.percent))
    $('upload-bar').style.width = `${lastView.percent}%`
    $('upload-status').textContent = statusText(state)
    // After a failure: Resume (the same upload id; Retry when nothing is stored) and Discard (AbortMultipartUpload).
    const resumable = state === 'failed' && Boolean(job?.uploadId)
    pauseButton.disabled = state !== 'uploading' && state !== 'paused' && state !== 'failed'
    pauseButton.textContent = state === 'paused' || resumable ? 'Resume' : state === 'failed' ? 'Retry' : 'Pause'
    cancelButton.disabled = state !== 'uploading' && state !== 'paused' && !resumable
    cancelButton.textContent = resumable ? 'Discard' : 'Cancel'
    const done = state === 'done' && job?.result
    $('upload-result').hidden = !done
    if (done) {
      $('u-key').textContent = new URL(job!.url).pathname.replace(/^\//, '')
      $('u-etag').textContent = job!.result!.etag
      const result = job!.result!
      $('u-checksum').textContent = 'checksum' in result ? (result.checksum ?? '—') : '— (presigned parts carry none)'
    }
    $('upload-note').textContent = presignedToggle.checked
      ? 'The Worker starts the upload and hands out one presigned PUT URL per part (5 MiB each); the page sends them with plain fetch, then the Worker completes it.'
      : `Parts of ${formatBytes(DEMO_PART_SIZE)}, each with its SHA-256; files under one part go as a single PUT.`
  }

  // The line in the bar: what is on its way now, and how far the upload got.
  function statusText(state: CardJob['state']): string {
    if (!job) return lastView.text
    if (state === 'paused') return `Paused at ${lastView.percent}% — Resume sends only the missing parts.`
    if (state === 'done') {
      const count = job.result!.parts.length
      return `Done: ${formatBytes(job.file.size)} ${count === 0 ? 'in a single PUT' : count === 1 ? 'in 1 part' : `in ${count} parts`}.`
    }
    if (state === 'failed') {
      const stored = storedParts()
      if (!job.uploadId) return `Failed at ${lastView.percent}%: nothing is stored. Retry sends the file again.`
      return `Failed at ${lastView.percent}% with ${stored} stored in S3 — Resume sends only the missing parts; Discard deletes them.`
    }
    if (state !== 'uploading' || !(job instanceof FileUpload)) return lastView.text
    // At once, before any part is stored: what is on its way now.
    let next = 1
    while (job.stored.has(next)) next++
    const doing = job.sending.size
      ? sendingText(job.sending, job.partCount)
      : job.activity || sendingText([Math.min(next, job.partCount)], job.partCount)
    const waited = job.waitingSince === undefined ? 0 : clock() - job.waitingSince
    const waiting = waited >= 3000 ? ` · waiting for S3's answer ${formatDuration(waited)}` : ''
    const progress = lastView.text || `${formatBytes(job.loaded)} of ${formatBytes(job.file.size)}`
    return `${doing}${waiting} · ${progress}`
  }

  // "2 of 5 parts" (a FileUpload counts the stored bytes; a presigned one its parts with an ETag).
  function storedParts(): string {
    if (job instanceof PresignedUpload) {
      const done = job.parts.filter((part) => part.state === 'done').length
      return `${done} of ${job.parts.length} parts`
    }
    const upload = job as FileUpload
    return `${upload.stored.size} of ${upload.partCount} part${upload.partCount === 1 ? '' : 's'}`
  }

  function renderParts(parts: readonly PartView[]): void {
    const list = $('upload-parts')
    list.hidden = parts.length === 0
    list.replaceChildren(
      ...parts.map((part) => {
        const item = doc.createElement('li')
        item.dataset.state = part.state
        item.textContent = `part ${part.partNumber} · ${formatBytes(part.bytes)} · ${part.state}`
        return item
      }),
    )
  }

  render()
  return card
}

/**
 * The progress line of a presigned upload: parts done of all, and their bytes.
 *
 * @example
 * partsProgress([{ partNumber: 1, state: 'done', bytes: 5 }, { partNumber: 2, state: 'sending', bytes: 5 }])
 * // { percent: 50, text: '1 of 2 parts · 5 B of 10 B' }
 */
export function partsProgress(parts: readonly PartView[]): ProgressView {
  const total = parts.reduce((sum, part) => sum + part.bytes, 0)
  const done = parts.filter((part) => part.state === 'done')
  const loaded = done.reduce((sum, part) => sum + part.bytes, 0)
  const percent = total > 0 ? Math.round((loaded / total) * 100) : 0
  return { percent, text: `${done.length} of ${parts.length} parts · ${formatBytes(loaded)} of ${formatBytes(total)}` }
}
