// Checks of a token's parameters. Messages name the parameter and say what to do; they never quote a value (a
// user name or cluster name is not a secret, but a wrong value may be one pasted in the wrong place).
import { SCOPE_NAME } from '../core/constants.js'
import { fail } from '../core/errors.js'
import { isRecord } from '../core/options.js'

/** The parameters object of a token function, or a typed error naming the fields it needs. */
export function paramsOf(params: unknown, shape: string): Record<string, unknown> {
  if (!isRecord(params)) fail('ERR_INVALID_TOKEN_PARAMS', `Pass the token's params: ${shape}`)
  return params
}

/** A region: a-z, 0-9 and -. */
export function regionOf(params: Record<string, unknown>): string {
  const { region } = params
  if (region === undefined || region === '') fail('ERR_REGION_REQUIRED', 'Set params.region, e.g. us-east-1')
  if (typeof region !== 'string' || !SCOPE_NAME.test(region)) {
    fail('ERR_INVALID_TOKEN_PARAMS', 'Set params.region to a region name (a-z, 0-9 and -), e.g. us-east-1')
  }
  return region
}

/** One DNS label or more, dot-separated: letters, digits and hyphens. */
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/

/**
 * A bare host name (or a cache or cluster name, which is signed as the host): no scheme, path, port, user info or
 * trailing dot. `portHint` tells where a port goes instead, for tokens that take one.
 */
export function hostOf(params: Record<string, unknown>, field: string, portHint = 'remove it'): string {
  const value = params[field]
  if (typeof value !== 'string' || value === '') fail('ERR_INVALID_TOKEN_PARAMS', `Set params.${field}`)
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    fail('ERR_INVALID_TOKEN_PARAMS', `Remove the scheme (https://) from params.${field}: pass the host name alone`)
  }
  if (/[/?#]/.test(value)) {
    fail('ERR_INVALID_TOKEN_PARAMS', `Remove the path from params.${field}: pass the host name alone`)
  }
  if (value.includes(':')) fail('ERR_INVALID_TOKEN_PARAMS', `Remove the port from params.${field}: ${portHint}`)
  if (!HOST_NAME.test(value)) {
    fail('ERR_INVALID_TOKEN_PARAMS', `Set params.${field} to a host name: letters, digits, - and . only`)
  }
  return value
}

/** A TCP port: a whole number from 1 to 65535. */
export function portOf(params: Record<string, unknown>): number {
  const { port } = params
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    fail('ERR_INVALID_TOKEN_PARAMS', 'Set params.port to the port the database listens on, 1..65535 (e.g. 5432)')
  }
  return port
}

/** A non-empty name without control characters (a user name, user id or EKS cluster name). */
export function nameOf(params: Record<string, unknown>, field: string): string {
  const value = params[field]
  if (typeof value !== 'string' || value === '') fail('ERR_INVALID_TOKEN_PARAMS', `Set params.${field}: it is empty`)
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) {
    fail('ERR_INVALID_TOKEN_PARAMS', `Fix params.${field}: it holds a control character (a line break?)`)
  }
  return value
}

/** An optional boolean flag. */
export function flagOf(params: Record<string, unknown>, field: string): boolean {
  const value = params[field]
  if (value !== undefined && typeof value !== 'boolean') {
    fail('ERR_INVALID_TOKEN_PARAMS', `Set params.${field} to true or false`)
  }
  return value === true
}
