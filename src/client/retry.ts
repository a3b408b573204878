// Retry timing, apart from the request loop that uses it: which answers are worth another try, how long to wait
// (Retry-After, capped exponential backoff with full jitter) and the retry budget shared by one client's requests.

/**
 * What one retry costs from a {@link RetryBudget}; a success earns {@link RETRY_SUCCESS_REFUND} back.
 *
 * @example
 * new RetryBudget(500) // room for 100 retries in a row
 */
export const RETRY_COST = 5

/**
 * What a successful answer gives back to a {@link RetryBudget}.
 *
 * @example
 * const budget = new RetryBudget(500)
 * budget.refund() // adds RETRY_SUCCESS_REFUND, up to the budget's capacity
 */
export const RETRY_SUCCESS_REFUND = 1

/**
 * Error codes worth another try whatever the HTTP status (throttling and transient faults).
 *
 * @example
 * RETRYABLE_ERROR_CODE.test('ProvisionedThroughputExceededException') // true
 */
export const RETRYABLE_ERROR_CODE =
  /Throttl|LimitExceeded|ThroughputExceeded|SlowDown|TooMany|PriorRequest|InProgress|Timeout|InternalFailure|Unavailable/

const HTTP_REQUEST_TIMEOUT = 408
const HTTP_TOO_MANY_REQUESTS = 429
const HTTP_SERVER_ERROR = 500
const DELTA_SECONDS = /^\d+$/
// The HTTP date form (IMF-fixdate, RFC 9110), e.g. `Wed, 21 Oct 2026 07:28:00 GMT`: Date.parse alone would also
// take `-5` or `1.5` as dates.
const HTTP_DATE = /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/

/**
 * Whether an error answer is worth another try: 408, 429, any 5xx, or a throttling / transient error code.
 * Its body does not matter beyond the code: a 503 is retried whatever it says.
 *
 * @example
 * isRetryableAnswer(503, 'Http503') // true
 * isRetryableAnswer(400, 'ValidationException') // false
 */
export function isRetryableAnswer(status: number, code: string): boolean {
  return (
    status >= HTTP_SERVER_ERROR ||
    status === HTTP_REQUEST_TIMEOUT ||
    status === HTTP_TOO_MANY_REQUESTS ||
    RETRYABLE_ERROR_CODE.test(code)
  )
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds (`120`) or an HTTP date. `undefined`
 * when the header is absent or unreadable; 0 for a date in the past.
 *
 * @example
 * retryAfterMilliseconds('2') // 2000
 * retryAfterMilliseconds('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('2026-10-21T07:27:00Z')) // 60000
 */
export function retryAfterMilliseconds(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined
  const value = header.trim()
  if (DELTA_SECONDS.test(value)) return Number(value) * 1000
  if (!HTTP_DATE.test(value)) return undefined
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/**
 * Capped exponential backoff with full jitter: a random delay in [0, min(max, base * 2^attempt)) milliseconds.
 *
 * @example
 * backoff(3, 100, 20_000) // somewhere below 800
 */
export function backoff(attempt: number, base: number, max: number): number {
  return Math.random() * Math.min(max, base * 2 ** attempt)
}

/** Timing settings of {@link retryDelay}, in milliseconds. */
export interface RetryTimingOptions {
  /** Backoff base: retry n waits a random time below `min(maxRetryDelay, retryDelay * 2^n)`. */
  retryDelay: number
  /** Longest wait before a retry; a longer `Retry-After` means "do not retry". */
  maxRetryDelay: number
}

/**
 * How long to wait before retry number `attempt` (0 for the first retry): the backoff, or the server's
 * `Retry-After` when that is longer. `undefined` when the server asks for more than `maxRetryDelay`: give up.
 *
 * @example
 * retryDelay(0, response.headers.get('retry-after'), { retryDelay: 100, maxRetryDelay: 20_000 })
 */
export function retryDelay(
  attempt: number,
  retryAfter: string | null,
  options: RetryTimingOptions,
): number | undefined {
  const asked = retryAfterMilliseconds(retryAfter) ?? 0
  if (asked > options.maxRetryDelay) return undefined
  return Math.max(asked, backoff(attempt, options.retryDelay, options.maxRetryDelay))
}

/**
 * A token bucket shared by the requests of one client, so that a failing service gets fewer retries, not more:
 * each retry takes {@link RETRY_COST}, each success gives {@link RETRY_SUCCESS_REFUND} back (up to `capacity`).
 *
 * @example
 * const budget = new RetryBudget(500)
 * if (budget.canRetry()) budget.spend()
 */
export class RetryBudget {
  readonly capacity: number
  #tokens: number

  constructor(capacity: number) {
    this.capacity = capacity
    this.#tokens = capacity
  }

  /** Whether one more retry fits in the budget. */
  canRetry(): boolean {
    return this.#tokens >= RETRY_COST
  }

  /** Takes the cost of one retry. */
  spend(): void {
    this.#tokens -= RETRY_COST
  }

  /** Gives back what a success earns. */
  refund(): void {
    this.#tokens = Math.min(this.capacity, this.#tokens + RETRY_SUCCESS_REFUND)
  }
}

/**
 * Waits `ms` milliseconds; rejects with the signal's reason as soon as it aborts (also when already aborted).
 *
 * @example
 * const controller = new AbortController()
 * await sleep(100, controller.signal) // controller.abort() rejects it at once
 */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer)
      // The signal's own reason (an AbortError or TimeoutError DOMException), as fetch rejects with it.
      reject(signal!.reason as Error)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort)
      resolve()
    }, ms)
    if (signal?.aborted) abort()
    else signal?.addEventListener('abort', abort)
  })
}
