// The page's credentials: where they come from (the Worker, a Cognito identity pool, or pasted), how long they
// last, and their refresh before expiry. Secrets stay in memory only.
import {
  fromCognitoIdentityPool,
  type CredentialProvider,
  type TemporaryCredentials,
} from '../../../src/credentials.js'
import { PastedExpiredError, PastedInvalidError, reporting } from './errors.js'
import type { Settings } from './settings.js'

/** A failure reported by the Worker: `{ error, message, code? }` in its JSON answer. */
export class WorkerError extends Error {
  constructor(
    readonly error: string,
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message)
    this.name = 'WorkerError'
  }
}

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

/** The request header that carries a Turnstile token to the Worker (see demo/worker/turnstile.ts). */
export const TURNSTILE_HEADER = 'cf-turnstile-response'

/** Gets a fresh Turnstile token (one per credentials request), or `undefined` when the Worker needs none. */
export type TokenSource = () => Promise<string | undefined>

/**
 * Asks the Worker for temporary credentials: `POST <workerUrl>/credentials`, with a Turnstile token when the
 * Worker asks for one. A Worker that cannot be reached is reported as such (`UnreachableError`, component worker).
 *
 * @example
 * const credentials = await fetchWorkerCredentials('http://127.0.0.1:8787')
 * credentials.expiration // Date
 */
export async function fetchWorkerCredentials(
  workerUrl: string,
  send: Fetch = fetch,
  turnstileToken: TokenSource = () => Promise.resolve(undefined),
  now: () => number = Date.now,
): Promise<TemporaryCredentials> {
  const token = await turnstileToken()
  const headers: Record<string, string> = token ? { [TURNSTILE_HEADER]: token } : {}
  const response = await reporting('worker', send)(new URL('credentials', workerUrl.replace(/\/*$/, '/')), {
    method: 'POST',
    headers,
  })
  let body: Record<string, string> = {}
  try {
    body = (await response.json()) as Record<string, string>
  } catch {
    // Not JSON: reported below from the status.
  }
  if (!response.ok) {
    const message = body.message ?? `The Worker answered ${response.status} ${response.statusText}`.trim()
    throw new WorkerError(
      body.error ?? 'worker_error',
      body.ref ? `${message} (reference ${body.ref})` : message,
      response.status,
      body.code,
    )
  }
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = body
  if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration || isNaN(Date.parse(expiration))) {
    throw new WorkerError(
      'worker_error',
      'The Worker answered without { accessKeyId, secretAccessKey, sessionToken, expiration }',
      response.status,
    )
  }
  // The expiry is on the Worker's (AWS's) clock: moved onto this page's clock when the two differ by more than a
  // minute (its Date header), so a page whose clock is ahead does not see them expired on arrival.
  const serverTime = Date.parse(response.headers.get('date') ?? '')
  const skew = Number.isNaN(serverTime) ? 0 : now() - serverTime
  const shift = Math.abs(skew) > CLOCK_SKEW_TOLERANCE_MS ? skew : 0
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(Date.parse(expiration) + shift) }
}

/** Clock differences the page ignores (a Date header has whole seconds, and requests take time). */
export const CLOCK_SKEW_TOLERANCE_MS = 60_000

/**
 * Reads pasted temporary credentials: the JSON of `aws sts assume-role` / `get-session-token`
 * (`{ "Credentials": { "AccessKeyId", ... } }`), the same object in camelCase, or `AWS_ACCESS_KEY_ID=...` lines.
 *
 * @example
 * parsePasted('AWS_ACCESS_KEY_ID=ASIA...\nAWS_SECRET_ACCESS_KEY=...\nAWS_SESSION_TOKEN=...')
 */
export function parsePasted(text: string): TemporaryCredentials {
  let fields: Record<string, unknown> = {}
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { Credentials?: Record<string, unknown> } & Record<string, unknown>
      fields = parsed.Credentials ?? parsed
    } catch {
      throw new PastedInvalidError(
        'The pasted text looks like JSON but does not parse: paste the whole output of `aws sts assume-role`',
      )
    }
  } else {
    for (const line of trimmed.split(/\r?\n/)) {
      const match = /^\s*(?:export\s+)?(\w+)\s*[=:]\s*"?([^"\s]+)"?\s*$/.exec(line)
      if (match) fields[match[1]!] = match[2]
    }
  }
  const pick = (...names: string[]) =>
    names.map((name) => fields[name]).find((value) => typeof value === 'string' && value) as string | undefined
  const accessKeyId = pick('AccessKeyId', 'accessKeyId', 'AWS_ACCESS_KEY_ID', 'aws_access_key_id')
  const secretAccessKey = pick(
    'SecretAccessKey',
    'secretAccessKey',
    'SecretKey',
    'AWS_SECRET_ACCESS_KEY',
    'aws_secret_access_key',
  )
  const sessionToken = pick('SessionToken', 'sessionToken', 'AWS_SESSION_TOKEN', 'aws_session_token')
  const expiration = pick('Expiration', 'expiration', 'AWS_CREDENTIAL_EXPIRATION')
  if (!accessKeyId || !secretAccessKey)
    throw new PastedInvalidError(
      'Paste an access key id and a secret access key (and the session token of temporary credentials): the pasted text has none',
    )
  const result: TemporaryCredentials = { accessKeyId, secretAccessKey }
  if (sessionToken) result.sessionToken = sessionToken
  if (expiration && !isNaN(Date.parse(expiration))) result.expiration = new Date(expiration)
  return result
}

/**
 * The credential provider for the chosen source. Pasted credentials cannot be refreshed.
 *
 * @example
 * const provider = providerFor(settings, { pasted: textarea.value })
 */
export function providerFor(settings: Settings, options: ProviderOptions = {}): CredentialProvider {
  const { pasted = '', fetch: send = fetch, now = Date.now, turnstileToken } = options
  switch (settings.source) {
    case 'worker':
      return () => fetchWorkerCredentials(settings.workerUrl, send, turnstileToken, now)
    case 'cognito': {
      const reach = reporting('cognito', send)
      return fromCognitoIdentityPool({ identityPoolId: settings.identityPoolId, fetch: (request) => reach(request) })
    }
    case 'pasted': {
      const credentials = parsePasted(pasted)
      // Checked at every signature: pasted credentials cannot be refreshed, so expired ones are refused.
      return () => {
        if (credentials.expiration && +credentials.expiration <= now())
          return Promise.reject(new PastedExpiredError(credentials.expiration))
        return Promise.resolve(credentials)
      }
    }
  }
}

/** Options of {@link providerFor}. */
export interface ProviderOptions {
  /** The pasted text, for the `pasted` source. */
  pasted?: string
  fetch?: Fetch
  /** The clock that decides whether pasted credentials have expired. */
  now?: () => number
  /** Turnstile tokens for the Worker, when it asks for them (GET /config names a site key). */
  turnstileToken?: TokenSource
}

/**
 * Why credentials were fetched: the user asked, a send needed the first ones, the clock reached the margin, or a
 * send found them expiring.
 */
export type RefreshReason = 'asked' | 'first-use' | 'automatic' | 'expiring'

/** What `onRefresh` hears after each fetch of credentials. */
export interface RefreshEvent {
  reason: RefreshReason
  credentials?: TemporaryCredentials
  error?: unknown
}

/** Options of {@link CredentialSession}. */
export interface SessionOptions {
  /** Whether the source can give new credentials (Worker, Cognito) or not (pasted). */
  refreshable: boolean
  /** Seconds before expiry at which credentials are refreshed (default 120). */
  marginSeconds?: number
  now?: () => number
  onChange?: () => void
  /** After every fetch of credentials, successful or not (the Activity log records automatic ones). */
  onRefresh?: (event: RefreshEvent) => void
}

/** What the page shows about the current credentials. */
export interface SessionView {
  /** `ASIA…1234`: never the whole key. */
  keyHint: string
  /** Milliseconds left, `undefined` when the credentials do not expire. */
  remainingMs?: number
  state: 'none' | 'valid' | 'refreshing' | 'expiring' | 'expired'
}

/**
 * Holds the current credentials, refreshes them `marginSeconds` before they expire (when the source can),
 * and tells the page how long they have left. Call `tick()` every second; `provider` is what the client signs with.
 *
 * Pasted (not refreshable) credentials that have expired are refused, never signed with.
 *
 * @example
 * const session = new CredentialSession(providerFor(settings), { refreshable: true, onChange: render })
 * await session.refresh()
 * const client = new AwsClient({ credentials: session.provider, region })
 */
export class CredentialSession {
  current?: TemporaryCredentials
  /** When the current credentials arrived (for the lifetime bar). */
  issuedAt?: number
  refreshing?: Promise<TemporaryCredentials>
  lastError?: unknown
  readonly marginSeconds: number
  readonly #source: CredentialProvider
  readonly #refreshable: boolean
  readonly #now: () => number
  readonly #onChange: () => void
  readonly #onRefresh: (event: RefreshEvent) => void
  /** No automatic refresh before this time: fresh credentials that still look expiring back off (30 s, doubling). */
  #notBefore = 0
  #backoffMs = AUTOMATIC_BACKOFF_MS

  constructor(source: CredentialProvider, options: SessionOptions) {
    this.#source = source
    this.#refreshable = options.refreshable
    this.marginSeconds = options.marginSeconds ?? 120
    this.#now = options.now ?? Date.now
    this.#onChange = options.onChange ?? (() => {})
    this.#onRefresh = options.onRefresh ?? (() => {})
  }

  /** Fetches new credentials from the source (one call at a time); `reason` goes to `onRefresh`. */
  refresh(reason: RefreshReason = 'asked'): Promise<TemporaryCredentials> {
    this.refreshing ??= this.#source()
      .then((credentials) => {
        this.current = credentials
        this.issuedAt = this.#now()
        this.lastError = undefined
        // Fresh ones that already look expiring (a clock far off, a very short lifetime): asking again every
        // second would only hit the Worker's rate limit.
        const remainingMs = credentials.expiration ? +credentials.expiration - this.#now() : Infinity
        if (remainingMs <= this.marginSeconds * 1000) {
          this.#notBefore = this.#now() + this.#backoffMs
          this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_AUTOMATIC_BACKOFF_MS)
        } else this.#backoffMs = AUTOMATIC_BACKOFF_MS
        this.#onRefresh({ reason, credentials })
        return credentials
      })
      .catch((error: unknown) => {
        this.lastError = error
        this.#onRefresh({ reason, error })
        throw error
      })
      .finally(() => {
        this.refreshing = undefined
        this.#onChange()
      })
    this.#onChange()
    return this.refreshing
  }

  /** For the client: the current credentials, refreshed first when missing or about to expire. */
  readonly provider: CredentialProvider = async () => {
    const view = this.view()
    if (view.state === 'none') return this.refresh('first-use')
    if (this.#refreshable && (view.state === 'expiring' || view.state === 'expired')) return this.refresh('expiring')
    if (view.state === 'refreshing') return this.refreshing!
    if (view.state === 'expired') throw new PastedExpiredError(this.current!.expiration!)
    return this.current!
  }

  /** Called every second: refreshes in the background when the margin is reached. */
  tick(): void {
    const state = this.view().state
    if (this.#now() < this.#notBefore) return
    if (this.#refreshable && !this.lastError && (state === 'expiring' || state === 'expired'))
      this.refresh('automatic').catch(() => {
        // Reported through onRefresh and shown by the page.
      })
  }

  view(): SessionView {
    if (this.refreshing) return { keyHint: this.current ? keyHint(this.current.accessKeyId) : '', state: 'refreshing' }
    const current = this.current
    if (!current) return { keyHint: '', state: 'none' }
    if (!current.expiration) return { keyHint: keyHint(current.accessKeyId), state: 'valid' }
    const remainingMs = +current.expiration - this.#now()
    const state = remainingMs <= 0 ? 'expired' : remainingMs <= this.marginSeconds * 1000 ? 'expiring' : 'valid'
    return { keyHint: keyHint(current.accessKeyId), remainingMs: Math.max(0, remainingMs), state }
  }
}

const AUTOMATIC_BACKOFF_MS = 30_000
const MAX_AUTOMATIC_BACKOFF_MS = 300_000

/**
 * `ASIA…WXYZ`: enough of an access key id to tell keys apart, not to use them.
 *
 * @example
 * keyHint('ASIAIOSFODNN7EXAMPLE') // 'ASIA…MPLE'
 */
export function keyHint(accessKeyId: string): string {
  return accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : accessKeyId
}

/**
 * A countdown as `m:ss` (or `h:mm:ss`).
 *
 * @example
 * formatCountdown(754_000) // '12:34'
 */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, '0')
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`
}
