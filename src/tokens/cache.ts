// Cache tokens: ElastiCache (Valkey, Redis OSS) and MemoryDB IAM authentication, the password of an AUTH command.
import { uriEncode } from '../core/encoding.js'
import { flagOf, hostOf, nameOf, paramsOf, regionOf } from './check.js'
import { CACHE_ACTION, ELASTICACHE, MEMORYDB, SERVERLESS_CACHE } from './constants.js'
import { presignToken, withoutScheme, type TokenOptions } from './presign.js'

/** What an ElastiCache token is for. */
export interface ElastiCacheAuthTokenParams {
  /** The replication group's or serverless cache's name (signed as the host; not its endpoint). */
  cacheName: string
  /** The ElastiCache user id (with IAM authentication); also the user name of the AUTH command. */
  userId: string
  /** The cache's region, e.g. `us-east-1`. */
  region: string
  /**
   * A serverless cache: signs `ResourceType=ServerlessCache`.
   * @default false
   */
  serverless?: boolean
}

/**
 * An ElastiCache IAM authentication token: the password of `AUTH userId token`, signed for `elasticache`
 * (`cacheName/?Action=connect&User=…&X-Amz-…`, the presigned URL of the ElastiCache guide without its scheme).
 * Valid for `expiresIn` seconds, at most 900; the connection may stay open for 12 hours.
 *
 * @example
 * const password = await elastiCacheAuthToken(
 *   { cacheName: 'my-cache', userId: 'app-user', region: 'us-east-1', serverless: true },
 *   { credentials },
 * )
 */
export async function elastiCacheAuthToken(params: ElastiCacheAuthTokenParams, options: TokenOptions): Promise<string> {
  const p = paramsOf(params, '{ cacheName, userId, region, serverless? }')
  const host = hostOf(p, 'cacheName')
  const userId = nameOf(p, 'userId')
  const region = regionOf(p)
  const serverless = flagOf(p, 'serverless') ? `&ResourceType=${SERVERLESS_CACHE}` : ''
  const query = `Action=${CACHE_ACTION}&User=${uriEncode(userId)}${serverless}`
  return withoutScheme(await presignToken({ host, query, region }, options, ELASTICACHE))
}

/** What a MemoryDB token is for. */
export interface MemoryDbAuthTokenParams {
  /** The MemoryDB cluster's name (signed as the host; not its endpoint). */
  clusterName: string
  /** The MemoryDB user (with IAM authentication); also the user name of the AUTH command. */
  userId: string
  /** The cluster's region, e.g. `us-east-1`. */
  region: string
}

/**
 * A MemoryDB IAM authentication token: the password of `AUTH userId token`, signed for `memorydb`
 * (`clusterName/?Action=connect&User=…&X-Amz-…`). Valid for `expiresIn` seconds, at most 900.
 *
 * @example
 * const password = await memoryDbAuthToken(
 *   { clusterName: 'my-cluster', userId: 'app-user', region: 'us-east-1' },
 *   { credentials },
 * )
 */
export async function memoryDbAuthToken(params: MemoryDbAuthTokenParams, options: TokenOptions): Promise<string> {
  const p = paramsOf(params, '{ clusterName, userId, region }')
  const host = hostOf(p, 'clusterName')
  const userId = nameOf(p, 'userId')
  const region = regionOf(p)
  const query = `Action=${CACHE_ACTION}&User=${uriEncode(userId)}`
  return withoutScheme(await presignToken({ host, query, region }, options, MEMORYDB))
}
