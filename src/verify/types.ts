// The public shapes of verify(): its options, its two results and the codes of a refusal. Types only, so the steps
// in this folder name them without importing verify.ts.

/** Why a request was refused. Match on these codes, never on the message. */
export type VerifyErrorCode =
  /** Neither an Authorization header nor a presigned query. */
  | 'ERR_NO_AUTH'
  /** The Authorization header or presigned query is truncated, garbled or uses another algorithm; or SignedHeaders
   * is not sorted, repeats a name or lists more than 64; or the signing time is not a real time. */
  | 'ERR_MALFORMED_AUTH'
  /** The credential scope's date, region, service or terminator does not fit. */
  | 'ERR_SCOPE'
  /** The signing time is too far from now (`maxSkew`), or a presigned URL is not valid yet. */
  | 'ERR_DATE_SKEW'
  /** The presigned URL's `X-Amz-Expires` has passed. */
  | 'ERR_EXPIRED'
  /** `lookupSecret` knows no secret for the access key id. */
  | 'ERR_UNKNOWN_KEY'
  /** The body does not match the signed `x-amz-content-sha256`. */
  | 'ERR_PAYLOAD_HASH'
  /** The payload is unsigned (`UNSIGNED-PAYLOAD`, `STREAMING-UNSIGNED-PAYLOAD-TRAILER`) and unsigned payloads are
   * not accepted for this service (`allowUnsignedPayload`; by default only the S3 family accepts them). */
  | 'ERR_UNSIGNED_PAYLOAD'
  /** The recomputed signature differs: something signed was changed, or the secret is wrong. */
  | 'ERR_SIGNATURE_MISMATCH'
  /** The request carries both a presigned query and an Authorization header: AWS refuses that too. */
  | 'ERR_MULTIPLE_AUTH'
  /** A session token the signature does not cover: an `x-amz-security-token` header outside SignedHeaders, or a
   * presigned `X-Amz-Security-Token` added after signing where that is not accepted (`allowUnsignedSessionToken`). */
  | 'ERR_TOKEN_NOT_SIGNED'
  /** The `x-amz-content-sha256` header is neither 64 lower-case hex digits nor a known literal (`UNSIGNED-PAYLOAD`,
   * `STREAMING-...`), is sent without being signed, or is sent twice. */
  | 'ERR_INVALID_PAYLOAD_HASH'
  /** A chunk-signed payload that cannot be checked here: SigV4a (`STREAMING-AWS4-ECDSA-P256-SHA256-...`) chunks, a
   * presigned URL, or a missing signed `x-amz-decoded-content-length` / `x-amz-trailer`. */
  | 'ERR_CHUNKED_PAYLOAD'
  /** The body is larger than `maxBodyBytes` (by its content-length, its x-amz-decoded-content-length, or as read). */
  | 'ERR_BODY_TOO_LARGE'
  /** (`strictEncoding`) The query has a raw `+`, a `%` not followed by two hex digits, percent-encoded bytes that
   * are not UTF-8, or a name repeated with different values: what an app reads could differ from what was signed. */
  | 'ERR_QUERY_ENCODING'
  /** (`strictEncoding`) The path has a `%` not followed by two hex digits or percent-encoded bytes that are not UTF-8. */
  | 'ERR_PATH_ENCODING'
  /** The Host header differs from the request's host (the URL's, or `parts.host`), or is sent twice. */
  | 'ERR_HOST_MISMATCH'
  /** `lookupSecret` threw or rejected; `cause` holds what it threw. */
  | 'ERR_LOOKUP_FAILED'
  /** The input is not a fetch Request or request parts, or its body could not be read. */
  | 'ERR_MALFORMED_REQUEST'
  /** Something failed inside verify itself (`cause` holds it): the request is refused, never let through. */
  | 'ERR_INTERNAL'

/** Options of `verify`. Invalid options (an unknown name, a wrong type, NaN) throw `ERR_INVALID_OPTION` at the call. */
export interface VerifyOptions {
  /** The secret access key of an access key id, or undefined/null when unknown. May be async (a KV or DB lookup).
   * It runs after the cheap checks and before the signature and the body are checked, so do not act on the
   * context beyond the lookup: a presigned `X-Amz-Security-Token` is passed before the signature shows whether it was
   * signed (an unsigned one is then refused, unless `allowUnsignedSessionToken` or the service's rules accept it). A
   * header token outside SignedHeaders never reaches it. */
  lookupSecret: (
    accessKeyId: string,
    context: { sessionToken?: string; region: string; service: string },
  ) => string | null | undefined | Promise<string | null | undefined>
  /**
   * The current time: a valid Date or a finite number of milliseconds.
   * @default Date.now()
   */
  now?: Date | number
  /**
   * Largest accepted distance between the signing time and now, in seconds.
   * @default 900 (15 minutes)
   */
  maxSkew?: number
  /**
   * Accepted region(s) of the credential scope.
   * @default any region
   */
  region?: string | readonly string[]
  /**
   * Accepted service signing name(s) of the credential scope.
   * @default any service
   */
  service?: string | readonly string[]
  /**
   * Resolve `.`/`..` in the path before checking.
   * @default the service's rule: true, false for S3
   */
  normalizePath?: boolean
  /**
   * Accept `UNSIGNED-PAYLOAD` and `STREAMING-UNSIGNED-PAYLOAD-TRAILER`. The body of such a request is not checked.
   * @default the service's rule: true for the S3 family only
   */
  allowUnsignedPayload?: boolean
  /**
   * Accept a presigned URL whose `X-Amz-Security-Token` was added after signing. The result's `sessionTokenSigned`
   * says which it was.
   * @default the service's rule: true for IoT's `iotdevicegateway` only
   */
  allowUnsignedSessionToken?: boolean
  /**
   * Largest body read and hashed, in bytes; for a chunk-signed body, the largest decoded length. A longer body is
   * refused (`ERR_BODY_TOO_LARGE`) without being read past the limit.
   * @default 10485760 (10 MiB)
   */
  maxBodyBytes?: number
  /**
   * Refuse paths and queries an app could read differently from what was signed: see `ERR_QUERY_ENCODING` and
   * `ERR_PATH_ENCODING`. False checks them as the AWS SDKs sign them.
   * @default true
   */
  strictEncoding?: boolean
}

/** A verified request. */
export interface VerifySuccess {
  /** Always true: tells a success from a {@link VerifyFailure}. */
  ok: true
  /** The access key id of the `Credential`, the one `lookupSecret` found the secret of. */
  accessKeyId: string
  /** Lower-case names of the headers the signature covers. Other headers are not signed: do not trust them. */
  signedHeaders: string[]
  /** The region of the credential scope, e.g. `us-east-1`. */
  region: string
  /** The service (signing name) of the credential scope, e.g. `s3`. */
  service: string
  /** The signing time, `YYYYMMDDTHHMMSSZ`. */
  amzDate: string
  /** The session token the request carried (`X-Amz-Security-Token`), signed or not: see `sessionTokenSigned`. */
  sessionToken?: string
  /** True when there is a session token and the signature covers it; false without one, or for a presigned
   * token added after signing (accepted only with `allowUnsignedSessionToken` or the service's rules). */
  sessionTokenSigned: boolean
  /** True for a presigned URL (query authentication). */
  presigned: boolean
  /** The payload hash that was signed (a hex SHA-256, `UNSIGNED-PAYLOAD`, `STREAMING-...`). */
  payloadHash: string
  /** The request's signature: the seed for chunk or event-stream signatures that follow. */
  signature: string
  /** The path as signed (wire form, normalised when the service's rules normalise). */
  path: string
  /** The signed query parameters, decoded, in the order received (`X-Amz-Signature` left out, and an unsigned
   * session token). Read these rather than re-parsing the URL. */
  query: Array<[name: string, value: string]>
  /** The body to read instead of the request's, when there is one: for a chunk-signed payload
   * (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`) the decoded bytes, checked chunk by chunk as they are read
   * (the stream errors at the first bad chunk: treat that as a refusal); for request parts whose body was a
   * stream, the bytes verify read from it. A Request's own body is then locked. */
  body?: ReadableStream<Uint8Array>
}

/** A refused request, with a typed reason. */
export interface VerifyFailure {
  /** Always false: tells a refusal from a {@link VerifySuccess}. */
  ok: false
  /** Why the request was refused; each code is documented on {@link VerifyErrorCode}. */
  code: VerifyErrorCode
  /** What is wrong, for logs; never contains a secret, and quotes request values escaped and cut short. Do not
   * send the details to untrusted clients. */
  message: string
  /** For `ERR_LOOKUP_FAILED` and `ERR_INTERNAL`: what was thrown. */
  cause?: unknown
}

/** The outcome of `verify`. */
export type VerifyResult = VerifySuccess | VerifyFailure
