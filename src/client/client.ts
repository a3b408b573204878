// A fetch that signs every attempt afresh, retries what is safe to retry and corrects the clock from AWS skew errors.
// The retry timing (Retry-After, backoff, budget) lives in retry.ts; this file is the request loop.
import { AwsError, okText, redactedSigning, signings } from './aws-error.js'
import { SIGV4 } from '../core/engine.js'
import type { SignedParts } from '../core/types.js'
import { isBytes, type Bytes } from '../core/encoding.js'
import { fail } from '../core/errors.js'
import { isRecord, resolveScope, type CredentialsInput, type PresignOptions } from '../core/options.js'
import { presignRequestWith, signRequestWith } from '../core/with-algorithm.js'
import {
  buildRequest,
  headersOf,
  parserRewritesPath,
  parseUrl,
  refuseRewrittenKey,
  type RequestLike,
} from '../core/request.js'
import { backoff, isRetryableAnswer, RetryBudget, retryDelay, sleep, type RetryTimingOptions } from './retry.js'

export { AwsError } from './aws-error.js'

/** Options of {@link AwsClient}: credentials, optional region/service (else inferred from the host), signing and retry settings. */
export interface AwsClientOptions extends Omit<PresignOptions, 'credentials'> {
  /**
   * Keys, or a provider from `webcrypto-sigv4/credentials` (wrap slow ones in `refreshing`). Called once per
   * signature. Kept in a private field: logging the client shows no key.
   */
  credentials: CredentialsInput
  /**
   * Retries after the first attempt. The clock-skew correction is one extra attempt on top.
   * @default 3
   */
  retries?: number
  /**
   * Backoff base in milliseconds: retry n waits a random time below `min(maxRetryDelay, retryDelay * 2^n)`.
   * @default 100
   */
  retryDelay?: number
  /**
   * Longest wait before a retry in milliseconds; an answer whose `Retry-After` asks for longer is returned as is.
   * @default 20000
   */
  maxRetryDelay?: number
  /**
   * Retry budget shared by all requests of this client: a retry costs 5, a success earns 1 back.
   * @default 500
   */
  retryBudget?: number
  /**
   * The fetch to use.
   * @default globalThis.fetch
   */
  fetch?: (request: Request) => Promise<Response>
}

/** Per-request signing options of {@link AwsClient}: they override the client's (`service`, `region`, `expiresIn`, ...). */
export type AwsRequestOptions = Partial<PresignOptions>

/** `RequestInit` plus per-request signing options (`aws: { service, region, unsignedPayload, expiresIn, ... }`). */
export type AwsRequestInit = RequestInit & { aws?: AwsRequestOptions }

const DEFAULT_RETRIES = 3
const DEFAULT_RETRY_DELAY = 100
const DEFAULT_MAX_RETRY_DELAY = 20_000
const DEFAULT_RETRY_BUDGET = 500
const HTTP_ERROR_STATUS = 400

// Answers that mean our clock is off; the server's time comes with them.
// (An expired token also matches: one extra attempt with the server's time does no harm.)
const CLOCK_SKEW_ERROR = /skew|expired|not yet current|future/i

// A request ready to be signed again for every attempt.
interface PreparedFetch {
  like: RequestLike & { signal: AbortSignal }
  aws?: AwsRequestOptions
  /** False for a `ReadableStream` body: it is sent once and cannot be sent again. */
  replayable: boolean
}

/** A body the client sends as given on every attempt: a Blob, or bytes of an ArrayBuffer (fetch copies a view of a
 * SharedArrayBuffer, so that one goes through the Request like any other body). */
const isHeldBody = (body: unknown): body is Blob | Bytes =>
  body instanceof Blob || (isBytes(body) && (body instanceof ArrayBuffer || body.buffer instanceof ArrayBuffer))

function checkedCount(name: string, value: number | undefined, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback
  const valid = typeof value === 'number' && value >= 0 && (integer ? Number.isInteger(value) : Number.isFinite(value))
  if (!valid)
    fail(
      'ERR_INVALID_OPTION',
      `Set options.${name} to a non-negative ${integer ? 'integer' : 'number'}, or leave it out`,
    )
  return value
}

/**
 * A `fetch` that signs with SigV4. `client.fetch(input, init)` takes what the global fetch takes and returns the
 * `Response` (non-2xx included; read errors with `AwsError.from(response)` or use `client.json`). Each attempt
 * is signed afresh; 408, 429, 5xx, network errors and throttling codes are retried with capped exponential
 * backoff and full jitter (respecting `Retry-After`) within a retry budget; a clock-skew error sets
 * `clockOffset` from the server's time and retries once. A `ReadableStream` body is sent as is and never
 * retried; bytes and Blobs are held as given (not copied) and re-sent on each attempt; other bodies are read once
 * and re-sent. `init.signal` aborts at every step, backoff included.
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
  /** The options the client was made with, except `credentials` (kept private). */
  readonly options: Readonly<Omit<AwsClientOptions, 'credentials'>>
  #credentials: CredentialsInput
  #lastSigning?: SignedParts
  #retries: number
  #timing: RetryTimingOptions
  #budget: RetryBudget

  /** Checks the retry options (`ERR_INVALID_OPTION` when one is not a valid count); credentials are read when a
   * request is signed, not here. */
  constructor(options: AwsClientOptions) {
    if (!isRecord(options)) fail('ERR_INVALID_OPTION', 'Pass new AwsClient({ credentials, region?, service? })')
    const { credentials, ...rest } = options
    this.options = rest
    this.#credentials = credentials
    this.#retries = checkedCount('retries', options.retries, DEFAULT_RETRIES, true)
    this.#timing = {
      retryDelay: checkedCount('retryDelay', options.retryDelay, DEFAULT_RETRY_DELAY, false),
      maxRetryDelay: checkedCount('maxRetryDelay', options.maxRetryDelay, DEFAULT_MAX_RETRY_DELAY, false),
    }
    this.#budget = new RetryBudget(checkedCount('retryBudget', options.retryBudget, DEFAULT_RETRY_BUDGET, false))
  }

  /**
   * How the latest request was signed: canonical request, string to sign, signed headers and the headers sent.
   * It holds the `Authorization` header and the session token, so it is not an own property (logging the
   * client does not show it) and should not be logged itself; errors keep only its redacted part.
   */
  get lastSigning(): SignedParts | undefined {
    return this.#lastSigning
  }

  #options(aws?: AwsRequestOptions): PresignOptions {
    return {
      datetime: new Date(Date.now() + this.clockOffset),
      ...this.options,
      credentials: this.#credentials,
      ...aws,
    }
  }

  // Normalises the input like fetch does and reads the body once, so that every attempt re-sends the same bytes.
  // What fetch would refuse is refused first with a typed error (the runtime's TypeError can quote a password).
  async #prepare(input: string | URL | Request, { aws, ...init }: AwsRequestInit = {}): Promise<PreparedFetch> {
    if (!(typeof input === 'string' || input instanceof URL || input instanceof Request))
      fail('ERR_INVALID_REQUEST', 'Pass client.fetch a URL (string or URL) or a Request')
    const url = parseUrl(input instanceof Request ? input.url : input)
    // Only a string still shows the path as written (S3 keys with dot segments, see refuseRewrittenKey).
    // The scope is resolved only for such a path: inferring it costs more than the check.
    if (typeof input === 'string' && parserRewritesPath(input))
      refuseRewrittenKey(input, (await resolveScope({ ...this.options, ...aws }, url.host, url.pathname)).rules)
    if (init.headers !== undefined) headersOf(init.headers)
    // Bytes and Blobs are held as given and re-sent as they are on every attempt: no Request is built around them to
    // be read back into a second copy (a Blob cannot change; bytes are the caller's, as with fetch).
    const held = !(input instanceof Request) && isHeldBody(init.body)
    const base = buildRequest(input instanceof URL ? input.href : input, {
      ...init,
      ...(held && { body: null }),
      duplex: 'half',
    } as RequestInit)
    const replayable = !(init.body instanceof ReadableStream)
    // Read the bytes whatever `base.body` says: Firefox has no Request.body (undefined), which dropped the body.
    // An empty body is sent as none, as the bytes read back from a Request are.
    const body = held
      ? (init.body instanceof Blob ? init.body.size : (init.body as Bytes).byteLength)
        ? (init.body as Blob | Bytes)
        : null
      : replayable
        ? await base
            .arrayBuffer()
            .then((bytes) => (bytes.byteLength ? bytes : null))
            .catch((error: unknown) => fail('ERR_BODY_USED', 'The body was read already: pass a fresh one', error))
        : (init.body as ReadableStream)
    // The caller's own signal, not base.signal: undici links a Request's signal to its source only weakly, so an
    // abort could be lost once `base` is garbage collected.
    const signal = init.signal ?? (input instanceof Request ? input.signal : new AbortController().signal)
    const like = { ...init, url: base.url, method: base.method, headers: base.headers, body, signal }
    return { like, aws, replayable }
  }

  async #sign(like: RequestLike, aws?: AwsRequestOptions) {
    const result = await signRequestWith(like, this.#options(aws), SIGV4)
    this.#lastSigning = result.signed
    return result
  }

  #mayRetry(prepared: PreparedFetch, retriesDone: number): boolean {
    return prepared.replayable && retriesDone < this.#retries && this.#budget.canRetry()
  }

  // Learns the server's time from a clock-skew error; false when the error is not one or carries no time.
  #correctClock(error: AwsError): boolean {
    const serverTime = error.serverTime?.getTime()
    if (serverTime === undefined || !CLOCK_SKEW_ERROR.test(error.code + ' ' + error.message)) return false
    this.clockOffset = serverTime - Date.now()
    return true
  }

  /**
   * Signs and sends a request like `fetch`, with retries and clock-skew correction (see the class).
   *
   * @example
   * const response = await client.fetch(`https://${bucket}.s3.eu-west-1.amazonaws.com/a.txt`, { method: 'PUT', body: 'hello' })
   */
  async fetch(input: string | URL | Request, init?: AwsRequestInit): Promise<Response> {
    const prepared = await this.#prepare(input, init)
    const { signal } = prepared.like
    const send = this.options.fetch ?? fetch
    let clockCorrected = false
    let retriesDone = 0
    for (;;) {
      signal.throwIfAborted()
      const { request, signed } = await this.#sign(prepared.like, prepared.aws)
      let response: Response
      try {
        response = await send(request)
      } catch (networkError) {
        signal.throwIfAborted()
        if (!this.#mayRetry(prepared, retriesDone)) throw networkError
        this.#budget.spend()
        await sleep(backoff(retriesDone, this.#timing.retryDelay, this.#timing.maxRetryDelay), signal)
        retriesDone++
        continue
      }
      const signing = redactedSigning(signed)
      signings.set(response, signing)
      if (response.status < HTTP_ERROR_STATUS) {
        this.#budget.refund()
        return response
      }
      const error = await AwsError.from(response.clone(), signing)
      // The clock correction is not a retry: it does not count against `retries` and waits for nothing.
      if (prepared.replayable && !clockCorrected && this.#correctClock(error)) {
        clockCorrected = true
        await response.body?.cancel()
        continue
      }
      const wait =
        this.#mayRetry(prepared, retriesDone) && isRetryableAnswer(response.status, error.code)
          ? retryDelay(retriesDone, response.headers.get('retry-after'), this.#timing)
          : undefined
      if (wait === undefined) return response
      await response.body?.cancel()
      this.#budget.spend()
      await sleep(wait, signal)
      retriesDone++
    }
  }

  /**
   * Signs a request without sending it; returns a new `Request` with the `authorization` and `x-amz-*` headers.
   *
   * @example
   * const request = await client.sign('https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15')
   */
  async sign(input: string | URL | Request, init?: AwsRequestInit): Promise<Request> {
    const prepared = await this.#prepare(input, init)
    return (await this.#sign(prepared.like, prepared.aws)).request
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
   * The body is not checked against `T`: name the shape you expect.
   *
   * @example
   * const { StreamNames } = await client.json<{ StreamNames: string[] }>('https://kinesis.us-east-1.amazonaws.com/', {
   *   method: 'POST',
   *   headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' },
   *   body: '{}',
   * })
   */
  async json<T = unknown>(input: string | URL | Request, init?: AwsRequestInit): Promise<T> {
    const text = await okText(await this.fetch(input, init))
    try {
      return JSON.parse(text || '{}') as T
    } catch {
      // The SyntaxError quotes the body, which may hold credentials (an STS answer in XML): it is not kept.
      return fail('ERR_INVALID_RESPONSE', 'The 2xx answer is not JSON: use client.fetch for this API')
    }
  }
}
