// Database tokens: RDS IAM authentication and Aurora DSQL, the password a Postgres or MySQL client sends.
import { uriEncode } from '../core/encoding.js'
import { flagOf, hostOf, nameOf, paramsOf, portOf, regionOf } from './check.js'
import { DSQL, DSQL_ACTION, DSQL_ADMIN_ACTION, RDS, RDS_ACTION } from './constants.js'
import { presignToken, withoutScheme, type TokenOptions } from './presign.js'

/** What an RDS token is for. */
export interface RdsAuthTokenParams {
  /** The DB instance's or cluster's endpoint host name, without scheme or port. */
  hostname: string
  /** The port the database listens on (e.g. 5432, 3306). */
  port: number
  /** The database user to log in as (one granted `rds_iam`, or `AWSAUTHENTICATIONPLUGIN` on MySQL). */
  username: string
  /** The database's region, e.g. `us-east-1`. */
  region: string
}

/**
 * An RDS IAM authentication token: the password for `username`, signed for `rds-db` (what
 * `aws rds generate-db-auth-token` prints: `host:port/?Action=connect&DBUser=…&X-Amz-…`). Valid for
 * `expiresIn` seconds, at most 900; connect over TLS.
 *
 * @example
 * const password = await rdsAuthToken(
 *   { hostname: 'mydb.abc123.us-east-1.rds.amazonaws.com', port: 5432, username: 'app', region: 'us-east-1' },
 *   { credentials },
 * )
 */
export async function rdsAuthToken(params: RdsAuthTokenParams, options: TokenOptions): Promise<string> {
  const p = paramsOf(params, '{ hostname, port, username, region }')
  const hostname = hostOf(p, 'hostname', 'pass it as params.port')
  const port = portOf(p)
  const username = nameOf(p, 'username')
  const region = regionOf(p)
  const query = `Action=${RDS_ACTION}&DBUser=${uriEncode(username)}`
  return withoutScheme(await presignToken({ host: `${hostname}:${port}`, query, region }, options, RDS))
}

/** What an Aurora DSQL token is for. */
export interface DsqlAuthTokenParams {
  /** The cluster endpoint, e.g. `abc123.dsql.us-east-1.on.aws`, without scheme or port. */
  hostname: string
  /** The cluster's region, e.g. `us-east-1`. */
  region: string
  /**
   * A token for the `admin` role (`DbConnectAdmin`) rather than a custom role (`DbConnect`).
   * @default false
   */
  admin?: boolean
}

/**
 * An Aurora DSQL authentication token: the password to connect with, signed for `dsql` (what
 * `aws dsql generate-db-connect-auth-token` prints, or `generate-db-connect-admin-auth-token` with `admin: true`).
 * Valid for `expiresIn` seconds, up to 604800 (7 days).
 *
 * @example
 * const password = await dsqlAuthToken(
 *   { hostname: 'abc123.dsql.us-east-1.on.aws', region: 'us-east-1', admin: true },
 *   { credentials, expiresIn: 3600 },
 * )
 */
export async function dsqlAuthToken(params: DsqlAuthTokenParams, options: TokenOptions): Promise<string> {
  const p = paramsOf(params, '{ hostname, region, admin? }')
  const host = hostOf(p, 'hostname', 'DSQL listens on 5432 and the token has no port')
  const region = regionOf(p)
  const query = `Action=${flagOf(p, 'admin') ? DSQL_ADMIN_ACTION : DSQL_ACTION}`
  return withoutScheme(await presignToken({ host, query, region }, options, DSQL))
}
