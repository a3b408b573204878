import {
  SIGV4,
  signCheckedWith,
  signWith,
  type RequestParts,
  type SignedParts,
  type SigningAlgorithm,
} from './engine.js'
import { fail } from './errors.js'
import { hoistHeaders } from './header-options.js'
import type { PresignOptions } from './options.js'
import { prepareRequest, type RequestLike } from './request.js'

function expiry(options: PresignOptions): number {
  const expiresIn = options?.expiresIn ?? 3600
  return Number.isInteger(expiresIn) && expiresIn > 0 && expiresIn < 604801
    ? expiresIn
    : fail('ERR_INVALID_EXPIRES', 'Set options.expiresIn to 1..604800 seconds')
}

/**
 * Presigns request parts with any algorithm (SigV4 or SigV4a).
 *
 * @example
 * const signed = await presignPartsWith(parts, { credentials, expiresIn: 60 }, SIGV4)
 */
export async function presignPartsWith(
  parts: RequestParts,
  options: PresignOptions,
  algorithm: SigningAlgorithm,
): Promise<SignedParts> {
  // x-amz-* headers move into the query first (header-options.ts).
  return signWith(hoistHeaders(parts, options), options, algorithm, expiry(options))
}

/**
 * Presigns a request with any algorithm into a URL.
 *
 * @example
 * const url = await presignWith('https://b.s3.amazonaws.com/k', { credentials }, SIGV4)
 */
export async function presignWith(
  input: Request | RequestLike | string | URL,
  options: PresignOptions,
  algorithm: SigningAlgorithm,
): Promise<URL> {
  const expiresIn = expiry(options)
  const { parts, url } = await prepareRequest(
    typeof input === 'string' || input instanceof URL ? { url: input } : input,
    options,
  )
  // `url` is prepareRequest's own parse of the input, never the caller's object: it can carry the result.
  // x-amz-* headers move into the query first (header-options.ts).
  url.search = (await signCheckedWith(hoistHeaders(parts, options), options, algorithm, expiresIn)).query
  return url
}

/**
 * Presigns a request: returns a URL whose query carries the `X-Amz-*` signature, valid for
 * `options.expiresIn` seconds (default 3600, at most 604800). Works for `https:` and `wss:` URLs.
 * Headers given with the request are signed: `x-amz-*` ones move into the query (`hoistHeaders`, default on), the
 * others whoever uses the URL must send too.
 *
 * @example
 * const url = await presign('https://my-bucket.s3.eu-west-1.amazonaws.com/report.pdf', {
 *   credentials,
 *   expiresIn: 600,
 * })
 * // <a href={url}>download</a>
 */
export function presign(input: Request | RequestLike | string | URL, options: PresignOptions): Promise<URL> {
  return presignWith(input, options, SIGV4)
}

/**
 * Presigns plain request parts (see `signParts`) and returns the query to send with every step.
 *
 * @example
 * const signed = await presignParts({ method: 'GET', host: 'example.amazonaws.com', path: '/' }, { credentials, region: 'us-east-1', service: 'service' })
 * const url = `https://${signed.host}${signed.path}?${signed.query}`
 */
export function presignParts(parts: RequestParts, options: PresignOptions): Promise<SignedParts> {
  return presignPartsWith(parts, options, SIGV4)
}
