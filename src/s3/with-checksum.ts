// sign() and presign() with S3's x-amz-checksum-<algorithm>, computed from the body when the value is left out.
import { checksum, isByteSource, type ChecksumInput } from './checksum.js'
import { checksumAlgorithm, type ChecksumAlgorithm } from '../core/checksum-algorithms.js'
import { fail } from '../core/errors.js'
import { isRecord, type PresignOptions, type SignOptions } from '../core/options.js'
import { presign } from '../core/presign.js'
import { headersOf, type RequestLike } from '../core/request.js'
import { sign } from '../core/sign.js'

/** `SignOptions` whose `checksum` may leave out the value: `signWithChecksum` computes it from the body. */
export interface SignWithChecksumOptions extends Omit<SignOptions, 'checksum'> {
  /** The algorithm, and the body's base64 checksum when already known (computed from the body otherwise). */
  checksum: { algorithm: ChecksumAlgorithm; value?: string }
}

/** `PresignOptions` whose `checksum` may leave out the value: `presignWithChecksum` computes it from the body. */
export interface PresignWithChecksumOptions extends Omit<PresignOptions, 'checksum'> {
  /** The algorithm, and the body's base64 checksum when already known (computed from the body otherwise). */
  checksum: { algorithm: ChecksumAlgorithm; value?: string }
}

/** Names the algorithm; S3 needs it (or Content-MD5) for uploads to Object Lock buckets, and the SDKs send it. */
const SDK_ALGORITHM_HEADER = 'x-amz-sdk-checksum-algorithm'

/** The body of a request whose checksum is wanted, as `checksum()` takes it (a stream is refused: it is read once). */
async function bodyOf(input: Request | RequestLike): Promise<ChecksumInput> {
  const body = input instanceof Request ? input.body && (await input.clone().arrayBuffer()) : input.body
  if (typeof body === 'string' || isByteSource(body) || (typeof Blob !== 'undefined' && body instanceof Blob))
    return body
  if (body === null || body === undefined)
    return fail('ERR_BODY_NOT_HASHABLE', 'Pass the body (or options.checksum.value): its checksum is signed')
  return fail(
    'ERR_BODY_NOT_HASHABLE',
    'Pass the body as text, bytes or a Blob, or set options.checksum.value: a stream is read once (for streams use signStream with a checksum trailer)',
  )
}

/** The input with `x-amz-sdk-checksum-algorithm` set; for presigning, without its body (a URL carries none). */
function withSdkAlgorithm(
  input: Request | RequestLike,
  algorithm: ChecksumAlgorithm,
  presigning: boolean,
): Request | RequestLike {
  const headers = headersOf(input.headers)
  // The option's checksum is the one: a given checksum header would be repeated (hoisted into a presigned query).
  for (const name of [...headers.keys()]) if (name.startsWith('x-amz-checksum-')) headers.delete(name)
  headers.set(SDK_ALGORITHM_HEADER, algorithm.toUpperCase())
  if (!(input instanceof Request)) return { ...input, headers, ...(presigning && { body: null }) }
  return presigning ? new Request(input.url, { method: input.method, headers }) : new Request(input, { headers })
}

async function checksumFor(
  input: Request | RequestLike,
  option: { algorithm: ChecksumAlgorithm; value?: string },
): Promise<{ algorithm: ChecksumAlgorithm; value: string }> {
  if (!isRecord(input)) fail('ERR_INVALID_REQUEST', 'Pass a Request or { url, ... }')
  if (option === null || typeof option !== 'object') fail('ERR_INVALID_OPTION', 'Set options.checksum to { algorithm }')
  const algorithm = checksumAlgorithm(option.algorithm, 'options.checksum.algorithm')
  return { algorithm, value: option.value ?? (await checksum(await bodyOf(input), algorithm)) }
}

/**
 * `sign` with S3's whole-body checksum: computes `x-amz-checksum-<algorithm>` of the body (unless
 * `checksum.value` is given) and signs it with `x-amz-sdk-checksum-algorithm`, so S3 refuses other bytes.
 * The body is text, bytes or a Blob (for a stream, use `signStream` with a checksum trailer).
 *
 * @example
 * const request = await signWithChecksum(
 *   { method: 'PUT', url: 'https://my-bucket.s3.eu-west-1.amazonaws.com/report.pdf', body: file },
 *   { credentials, checksum: { algorithm: 'crc64nvme' } },
 * )
 * await fetch(request)
 */
export async function signWithChecksum(
  input: Request | RequestLike,
  options: SignWithChecksumOptions,
): Promise<Request> {
  const computed = await checksumFor(input, options?.checksum)
  return sign(withSdkAlgorithm(input, computed.algorithm, false), { ...options, checksum: computed })
}

/**
 * `presign` with S3's whole-body checksum: signs `x-amz-checksum-<algorithm>` and `x-amz-sdk-checksum-algorithm`
 * into the URL's query, so S3 refuses any other bytes put there. The value is `checksum.value`, or computed from
 * the request's body (text, bytes or a Blob) when the file is at hand.
 *
 * @example
 * const url = await presignWithChecksum(
 *   { method: 'PUT', url: 'https://my-bucket.s3.eu-west-1.amazonaws.com/avatar.png', body: file },
 *   { credentials, expiresIn: 300, checksum: { algorithm: 'sha256' } },
 * )
 * // the page PUTs exactly that file to url; S3 answers 400 BadDigest for any other
 */
export async function presignWithChecksum(
  input: Request | RequestLike,
  options: PresignWithChecksumOptions,
): Promise<URL> {
  const computed = await checksumFor(input, options?.checksum)
  return presign(withSdkAlgorithm(input, computed.algorithm, true), { ...options, checksum: computed })
}
