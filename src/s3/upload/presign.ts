// presignUpload(): for a server that holds the credentials, a multipart upload and one presigned URL per part.
import type { AwsClient, AwsClientOptions } from '../../client/client.js'
import { headersOf } from '../../core/request.js'
import { clientOf, createUpload, discardAfter, objectUrl, subresource } from './calls.js'
import { UploadError } from './errors.js'
import { MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from './types.js'

/** Options of {@link presignUpload}. */
export interface PresignUploadOptions {
  /** The object's URL. */
  url: string | URL
  /**
   * How many parts the page will upload (1 to 10,000): `Math.ceil(file.size / partSize)`. May be left out when
   * `size` and `partSize` are given.
   */
  parts?: number
  /**
   * The object's size in bytes, with `partSize`: each part URL then signs its part's `content-length`, so S3 refuses
   * a PUT of any other length (without them a part URL stores up to 5 GiB, whatever the page said it would send).
   */
  size?: number
  /** Bytes per part with `size` (at least 5 MiB unless there is one part, at most 5 GiB); the last part holds the rest. */
  partSize?: number
  /**
   * Seconds each part URL stays valid.
   * @default the client's `expiresIn`, else 3600
   */
  expiresIn?: number
  /** Headers of the object (content-type, x-amz-meta-*, ...), sent with CreateMultipartUpload. */
  headers?: HeadersInit
}

/** What {@link presignUpload} returns: the upload id and one presigned PUT URL per part. */
export interface PresignedUpload {
  /** The multipart upload the part URLs belong to: complete or abort it with this id. */
  uploadId: string
  /**
   * One presigned UploadPart URL per part: PUT the part's bytes to it with plain fetch. With `size`, `size` is the
   * part's length, signed into the URL (S3 refuses any other).
   */
  parts: { partNumber: number; url: string; size?: number }[]
}

// The length of each part with `size` and `partSize`, or `undefined` (only the count is known).
function partLengths(options: PresignUploadOptions): { count: number; lengths?: number[] } {
  const { size, partSize, parts } = options
  if (size === undefined && partSize === undefined) {
    if (!Number.isInteger(parts) || parts! < 1 || parts! > MAX_PARTS)
      throw new UploadError(
        'ERR_INVALID_OPTION',
        `options.parts must be a whole number of parts in 1..10000, not ${parts}`,
      )
    return { count: parts! }
  }
  if (!Number.isSafeInteger(size) || size! < 1)
    throw new UploadError('ERR_INVALID_OPTION', `options.size must be the object's size in bytes (>= 1), not ${size}`)
  if (!Number.isSafeInteger(partSize) || partSize! < 1 || partSize! > MAX_PART_SIZE)
    throw new UploadError('ERR_INVALID_OPTION', `options.partSize must be 1 byte to 5 GiB, not ${partSize}`)
  const count = Math.ceil(size! / partSize!)
  if (count > MAX_PARTS)
    throw new UploadError('ERR_UPLOAD_TOO_LARGE', `${size} bytes need more than 10,000 parts of ${partSize}`)
  if (count > 1 && partSize! < MIN_PART_SIZE)
    throw new UploadError('ERR_UPLOAD_PART_TOO_SMALL', `options.partSize must be at least 5 MiB when there are parts`)
  if (parts !== undefined && parts !== count)
    throw new UploadError('ERR_INVALID_OPTION', `options.parts is ${parts}, but ${size} bytes make ${count} parts`)
  const lengths = Array.from({ length: count }, (_, index) => Math.min(partSize!, size! - index * partSize!))
  return { count, lengths }
}

/**
 * For a server that holds the credentials (a Worker): starts a multipart upload and presigns one UploadPart URL
 * per part. The page PUTs each part to its URL with plain `fetch` (no credentials), reads the `ETag` of each
 * answer (the bucket's CORS rules must expose it), and sends the list back; the server then calls
 * `completeUpload` (or `abortUpload`). Pass `size` and `partSize` to bind each URL to its part's length: a page
 * that declared 1 MiB cannot store 5 GiB. Every option is checked (and one URL presigned) before
 * CreateMultipartUpload is sent; a failure after it aborts the upload (`ERR_UPLOAD_LEFT_BEHIND` with the
 * `uploadId` when that fails too).
 *
 * @example
 * // Worker: the page said how large its file is
 * const size = 20 * 1024 * 1024
 * const partSize = 8 * 1024 * 1024
 * const { uploadId, parts } = await presignUpload(client, { url, size, partSize, expiresIn: 900 })
 * // page: PUTs each part to its URL and sends the ETags back
 * const etags = await Promise.all(
 *   parts.map(async ({ partNumber, url }) => {
 *     const start = (partNumber - 1) * partSize
 *     const answer = await fetch(url, { method: 'PUT', body: file.slice(start, start + partSize) })
 *     return { partNumber, etag: answer.headers.get('etag')! }
 *   }),
 * )
 * // Worker, later
 * await completeUpload(client, { url, uploadId, parts: etags })
 */
export async function presignUpload(
  client: AwsClient | AwsClientOptions,
  options: PresignUploadOptions,
): Promise<PresignedUpload> {
  const aws = clientOf(client, options, 'presignUpload', '{ url, size, partSize } or { url, parts }')
  const { count, lengths } = partLengths(options)
  const url = objectUrl(options.url)
  const headers = options.headers === undefined ? undefined : headersOf(options.headers)
  const presignPart = (partNumber: number, uploadId: string) =>
    aws.presign(subresource(url, { partNumber: String(partNumber), uploadId }), {
      method: 'PUT',
      ...(lengths && { headers: { 'content-length': String(lengths[partNumber - 1]) } }),
      // Without its own expiresIn, the client's applies (and without that, presign's 3600 seconds).
      ...(options.expiresIn !== undefined && { aws: { expiresIn: options.expiresIn } }),
    })
  // A presign that refuses (expiresIn, credentials, region) does so now, before an upload exists on S3.
  await presignPart(count, 'check')
  const uploadId = await createUpload(aws, { url, headers })
  const parts: PresignedUpload['parts'] = []
  try {
    for (let partNumber = 1; partNumber <= count; partNumber++) {
      const signed = await presignPart(partNumber, uploadId)
      parts.push({ partNumber, url: signed.href, ...(lengths && { size: lengths[partNumber - 1] }) })
    }
  } catch (error) {
    throw await discardAfter(error, url, uploadId, aws)
  }
  return { uploadId, parts }
}
