// The "Upload a file" card: pick or drop a file, a progress bar with speed and time left, pause/resume and
// cancel, and the object's checksum when done. The upload itself: ./upload.ts (signed in the page), or
// ./presigned.ts with the toggle on (part URLs from the Worker, no credentials on the page).
import type { CredentialProvider } from '../../../src/credentials.js'
import { explain, explanationNodes } from './explain.js'
import { PresignedUpload, type PartView } from './presigned.js'
import type { TokenSource } from './session.js'
import { DEMO_PART_SIZE, FileUpload, formatBytes, type ProgressView, type UploadTarget } from './upload.js'

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
  /** Pause when uploading, resume when paused. */
  togglePause(): Promise<void>
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

  picker.addEventListener('change', () => {
    const file = picker.files?.[0]
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
    const file = event.dataTransfer?.files[0]
    if (file) void card.choose(file)
  })
  pauseButton.addEventListener('click', () => void card.togglePause())
  cancelButton.addEventListener('click', () => void card.cancel())

  function showError(error: unknown): void {
    const explained = explain(error)
    const box = $('upload-error')
    box.hidden = false
    box.replaceChildren(...explanationNodes(doc, explained, 600))
    deps.log(`upload: ${explained.code}: ${explained.title}`, 'err')
  }

  presignedToggle.addEventListener('change', () => render())

  async function run(current: CardJob): Promise<void> {
    try {
      const result = await current.start()
      if (result)
        deps.log(
          `uploaded ${current.url} (${result.parts.length} part(s))` +
            ('checksum' in result ? `, checksum ${result.checksum ?? '—'}` : ', through presigned part URLs'),
          'ok',
        )
      else deps.log(`upload ${current.state}: ${current.url}`)
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
      else if (job.state === 'paused') {
        deps.log(`resuming upload ${job.uploadId ?? ''}`)
        await run(job)
      }
    },
    async cancel() {
      if (!job) return
      try {
        await job.cancel()
        lastView = { percent: 0, text: 'Cancelled: the stored parts were discarded (AbortMultipartUpload).' }
        card.render()
      } catch (error) {
        showError(error)
      }
    },
    render,
  }

  function render(): void {
    const target = deps.target()
    $('upload-where').textContent = target ? `s3://${target.bucket}/${target.prefix}` : ''
    const canPresign = Boolean(deps.presigned?.workerUrl() && target)
    presignedToggle.disabled = !canPresign || job?.state === 'uploading' || job?.state === 'paused'
    if (!canPresign) presignedToggle.checked = false
    renderParts(job instanceof PresignedUpload ? job.parts : [])
    const state = job?.state ?? 'idle'
    const bar = $('upload-progress')
    bar.dataset.state = state
    bar.setAttribute('aria-valuenow', String(lastView.percent))
    $('upload-bar').style.width = `${lastView.percent}%`
    const status =
      state === 'paused'
        ? `Paused at ${lastView.percent}% — Resume sends only the missing parts.`
        : state === 'done'
          ? `Done: ${formatBytes(job!.file.size)} in ${Math.max(1, job!.result!.parts.length)} part(s).`
          : lastView.text
    $('upload-status').textContent = status
    pauseButton.disabled = state !== 'uploading' && state !== 'paused'
    pauseButton.textContent = state === 'paused' ? 'Resume' : 'Pause'
    cancelButton.disabled = state !== 'uploading' && state !== 'paused'
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
