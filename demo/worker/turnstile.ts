// Cloudflare Turnstile, server side: the page sends the token its widget produced, the Worker asks siteverify
// whether it is genuine (and unused) before it calls STS. https://developers.cloudflare.com/turnstile/get-started/server-side-validation/

/** Cloudflare's siteverify endpoint; `TURNSTILE_SITEVERIFY_URL` replaces it (tests use a stand-in on 127.0.0.1). */
export const SITEVERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify'

/** The request header that carries the widget's token to POST /credentials. */
export const TURNSTILE_HEADER = 'cf-turnstile-response'

/** Tokens are at most 2048 characters (Cloudflare's documented limit); longer ones are refused unasked. */
export const MAX_TOKEN_LENGTH = 2048

/** What siteverify said, in the parts the Worker uses. */
export interface TurnstileVerdict {
  success: boolean
  /** siteverify's `error-codes`, e.g. `invalid-input-response`, `timeout-or-duplicate` (for the log). */
  errorCodes: string[]
  /** The host name the widget ran on, when siteverify names it. */
  hostname?: string
}

/** Options of {@link verifyTurnstile}. */
export interface VerifyTurnstileOptions {
  /** The widget's secret key (`wrangler secret put TURNSTILE_SECRET`). */
  secret: string
  /** Siteverify URL; default {@link SITEVERIFY_URL}. */
  url?: string
  /** The visitor's IP (`cf-connecting-ip`), passed on as siteverify's `remoteip`. */
  remoteIp?: string
  fetch?: (request: Request) => Promise<Response>
}

/**
 * Asks siteverify about a token. Fails closed: a missing or oversized token, an unreachable siteverify or an
 * answer that is not `{ "success": true }` are all `success: false`.
 *
 * @example
 * const verdict = await verifyTurnstile(request.headers.get(TURNSTILE_HEADER), { secret: env.TURNSTILE_SECRET })
 * if (!verdict.success) return refuse()
 */
export async function verifyTurnstile(
  token: string | null,
  options: VerifyTurnstileOptions,
): Promise<TurnstileVerdict> {
  if (!token) return { success: false, errorCodes: ['missing-input-response'] }
  if (token.length > MAX_TOKEN_LENGTH) return { success: false, errorCodes: ['token-too-long'] }
  const form = new URLSearchParams({ secret: options.secret, response: token })
  if (options.remoteIp) form.set('remoteip', options.remoteIp)
  const send = options.fetch ?? ((request: Request) => fetch(request))
  let answer: { success?: unknown; 'error-codes'?: unknown; hostname?: unknown }
  try {
    const response = await send(new Request(options.url || SITEVERIFY_URL, { method: 'POST', body: form }))
    if (!response.ok) return { success: false, errorCodes: [`siteverify-http-${response.status}`] }
    answer = (await response.json()) as typeof answer
  } catch (error) {
    return { success: false, errorCodes: [`siteverify-unreachable: ${(error as Error).message}`] }
  }
  const errorCodes = Array.isArray(answer['error-codes']) ? answer['error-codes'].map(String) : []
  const verdict: TurnstileVerdict = { success: answer.success === true, errorCodes }
  if (typeof answer.hostname === 'string') verdict.hostname = answer.hostname
  return verdict
}
