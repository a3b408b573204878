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
  /**
   * A service answered 2xx with a body that does not have the shape its API defines, e.g. PutRecords results
   * that do not match the records sent: nothing is guessed, so no record is reported as put when it was not.
   */
  | 'ERR_INVALID_RESPONSE'
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
