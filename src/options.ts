// Option types and their validation, shared by every entry point.
import { fail } from './errors.js'
import { inferScope } from './infer.js'
import { serviceRules, type ServiceRules } from './rules.js'
import type { Credentials } from './signing-key.js'

export type { Credentials }

/** Credentials, or a function that returns them (or a promise of them), called once per signature. */
export type CredentialsInput = Credentials | Promise<Credentials> | (() => Credentials | Promise<Credentials>)

/** Options of `sign` and `signParts`. */
export interface SignOptions {
  /** `{ accessKeyId, secretAccessKey, sessionToken? }`, or a (possibly async) function returning them. */
  credentials: CredentialsInput
  /** Signing region, e.g. `us-east-1`. Inferred from AWS host names when absent. */
  region?: string
  /** Signing name of the service, e.g. `kinesis`, `s3`, `execute-api`. Inferred from AWS host names when absent. */
  service?: string
  /** Signing time: a `Date` or an ISO-8601 string. Default: now. */
  datetime?: Date | string
  /** Sign `UNSIGNED-PAYLOAD` instead of the body's SHA-256 (the body is then never read). */
  unsignedPayload?: boolean
  /** The body's SHA-256 in lower-case hex, already known (or a literal such as `UNSIGNED-PAYLOAD`). */
  payloadHash?: string
  /** Add and sign `x-amz-content-sha256` (always on for S3). */
  signContentSha256?: boolean
  /** Resolve `.`/`..` and merge `//` in the path before signing (default: on, off for S3). */
  normalizePath?: boolean
  /** `false` adds the session token after signing, unsigned (IoT's `iotdevicegateway` needs this). */
  signSessionToken?: boolean
}

/** Options of `presign` and `presignParts`. */
export interface PresignOptions extends SignOptions {
  /** Lifetime of the URL in seconds, 1..604800 (7 days). Default 3600. */
  expiresIn?: number
}

/** Everything a signature needs, validated. */
export interface ResolvedOptions {
  credentials: Credentials
  region: string
  service: string
  amzDate: string
  rules: ServiceRules
  payloadHash?: string
  unsignedPayload: boolean
}

const NAME = /^[a-z0-9][a-z0-9-]*$/

/**
 * Validates options, resolves credentials and infers region/service from the host where absent.
 *
 * @example
 * const resolved = await resolveOptions({ credentials, datetime: '2015-08-30T12:36:00Z' }, 'iam.amazonaws.com', '/')
 */
export async function resolveOptions(options: SignOptions, host: string, path: string): Promise<ResolvedOptions> {
  if (!options || typeof options !== 'object') fail('ERR_INVALID_OPTION', 'Pass an options object with at least { credentials }')
  const credentials = await resolveCredentials(options.credentials)
  const inferred = options.region && options.service ? {} : inferScope(host, path)
  const region = options.region ?? inferred.region
  const service = options.service ?? inferred.service
  if (!region) fail('ERR_REGION_REQUIRED', `Cannot tell the region from the host "${host}": pass options.region (e.g. "us-east-1")`)
  if (!service) fail('ERR_SERVICE_REQUIRED', `Cannot tell the service from the host "${host}": pass options.service (its signing name, e.g. "execute-api")`)
  if (!NAME.test(region)) fail('ERR_INVALID_OPTION', `options.region "${region}" is not a region name: use lower-case letters, digits and dashes (e.g. "us-east-1")`)
  if (!NAME.test(service)) fail('ERR_INVALID_OPTION', `options.service "${service}" is not a signing name: use lower-case letters, digits and dashes (e.g. "kinesis")`)
  const payloadHash = options.payloadHash
  if (payloadHash !== undefined && !/^([0-9a-f]{64}|[A-Z0-9-]+)$/.test(payloadHash)) {
    fail('ERR_INVALID_PAYLOAD_HASH', 'options.payloadHash must be a SHA-256 in lower-case hex (64 characters) or a literal such as "UNSIGNED-PAYLOAD"')
  }
  const rules = serviceRules(service)
  if (options.normalizePath !== undefined) rules.normalizePath = options.normalizePath
  if (options.signContentSha256 !== undefined) rules.signContentSha256 = options.signContentSha256
  if (options.signSessionToken !== undefined) rules.signSessionToken = options.signSessionToken
  return { credentials, region, service, amzDate: amzDate(options.datetime), rules, payloadHash, unsignedPayload: !!options.unsignedPayload }
}

async function resolveCredentials(input: CredentialsInput): Promise<Credentials> {
  let credentials: Credentials
  try {
    credentials = await (typeof input === 'function' ? input() : input)
  } catch (error) {
    fail('ERR_CREDENTIALS_PROVIDER', 'The credentials provider failed: see error.cause, then fix the provider or its configuration', error)
  }
  if (!credentials || typeof credentials.accessKeyId !== 'string' || !credentials.accessKeyId || typeof credentials.secretAccessKey !== 'string' || !credentials.secretAccessKey) {
    fail('ERR_CREDENTIALS_MISSING', 'Credentials need a non-empty accessKeyId and secretAccessKey: pass options.credentials = { accessKeyId, secretAccessKey, sessionToken? }')
  }
  if (credentials.sessionToken !== undefined && typeof credentials.sessionToken !== 'string') {
    fail('ERR_CREDENTIALS_MISSING', 'credentials.sessionToken must be a string when present')
  }
  return credentials
}

/**
 * The `X-Amz-Date` form (`YYYYMMDDTHHMMSSZ`, UTC) of a Date or ISO-8601 string; now when absent.
 *
 * @example
 * amzDate('2015-08-30T12:36:00Z') // '20150830T123600Z'
 */
export function amzDate(datetime: Date | string = new Date()): string {
  const date = typeof datetime === 'string' ? new Date(datetime) : datetime
  if (!(date instanceof Date) || isNaN(date.getTime()) || (typeof datetime === 'string' && !/^\d{4}-\d\d-\d\d(T|$)/.test(datetime))) {
    fail('ERR_INVALID_DATETIME', 'options.datetime must be a valid Date or an ISO-8601 string such as "2015-08-30T12:36:00Z"')
  }
  const iso = date.toISOString()
  if (iso.length !== 24) fail('ERR_INVALID_DATETIME', 'options.datetime must be between the years 0000 and 9999')
  return iso.replace(/[-:]|\.\d+/g, '')
}
