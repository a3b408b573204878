// verify()'s options, checked at the call: an option that is not understood throws, because a silently ignored
// one (a NaN window, a misspelt `region`) would switch a check off.
import { fail } from '../core/errors.js'
import type { VerifyOptions } from './types.js'

/**
 * Default `maxSkew`: 15 minutes, as AWS allows.
 *
 * @example
 * checkVerifyOptions({ lookupSecret }).maxSkewMs === DEFAULT_MAX_SKEW_SECONDS * 1000
 */
export const DEFAULT_MAX_SKEW_SECONDS = 900
/**
 * Default `maxBodyBytes`: 10 MiB.
 *
 * @example
 * checkVerifyOptions({ lookupSecret }).maxBodyBytes === DEFAULT_MAX_BODY_BYTES
 */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024

/** The options after their checks, with the defaults filled in. */
export interface CheckedVerifyOptions {
  lookupSecret: VerifyOptions['lookupSecret']
  /** Milliseconds since the epoch. */
  now: number
  maxSkewMs: number
  regions?: readonly string[]
  services?: readonly string[]
  normalizePath?: boolean
  allowUnsignedPayload?: boolean
  allowUnsignedSessionToken?: boolean
  maxBodyBytes: number
  strictEncoding: boolean
}

const KNOWN_OPTIONS = new Set([
  'lookupSecret',
  'now',
  'maxSkew',
  'region',
  'service',
  'normalizePath',
  'allowUnsignedPayload',
  'allowUnsignedSessionToken',
  'maxBodyBytes',
  'strictEncoding',
])

/** A value as an option message may show it: its type, and the value itself for a number or a short string. */
function describe(value: unknown): string {
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40))
  if (value instanceof Date) return 'an invalid Date'
  return value === null ? 'null' : typeof value
}

function invalid(name: string, wanted: string, value: unknown): never {
  fail('ERR_INVALID_OPTION', `verify: options.${name} must be ${wanted}, not ${describe(value)}`)
}

function optionalBoolean(options: Record<string, unknown>, name: string): boolean | undefined {
  const value = options[name]
  if (value !== undefined && typeof value !== 'boolean') invalid(name, 'true or false', value)
  return value
}

function names(options: Record<string, unknown>, name: 'region' | 'service'): readonly string[] | undefined {
  const value = options[name]
  if (value === undefined) return undefined
  const list: unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [undefined]
  if (!list.length || !list.every((item) => typeof item === 'string' && item.length > 0))
    invalid(name, 'a non-empty string or a non-empty array of them', value)
  return list as string[]
}

function clock(value: unknown): number {
  if (value === undefined) return Date.now()
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : NaN
  if (!Number.isFinite(time)) invalid('now', 'a valid Date or a finite number of milliseconds', value)
  return time
}

/**
 * Checks verify's options and fills in the defaults; throws `SigV4Error` `ERR_INVALID_OPTION` for anything it
 * does not understand (an unknown name, `maxSkew: NaN` or `'15m'`, `now: new Date('x')`, ...).
 *
 * @example
 * checkVerifyOptions({ lookupSecret, maxSkew: 300 }).maxSkewMs // 300000
 * checkVerifyOptions({ lookupSecret, maxSkew: NaN }) // throws ERR_INVALID_OPTION
 */
export function checkVerifyOptions(options: VerifyOptions): CheckedVerifyOptions {
  if (typeof options !== 'object' || options === null)
    fail('ERR_INVALID_OPTION', 'verify: pass options with a lookupSecret function')
  const given = options as unknown as Record<string, unknown>
  for (const name of Object.keys(given)) {
    if (!KNOWN_OPTIONS.has(name))
      fail('ERR_INVALID_OPTION', `verify: unknown option ${JSON.stringify(name.slice(0, 40))}: check its spelling`)
  }
  if (typeof given.lookupSecret !== 'function') invalid('lookupSecret', 'a function', given.lookupSecret)
  const maxSkew = given.maxSkew === undefined ? DEFAULT_MAX_SKEW_SECONDS : given.maxSkew
  if (typeof maxSkew !== 'number' || !Number.isFinite(maxSkew) || maxSkew < 0)
    invalid('maxSkew', 'a finite number of seconds, 0 or more', maxSkew)
  const maxBodyBytes = given.maxBodyBytes === undefined ? DEFAULT_MAX_BODY_BYTES : given.maxBodyBytes
  if (typeof maxBodyBytes !== 'number' || !Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0)
    invalid('maxBodyBytes', 'a whole number of bytes, 0 or more', maxBodyBytes)
  return {
    lookupSecret: options.lookupSecret,
    now: clock(given.now),
    maxSkewMs: maxSkew * 1000,
    regions: names(given, 'region'),
    services: names(given, 'service'),
    normalizePath: optionalBoolean(given, 'normalizePath'),
    allowUnsignedPayload: optionalBoolean(given, 'allowUnsignedPayload'),
    allowUnsignedSessionToken: optionalBoolean(given, 'allowUnsignedSessionToken'),
    maxBodyBytes,
    strictEncoding: optionalBoolean(given, 'strictEncoding') ?? true,
  }
}
