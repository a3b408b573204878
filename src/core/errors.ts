/**
 * Stable codes of {@link SigV4Error}, a closed union: an editor completes them and a `switch` over them can be
 * exhaustive. Match on `error.code`, never on the message.
 */
export type SigV4ErrorCode =
  /** No usable credentials: `options.credentials` is absent, or an access key id or secret is empty or not a string. */
  | 'ERR_CREDENTIALS_MISSING'
  /** The credentials function threw or rejected; its error is the `cause`. */
  | 'ERR_CREDENTIALS_PROVIDER'
  /** An access key id or session token holds a space, line break or non-ASCII character (it is never quoted). */
  | 'ERR_INVALID_CREDENTIALS'
  /**
   * No region: the host does not tell it (not an AWS host name) and `options.region` is not set; for a token of
   * `webcrypto-sigv4/tokens`, `params.region` is missing.
   */
  | 'ERR_REGION_REQUIRED'
  /** No service: the host does not tell it and `options.service` is not set. */
  | 'ERR_SERVICE_REQUIRED'
  /** An option has the wrong type or form (options not an object, a region of other characters, ...). */
  | 'ERR_INVALID_OPTION'
  /** `options.datetime` is neither a valid `Date` nor an ISO-8601 string with a four-digit year. */
  | 'ERR_INVALID_DATETIME'
  /**
   * `options.expiresIn` is not a whole number of seconds from 1 to 604800 (7 days), or, for a token of
   * `webcrypto-sigv4/tokens`, longer than its service takes (900 s for RDS, EKS, ElastiCache, MemoryDB and MSK).
   */
  | 'ERR_INVALID_EXPIRES'
  /** Not an absolute http(s)/ws(s) URL, a URL with a user name or password, or an S3 path with dot segments. */
  | 'ERR_INVALID_URL'
  /**
   * The request cannot be signed or sent as given: a method that is not a token (or that fetch forbids), a bad
   * host, path or query in request parts, invalid RequestInit fields, a body on GET, a query presigned already.
   */
  | 'ERR_INVALID_REQUEST'
  /** A header name that is not a token, a value with a line break or NUL, or headers that are not a list. */
  | 'ERR_INVALID_HEADER'
  /** A payload hash that is not lower-case hex SHA-256, `UNSIGNED-PAYLOAD` or `STREAMING-*`. */
  | 'ERR_INVALID_PAYLOAD_HASH'
  /** The Request's body was read before signing (or cannot be read back). */
  | 'ERR_BODY_USED'
  /** The body cannot be hashed (a stream where unsigned payloads are not allowed, or an unsupported type). */
  | 'ERR_BODY_NOT_HASHABLE'
  /** Reading a stream to checksum it failed (`checksum()` of webcrypto-sigv4/s3); the stream's error is the `cause`. */
  | 'ERR_BODY_READ'
  /** A presigned POST condition is not one of S3's forms, or its values are out of range. */
  | 'ERR_INVALID_CONDITION'
  /** This runtime cannot send a ReadableStream body (Firefox): pass bytes or a Blob. */
  | 'ERR_STREAM_BODY_UNSUPPORTED'
  /** `crypto.subtle` is missing: the page is not a secure context (serve it over https or from localhost). */
  | 'ERR_CRYPTO_UNAVAILABLE'
  /** An aws-chunked body is longer or shorter than the `contentLength` that was signed. */
  | 'ERR_STREAM_LENGTH'
  /** An event-stream message is damaged: wrong length, CRC mismatch, or a header that runs past its block. */
  | 'ERR_EVENTSTREAM_FRAME'
  /** An event stream ended in the middle of a message: the connection was cut, or the body is not all there. */
  | 'ERR_EVENTSTREAM_TRUNCATED'
  /** An event-stream message is longer than `maxFrameBytes` of `eventStreamDecoder` (16 MiB by default). */
  | 'ERR_EVENTSTREAM_TOO_LARGE'
  /** `regionSet` of SigV4a is not one or more region names or patterns. */
  | 'ERR_INVALID_REGION_SET'
  /** This runtime's WebCrypto cannot sign with ECDSA P-256, which SigV4a needs. */
  | 'ERR_ECDSA_UNAVAILABLE'
  /** No SigV4a key can be derived from these credentials (about 2^-32 per try; never seen with real keys). */
  | 'ERR_KEY_DERIVATION'
  /** A credentials provider returned credentials that have already expired. */
  | 'ERR_CREDENTIALS_EXPIRED'
  /** A Kinesis record or batch is over the service's size limit. */
  | 'ERR_RECORD_TOO_LARGE'
  /**
   * A service answered 2xx with a body that does not have the shape its API defines, e.g. PutRecords results
   * that do not match the records sent: nothing is guessed, so no record is reported as put when it was not.
   */
  | 'ERR_INVALID_RESPONSE'
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
  /** `onCreate` or `onProgress` threw (its error is the `cause`); the multipart upload was aborted. */
  | 'ERR_UPLOAD_CALLBACK'
  /**
   * The upload failed or was cancelled and AbortMultipartUpload failed too: the multipart upload and its parts are
   * left on S3. `uploadId` names it and `cause` is the first failure: resume it, or `abortUpload` it later.
   */
  | 'ERR_UPLOAD_LEFT_BEHIND'
  // CloudFront signed URLs and cookies (webcrypto-sigv4/cloudfront).
  /**
   * A CloudFront key that cannot be used: not PEM, garbled, an algorithm other than RSA or ECDSA P-256, an RSA key
   * under 2048 bits, a private key where a public key is expected, or a CryptoKey of the wrong kind or hash.
   */
  | 'ERR_CLOUDFRONT_KEY'
  /** The PEM private key is encrypted (`ENCRYPTED PRIVATE KEY`, `Proc-Type: 4,ENCRYPTED`): decrypt it first. */
  | 'ERR_CLOUDFRONT_KEY_ENCRYPTED'
  /** A public key or certificate was given where the private key is needed (signing). */
  | 'ERR_CLOUDFRONT_KEY_PUBLIC'
  // IAM authentication tokens (webcrypto-sigv4/tokens).
  /**
   * A token's params are missing or malformed: not an object, a host name with a scheme, path or port, a port
   * outside 1..65535, an empty user name, user id or cluster name, or a region of other characters.
   */
  | 'ERR_INVALID_TOKEN_PARAMS'
  // verify: errors of the checked body stream verify() hands on for a chunk-signed payload.
  /** A chunk or trailer signature of an aws-chunked body does not match: the body was altered. */
  | 'ERR_CHUNK_SIGNATURE'
  /** An aws-chunked body is malformed: a bad chunk header, a missing CRLF, a length other than the signed
   * x-amz-decoded-content-length, trailers other than the announced ones, or bytes after the end. */
  | 'ERR_CHUNK_FRAMING'
  /** An aws-chunked body does not match its signed trailing checksum (`x-amz-checksum-crc32` / `-crc32c`). */
  | 'ERR_CHUNK_CHECKSUM'
  // AppSync real-time with IAM (webcrypto-sigv4/appsync).
  /** Not an AppSync URL: the host is not `<id>.appsync-(realtime-)api.<region>.amazonaws.com` (for a custom domain
   * set `apiUrl`), or the path starts with neither `/event` nor `/graphql`. */
  | 'ERR_APPSYNC_URL'
  /** A body, channel or event that AppSync would refuse: not a JSON string, a channel that is not a path of
   * letters, digits and `-`, or a publish of other than 1 to 5 events. */
  | 'ERR_APPSYNC_BODY'
  /** AppSync answered with an error frame (`error`, `connection_error`, `subscribe_error`, `publish_error`): `cause`
   * holds its `errors` list. */
  | 'ERR_APPSYNC_ERROR'
  /** AppSync did not answer in time: no `connection_ack`, no `ka` within `connectionTimeoutMs`, or no reply to a
   * subscribe or publish within `timeoutMs`. */
  | 'ERR_APPSYNC_TIMEOUT'
  /** The WebSocket is unavailable (no global WebSocket: pass the `WebSocket` option on Node 20), was closed
   * (`close()`), or could not be reopened after `maxReconnects` attempts. */
  | 'ERR_APPSYNC_CONNECTION'

/**
 * The one error class of this package: every failure it reports is a `SigV4Error` with a stable `code`,
 * the underlying error as `cause` when there is one, and a message that says what to do.
 * Messages never contain secrets.
 *
 * @example
 * declare function askForRegion(): void // your UI
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

  /** An error with a stable `code`, a message that says what to do, and the error that caused it, if any. */
  constructor(code: SigV4ErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'SigV4Error'
    this.code = code
  }
}

/**
 * Throws a SigV4Error: the one way this package reports a failure.
 *
 * @example
 * declare const options: SignOptions
 * if (!options.region) fail('ERR_REGION_REQUIRED', 'Set options.region')
 */
export function fail(code: SigV4ErrorCode, message: string, cause?: unknown): never {
  throw new SigV4Error(code, message, cause)
}
