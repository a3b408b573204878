// Protocol literals of SigV4 and SigV4a, named once. Internal: the public entries re-export what users need.

/** The SigV4 algorithm name: HMAC-SHA256 with a derived key. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256'
/** The SigV4a algorithm name: ECDSA P-256 over SHA-256, one signature for a set of regions. */
export const SIGV4A_ALGORITHM = 'AWS4-ECDSA-P256-SHA256'
/** The algorithm of a signature chained from the previous one: aws-chunked frames and event-stream messages. */
export const CHAINED_PAYLOAD_ALGORITHM = 'AWS4-HMAC-SHA256-PAYLOAD'
/** The algorithm of the signed trailer that ends an aws-chunked body with a checksum. */
export const CHAINED_TRAILER_ALGORITHM = 'AWS4-HMAC-SHA256-TRAILER'
/** The last element of every credential scope. */
export const SCOPE_TERMINATOR = 'aws4_request'

/** The payload hash of a body that is not signed (S3, presigned URLs, explicit opt-in). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
/**
 * Payload hash of a chunk-signed body (seed signature).
 *
 * @example
 * request.headers.get('x-amz-content-sha256') === STREAMING_PAYLOAD
 */
export const STREAMING_PAYLOAD = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
/**
 * Payload hash of a chunk-signed body followed by a signed trailing checksum.
 *
 * @example
 * const put = { method: 'PUT', url, body: file.stream() }
 * // With a trailing checksum, signStream signs the body as STREAMING_PAYLOAD_TRAILER.
 * await signStream(put, { credentials, contentLength: file.size, checksum: 'crc32' })
 */
export const STREAMING_PAYLOAD_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
/**
 * Payload hash of an unsigned aws-chunked body followed by an unsigned trailing checksum: what the AWS SDKs send by
 * default since 2025 (only the seed request is signed; TLS protects the body, the checksum its integrity).
 *
 * @example
 * const put = { method: 'PUT', url, body: file.stream() }
 * await signStream(put, { credentials, contentLength: file.size, checksum: 'crc64nvme', unsignedPayload: true })
 */
export const STREAMING_UNSIGNED_PAYLOAD_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
/** SHA-256 of the empty string, the payload hash of a request without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
/** A SHA-256 or HMAC-SHA256 in the form SigV4 writes it: 64 lower-case hex digits. */
export const SHA256_HEX = /^[0-9a-f]{64}$/

/** Longest lifetime of a presigned URL: 7 days, in seconds. */
export const MAX_EXPIRES_IN = 604_800
/** Lifetime of a presigned URL (or POST policy) when `expiresIn` is not given: one hour. */
export const DEFAULT_EXPIRES_IN = 3600

/** Headers signing sets (lower-case, as sent). */
export const AUTHORIZATION_HEADER = 'authorization'
export const DATE_HEADER = 'x-amz-date'
export const CONTENT_SHA256_HEADER = 'x-amz-content-sha256'
export const SECURITY_TOKEN_HEADER = 'x-amz-security-token'
/** S3 Express One Zone's session token header (it refuses `x-amz-security-token`). */
export const S3_SESSION_TOKEN_HEADER = 'x-amz-s3session-token'
/**
 * Every header that carries a session token; the same names, case aside, are the query parameters of a presigned
 * URL. What an error keeps has each of them redacted.
 */
export const SESSION_TOKEN_HEADERS = [SECURITY_TOKEN_HEADER, S3_SESSION_TOKEN_HEADER] as const
/** The length of an aws-chunked body once decoded (its `content-length` counts the framing too). */
export const DECODED_LENGTH_HEADER = 'x-amz-decoded-content-length'
/** The names of the trailing headers of an aws-chunked body. */
export const TRAILER_HEADER = 'x-amz-trailer'
/** The trailing header that carries the trailer's chained signature (signed aws-chunked bodies only). */
export const TRAILER_SIGNATURE_HEADER = 'x-amz-trailer-signature'

/** Query parameters a presigned URL carries (spelled as AWS spells them). */
export const ALGORITHM_PARAM = 'X-Amz-Algorithm'
export const CREDENTIAL_PARAM = 'X-Amz-Credential'
export const DATE_PARAM = 'X-Amz-Date'
export const EXPIRES_PARAM = 'X-Amz-Expires'
export const SIGNED_HEADERS_PARAM = 'X-Amz-SignedHeaders'
export const SECURITY_TOKEN_PARAM = 'X-Amz-Security-Token'
/** S3 Express One Zone's session token parameter of a presigned URL. */
export const S3_SESSION_TOKEN_PARAM = 'X-Amz-S3session-Token'
export const SIGNATURE_PARAM = 'X-Amz-Signature'
/** SigV4a's region set: a header when signing the header, a query parameter when presigning. */
export const REGION_SET_PARAM = 'X-Amz-Region-Set'

/**
 * An HTTP token (RFC 9110): what a method or header name may be.
 *
 * @example
 * HTTP_TOKEN.test('PATCH') // true
 * HTTP_TOKEN.test('GE T') // false
 */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** A lower-case HTTP token: a header name as SignedHeaders and `x-amz-trailer` list it. */
export const LOWER_CASE_HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/
/** A region or service name in a credential scope. */
export const SCOPE_NAME = /^[a-z0-9-]+$/
/** An `X-Amz-Date`: `YYYYMMDDTHHMMSSZ`. */
export const AMZ_DATE = /^\d{8}T\d{6}Z$/

// CloudFront signed URLs and cookies (webcrypto-sigv4/cloudfront).
/**
 * The query parameters CloudFront reads from a signed URL; a signed cookie is named `CloudFront-` and the same name.
 *
 * @example
 * new URL(url).searchParams.has(CLOUDFRONT_PARAMS.signature)
 */
export const CLOUDFRONT_PARAMS = {
  expires: 'Expires',
  policy: 'Policy',
  signature: 'Signature',
  keyPairId: 'Key-Pair-Id',
  hashAlgorithm: 'Hash-Algorithm',
} as const
/** The prefix of CloudFront's signed cookie names (`CloudFront-Policy`, ...). */
export const CLOUDFRONT_COOKIE_PREFIX = 'CloudFront-'
/** The `Hash-Algorithm` value of a policy signed over SHA-256 (SHA-1 is CloudFront's default, sent without it). */
export const CLOUDFRONT_SHA256 = 'SHA256'
/** The `Hash-Algorithm` value of SHA-1 (the default: the signers here do not send it). */
export const CLOUDFRONT_SHA1 = 'SHA1'
