/**
 * `webcrypto-sigv4/tokens`: IAM authentication tokens for databases and clusters, presigned on WebCrypto alone,
 * so a Cloudflare Worker (without nodejs_compat), Deno, Bun, a browser or Node can connect with IAM.
 *
 * - {@link rdsAuthToken}: RDS and Aurora (Postgres, MySQL) passwords, as `aws rds generate-db-auth-token`.
 * - {@link dsqlAuthToken}: Aurora DSQL passwords (`DbConnect`, or `DbConnectAdmin` with `admin: true`).
 * - {@link eksToken}: EKS bearer tokens, as `aws eks get-token`.
 * - {@link elastiCacheAuthToken} / {@link memoryDbAuthToken}: AUTH passwords for ElastiCache and MemoryDB.
 * - {@link mskAuthToken}: MSK IAM tokens for SASL/OAUTHBEARER.
 *
 * Each takes `(params, options)`: what the token is for, and the core's `credentials`, `datetime` and `expiresIn`.
 * The service is the token's own, never inferred from a host.
 *
 * @example
 * import { dsqlAuthToken } from 'webcrypto-sigv4/tokens'
 * const password = await dsqlAuthToken(
 *   { hostname: 'abc123.dsql.us-east-1.on.aws', region: 'us-east-1', admin: true },
 *   { credentials },
 * )
 *
 * @module
 */
export {
  elastiCacheAuthToken,
  memoryDbAuthToken,
  type ElastiCacheAuthTokenParams,
  type MemoryDbAuthTokenParams,
} from './tokens/cache.js'
export {
  eksToken,
  mskAuthToken,
  type EksTokenParams,
  type ExpiringToken,
  type MskAuthTokenParams,
} from './tokens/cluster.js'
export { dsqlAuthToken, rdsAuthToken, type DsqlAuthTokenParams, type RdsAuthTokenParams } from './tokens/database.js'
export type { TokenOptions } from './tokens/presign.js'
