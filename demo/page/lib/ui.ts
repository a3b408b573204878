// Wires the page: form ↔ settings, credential session and countdown, sends (queued, one at a time), read-back,
// inspector, request history, tamper button, errors at their field or in the error box, and the Activity log.
import { CancelledError, COMPONENT_NAMES, REQUEST_TIMEOUT_MS, timed, type Component } from './errors.js'
import { explain, explanationNodes, redact } from './explain.js'
import { type HistoryEntry, HISTORY_ROWS, operationOf, tamperWith, tracked } from './history.js'
import { previewRecord, RECORD_LIMIT_BYTES, recordSize, tooLargeMessage } from './records.js'
import {
  CredentialSession,
  formatCountdown,
  parsePasted,
  providerFor,
  type RefreshEvent,
  type TokenSource,
} from './session.js'
import { loadSettings, saveSettings, validate, type FieldProblem, type Settings, type SourceKind } from './settings.js'
import { DemoStream, makeBatch, type Placement, type ReadRecord } from './stream.js'
import { loadTurnstile, turnstileTokens, type TurnstileApi } from './turnstile.js'
import { mountUploadCard, type UploadCard } from './upload-card.js'
import { PART_TIMEOUT_MS, type UploadTarget } from './upload.js'

/** What the page needs from its environment (the real globals in the browser, fakes in tests). */
export interface PageDeps {
  document: Document
  storage: Pick<Storage, 'getItem' | 'setItem'>
  location: URL
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  now?: () => number
  /** Starts the one-second clock; returns a function that stops it. */
  every?: (ms: number, run: () => void) => () => void
  /** For the copy buttons (default `navigator.clipboard`). */
  clipboard?: Pick<Clipboard, 'writeText'>
  /** Loads Cloudflare's Turnstile script when the Worker asks for tokens (default: from challenges.cloudflare.com). */
  loadTurnstile?: () => Promise<TurnstileApi>
  /** A monotonic clock in milliseconds for the request history (default `performance.now`). */
  clock?: () => number
  /** The upload Web Worker (demo/page/lib/upload-worker.ts): signed uploads run there, off the main thread. */
  uploadWorker?: () => Worker | undefined
}

/** Handles for tests and for the console. */
export interface Page {
  settings: Settings
  session?: CredentialSession
  /** Settles once GET /config has answered (or failed) on a page whose source is the Worker. */
  configured: Promise<void>
  history: HistoryEntry[]
  getCredentials(): Promise<void>
  putRecord(): Promise<void>
  putBatch(): Promise<void>
  tamper(): Promise<void>
  render(): void
  stop(): void
  /** The "Upload a file" card. */
  upload: UploadCard
  /**
   * How long the page waits for an answer (ms): `request` for the Worker, Cognito and Kinesis, `upload` for one S3
   * request of an upload (a part). Read at each request, so the console (or a test) can change them.
   */
  timeouts: { request: number; upload: number }
  /** Stops waiting for the running action (what the Cancel button next to "Waiting for …" does). */
  cancel(): void
}

/** What GET /config tells the page (see demo/worker.ts `ConfigResponse`). */
interface WorkerConfig {
  region?: string
  streamName?: string
  kinesisEndpoint?: string
  readBack?: boolean
  turnstileSiteKey?: string
  localEmulator?: string
  upload?: { bucket: string; prefix: string; s3Endpoint: string; presignEndpoint?: string }
}

// A short line, and the details behind a disclosure (on a phone the whole text ran ten lines above the form).
const BANNERS: Record<string, { short: string; details: string }> = {
  moto: {
    short: 'Local stack: moto checks every signature as AWS would.',
    details:
      'It does not enforce session policies, so the Worker\'s "this one stream only" and "this one prefix only" ' +
      'limits cannot be seen here — they apply on AWS. The upload card\'s "Presigned part URLs" path goes to a ' +
      'second moto WITHOUT signature checks: with checks on, moto answers every presigned request with 500.',
  },
  kinesalite: {
    short: 'Local emulator: kinesalite does NOT check signatures — anything is accepted.',
    details:
      'There is no S3 for the upload card either. Install moto (pip install "moto[server]") for real signature checks.',
  },
}

/**
 * Mounts the demo on a document that holds demo/index.html's markup.
 *
 * @example
 * mountDemo({ document, storage: localStorage, location: new URL(location.href), fetch: fetch.bind(globalThis) })
 */
export function mountDemo(deps: PageDeps): Page {
  const { document: doc, storage, location } = deps
  const now = deps.now ?? Date.now
  const clock = deps.clock ?? (() => performance.now())
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => doc.getElementById(id) as T
  const input = (id: string) => $<HTMLInputElement>(id)
  const textArea = (id: string) => $<HTMLTextAreaElement>(id)
  const settings = loadSettings(storage, location)
  const history: HistoryEntry[] = []
  let session: CredentialSession | undefined
  let busy = false
  let queued = 0
  let workerConfig: WorkerConfig = {}
  let configState: 'loading' | 'loaded' | 'failed' | 'none' = settings.source === 'worker' ? 'loading' : 'none'
  const timeouts = { request: REQUEST_TIMEOUT_MS, upload: PART_TIMEOUT_MS }
  // The running action (a click on Get credentials, PutRecord, …): a timeout or Cancel aborts it.
  let action: AbortController | undefined
  // Requests waiting for their answer (S3's are the upload card's): "Waiting for …" names the oldest.
  const inFlight = new Map<object, { component: Component; operation: string; since: number }>()

  // Every request the page makes goes through here: the history records it; requests other than S3's (the upload
  // card has its own, longer, limit) give up after timeouts.request and stop the action they belong to.
  const send = (component: HistoryEntry['component']) => {
    const plain = (request: Request) => deps.fetch(request)
    const limited =
      component === 's3'
        ? plain
        : timed(component, plain, { ms: () => timeouts.request, onTimeout: (error) => action?.abort(error) })
    const watched = async (request: Request) => {
      const key = {}
      inFlight.set(key, { component, operation: operationOf(request), since: now() })
      renderWaiting()
      try {
        return await limited(request)
      } finally {
        inFlight.delete(key)
        renderWaiting()
      }
    }
    return tracked(component, watched, addHistory, clock)
  }
  const sendTo = {
    worker: send('worker'),
    cognito: send('cognito'),
    kinesis: send('kinesis'),
    s3: send('s3'),
  }
  const componentFetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const host = new URL(request.url).host
    return (/^cognito-identity\./.test(host) ? sendTo.cognito : sendTo.worker)(request)
  }

  // Form fields ↔ settings (only these fields are stored).
  const bindings: Array<[string, keyof Settings]> = [
    ['region', 'region'],
    ['stream', 'streamName'],
    ['endpoint', 'endpoint'],
    ['worker-url', 'workerUrl'],
    ['pool-id', 'identityPoolId'],
    ['partition-key', 'partitionKey'],
    ['batch-size', 'batchSize'],
  ]
  for (const [id, key] of bindings) {
    const field = input(id)
    field.value = String(settings[key])
    field.addEventListener('input', () => {
      const value = key === 'batchSize' ? Number(field.value) : field.value.trim()
      Object.assign(settings, { [key]: value })
      if (key === 'workerUrl' || key === 'identityPoolId') session = undefined
      clearFieldError(id)
      saveSettings(storage, settings)
      render()
    })
  }
  for (const radio of doc.querySelectorAll<HTMLInputElement>('input[name=source]')) {
    radio.checked = radio.value === settings.source
    radio.addEventListener('change', () => {
      settings.source = radio.value as SourceKind
      session = undefined
      saveSettings(storage, settings)
      render()
    })
  }
  textArea('pasted').addEventListener('input', () => {
    if (settings.source === 'pasted') session = undefined
    clearFieldError('pasted')
    render()
  })
  textArea('record').addEventListener('input', () => {
    clearFieldError('record')
    renderByteCounter()
  })
  input('partition-key').addEventListener('input', renderByteCounter)

  showBanner(location.searchParams.get('emulator'))

  function showBanner(emulator: string | null | undefined): void {
    const text = emulator ? BANNERS[emulator] : undefined
    if (!text) return
    const banner = $('banner')
    banner.hidden = false
    banner.dataset.emulator = emulator!
    const short = doc.createElement('span')
    short.textContent = text.short + ' '
    const more = doc.createElement('details')
    const summary = doc.createElement('summary')
    summary.textContent = 'What this means'
    const details = doc.createElement('p')
    details.textContent = text.details
    more.append(summary, details)
    banner.replaceChildren(short, more)
  }

  function log(text: string, kind: 'ok' | 'err' | 'info' = 'info'): void {
    const item = doc.createElement('li')
    item.dataset.kind = kind
    item.textContent = `${new Date(now()).toISOString().slice(11, 19)}  ${redact(text)}`
    const list = $('log')
    list.prepend(item)
    while (list.children.length > 50) list.lastElementChild!.remove()
  }

  function addHistory(entry: HistoryEntry): void {
    history.unshift(entry)
    history.length = Math.min(history.length, HISTORY_ROWS)
    const body = $('history').querySelector('tbody')!
    body.replaceChildren(
      ...history.map((row) => {
        const line = doc.createElement('tr')
        line.dataset.status = row.status >= 200 && row.status < 300 ? 'ok' : 'failed'
        for (const [value, className] of [
          [row.component, ''],
          [row.operation, ''],
          [row.status ? String(row.status) : 'no answer', ''],
          [row.requestId || '—', 'rid'],
          [String(row.ms), 'num'],
        ] as const) {
          const cell = doc.createElement('td')
          cell.textContent = value
          if (className) cell.className = className
          line.append(cell)
        }
        return line
      }),
    )
    $('history-empty').hidden = true
  }

  // ---- errors: at their field (form) or in the error box (everything else) ----

  function showFieldProblems(problems: FieldProblem[]): void {
    for (const { field, message } of problems) {
      const note = $(`${field}-error`)
      note.hidden = false
      note.textContent = message
      $(field).setAttribute('aria-invalid', 'true')
      log(`Form: ${message}`, 'err')
    }
    // The first field in the form's order gets the focus (and the phone scrolls to it).
    $(problems[0]!.field).focus()
  }

  function clearFieldError(field: string): void {
    const note = doc.getElementById(`${field}-error`)
    if (note) note.hidden = true
    doc.getElementById(field)?.removeAttribute('aria-invalid')
  }

  function clearFieldErrors(): void {
    for (const note of doc.querySelectorAll<HTMLElement>('.field-error'))
      clearFieldError(note.id.replace(/-error$/, ''))
  }

  function showError(error: unknown): void {
    const explained = explain(error)
    const box = $('error')
    box.hidden = false
    box.replaceChildren(...explanationNodes(doc, explained, 400))
    log(`${explained.code}: ${explained.title}`, 'err')
    reveal(box)
  }

  // On a phone the result card is far below the buttons: bring what changed into view.
  function reveal(element: HTMLElement): void {
    element.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' })
  }

  // ---- each action replaces what the previous one showed ----

  function clearOutcome(): void {
    $('error').hidden = true
    $('error').replaceChildren()
    $('tamper-result').hidden = true
    $('result').hidden = true
    $('records').replaceChildren()
    $('idle').hidden = false
    for (const id of ['r-op', 'r-shard', 'r-seq', 'r-read']) $(id).textContent = ''
    delete $('r-read').dataset.state
    progress(0, 0, 0)
  }

  function problems(action: 'credentials' | 'record' | 'batch'): FieldProblem[] {
    const list = validate(settings)
    if (settings.source === 'pasted') {
      const pasted = textArea('pasted').value
      if (!pasted.trim()) list.push({ field: 'pasted', message: 'Paste temporary credentials first.' })
      else
        try {
          parsePasted(pasted)
        } catch (error) {
          list.push({ field: 'pasted', message: (error as Error).message })
        }
    }
    if (action === 'record') {
      const size = recordSize(textArea('record').value, settings.partitionKey)
      if (size.state === 'over') list.push({ field: 'record', message: tooLargeMessage(size.bytes) })
    }
    return list
  }

  // One action at a time, in the order asked: a click (or call) while another runs waits its turn.
  let queue: Promise<void> = Promise.resolve()
  function run(
    kind: 'credentials' | 'record' | 'batch' | 'tamper',
    task: (signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    queued++
    render()
    const job = queue.then(() => execute(kind, task))
    queue = job.catch(() => {
      // Shown by execute; the queue goes on.
    })
    return job
  }

  async function execute(
    kind: 'credentials' | 'record' | 'batch' | 'tamper',
    task: (signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    queued--
    clearFieldErrors()
    clearOutcome()
    const issues = kind === 'tamper' ? [] : problems(kind)
    if (issues.length) {
      showFieldProblems(issues)
      render()
      return
    }
    busy = true
    const signedBefore = stream?.client.lastSigning
    // The tamper button resends the request the inspector shows: it stays.
    if (kind !== 'tamper') showInspectorNote('Signing…')
    const controller = new AbortController()
    action = controller
    render()
    try {
      // A timeout or Cancel settles the action at once, whatever it still waits for.
      const stopped = new Promise<never>((_, reject) =>
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }),
      )
      await Promise.race([task(controller.signal), stopped])
      reveal($('result-card'))
    } catch (error) {
      showError(error)
    } finally {
      busy = false
      action = undefined
      renderWaiting()
      // The inspector shows this action's request, or says that it signed none (never an older one).
      const signing = stream?.client.lastSigning
      if (signing && signing !== signedBefore) {
        if (!inspectorPinned) renderInspector()
      } else if (kind !== 'tamper') {
        showInspectorNote(
          kind === 'credentials'
            ? 'Nothing signed: getting credentials signs no Kinesis request.'
            : 'Nothing signed for this action: it failed before a request was signed (see the error above).',
        )
      }
      inspectorPinned = false
      render()
    }
  }

  // ---- credentials ----

  function currentSession(): CredentialSession {
    if (!session) {
      const pasted = textArea('pasted').value
      const turnstileToken = turnstileSource()
      const created = new CredentialSession(
        providerFor(settings, { pasted, fetch: componentFetch, now, ...(turnstileToken && { turnstileToken }) }),
        { refreshable: settings.source !== 'pasted', now, onChange: render, onRefresh: logRefresh },
      )
      session = created
      page.session = created
    }
    return session
  }

  function logRefresh(event: RefreshEvent): void {
    if (event.reason === 'asked') return // the action logs it
    const why =
      event.reason === 'automatic'
        ? 'refreshed automatically'
        : event.reason === 'first-use'
          ? 'fetched for the first send'
          : 'refreshed before a send'
    if (event.credentials) {
      const expires = event.credentials.expiration ? `, expire ${event.credentials.expiration.toISOString()}` : ''
      log(`credentials ${why} (${settings.source}): ${session?.view().keyHint ?? ''}${expires}`, 'ok')
    } else {
      log(`credentials not ${why}: ${explain(event.error).title}`, 'err')
    }
  }

  let turnstile: (() => Promise<string>) | undefined
  function turnstileSource(): TokenSource | undefined {
    const siteKey = workerConfig.turnstileSiteKey
    if (settings.source !== 'worker' || !siteKey) return undefined
    turnstile ??= turnstileTokens(siteKey, $('turnstile'), deps.loadTurnstile ?? (() => loadTurnstile(doc)))
    return turnstile
  }

  // ---- Kinesis ----

  let stream: (DemoStream & { session: CredentialSession; key: string }) | undefined
  function currentStream(): DemoStream {
    const credentials = currentSession()
    const key = JSON.stringify([settings.region, settings.endpoint, settings.streamName])
    if (!stream || stream.session !== credentials || stream.key !== key) {
      stream = Object.assign(new DemoStream(settings, credentials.provider, sendTo.kinesis), {
        session: credentials,
        key,
      })
    }
    return stream
  }

  function showPlacement(op: string, placements: Placement[], total: number): void {
    $('idle').hidden = true
    $('result').hidden = false
    $('r-op').textContent = op
    const shards = [...new Set(placements.map((placement) => placement.shardId))]
    $('r-shard').textContent = shards.length ? shards.join(', ') : '—'
    const first = placements[0]?.sequenceNumber ?? '—'
    const last = placements.at(-1)?.sequenceNumber ?? first
    $('r-seq').textContent = placements.length > 1 ? `${first} … ${last}` : first
    $('r-read').textContent = `reading ${total} record${total === 1 ? '' : 's'} back…`
    $('r-read').dataset.state = 'pending'
  }

  function showReadBack(records: ReadRecord[], expected: number): void {
    const state = records.length === expected ? 'ok' : 'partial'
    $('r-read').dataset.state = state
    $('r-read').textContent =
      state === 'ok' ? `✓ all ${expected} arrived` : `${records.length} of ${expected} seen so far`
    const list = $('records')
    list.replaceChildren()
    for (const record of records.slice(-10)) {
      const item = doc.createElement('li')
      const seq = doc.createElement('span')
      seq.className = 'mono small'
      seq.textContent = `#${record.sequenceNumber.slice(-8)} · ${record.partitionKey}`
      const preview = previewRecord(record.text)
      const text = doc.createElement('code')
      text.className = 'record-text'
      text.textContent = preview.text
      if (preview.empty) text.dataset.empty = 'true'
      item.append(seq, text)
      if (preview.truncatedFrom !== undefined) {
        const cut = doc.createElement('span')
        cut.className = 'note small'
        cut.textContent = `… truncated: the first ${preview.text.length.toLocaleString('en')} characters of ${recordSize(record.text, '').text.replace(/ of 1 MiB$/, '')}`
        item.append(cut)
      }
      list.append(item)
    }
    if (records.length > 10) {
      const more = doc.createElement('li')
      more.className = 'note'
      more.textContent = `… and ${records.length - 10} earlier records`
      list.prepend(more)
    }
  }

  async function readBack(target: DemoStream, placements: Placement[], signal: AbortSignal): Promise<void> {
    if (workerConfig.readBack === false && settings.source === 'worker') {
      $('r-read').dataset.state = 'off'
      $('r-read').textContent = "not read back: this Worker's credentials may only write (ALLOW_READ_BACK is off)"
      return
    }
    try {
      const records = await target.readBack(placements, 5, signal)
      showReadBack(records, placements.length)
      log(
        `read back ${records.length}/${placements.length} record(s)`,
        records.length === placements.length ? 'ok' : 'info',
      )
    } catch (error) {
      $('r-read').dataset.state = 'failed'
      $('r-read').textContent = 'read-back not allowed or failed (see above)'
      throw error
    }
  }

  function progress(sent: number, total: number, failed: number): void {
    const percent = total ? Math.round((sent / total) * 100) : 0
    $('progress').setAttribute('aria-valuenow', String(percent))
    $('progress-bar').style.width = percent + '%'
    $('progress').dataset.state = !total ? 'idle' : failed ? 'failed' : sent === total ? 'done' : 'running'
    $('progress-text').textContent = total ? `${sent}/${total} sent${failed ? `, ${failed} failed` : ''}` : ''
  }

  // The upload card signs with the same session as the Kinesis sends; GET /config names the bucket.
  const uploadTarget = (): UploadTarget | undefined =>
    workerConfig.upload && { ...workerConfig.upload, region: workerConfig.region ?? settings.region }
  const uploadCard = mountUploadCard({
    document: doc,
    target: uploadTarget,
    credentials: () => currentSession().provider,
    fetch: sendTo.s3,
    log,
    clock,
    timeoutMs: () => timeouts.upload,
    ...(deps.uploadWorker && { worker: deps.uploadWorker }),
    record: addHistory,
    unavailable: () =>
      configState === 'loading'
        ? "Waiting for the Worker's settings (GET /config)…"
        : configState === 'failed'
          ? "Uploads are off: the Worker's GET /config failed (see the Activity log), so the page does not know the bucket."
          : configState === 'none'
            ? 'Uploads are off: the bucket comes from the Worker (GET /config). Choose the Worker as the credential source and reload.'
            : 'Uploads are off: the Worker names no bucket. Set S3_BUCKET (and S3_ENDPOINT locally) in its vars, or run npm run demo with moto.',
    presigned: {
      workerUrl: () => (settings.source === 'worker' && settings.workerUrl) || undefined,
      worker: sendTo.worker,
      token: () => turnstileSource(),
    },
  })

  const page: Page = {
    settings,
    upload: uploadCard,
    configured: Promise.resolve(),
    history,
    getCredentials() {
      session = undefined
      return run('credentials', async () => {
        await page.configured
        const credentials = await currentSession().refresh()
        log(
          `credentials from ${settings.source}: ${currentSession().view().keyHint}${credentials.expiration ? ', expire ' + credentials.expiration.toISOString() : ''}`,
          'ok',
        )
      })
    },
    putRecord() {
      return run('record', async (signal) => {
        await page.configured
        const target = currentStream()
        const text = textArea('record').value
        const placed = await target.putRecord(text, settings.partitionKey, signal)
        renderInspector(true)
        log(`PutRecord → ${placed.shardId} #${placed.sequenceNumber}`, 'ok')
        showPlacement('PutRecord', [placed], 1)
        await readBack(target, [placed], signal)
      })
    },
    putBatch() {
      return run('batch', async (signal) => {
        await page.configured
        const target = currentStream()
        const texts = makeBatch(settings.batchSize, 'batch_event', new Date(now()))
        const result = await target.putRecords(
          texts,
          (index) => `${settings.partitionKey}-${index % 8}`,
          progress,
          signal,
        )
        renderInspector(true)
        log(`PutRecords → ${result.records.length} stored, ${result.failed} failed`, result.failed ? 'err' : 'ok')
        showPlacement(`PutRecords (${result.records.length}/${texts.length})`, result.records, result.records.length)
        await readBack(target, result.records, signal)
      })
    },
    tamper() {
      return run('tamper', async (signal) => {
        const last = stream?.lastWrite
        if (!last) throw new Error('Send a record first: the tamper button resends the last signed write.')
        const { request, change } = tamperWith(last)
        const response = await sendTo.kinesis(new Request(request, { signal }))
        const answer = await response.text()
        const box = $('tamper-result')
        box.hidden = false
        $('idle').hidden = true
        box.replaceChildren()
        const title = doc.createElement('strong')
        const detail = doc.createElement('p')
        detail.className = 'mono small'
        const refusal = serverError(answer)
        const code = `${response.status}${refusal ? ` ${refusal}` : ''}`
        if (response.ok) {
          box.dataset.state = 'accepted'
          title.textContent = 'The server ACCEPTED the tampered request: it does not check signatures.'
        } else {
          box.dataset.state = 'refused'
          title.textContent = 'Refused, as it should be: the signature no longer matches the request.'
        }
        detail.textContent = `Changed ${change}. Server: ${code}`
        box.append(title, detail)
        log(`tamper: ${change} → ${response.status}`, response.ok ? 'err' : 'ok')
      })
    },
    render,
    stop: () => stopClock(),
    timeouts,
    cancel() {
      action?.abort(new CancelledError(waitingFor()))
    },
  }

  // ---- waiting for an answer ----

  function oldestWaiting() {
    let oldest: { component: Component; operation: string; since: number } | undefined
    for (const entry of inFlight.values())
      if (entry.component !== 's3' && (!oldest || entry.since < oldest.since)) oldest = entry
    return oldest
  }

  function waitingFor(): string {
    const oldest = oldestWaiting()
    return oldest ? `${COMPONENT_NAMES[oldest.component]} (${oldest.operation})` : ''
  }

  // "Waiting for the Kinesis endpoint (PutRecord) · 3 s" and its Cancel, from the moment a request goes out.
  function renderWaiting(): void {
    const oldest = action ? oldestWaiting() : undefined
    const line = $('waiting')
    line.hidden = !action
    $<HTMLButtonElement>('cancel-action').disabled = !action
    if (!action) return
    const seconds = oldest ? Math.floor((now() - oldest.since) / 1000) : 0
    $('waiting-text').textContent = oldest
      ? `Waiting for ${waitingFor()} · ${seconds} s (gives up after ${Math.round(timeouts.request / 1000)} s)`
      : 'Signing…'
  }

  // ---- inspector ----

  let inspectorPinned = false
  function showInspectorNote(text: string): void {
    const note = doc.createElement('p')
    note.className = 'note'
    note.textContent = text
    $('inspector').replaceChildren(note)
    $('inspect-what').textContent = 'last request'
  }

  function renderInspector(pin = false): void {
    const signing = stream?.lastSigning()
    if (!signing) return
    inspectorPinned ||= pin
    const box = $('inspector')
    box.replaceChildren()
    const target = /^x-amz-target:\S+\.(\w+)$/m.exec(signing.canonicalRequest)?.[1]
    $('inspect-what').textContent = target ? `last ${target} request` : 'last request'
    const block = (label: string, text: string, id: string) => {
      const wrap = doc.createElement('div')
      const heading = doc.createElement('h3')
      heading.textContent = label
      const copy = doc.createElement('button')
      copy.type = 'button'
      copy.className = 'copy'
      copy.id = `${id}-copy`
      copy.textContent = 'Copy'
      copy.setAttribute('aria-label', `Copy the ${label.toLowerCase()}`)
      copy.addEventListener('click', () => void copyText(copy, text, label))
      heading.append(copy)
      const pre = doc.createElement('pre')
      pre.id = id
      pre.textContent = text
      wrap.append(heading, pre)
      box.append(wrap)
    }
    block('Canonical request', signing.canonicalRequest, 'i-canonical')
    block('String to sign', signing.stringToSign, 'i-sts')
    block('Signed headers', signing.signedHeaders, 'i-signed')
    block('Headers sent', signing.headers.map(([name, value]) => `${name}: ${value}`).join('\n'), 'i-headers')
  }

  async function copyText(button: HTMLButtonElement, text: string, label: string): Promise<void> {
    const clipboard = deps.clipboard ?? doc.defaultView?.navigator.clipboard
    try {
      if (!clipboard) throw new Error('no clipboard in this browser')
      await clipboard.writeText(text)
      button.textContent = 'Copied'
      // What was copied is what is shown: the session token cut to its ends.
      const shortened = /security-token[:=]\s*\S*…/.test(text)
        ? ' (as shown: its session token shortened to its ends)'
        : ''
      log(`copied the ${label.toLowerCase()}${shortened}`)
      button.title = shortened ? 'Copied as shown: the session token is shortened' : 'Copied'
      setTimeout(() => (button.textContent = 'Copy'), 2000)
    } catch (error) {
      button.textContent = 'Copy failed'
      log(`could not copy the ${label.toLowerCase()}: ${(error as Error).message}`, 'err')
    }
  }

  // ---- render ----

  function renderByteCounter(): void {
    const size = recordSize(textArea('record').value, settings.partitionKey)
    const counter = $('record-bytes')
    counter.dataset.state = size.state
    // Over the limit the rounded "1.00 MiB of 1 MiB" would read as a contradiction: the exact bytes say it.
    counter.textContent =
      size.state === 'over'
        ? `${size.bytes.toLocaleString('en')} of ${RECORD_LIMIT_BYTES.toLocaleString('en')} bytes — too large`
        : size.text
  }

  function render(): void {
    for (const element of doc.querySelectorAll<HTMLElement>('[data-source]'))
      element.hidden = element.dataset.source !== settings.source
    const view = session?.view() ?? { keyHint: '', state: 'none' as const }
    const pill = $('cred-pill')
    pill.dataset.state = view.state
    const countdown = view.remainingMs !== undefined ? formatCountdown(view.remainingMs) : ''
    pill.textContent =
      view.state === 'none'
        ? 'No credentials'
        : view.state === 'refreshing'
          ? 'Getting credentials…'
          : view.state === 'expired'
            ? 'Credentials expired'
            : countdown
              ? `Expires in ${countdown}`
              : 'Credentials (no expiry)'
    $('key-hint').textContent = view.keyHint
    $('countdown').textContent =
      countdown && view.state !== 'expired'
        ? `${countdown} left${settings.source !== 'pasted' ? ' · auto-refresh' : ''}`
        : view.state === 'expired'
          ? 'expired'
          : ''
    const lifetime = session?.current?.expiration
      ? Math.max(1, +session.current.expiration - (session.issuedAt ?? now()))
      : 0
    $('ttl-bar').style.width =
      view.remainingMs !== undefined && lifetime ? Math.min(100, (view.remainingMs / lifetime) * 100) + '%' : '0%'
    $('cred-note').textContent =
      settings.source === 'worker'
        ? 'The Worker gets them from STS AssumeRole with a session policy that allows writing one stream; they refresh by themselves before they expire.'
        : settings.source === 'cognito'
          ? 'Guest (unauthenticated) identity of the Cognito pool; refreshed by themselves before they expire.'
          : 'Pasted credentials stay in memory only and cannot be refreshed: paste new ones when they expire.'
    const waiting = busy || queued > 0
    for (const id of ['put-record', 'put-records', 'get-creds']) $<HTMLButtonElement>(id).disabled = waiting
    $<HTMLButtonElement>('tamper').disabled = waiting || !stream?.lastWrite
    renderByteCounter()
    renderWaiting()
  }

  $('get-creds').addEventListener('click', () => void page.getCredentials())
  $('put-record').addEventListener('click', () => void page.putRecord())
  $('put-records').addEventListener('click', () => void page.putBatch())
  $('tamper').addEventListener('click', () => void page.tamper())
  $('cancel-action').addEventListener('click', () => page.cancel())

  const every =
    deps.every ??
    ((ms, tick) => {
      const timer = setInterval(tick, ms)
      return () => clearInterval(timer)
    })
  const stopClock = every(1000, () => {
    session?.tick()
    render()
    if (uploadCard.job?.state === 'uploading') uploadCard.render()
  })

  // A page with the Worker as source fills empty fields from its GET /config (the page the Worker serves has
  // nothing else to go on), learns whether read-back is allowed and whether Turnstile is on.
  if (settings.source === 'worker') {
    page.configured = sendTo
      .worker(new Request(new URL('config', settings.workerUrl.replace(/\/*$/, '/'))))
      .then(async (response) => {
        if (!response.ok) throw new Error(`GET /config answered ${response.status}`)
        workerConfig = (await response.json()) as WorkerConfig
        configState = 'loaded'
        if (!settings.streamName && workerConfig.streamName) settings.streamName = workerConfig.streamName
        if (!settings.endpoint && workerConfig.kinesisEndpoint) settings.endpoint = workerConfig.kinesisEndpoint
        if (workerConfig.region && !location.searchParams.get('region') && !storage.getItem('webcrypto-sigv4-demo'))
          settings.region = workerConfig.region
        for (const [id, key] of bindings) input(id).value = String(settings[key])
        if (!location.searchParams.get('emulator')) showBanner(workerConfig.localEmulator)
        log(`settings from the Worker's GET /config: stream ${workerConfig.streamName ?? '?'}`)
        render()
        uploadCard.render()
      })
      .catch((error: unknown) => {
        configState = 'failed'
        log(`GET /config failed: ${explain(error).title}`, 'err')
        uploadCard.render()
      })
  }
  render()
  return page
}

// An error answer's code and message: JSON services (`__type`, `message`) or query/XML ones (`<Code>`, `<Message>`).
function serverError(answer: string): string {
  try {
    const parsed = JSON.parse(answer) as { __type?: string; message?: string; Message?: string }
    return `${parsed.__type?.split('#').pop() ?? ''}: ${parsed.message ?? parsed.Message ?? ''}`
  } catch {
    const code = /<Code>([^<]*)<\/Code>/.exec(answer)?.[1]
    const message = /<Message>([^<]*)<\/Message>/.exec(answer)?.[1]
    return code ? `${code}: ${message ?? ''}` : answer.slice(0, 200)
  }
}
