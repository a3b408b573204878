/**
 * Stable codes of {@link SigV4Error}. Match on `error.code`, never on the message.
 */
export type SigV4ErrorCode =
  | 'ERR_CREDENTIALS_MISSING'
  | 'ERR_CREDENTIALS_PROVIDER'
  | 'ERR_REGION_REQUIRED'
  | 'ERR_SERVICE_REQUIRED'
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_DATETIME'
  | 'ERR_INVALID_EXPIRES'
  | 'ERR_INVALID_URL'
  | 'ERR_INVALID_REQUEST'
  | 'ERR_INVALID_HEADER'
  | 'ERR_INVALID_PAYLOAD_HASH'
  | 'ERR_BODY_USED'
  | 'ERR_BODY_NOT_HASHABLE'
  | 'ERR_STREAM_BODY_UNSUPPORTED'
  | 'ERR_CRYPTO_UNAVAILABLE'
  | 'ERR_STREAM_LENGTH'
  | 'ERR_EVENTSTREAM_FRAME'
  | 'ERR_INVALID_REGION_SET'
  | 'ERR_ECDSA_UNAVAILABLE'
  | 'ERR_KEY_DERIVATION'
  | 'ERR_CREDENTIALS_EXPIRED'
  | 'ERR_RECORD_TOO_LARGE'
  // Multipart uploads (`upload`, `presignUpload`, `completeUpload`, ...): errors are `UploadError`s, with
  // `uploadId` set when the multipart upload is left in place to resume or abort.
  /** S3 stored the data but no ETag header was readable: in a browser, the bucket's CORS rules must expose `ETag`. */
  | 'ERR_UPLOAD_ETAG_HIDDEN'
  /** `partSize` is below S3's 5 MiB minimum, or S3 refused the completion with `EntityTooSmall`. */
  | 'ERR_UPLOAD_PART_TOO_SMALL'
  /** The body needs more than 10,000 parts (of at most 5 GiB; for a stream, of `partSize`). */
  | 'ERR_UPLOAD_TOO_LARGE'
  /** A part failed after the client's retries; `uploadId` is kept: resume or abort. */
  | 'ERR_UPLOAD_PART_FAILED'
  /** CompleteMultipartUpload failed (also as a 200 answer holding an error); `uploadId` is kept: resume or abort. */
  | 'ERR_UPLOAD_COMPLETE_FAILED'
  /** S3 refused CreateMultipartUpload, ListParts, AbortMultipartUpload or a single PUT; the `AwsError` is the cause. */
  | 'ERR_UPLOAD_REQUEST_FAILED'
  /** The `uploadId` to resume is unknown to S3 (completed, aborted or expired). */
  | 'ERR_UPLOAD_NOT_FOUND'
  /** An S3 answer could not be read (no UploadId, not a ListPartsResult, ...). */
  | 'ERR_UPLOAD_RESPONSE'
  /** The body is not a Blob, bytes, a string or a stream of Uint8Array chunks, or reading it failed (the cause). */
  | 'ERR_UPLOAD_BODY'
  /** S3 answered the completion with an object checksum other than the one computed from the bytes sent. */
  | 'ERR_UPLOAD_CHECKSUM_MISMATCH'
  | (string & {})

/**
 * The one error class of this package: every failure it reports is a `SigV4Error` with a stable `code`,
 * the underlying error as `cause` when there is one, and a message that says what to do.
 * Messages never contain secrets.
 *
 * @example
 * try {
 *   await sign(request, { credentials, service: 'kinesis' })
 * } catch (error) {
 *   if (error instanceof SigV4Error && error.code === 'ERR_REGION_REQUIRED') askForRegion()
 *   else throw error
 * }
 */
export class SigV4Error extends Error {
  /** Stable machine-readable code, e.g. `ERR_BODY_USED`. */
  readonly code: SigV4ErrorCode

  constructor(code: SigV4ErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'SigV4Error'
    this.code = code
  }
}

/**
 * Shorthand used across the package so that every throw site stays one line.
 *
 * @example
 * if (!options.region) fail('ERR_REGION_REQUIRED', 'Set options.region')
 */
export function fail(code: SigV4ErrorCode, message: string, cause?: unknown): never {
  throw new SigV4Error(code, message, cause)
}
