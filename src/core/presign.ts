// The presigning entry points of SigV4: a URL (or Request), or plain request parts. The `webcrypto-sigv4/presign`
// subpath is an alias of these two functions (the main entry exports the same ones); it stays for existing imports.
import { SIGV4 } from './engine.js'
import type { RequestParts, SignedParts } from './types.js'
import { presignPartsWith, presignRequestWith } from './with-algorithm.js'
import type { PresignOptions } from './options.js'
import type { RequestLike } from './request.js'

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
  return presignRequestWith(input, options, SIGV4)
}

/**
 * Presigns plain request parts (see `signParts`) and returns the query to send with every step.
 *
 * @example
 * const signed = await presignParts(
 *   { method: 'GET', host: 'example.amazonaws.com', path: '/' },
 *   { credentials, region: 'us-east-1', service: 'service' },
 * )
 * const url = `https://${signed.host}${signed.path}?${signed.query}`
 */
export function presignParts(parts: RequestParts, options: PresignOptions): Promise<SignedParts> {
  return presignPartsWith(parts, options, SIGV4)
}
