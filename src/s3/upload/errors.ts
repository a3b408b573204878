// The error of the upload family, and the failures it names more than once.
import { SigV4Error, type SigV4ErrorCode } from '../../core/errors.js'

/** The CORS rule a bucket needs so that pages can read part ETags (JSON form of the S3 console / PutBucketCors). */
const CORS_EXPOSE_ETAG = '"ExposeHeaders": ["ETag"] (XML: <ExposeHeader>ETag</ExposeHeader>)'

/**
 * The error of a failed upload, with `uploadId` when the multipart upload is left in place: pass it back to
 * `upload` to resume, or to `abortUpload` to discard the stored parts.
 *
 * @example
 * try {
 *   await upload(client, { url, body: file })
 * } catch (error) {
 *   if (error instanceof UploadError && error.uploadId) await upload(client, { url, body: file, uploadId: error.uploadId })
 * }
 */
export class UploadError extends SigV4Error {
  /** The multipart upload this error leaves behind, if any. */
  readonly uploadId?: string

  /** An upload error with its code and message; `uploadId` is the multipart upload left in place, if any. */
  constructor(code: SigV4ErrorCode, message: string, cause?: unknown, uploadId?: string) {
    super(code, message, cause)
    this.name = 'UploadError'
    if (uploadId) this.uploadId = uploadId
  }
}

export function etagHidden(uploadId?: string): UploadError {
  return new UploadError(
    'ERR_UPLOAD_ETAG_HIDDEN',
    `S3 stored the data but its answer has no ETag header. In a browser, the bucket's CORS configuration must ` +
      `expose it: add ${CORS_EXPOSE_ETAG} to the CORS rule that allows this origin`,
    undefined,
    uploadId,
  )
}

export function listingError(why: string, uploadId: string): UploadError {
  return new UploadError(
    'ERR_UPLOAD_RESPONSE',
    `The ListParts answer cannot be used (${why}): is the endpoint S3, and not a proxy that changes its answers?`,
    undefined,
    uploadId,
  )
}
