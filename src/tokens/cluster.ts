// Cluster tokens: EKS (a presigned STS GetCallerIdentity naming the cluster) and MSK IAM (SASL OAUTHBEARER).
import { base64url, uriEncode, utf8 } from '../core/encoding.js'
import { nameOf, paramsOf, regionOf } from './check.js'
import {
  DEFAULT_DNS_SUFFIX,
  EKS,
  EKS_CLUSTER_HEADER,
  EKS_EXPIRATION_SECONDS,
  EKS_QUERY,
  EKS_TOKEN_PREFIX,
  MSK,
  MSK_ACTION,
  MSK_USER_AGENT,
  PARTITION_SUFFIXES,
  USER_AGENT_PARAM,
} from './constants.js'
import { presignToken, signedAtPlus, type TokenOptions, type TokenRequest } from './presign.js'

/** A bearer token and when to fetch the next one. */
export interface ExpiringToken {
  /** The bearer token (EKS: `k8s-aws-v1.…`; MSK: the base64url URL), a credential: never log it. */
  token: string
  /** When the token stops being accepted (EKS: when `aws eks get-token` says to refresh it). */
  expiration: Date
}

/** What an EKS token is for. */
export interface EksTokenParams {
  /** The cluster's name (or, for a local cluster on Outposts, its id), signed as `x-k8s-aws-id`. */
  clusterName: string
  /** The region whose STS endpoint is presigned, e.g. `us-east-1` (the cluster's). */
  region: string
}

/** The regional STS host of a region, in its partition. */
function stsHost(region: string): string {
  const suffix = PARTITION_SUFFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? DEFAULT_DNS_SUFFIX
  return `sts.${region}.${suffix}`
}

/**
 * An EKS bearer token, what `aws eks get-token` makes: STS `GetCallerIdentity` presigned for 60 seconds with the
 * cluster name signed as `x-k8s-aws-id`, as `k8s-aws-v1.` + base64url of the URL. `expiration` is 14 minutes after
 * signing, as the CLI reports it (EKS takes a token for 15 minutes).
 *
 * @example
 * declare const apiServer: string // the cluster's endpoint, https://...eks.amazonaws.com
 * const { token } = await eksToken({ clusterName: 'prod', region: 'eu-west-1' }, { credentials })
 * await fetch(`${apiServer}/api/v1/namespaces`, { headers: { authorization: `Bearer ${token}` } })
 */
export async function eksToken(params: EksTokenParams, options: TokenOptions): Promise<ExpiringToken> {
  const p = paramsOf(params, '{ clusterName, region }')
  const clusterName = nameOf(p, 'clusterName')
  const region = regionOf(p)
  const request: TokenRequest = {
    host: stsHost(region),
    query: EKS_QUERY,
    headers: [[EKS_CLUSTER_HEADER, clusterName]],
    region,
  }
  const { signed } = await presignToken(request, options, EKS)
  const url = `https://${signed.host}${signed.path}?${signed.query}`
  return { token: EKS_TOKEN_PREFIX + base64url(utf8(url)), expiration: signedAtPlus(signed, EKS_EXPIRATION_SECONDS) }
}

/** What an MSK token is for. */
export interface MskAuthTokenParams {
  /** The cluster's region, e.g. `us-east-1`. */
  region: string
  /**
   * The `User-Agent` query parameter added after signing (MSK logs it).
   * @default 'webcrypto-sigv4'
   */
  userAgent?: string
}

/**
 * An MSK IAM token for SASL/OAUTHBEARER, what `aws-msk-iam-sasl-signer-js` makes: `kafka-cluster:Connect`
 * presigned on `kafka.{region}.amazonaws.com` (the host the MSK signers use), `User-Agent` added after signing,
 * base64url without padding. `expiration` is the signing time plus `expiresIn` (at most 900 seconds).
 *
 * @example
 * const { token, expiration } = await mskAuthToken({ region: 'us-east-1' }, { credentials })
 * // kafkajs: sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) }
 */
export async function mskAuthToken(params: MskAuthTokenParams, options: TokenOptions): Promise<ExpiringToken> {
  const p = paramsOf(params, '{ region, userAgent? }')
  const region = regionOf(p)
  const userAgent = p['userAgent'] === undefined ? MSK_USER_AGENT : nameOf(p, 'userAgent')
  const request = { host: `kafka.${region}.${DEFAULT_DNS_SUFFIX}`, query: `Action=${uriEncode(MSK_ACTION)}`, region }
  const { signed, expiresIn } = await presignToken(request, options, MSK)
  // Added after signing, as the MSK signers do: the broker reads it, the signature does not cover it.
  const url = `https://${signed.host}${signed.path}?${signed.query}&${USER_AGENT_PARAM}=${uriEncode(userAgent)}`
  return { token: base64url(utf8(url)), expiration: signedAtPlus(signed, expiresIn) }
}
