// The one path every token takes: its parameters checked, then request parts presigned by the engine with the
// service set (never inferred) and the service's lifetime rules.
import { SIGV4 } from '../core/engine.js'
import { fail } from '../core/errors.js'
import { isRecord, type CredentialsInput, type PresignOptions } from '../core/options.js'
import type { SignedParts } from '../core/types.js'
import { presignPartsWith } from '../core/with-algorithm.js'
import type { TokenService } from './constants.js'

/** Options of every token function: the core's credentials, signing time and lifetime. */
export interface TokenOptions {
  /** `{ accessKeyId, secretAccessKey, sessionToken? }`, or a (possibly async) function returning them. */
  credentials: CredentialsInput
  /**
   * Signing time: a `Date` or an ISO-8601 string.
   * @default new Date()
   */
  datetime?: Date | string
  /**
   * Lifetime of the token in seconds, up to the service's limit: 900 for RDS, ElastiCache, MemoryDB, MSK and EKS,
   * 604800 (7 days) for Aurora DSQL.
   * @default 900 (60 for EKS)
   */
  expiresIn?: number
}

/** What a token presigns: `GET /` on a host, with a query and headers. */
export interface TokenRequest {
  host: string
  query: string
  headers?: Array<[string, string]>
  region: string
}

/** A presigned token request and the lifetime it was signed for. */
export interface PresignedToken {
  signed: SignedParts
  expiresIn: number
}

/** Presigns a token's request for its service, with the service's default and longest lifetime. */
export async function presignToken(
  request: TokenRequest,
  options: TokenOptions,
  kind: TokenService,
): Promise<PresignedToken> {
  if (!isRecord(options)) fail('ERR_INVALID_OPTION', 'Pass options: { credentials }')
  const expiresIn = options.expiresIn ?? kind.defaultExpires
  if (typeof expiresIn === 'number' && Number.isInteger(expiresIn) && expiresIn > kind.maxExpires) {
    fail('ERR_INVALID_EXPIRES', `Set options.expiresIn to 1..${kind.maxExpires} seconds: ${kind.label} takes no longer`)
  }
  // Only the core options a token takes: the service and region are the token's own.
  const presign: PresignOptions = {
    credentials: options.credentials,
    region: request.region,
    service: kind.service,
    expiresIn,
  }
  if (options.datetime !== undefined) presign.datetime = options.datetime
  const signed = await presignPartsWith(
    { method: 'GET', host: request.host, path: '/', query: request.query, headers: request.headers ?? [] },
    presign,
    SIGV4,
  )
  // The engine has checked expiresIn (a whole number of seconds within its range) by now.
  return { signed, expiresIn }
}

/** The token form of presigned parts: the URL without its scheme, `host/?query`. */
export const withoutScheme = ({ signed }: PresignedToken): string => `${signed.host}${signed.path}?${signed.query}`

/** The time a token was signed at plus `seconds`, from its `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`). */
export function signedAtPlus(signed: SignedParts, seconds: number): Date {
  const d = signed.amzDate
  const at = Date.UTC(
    +d.slice(0, 4),
    +d.slice(4, 6) - 1,
    +d.slice(6, 8),
    +d.slice(9, 11),
    +d.slice(11, 13),
    +d.slice(13, 15),
  )
  return new Date(at + seconds * 1000)
}
