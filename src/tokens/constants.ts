// Protocol literals of the IAM authentication tokens (webcrypto-sigv4/tokens): signing names, actions and the
// lifetimes each service accepts, named once.

/** One kind of token: the service it is signed for and the lifetimes (seconds) it takes. */
export interface TokenService {
  /** The signing name (never inferred from a host). */
  service: string
  /** What the docs call the service in a message. */
  label: string
  /** `X-Amz-Expires` when `expiresIn` is not given. */
  defaultExpires: number
  /** The longest lifetime the service accepts. */
  maxExpires: number
}

/** RDS IAM database authentication: `rds-db`, 15 minutes at most. */
export const RDS: TokenService = { service: 'rds-db', label: 'RDS', defaultExpires: 900, maxExpires: 900 }
/** Aurora DSQL: `dsql`, 15 minutes by default, up to a week. */
export const DSQL: TokenService = { service: 'dsql', label: 'Aurora DSQL', defaultExpires: 900, maxExpires: 604_800 }
/** EKS: a presigned STS GetCallerIdentity, 60 s as `aws eks get-token` signs it; EKS takes it for 15 minutes. */
export const EKS: TokenService = { service: 'sts', label: 'EKS', defaultExpires: 60, maxExpires: 900 }
/** ElastiCache (Valkey and Redis OSS) IAM authentication: `elasticache`, 15 minutes at most. */
export const ELASTICACHE: TokenService = {
  service: 'elasticache',
  label: 'ElastiCache',
  defaultExpires: 900,
  maxExpires: 900,
}
/** MemoryDB IAM authentication: `memorydb`, 15 minutes at most. */
export const MEMORYDB: TokenService = { service: 'memorydb', label: 'MemoryDB', defaultExpires: 900, maxExpires: 900 }
/** MSK IAM (SASL OAUTHBEARER): `kafka-cluster`, 15 minutes at most, as the MSK signers cap it. */
export const MSK: TokenService = { service: 'kafka-cluster', label: 'MSK', defaultExpires: 900, maxExpires: 900 }

/** The `Action` of each token's query. */
export const RDS_ACTION = 'connect'
export const DSQL_ACTION = 'DbConnect'
export const DSQL_ADMIN_ACTION = 'DbConnectAdmin'
export const CACHE_ACTION = 'connect'
export const MSK_ACTION = 'kafka-cluster:Connect'
/** STS GetCallerIdentity, as `aws eks get-token` presigns it. */
export const EKS_QUERY = 'Action=GetCallerIdentity&Version=2011-06-15'
/** The signed header naming the EKS cluster. */
export const EKS_CLUSTER_HEADER = 'x-k8s-aws-id'
/** What an EKS token starts with, before the base64url URL. */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.'
/** How long after signing `aws eks get-token` says an EKS token expires (kubectl refreshes it then): 14 minutes. */
export const EKS_EXPIRATION_SECONDS = 840
/** `ResourceType` of an ElastiCache serverless cache. */
export const SERVERLESS_CACHE = 'ServerlessCache'
/** The query parameter the MSK signers add after signing, and this package's value for it. */
export const USER_AGENT_PARAM = 'User-Agent'
export const MSK_USER_AGENT = 'webcrypto-sigv4'
/**
 * DNS suffixes of the partitions whose region names start with these prefixes (botocore's endpoint data); every
 * other region is in `aws` (amazonaws.com). Longest prefix first.
 */
export const PARTITION_SUFFIXES: ReadonlyArray<readonly [prefix: string, suffix: string]> = [
  ['us-isob-', 'sc2s.sgov.gov'],
  ['us-iso-', 'c2s.ic.gov'],
  ['eusc-', 'amazonaws.eu'],
  ['cn-', 'amazonaws.com.cn'],
]
export const DEFAULT_DNS_SUFFIX = 'amazonaws.com'
