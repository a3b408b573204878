// Option types and their validation, shared by every entry point.
import { fail } from './errors.js'
import type { ChecksumOption } from './header-options.js'
import { inferScope, type InferredScope } from './infer.js'
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
  /** S3: add and sign `x-amz-checksum-<algorithm>` for the whole body (presigned: into the URL's query):
   * `{ algorithm, value }` with the base64 value (`checksum()` of `webcrypto-sigv4/s3`). Nothing is added without it.
   * It replaces a given header of the same name; when presigning, give one or the other (a given one is hoisted). */
  checksum?: ChecksumOption
}

/** Options of `presign` and `presignParts`. */
export interface PresignOptions extends SignOptions {
  /** Lifetime of the URL in seconds, 1..604800 (7 days). Default 3600. */
  expiresIn?: number
  /** Move `x-amz-*` headers into the signed query, as smithy and Go do (default true), except the
   * `x-amz-server-side-encryption*` ones S3 takes only as headers and those in `unhoistableHeaders`. */
  hoistHeaders?: boolean
  /** Further `x-amz-*` headers (lower-case names) to keep as signed headers when hoisting: the URL's user sends them. */
  unhoistableHeaders?: readonly string[]
}

/** Everything a signature needs, validated. */
export interface ResolvedOptions {
  credentials: Credentials
  region: string
  service: string
  amzDate: string
  rules: ServiceRules
}

/**
 * Validates options (`payloadHash` too), resolves credentials and infers region/service from the host where absent.
 *
 * @example
 * const resolved = await resolveOptions({ credentials, datetime: '2015-08-30T12:36:00Z' }, 'iam.amazonaws.com', '/')
 */
export async function resolveOptions(options: SignOptions, host: string, path: string): Promise<ResolvedOptions> {
  const { credentials: input, payloadHash } = options || fail('ERR_INVALID_OPTION', 'Pass options with credentials')
  let credentials: Credentials
  try {
    credentials = await (typeof input == 'function' ? input() : input)
  } catch (error) {
    fail('ERR_CREDENTIALS_PROVIDER', 'Credentials provider failed: see cause', error)
  }
  const { accessKeyId, secretAccessKey, sessionToken } = credentials || ({} as Credentials)
  if ([accessKeyId, secretAccessKey, sessionToken || '-'].some((value) => !value || typeof value != 'string')) {
    fail('ERR_CREDENTIALS_MISSING', 'Set credentials.accessKeyId, secretAccessKey')
  }
  // Host inference only when an option is missing: it is the slowest step of resolving options.
  const inferred = options.region && options.service ? ({} as InferredScope) : inferScope(host, path)
  const scope: Record<string, string> = {}
  for (const name of ['region', 'service'] as const) {
    const value = (scope[name] = options[name] ?? inferred[name]!)
    if (!value || !/^[a-z0-9-]+$/.test(value)) {
      fail(
        value ? 'ERR_INVALID_OPTION' : `ERR_${name.toUpperCase()}_REQUIRED`,
        `Set options.${name}` + (value ? ' to a-z, 0-9, -' : `: ${host} does not tell it`),
      )
    }
  }
  if (payloadHash != null && !/^([0-9a-f]{64}|[A-Z0-9-]+)$/.test(payloadHash)) {
    fail('ERR_INVALID_PAYLOAD_HASH', 'Set options.payloadHash to a hex SHA-256')
  }
  return {
    credentials,
    region: scope.region!,
    service: scope.service!,
    amzDate: amzDate(options.datetime),
    rules: serviceRules(scope.service!, options),
  }
}

/**
 * The `X-Amz-Date` form (`YYYYMMDDTHHMMSSZ`, UTC) of a Date or ISO-8601 string; now when absent.
 *
 * @example
 * amzDate('2015-08-30T12:36:00Z') // '20150830T123600Z'
 */
export function amzDate(datetime: Date | string = new Date()): string {
  const date = new Date(datetime)
  const iso =
    (datetime instanceof Date || /^\d{4}-\d\d-\d\d/.test(datetime)) && +date == +date ? date.toISOString() : ''
  // Years outside 0000-9999 print as +/-YYYYYY and cannot be an X-Amz-Date.
  return /^\d{4}-/.test(iso)
    ? iso.replace(/[-:]|\.\d+/g, '')
    : fail('ERR_INVALID_DATETIME', 'Set options.datetime to a Date or ISO string')
}
