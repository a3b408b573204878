// A fetch that signs every attempt afresh, retries what is safe to retry and corrects the clock from AWS skew errors.
import { AwsError, signings } from './aws-error.js'
import { SIGV4, type SignedParts } from './engine.js'
import type { CredentialsInput, PresignOptions } from './options.js'
import { presignRequestWith, signRequestWith } from './internal.js'
import type { RequestLike } from './request.js'
import { backoff, sleep } from './retry.js'

export { AwsError } from './aws-error.js'

/** Options of {@link AwsClient}: credentials, optional region/service (else inferred from the host), signing and retry settings. */
export interface AwsClientOptions extends Omit<PresignOptions, 'credentials'> {
  /** Keys, or a provider from `webcrypto-sigv4/credentials` (wrap slow ones in `refreshing`). Called once per signature. */
  credentials: CredentialsInput
  /** Retries after the first attempt (default 3). The clock-skew correction is one extra attempt on top. */
  retries?: number
  /** Backoff base in milliseconds (default 100): attempt n waits a random time below `min(maxRetryDelay, retryDelay * 2^n)`. */
  retryDelay?: number
  /** Longest wait before a retry in milliseconds (default 20000); a longer `Retry-After` is not waited for. */
  maxRetryDelay?: number
  /** Retry budget shared by all requests of this client (default 500): a retry costs 5, a success earns 1 back. */
  retryBudget?: number
  /** The fetch to use (default: the global one). */
  fetch?: (request: Request) => Promise<Response>
}

/** `RequestInit` plus per-request signing options (`aws: { service, region, unsignedPayload, expiresIn, ... }`). */
export type AwsRequestInit = RequestInit & { aws?: Partial<PresignOptions> }

// Answers that mean our clock is off; the server's time comes with them.
// (An expired token also matches: one extra attempt with the server's time does no harm.)
const SKEW = /skew|expired|not yet current|future/i
// Error codes worth another try besides 408, 429 and 5xx (throttling and transient faults).
const RETRYABLE =
  /Throttl|LimitExceeded|ThroughputExceeded|SlowDown|TooMany|PriorRequest|InProgress|Timeout|InternalFailure|Unavailable/

/**
 * A `fetch` that signs with SigV4. `client.fetch(input, init)` takes what the global fetch takes and returns the
 * `Response` (non-2xx included; read errors with `AwsError.from(response)` or use `client.json`). Each attempt
 * is signed afresh; 408, 429, 5xx, network errors and throttling codes are retried with capped exponential
 * backoff and full jitter (respecting `Retry-After`) within a retry budget; a clock-skew error sets
 * `clockOffset` from the server's time and retries once. A `ReadableStream` body is sent as is and never
 * retried; other bodies are read once and re-sent. `init.signal` aborts at every step, backoff included.
 *
 * @example
 * const client = new AwsClient({ credentials: { accessKeyId, secretAccessKey }, region: 'us-east-1' })
 * const response = await client.fetch('https://kinesis.us-east-1.amazonaws.com/', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' },
 *   body: '{}',
 * })
 */
export class AwsClient {
  /** Milliseconds added to the local clock when signing: learnt from clock-skew errors, 0 until then. */
  clockOffset = 0
  /** How the latest request was signed (canonical request, string to sign, signed headers, headers sent). */
  lastSigning?: SignedParts
  #budget: number

  constructor(readonly options: AwsClientOptions) {
    this.#budget = options.retryBudget ?? 500
  }

  #options(aws?: Partial<PresignOptions>): PresignOptions {
    return { datetime: new Date(Date.now() + this.clockOffset), ...this.options, ...aws }
  }

  // Normalises the input like fetch does and reads the body once, so that every attempt re-sends the same bytes.
  async #prepare(input: string | URL | Request, { aws, ...init }: AwsRequestInit = {}) {
    const base = new Request(input, { ...init, duplex: 'half' } as RequestInit)
    const stream = init.body instanceof ReadableStream
    // Read the bytes whatever `base.body` says: Firefox has no Request.body (undefined), which dropped the body.
    const body = stream ? init.body : await base.arrayBuffer().then((bytes) => (bytes.byteLength ? bytes : null))
    const like: RequestLike & { signal: AbortSignal } = {
      ...init,
      url: base.url,
      method: base.method,
      headers: base.headers,
      body,
      signal: base.signal,
    }
    return [like, aws, stream] as const
  }

  async #sign(like: RequestLike, aws?: Partial<PresignOptions>) {
    const result = await signRequestWith(like, this.#options(aws), SIGV4)
    this.lastSigning = result.signed
    return result
  }

  /**
   * Signs and sends a request like `fetch`, with retries and clock-skew correction (see the class).
   *
   * @example
   * const response = await client.fetch(`https://${bucket}.s3.eu-west-1.amazonaws.com/a.txt`, { method: 'PUT', body: 'hello' })
   */
  async fetch(input: string | URL | Request, init?: AwsRequestInit): Promise<Response> {
    const [like, aws, stream] = await this.#prepare(input, init)
    const {
      retries = 3,
      retryDelay = 100,
      maxRetryDelay = 20_000,
      retryBudget = 500,
      fetch: send = fetch,
    } = this.options
    const signal = like.signal
    let skewFixed = stream
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted()
      const { request, signed } = await this.#sign(like, aws)
      let response: Response | undefined
      let failure: unknown
      let wait = 0
      try {
        response = await send(request)
      } catch (error) {
        signal.throwIfAborted()
        failure = error
      }
      let retry = !stream && attempt < retries && this.#budget >= 5
      if (response) {
        signings.set(response, signed)
        if (response.status < 400) {
          this.#budget = Math.min(retryBudget, this.#budget + 1)
          return response
        }
        const error = await AwsError.from(response.clone(), signed)
        const serverTime = error.serverTime?.getTime()
        if (!skewFixed && serverTime && SKEW.test(error.code + error.message)) {
          skewFixed = true
          this.clockOffset = serverTime - Date.now()
          attempt--
          retry = true
        } else {
          const after = response.headers.get('retry-after')
          wait = Number(after && (+after >= 0 ? +after * 1000 : Date.parse(after) - Date.now())) || 0
          retry &&=
            (response.status > 499 || response.status == 408 || response.status == 429 || RETRYABLE.test(error.code)) &&
            wait <= maxRetryDelay
          if (retry) this.#budget -= 5
        }
        if (!retry) return response
        await response.body?.cancel()
      } else if (retry) this.#budget -= 5
      else throw failure
      await sleep(Math.max(wait, backoff(attempt, retryDelay, maxRetryDelay)), signal)
    }
  }

  /**
   * Signs a request without sending it; returns a new `Request` with the `authorization` and `x-amz-*` headers.
   *
   * @example
   * const request = await client.sign('https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15')
   */
  async sign(input: string | URL | Request, init?: AwsRequestInit): Promise<Request> {
    const [like, aws] = await this.#prepare(input, init)
    return (await this.#sign(like, aws)).request
  }

  /**
   * Presigns a URL (signature in the query, valid `aws.expiresIn` seconds, default 3600); `wss:` URLs work too.
   *
   * @example
   * const url = await client.presign(`https://${bucket}.s3.eu-west-1.amazonaws.com/report.pdf`, { aws: { expiresIn: 600 } })
   */
  presign(input: string | URL | Request, { aws, ...init }: AwsRequestInit = {}): Promise<URL> {
    return presignRequestWith(input instanceof Request ? input : { ...init, url: input }, this.#options(aws), SIGV4)
  }

  /**
   * `fetch`, then the parsed JSON body of a 2xx answer (`{}` when empty); throws an `AwsError` otherwise.
   *
   * @example
   * const { StreamNames } = await client.json(kinesisUrl, { method: 'POST', headers, body: '{}' })
   */
  async json<T = any>(input: string | URL | Request, init?: AwsRequestInit): Promise<T> {
    const response = await this.fetch(input, init)
    if (!response.ok) throw await AwsError.from(response)
    const text = await response.text()
    return JSON.parse(text || '{}')
  }
}
