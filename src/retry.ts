// Backoff helpers shared by the client and the Kinesis producer.

/**
 * Waits `ms` milliseconds; rejects with the signal's reason as soon as it aborts (also when already aborted).
 *
 * @example
 * await sleep(100, controller.signal)
 */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort)
      resolve()
    }, ms)
    if (signal?.aborted) abort()
    else signal?.addEventListener('abort', abort)
  })
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
