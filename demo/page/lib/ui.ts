// Wires the page: form ↔ settings, credential session and countdown, sends, read-back, inspector, errors, log.
import { explain, redact } from './explain.js'
import { CredentialSession, formatCountdown, providerFor } from './session.js'
import { loadSettings, saveSettings, validate, type Settings, type SourceKind } from './settings.js'
import { DemoStream, makeBatch, type Placement, type ReadRecord } from './stream.js'

/** What the page needs from its environment (the real globals in the browser, fakes in tests). */
export interface PageDeps {
  document: Document
  storage: Pick<Storage, 'getItem' | 'setItem'>
  location: URL
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  now?: () => number
  /** Starts the one-second clock; returns a function that stops it. */
  every?: (ms: number, run: () => void) => () => void
}

/** Handles for tests and for the console. */
export interface Page {
  settings: Settings
  session?: CredentialSession
  getCredentials(): Promise<void>
  putRecord(): Promise<void>
  putBatch(): Promise<void>
  render(): void
  stop(): void
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
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => doc.getElementById(id) as T
  const input = (id: string) => $<HTMLInputElement>(id)
  const settings = loadSettings(storage, location)
  let session: CredentialSession | undefined
  let busy = false

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
      ;(settings as any)[key] = key === 'batchSize' ? Number(field.value) : field.value.trim()
      if (key === 'workerUrl' || key === 'identityPoolId') session = undefined
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
  $('pasted').addEventListener('input', () => {
    if (settings.source === 'pasted') session = undefined
    render()
  })

  const emulator = location.searchParams.get('emulator')
  if (emulator === 'kinesalite') {
    const banner = $('banner')
    banner.hidden = false
    banner.textContent =
      'Local emulator: kinesalite does NOT check signatures — anything is accepted. Install moto (pip install "moto[server]") for real signature checks.'
  }

  function log(text: string, kind: 'ok' | 'err' | 'info' = 'info'): void {
    const item = doc.createElement('li')
    item.dataset.kind = kind
    item.textContent = `${new Date(now()).toISOString().slice(11, 19)}  ${redact(text)}`
    const list = $('log')
    list.prepend(item)
    while (list.children.length > 50) list.lastElementChild!.remove()
  }

  function showError(error: unknown): void {
    const explained = explain(error)
    const box = $('error')
    box.hidden = false
    box.replaceChildren()
    const title = doc.createElement('strong')
    title.textContent = explained.title
    const hint = doc.createElement('p')
    hint.textContent = explained.hint
    const detail = doc.createElement('p')
    detail.className = 'mono small'
    detail.textContent = `${explained.code}${explained.detail ? ': ' + explained.detail.slice(0, 400) : ''}`
    box.append(title, hint, detail)
    log(`${explained.code}: ${explained.title}`, 'err')
  }

  function clearError(): void {
    $('error').hidden = true
  }

  function currentSession(): CredentialSession {
    if (!session) {
      const pasted = $<HTMLTextAreaElement>('pasted').value
      session = new CredentialSession(providerFor(settings, { pasted, fetch: deps.fetch }), {
        refreshable: settings.source !== 'pasted',
        now,
        onChange: render,
      })
      page.session = session
    }
    return session
  }

  function problems(): string[] {
    const list = validate(settings)
    if (settings.source === 'pasted' && !$<HTMLTextAreaElement>('pasted').value.trim())
      list.push('Paste temporary credentials first.')
    return list
  }

  async function run(what: string, action: () => Promise<void>): Promise<void> {
    if (busy) return
    const issues = problems()
    if (issues.length) {
      showError({ code: 'Form', message: issues.join(' ') })
      return
    }
    busy = true
    inspected = false
    clearError()
    render()
    try {
      await action()
    } catch (error) {
      showError(error)
    } finally {
      busy = false
      render()
      // A failed call shows what was signed; a successful send keeps showing the send, not the read-back.
      if (!inspected) renderInspector()
    }
    void what
  }
  let inspected = false

  let stream: (DemoStream & { session: CredentialSession; key: string }) | undefined
  function currentStream(): DemoStream {
    const credentials = currentSession()
    if (
      !stream ||
      stream.session !== credentials ||
      stream.key !== JSON.stringify([settings.region, settings.endpoint, settings.streamName])
    ) {
      stream = Object.assign(new DemoStream(settings, credentials.provider, (request) => deps.fetch(request)), {
        session: credentials,
        key: JSON.stringify([settings.region, settings.endpoint, settings.streamName]),
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
      const text = doc.createElement('code')
      text.textContent = record.text
      item.append(seq, text)
      list.append(item)
    }
    if (records.length > 10) {
      const more = doc.createElement('li')
      more.className = 'note'
      more.textContent = `… and ${records.length - 10} earlier records`
      list.prepend(more)
    }
  }

  async function readBack(target: DemoStream, placements: Placement[]): Promise<void> {
    try {
      const records = await target.readBack(placements)
      showReadBack(records, placements.length)
      log(
        `read back ${records.length}/${placements.length} record(s)`,
        records.length === placements.length ? 'ok' : 'info',
      )
    } catch (error) {
      $('r-read').dataset.state = 'failed'
      $('r-read').textContent = 'read-back not allowed or failed (see below)'
      throw error
    }
  }

  const page: Page = {
    settings,
    async getCredentials() {
      session = undefined
      await run('credentials', async () => {
        const credentials = await currentSession().refresh()
        log(
          `credentials from ${settings.source}: ${currentSession().view().keyHint}${credentials.expiration ? ', expire ' + credentials.expiration.toISOString() : ''}`,
          'ok',
        )
      })
    },
    async putRecord() {
      await run('PutRecord', async () => {
        const target = currentStream()
        const text = $<HTMLTextAreaElement>('record').value
        const placed = await target.putRecord(text, settings.partitionKey)
        renderInspector(true)
        log(`PutRecord → ${placed.shardId} #${placed.sequenceNumber}`, 'ok')
        showPlacement('PutRecord', [placed], 1)
        await readBack(target, [placed])
      })
    },
    async putBatch() {
      await run('PutRecords', async () => {
        const target = currentStream()
        const texts = makeBatch(settings.batchSize, 'batch_event', new Date(now()))
        const result = await target.putRecords(texts, (index) => `${settings.partitionKey}-${index % 8}`, progress)
        renderInspector(true)
        log(`PutRecords → ${result.records.length} stored, ${result.failed} failed`, result.failed ? 'err' : 'ok')
        showPlacement(`PutRecords (${result.records.length}/${texts.length})`, result.records, result.records.length)
        await readBack(target, result.records)
      })
    },
    render,
    stop: () => stopClock(),
  }

  function progress(sent: number, total: number, failed: number): void {
    const percent = total ? Math.round((sent / total) * 100) : 0
    $('progress').setAttribute('aria-valuenow', String(percent))
    $('progress-bar').style.width = percent + '%'
    $('progress').dataset.state = failed ? 'failed' : sent === total ? 'done' : 'running'
    $('progress-text').textContent = `${sent}/${total} sent${failed ? `, ${failed} failed` : ''}`
  }

  function renderInspector(pin = false): void {
    const signing = stream?.lastSigning()
    if (!signing) return
    inspected ||= pin
    const box = $('inspector')
    box.replaceChildren()
    const target = /^x-amz-target:\S+\.(\w+)$/m.exec(signing.canonicalRequest)?.[1]
    $('inspect-what').textContent = target ? `last ${target} request` : 'last request'
    const block = (label: string, text: string, id: string) => {
      const wrap = doc.createElement('div')
      const heading = doc.createElement('h3')
      heading.textContent = label
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
    for (const id of ['put-record', 'put-records', 'get-creds']) $<HTMLButtonElement>(id).disabled = busy
  }

  $('get-creds').addEventListener('click', () => void page.getCredentials())
  $('put-record').addEventListener('click', () => void page.putRecord())
  $('put-records').addEventListener('click', () => void page.putBatch())

  const every =
    deps.every ??
    ((ms, tick) => {
      const timer = setInterval(tick, ms)
      return () => clearInterval(timer)
    })
  const stopClock = every(1000, () => {
    session?.tick()
    render()
  })

  // A fresh page with the Worker as source: fill empty fields from its GET /config.
  if (settings.source === 'worker' && (!settings.streamName || !settings.endpoint)) {
    deps
      .fetch(new URL('config', settings.workerUrl.replace(/\/*$/, '/')))
      .then(async (response) => {
        if (!response.ok) return
        const config = (await response.json()) as { region?: string; streamName?: string; kinesisEndpoint?: string }
        if (!settings.streamName && config.streamName) settings.streamName = config.streamName
        if (!settings.endpoint && config.kinesisEndpoint) settings.endpoint = config.kinesisEndpoint
        if (config.region && !location.searchParams.get('region') && !storage.getItem('webcrypto-sigv4-demo'))
          settings.region = config.region
        for (const [id, key] of bindings) input(id).value = String(settings[key])
      })
      .catch(() => {})
  }
  render()
  return page
}
