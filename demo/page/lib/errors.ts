// The page's own errors: which component could not be reached, and pasted credentials past their expiry.

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
      const url = input instanceof Request ? input.url : String(input)
      throw new UnreachableError(component, new URL(url).origin, { cause: error })
    }
  }
}
