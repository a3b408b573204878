// The page's own errors: which component could not be reached or did not answer in time, pasted credentials past
// their expiry or that cannot be read, and an action the user cancelled.

/** The parts of the demo a request can go to: named in messages so the user knows which address to check. */
export type Component = 'worker' | 'cognito' | 'kinesis' | 's3' | 'siteverify'

/** Names of the components as the page shows them. */
export const COMPONENT_NAMES: Record<Component, string> = {
  worker: 'the Worker',
  cognito: 'Cognito',
  kinesis: 'the Kinesis endpoint',
  s3: 'the S3 endpoint',
  siteverify: 'Turnstile',
}

/** The browser could not reach a component at all (DNS, refused connection, CORS, offline). */
export class UnreachableError extends Error {
  readonly code = 'Unreachable'
  constructor(
    readonly component: Component,
    readonly url: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${COMPONENT_NAMES[component]} did not answer at ${url}`, options)
    this.name = 'UnreachableError'
  }
}

/** How long the page waits for an answer before it gives up on a request (Kinesis, the Worker, Cognito). */
export const REQUEST_TIMEOUT_MS = 20_000

/** A component that accepted the connection but sent no answer in time (a hung or stopped server). */
export class TimedOutError extends Error {
  readonly code = 'TimedOut'
  constructor(
    readonly component: Component,
    readonly url: string,
    readonly ms: number,
    readonly operation = '',
  ) {
    super(
      `${COMPONENT_NAMES[component]} at ${url} sent no answer${operation ? ` to ${operation}` : ''} within ${Math.round(ms / 1000)} s`,
    )
    this.name = 'TimedOutError'
  }
}

/** The user pressed Cancel while the page waited for an answer. */
export class CancelledError extends Error {
  readonly code = 'Cancelled'
  constructor(readonly waitingFor = '') {
    super(`Cancelled${waitingFor ? ` while waiting for ${waitingFor}` : ''}`)
    this.name = 'CancelledError'
  }
}

/** Pasted text that holds no credentials the page can use. */
export class PastedInvalidError extends Error {
  readonly code = 'PastedCredentialsInvalid'
  constructor(message: string) {
    super(message)
    this.name = 'PastedInvalidError'
  }
}

/** Pasted temporary credentials whose expiration has passed: they are never used to sign. */
export class PastedExpiredError extends Error {
  readonly code = 'PastedCredentialsExpired'
  constructor(readonly expiration: Date) {
    super(`The pasted credentials expired at ${expiration.toISOString()}`)
    this.name = 'PastedExpiredError'
  }
}

/**
 * A fetch that reports a failure to connect as an `UnreachableError` naming `component` (answers of any status
 * pass through unchanged).
 *
 * @example
 * const send = reporting('worker', fetch)
 */
export function reporting<Input extends RequestInfo | URL, Init>(
  component: Component,
  send: (input: Input, init?: Init) => Promise<Response>,
): (input: Input, init?: Init) => Promise<Response> {
  return async (input, init) => {
    try {
      return await send(input, init)
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error
      // Timed out or stopped on purpose: not a connection failure.
      if (error instanceof TimedOutError || error instanceof CancelledError) throw error
      if (input instanceof Request && input.signal.aborted) throw error
      const url = input instanceof Request ? input.url : String(input)
      throw new UnreachableError(component, new URL(url).origin, { cause: error })
    }
  }
}

/** What {@link timed} needs: the time limit (read at each request) and who to tell when it passes. */
export interface TimeLimit {
  ms: () => number
  /** Called with the error when a request times out, before it rejects: abort the action there (no retries). */
  onTimeout?: (error: TimedOutError) => void
}

/**
 * A fetch that gives up on a request that has no answer after `limit.ms()`: the request is aborted and the call
 * rejects with a `TimedOutError` naming `component`. The request's own abort still works.
 *
 * @example
 * const send = timed('kinesis', (request) => fetch(request), { ms: () => 20_000, onTimeout: (error) => action.abort(error) })
 */
export function timed(
  component: Component,
  send: (request: Request) => Promise<Response>,
  limit: TimeLimit,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const ms = limit.ms()
    const controller = new AbortController()
    const forward = () => controller.abort(request.signal.reason)
    if (request.signal.aborted) forward()
    request.signal.addEventListener('abort', forward, { once: true })
    let timedOut: TimedOutError | undefined
    const timer = setTimeout(() => {
      const target = request.headers.get('x-amz-target')
      const url = new URL(request.url)
      const operation = target ? target.slice(target.indexOf('.') + 1) : `${request.method} ${url.pathname}`
      timedOut = new TimedOutError(component, url.origin, ms, operation)
      controller.abort(timedOut)
      limit.onTimeout?.(timedOut)
    }, ms)
    try {
      return await send(new Request(request, { signal: controller.signal }))
    } catch (error) {
      throw timedOut ?? error
    } finally {
      clearTimeout(timer)
      request.signal.removeEventListener('abort', forward)
    }
  }
}
