// Cloudflare Turnstile, page side: when GET /config names a site key, each credentials request first gets a fresh
// token from an invisible widget (tokens are single-use). https://developers.cloudflare.com/turnstile/get-started/client-side-rendering/

/** The script that defines `window.turnstile` (explicit rendering: the page decides when). */
export const TURNSTILE_SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit'

/** The parts of Cloudflare's `window.turnstile` the page uses. */
export interface TurnstileApi {
  render(
    container: HTMLElement,
    options: {
      sitekey: string
      action?: string
      execution?: 'render' | 'execute'
      appearance?: 'always' | 'execute' | 'interaction-only'
      callback?: (token: string) => void
      'error-callback'?: (code: string) => void
    },
  ): string
  execute(widgetId: string): void
  reset(widgetId: string): void
}

/** How long a token may take (an interactive challenge included) before the page gives up and says so. */
export const TOKEN_TIMEOUT_MS = 60_000

/** The Turnstile script could not be loaded (blocked, offline, or it defined no `window.turnstile`). */
export class TurnstileUnavailableError extends Error {
  readonly code = 'TurnstileUnavailable'
  constructor(message: string) {
    super(message)
    this.name = 'TurnstileUnavailableError'
  }
}

/** Loads the Turnstile script into the document once and resolves to `window.turnstile`. */
export function loadTurnstile(doc: Document): Promise<TurnstileApi> {
  return new Promise((resolve, reject) => {
    const script = doc.createElement('script')
    script.src = TURNSTILE_SCRIPT
    script.async = true
    script.onload = () => {
      const api = (doc.defaultView as (Window & { turnstile?: TurnstileApi }) | null)?.turnstile
      if (api) resolve(api)
      else reject(new TurnstileUnavailableError('The Turnstile script loaded but defined no window.turnstile'))
    }
    script.onerror = () => {
      script.remove()
      reject(new TurnstileUnavailableError(`The Turnstile script did not load from ${TURNSTILE_SCRIPT}`))
    }
    doc.head.append(script)
  })
}

/**
 * A token source for one site key: renders the widget into `container` on first use, then for every call resets
 * it and asks for a new token.
 *
 * @example
 * const token = turnstileTokens('0x4AAAAAAA…', document.getElementById('turnstile')!, () => loadTurnstile(document))
 * await fetch('/credentials', { method: 'POST', headers: { 'cf-turnstile-response': await token() } })
 */
export function turnstileTokens(
  siteKey: string,
  container: HTMLElement,
  load: () => Promise<TurnstileApi>,
): () => Promise<string> {
  let ready: Promise<{ api: TurnstileApi; widgetId: string }> | undefined
  let waiting: { resolve: (token: string) => void; reject: (error: Error) => void } | undefined
  const widget = () =>
    (ready ??= load().then((api) => {
      const widgetId = api.render(container, {
        sitekey: siteKey,
        action: 'credentials',
        execution: 'execute',
        appearance: 'interaction-only',
        callback: (token) => waiting?.resolve(token),
        'error-callback': (code) => waiting?.reject(new Error(`Turnstile could not check this browser (${code})`)),
      })
      return { api, widgetId }
    })).catch((error: unknown) => {
      // Not kept: the next credentials request tries to load it again (after the blocker is gone).
      ready = undefined
      throw error
    })
  return async () => {
    const { api, widgetId } = await widget()
    let timer: ReturnType<typeof setTimeout> | undefined
    const token = new Promise<string>((resolve, reject) => {
      waiting = { resolve, reject }
      timer = setTimeout(
        () => reject(new Error(`Turnstile gave no token within ${TOKEN_TIMEOUT_MS / 1000} s: reload the page`)),
        TOKEN_TIMEOUT_MS,
      )
    })
    api.reset(widgetId)
    api.execute(widgetId)
    try {
      return await token
    } finally {
      clearTimeout(timer)
      waiting = undefined
    }
  }
}
