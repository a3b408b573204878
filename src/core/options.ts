// Option types and their validation, shared by every entry point.
import { DEFAULT_EXPIRES_IN, MAX_EXPIRES_IN, SCOPE_NAME } from './constants.js'
import { fail } from './errors.js'
import { checksumEntries, type ChecksumOption, type HoistRule } from './header-options.js'
import { inferScope, type InferredScope } from './scope.js'
import { serviceRules, type ServiceRules } from './rules.js'
import type { Credentials } from './signing-key.js'

export type { Credentials }

/** Credentials, or a function that returns them (or a promise of them), called once per signature. */
export type CredentialsInput = Credentials | Promise<Credentials> | (() => Credentials | Promise<Credentials>)

/** Options of `sign` and `signParts`. */
export interface SignOptions {
  /** `{ accessKeyId, secretAccessKey, sessionToken? }`, or a (possibly async) function returning them. */
  credentials: CredentialsInput
  /**
   * Signing region, e.g. `us-east-1`.
   * @default inferred from AWS host names
   */
  region?: string
  /**
   * Signing name of the service, e.g. `kinesis`, `s3`, `execute-api`.
   * @default inferred from AWS host names
   */
  service?: string
  /**
   * Signing time: a `Date` or an ISO-8601 string.
   * @default new Date()
   */
  datetime?: Date | string
  /**
   * Sign `UNSIGNED-PAYLOAD` instead of the body's SHA-256 (the body is then never read).
   * @default false
   */
  unsignedPayload?: boolean
  /** The body's SHA-256 in lower-case hex, already known (or a literal such as `UNSIGNED-PAYLOAD`). */
  payloadHash?: string
  /**
   * Add and sign `x-amz-content-sha256` (S3 and OpenSearch Serverless require it).
   * @default false (true for S3 and `aoss`)
   */
  signContentSha256?: boolean
  /**
   * Resolve `.`/`..` and merge `//` in the path before signing.
   * @default true (false for S3)
   */
  normalizePath?: boolean
  /**
   * `false` adds the session token after signing, unsigned (IoT's `iotdevicegateway` needs this).
   * @default true (false for `iotdevicegateway`)
   */
  signSessionToken?: boolean
  /** S3: add and sign `x-amz-checksum-<algorithm>` for the whole body (presigned: into the URL's query):
   * `{ algorithm, value }` with the base64 value (`checksum()` of `webcrypto-sigv4/s3`). Nothing is added without it.
   * It replaces a given header of the same name; when presigning, give one or the other (a given one is hoisted). */
  checksum?: ChecksumOption
}

/** Options of `presign` and `presignParts`. */
export interface PresignOptions extends SignOptions {
  /**
   * Lifetime of the URL in seconds, 1..604800 (7 days).
   * @default 3600
   */
  expiresIn?: number
  /**
   * Move `x-amz-*` headers into the signed query, as smithy and Go do, except the `x-amz-server-side-encryption*`
   * ones S3 takes only as headers and those in `unhoistableHeaders`.
   * @default true
   */
  hoistHeaders?: boolean
  /**
   * Further `x-amz-*` headers (lower-case names) to keep as signed headers when hoisting: the URL's user sends them.
   * @default []
   */
  unhoistableHeaders?: readonly string[]
}

/** Where a request is signed for: its region and service (given, or inferred from the host once) and their rules. */
export interface ResolvedScope {
  region: string
  service: string
  rules: ServiceRules
}

/** Everything a signature needs, validated: the signing steps read this record, never the options as given. */
export interface ResolvedOptions extends ResolvedScope {
  credentials: Credentials
  amzDate: string
  /** `options.payloadHash`, checked; absent when the body (or a header) gives the hash. */
  payloadHash?: string | undefined
  /** Sign `UNSIGNED-PAYLOAD` rather than hash the body. */
  unsignedPayload: boolean
  /** What the `checksum` option adds (`x-amz-checksum-<algorithm>`), checked; empty without it. */
  checksum: Array<[string, string]>
}

/** What presigning needs besides: the URL's lifetime and which headers go into its query. */
export interface ResolvedPresignOptions extends ResolvedOptions {
  expiresIn: number
  hoist: HoistRule
}

/**
 * Whether a value is an object whose fields can be read (not null, not a primitive such as a Symbol).
 *
 * @example
 * isRecord(Object.create(null)) // true
 * isRecord(Symbol()) // false
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** What `await` would wait for: a promise, or any object with a `then` method. */
const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  isRecord(value) && typeof value.then === 'function'

/**
 * What an access key id or session token may hold: visible ASCII. Both go into headers (`authorization`,
 * `x-amz-security-token`) as they are, so a space, line break or non-ASCII character would break the request.
 */
const CREDENTIAL_TEXT = /^[\x21-\x7e]+$/

/**
 * Checks credentials (and returns the same object, which the key caches are keyed by). The messages never quote
 * the values: a secret or token must not end up in a log.
 *
 * @example
 * declare const provider: () => Promise<unknown> // e.g. your endpoint that hands out temporary credentials
 * const credentials = checkCredentials(await provider())
 */
export function checkCredentials(value: unknown): Credentials {
  if (!isRecord(value)) {
    fail('ERR_CREDENTIALS_MISSING', 'Set options.credentials to { accessKeyId, secretAccessKey }')
  }
  const { accessKeyId, secretAccessKey, sessionToken } = value
  if (typeof accessKeyId !== 'string' || !accessKeyId) {
    fail('ERR_CREDENTIALS_MISSING', 'Set credentials.accessKeyId')
  }
  if (typeof secretAccessKey !== 'string' || !secretAccessKey) {
    fail('ERR_CREDENTIALS_MISSING', 'Set credentials.secretAccessKey')
  }
  // An empty or absent token means none (environment variables often hold an empty AWS_SESSION_TOKEN).
  if (sessionToken !== undefined && sessionToken !== null && typeof sessionToken !== 'string') {
    fail('ERR_CREDENTIALS_MISSING', 'Set credentials.sessionToken to a string or leave it out')
  }
  if (!CREDENTIAL_TEXT.test(accessKeyId)) {
    fail('ERR_INVALID_CREDENTIALS', 'Fix credentials.accessKeyId: it holds a space, line break or non-ASCII text')
  }
  if (sessionToken && !CREDENTIAL_TEXT.test(sessionToken)) {
    fail('ERR_INVALID_CREDENTIALS', 'Fix credentials.sessionToken: it holds a space, line break or non-ASCII text')
  }
  return value as unknown as Credentials
}

/** A payload hash the signer accepts: 64 lower-case hex digits, `UNSIGNED-PAYLOAD` or a `STREAMING-*` literal. */
const PAYLOAD_HASH = /^([0-9a-f]{64}|UNSIGNED-PAYLOAD|STREAMING-[A-Z0-9-]+)$/

/**
 * Checks a payload hash given by the caller (`options.payloadHash` or an `x-amz-content-sha256` header).
 *
 * @example
 * checkPayloadHash('UNSIGNED-PAYLOAD', 'options.payloadHash') // 'UNSIGNED-PAYLOAD'
 * checkPayloadHash('E3B0C442...', 'options.payloadHash') // throws ERR_INVALID_PAYLOAD_HASH
 */
export function checkPayloadHash(value: unknown, where: string): string {
  if (typeof value === 'string' && PAYLOAD_HASH.test(value)) return value
  if (typeof value === 'string' && /^[0-9a-fA-F]{64}$/.test(value)) {
    fail('ERR_INVALID_PAYLOAD_HASH', `Write ${where} in lower-case hex`)
  }
  return fail('ERR_INVALID_PAYLOAD_HASH', `Set ${where} to a hex SHA-256, UNSIGNED-PAYLOAD or STREAMING-*`)
}

const BOOLEAN_OPTIONS = ['unsignedPayload', 'signContentSha256', 'normalizePath', 'signSessionToken'] as const

/**
 * The region, service and service rules of a signature: the options' own, else inferred from the host and path (the
 * one place a scope is inferred). Checks the options the rules read. Inference (core/infer.ts and botocore's
 * endpoint prefix table) is loaded only when an option is missing ({@link inferScope}).
 *
 * @example
 * await resolveScope({}, 'kinesis.eu-west-1.amazonaws.com', '/') // { region: 'eu-west-1', service: 'kinesis', rules }
 */
export function resolveScope(
  options: Partial<SignOptions>,
  host: string,
  path: string,
): ResolvedScope | Promise<ResolvedScope> {
  // Not async: with region and service given (the usual case) the scope is ready at once, with no step to wait.
  if (!isRecord(options)) fail('ERR_INVALID_OPTION', 'Pass options: { credentials }')
  for (const name of BOOLEAN_OPTIONS) {
    const value: unknown = options[name]
    if (value !== undefined && typeof value !== 'boolean')
      fail('ERR_INVALID_OPTION', `Set options.${name} to true or false`)
  }
  // Host inference only when an option is missing: it is the slowest step of resolving options.
  if (options.region && options.service) return scopeFrom(options, {}, host)
  return inferScope(host, path).then((inferred) => scopeFrom(options, inferred, host))
}

function scopeFrom(options: Partial<SignOptions>, inferred: InferredScope, host: string): ResolvedScope {
  const region = scopeName('region', options.region ?? inferred.region, host)
  const service = scopeName('service', options.service ?? inferred.service, host)
  return { region, service, rules: serviceRules(service, options) }
}

/**
 * Resolves the options of one signature, once: validates them (`payloadHash` and `checksum` too), calls the
 * credentials provider and resolves the scope ({@link resolveScope}). The signing steps take the result.
 *
 * @example
 * const resolved = await resolveOptions({ credentials, datetime: '2015-08-30T12:36:00Z' }, 'iam.amazonaws.com', '/')
 * resolved.service // 'iam'
 */
export async function resolveOptions(options: SignOptions, host: string, path: string): Promise<ResolvedOptions> {
  const pendingScope = resolveScope(options, host, path)
  // Awaited only when inference ran, and a provider's promise only when there is one: no step for plain values.
  const scope = pendingScope instanceof Promise ? await pendingScope : pendingScope
  const givenHash = options.payloadHash ?? undefined
  const payloadHash = givenHash === undefined ? undefined : checkPayloadHash(givenHash, 'options.payloadHash')
  const checksum = checksumEntries(options.checksum)
  const signingTime = amzDate(options.datetime)
  const input = options.credentials
  let credentials: unknown
  try {
    credentials = typeof input === 'function' ? input() : input
    if (isThenable(credentials)) credentials = await credentials
  } catch (error) {
    fail('ERR_CREDENTIALS_PROVIDER', 'Credentials provider failed: see cause', error)
  }
  return {
    ...scope,
    credentials: checkCredentials(credentials),
    amzDate: signingTime,
    payloadHash,
    unsignedPayload: options.unsignedPayload === true,
    checksum,
  }
}

/**
 * {@link resolveOptions} for presigning: also the URL's lifetime and which headers move into its query.
 *
 * @example
 * const resolved = await resolvePresignOptions({ credentials, expiresIn: 900 }, 'b.s3.us-east-1.amazonaws.com', '/k')
 * resolved.expiresIn // 900
 */
export async function resolvePresignOptions(
  options: PresignOptions,
  host: string,
  path: string,
): Promise<ResolvedPresignOptions> {
  // The lifetime is checked first: a wrong one is refused before any credentials provider is called.
  const expiresIn = expiresInOf(isRecord(options) ? options.expiresIn : undefined)
  const hoist = hoistRuleOf(isRecord(options) ? options : {})
  return { ...(await resolveOptions(options, host, path)), expiresIn, hoist }
}

function expiresInOf(expiresIn: unknown): number {
  if (expiresIn === undefined) return DEFAULT_EXPIRES_IN
  if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
    fail('ERR_INVALID_EXPIRES', `Set options.expiresIn to 1..${MAX_EXPIRES_IN} seconds (7 days)`)
  }
  return expiresIn
}

function hoistRuleOf({ hoistHeaders, unhoistableHeaders }: Partial<PresignOptions>): HoistRule {
  if (hoistHeaders !== undefined && typeof hoistHeaders !== 'boolean')
    fail('ERR_INVALID_OPTION', 'Set options.hoistHeaders to true or false')
  const names: unknown = unhoistableHeaders ?? []
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string'))
    fail('ERR_INVALID_OPTION', 'Set options.unhoistableHeaders to a list of header names')
  // Usually none: then no copy of a list is lower-cased per presign.
  const unhoistable = unhoistableHeaders === undefined ? [] : names.map((name: string) => name.toLowerCase())
  return { enabled: hoistHeaders !== false, unhoistable }
}

/**
 * Checks a region or service name (a-z, 0-9 and -); `host` names the host that did not tell a missing one.
 *
 * @example
 * declare const options: SignOptions
 * scopeName('region', options.region) // 'us-east-1', or throws ERR_REGION_REQUIRED / ERR_INVALID_OPTION
 */
export function scopeName(name: 'region' | 'service', value: unknown, host?: string): string {
  const hint = host === undefined ? '' : `: ${host} does not tell it`
  if (value === undefined || value === '') {
    if (name === 'region') fail('ERR_REGION_REQUIRED', `Set options.region${hint}`)
    fail('ERR_SERVICE_REQUIRED', `Set options.service${hint}`)
  }
  if (typeof value !== 'string' || !SCOPE_NAME.test(value)) {
    fail('ERR_INVALID_OPTION', `Set options.${name} to a-z, 0-9 and -`)
  }
  return value
}

/**
 * The `X-Amz-Date` form (`YYYYMMDDTHHMMSSZ`, UTC) of a Date or ISO-8601 string; now when absent.
 *
 * @example
 * amzDate('2015-08-30T12:36:00Z') // '20150830T123600Z'
 */
export function amzDate(datetime?: Date | string): string {
  if (datetime === undefined) return amzDateNow()
  const isoInput = typeof datetime === 'string' && /^\d{4}-\d\d-\d\d/.test(datetime)
  const date = datetime instanceof Date || isoInput ? new Date(datetime) : undefined
  const iso = date && !Number.isNaN(date.getTime()) ? date.toISOString() : ''
  // Years outside 0000-9999 print as +/-YYYYYY and cannot be an X-Amz-Date.
  if (!/^\d{4}-/.test(iso)) fail('ERR_INVALID_DATETIME', 'Set options.datetime to a Date or ISO string')
  return iso.replace(/[-:]|\.\d+/g, '')
}

/** The X-Amz-Date of the current second, formatted once per second: every warm signature asks for it. */
let currentSecond: [second: number, amzDate: string] | undefined

function amzDateNow(): string {
  const now = Date.now()
  const second = Math.floor(now / 1000)
  if (currentSecond?.[0] !== second) currentSecond = [second, amzDate(new Date(now))]
  return currentSecond[1]
}
