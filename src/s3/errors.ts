/**
 * Codes of the `SigV4Error`s that `webcrypto-sigv4/s3` throws. Match on `error.code`, never on the message.
 */
export type S3ErrorCode =
  /** An option is missing or of the wrong kind (an unknown checksum algorithm, a key that is not a string, ...). */
  | 'ERR_INVALID_OPTION'
  /** `expiresIn` is not a whole number of seconds in 1..604800. */
  | 'ERR_INVALID_EXPIRES'
  /** `datetime` is not a Date or an ISO-8601 string. */
  | 'ERR_INVALID_DATETIME'
  /** The URL is not an http(s) bucket URL. */
  | 'ERR_INVALID_URL'
  /** A presigned POST condition is not one of S3's forms, or its values are out of range. */
  | 'ERR_INVALID_CONDITION'
  /** The data to checksum is not a string, bytes, a Blob or a stream of bytes. */
  | 'ERR_BODY_NOT_HASHABLE'
  /** The stream to checksum is locked or was read already. */
  | 'ERR_BODY_USED'
  /** Reading the stream to checksum failed; the stream's error is the `cause`. */
  | 'ERR_BODY_READ'
  /** presignPost: the region cannot be inferred from the URL's host (an S3-compatible store): set `region`. */
  | 'ERR_REGION_REQUIRED'
  /** Credentials are missing or incomplete. */
  | 'ERR_CREDENTIALS_MISSING'
  /** The credentials function threw (its error is the `cause`), or CreateSession answered no session credentials. */
  | 'ERR_CREDENTIALS_PROVIDER'
  /** S3 Express: CreateSession answered credentials that had already expired. */
  | 'ERR_CREDENTIALS_EXPIRED'
