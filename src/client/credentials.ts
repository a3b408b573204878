// Credential providers: static keys, Cognito Identity pools, STS (web identity, AssumeRole) and a refreshing cache.
import { xmlText } from '../core/xml.js'
import { jsonObject, okText } from './aws-error.js'
import { AwsClient } from './client.js'
import { fail } from '../core/errors.js'
import type { Credentials, CredentialsInput } from '../core/options.js'

/** Credentials with the time they stop working, when they are temporary. */
export interface TemporaryCredentials extends Credentials {
  /** When the credentials stop working; `refreshing` fetches new ones before then. Absent: they do not expire. */
  expiration?: Date
}

/** An async function that returns credentials; pass it as `credentials` to `AwsClient`, `sign` or `presign`. */
export type CredentialProvider = () => Promise<TemporaryCredentials>

/** How {@link refreshing} caches credentials and when it refreshes them. */
export interface RefreshingOptions {
  /**
   * Seconds before `expiration` from which the next call refreshes the credentials. Credentials that live
   * shorter than twice the margin are refreshed halfway through their remaining life instead, so that
   * short-lived keys are not fetched again on every call.
   * @default 300
   */
  marginSeconds?: number
  /**
   * Milliseconds to wait after a failed refresh before the next try, while the cached credentials are still
   * valid; doubled after each failure in a row, up to `maxRetryDelay`.
   * @default 1000
   */
  retryDelay?: number
  /**
   * Longest wait between two refresh tries, in milliseconds.
   * @default 60000
   */
  maxRetryDelay?: number
  /**
   * The clock, in milliseconds since the epoch (tests pass a fake one).
   * @default Date.now
   */
  now?: () => number
}

/** Where a provider sends its calls: `region`, or a full `endpoint` (e.g. a local test server), and a `fetch`. */
export interface ProviderOptions {
  /**
   * The region of the service endpoint.
   * @default Cognito: the region of `identityPoolId`; STS: none, the global endpoint (AssumeRole signs for `us-east-1`)
   */
  region?: string
  /**
   * A full endpoint URL instead of the AWS one, e.g. a local test server.
   * @default the AWS one: `https://cognito-identity.${region}.amazonaws.com/` or
   * `https://sts.${region}.amazonaws.com/` (`https://sts.amazonaws.com/` without `region`)
   */
  endpoint?: string
  /**
   * The fetch to use.
   * @default globalThis.fetch
   */
  fetch?: (request: Request) => Promise<Response>
  /**
   * How the provider's credentials are cached and refreshed (see {@link refreshing}).
   * @default {} (the defaults of each option)
   */
  refresh?: RefreshingOptions
}

/** Options of {@link fromCognitoIdentityPool}. */
export interface CognitoIdentityPoolOptions extends ProviderOptions {
  /** `region:uuid`, e.g. `us-east-1:1234abcd-...`; its region is used when `region` is absent. */
  identityPoolId: string
  /** Tokens of an authenticated identity, by provider name, e.g. `{ 'accounts.google.com': idToken }`. */
  logins?: Record<string, string>
}

/** Options of {@link fromWebIdentity}. */
export interface WebIdentityOptions extends ProviderOptions {
  /** The ARN of the role to assume, e.g. `arn:aws:iam::123456789012:role/web`; it must trust the token's issuer. */
  roleArn: string
  /** The OpenID Connect token, or a function that returns it (called at each refresh). */
  webIdentityToken: string | (() => Promise<string>)
  /**
   * The session name that CloudTrail records.
   * @default 'webcrypto-sigv4'
   */
  roleSessionName?: string
  /**
   * Lifetime of the credentials in seconds.
   * @default not sent: STS's own, 3600
   */
  durationSeconds?: number
}

/** Options of {@link assumeRole}. */
export interface AssumeRoleOptions extends ProviderOptions {
  /** The base credentials that sign the AssumeRole call. */
  credentials: CredentialsInput
  /** The ARN of the role to assume, e.g. `arn:aws:iam::123456789012:role/upload`. */
  roleArn: string
  /** The session name that CloudTrail records. */
  roleSessionName: string
  /** A session policy that narrows the role (a JSON string or an object, sent as JSON). */
  policy?: string | object
  /**
   * Lifetime of the credentials in seconds.
   * @default not sent: STS's own, 3600
   */
  durationSeconds?: number
}

/**
 * A provider that always returns the same keys.
 *
 * @example
 * const client = new AwsClient({ credentials: fromStatic({ accessKeyId, secretAccessKey }), region: 'us-east-1' })
 */
export function fromStatic(credentials: Credentials): CredentialProvider {
  return () => Promise.resolve(credentials)
}

const STS_VERSION = '2011-06-15'
const COGNITO_TARGET_PREFIX = 'AWSCognitoIdentityService.'
const DEFAULT_MARGIN_SECONDS = 300
const DEFAULT_REFRESH_RETRY_DELAY = 1000
const DEFAULT_REFRESH_MAX_RETRY_DELAY = 60_000

function isValidAt(credentials: TemporaryCredentials, time: number): boolean {
  return credentials.expiration === undefined || credentials.expiration.getTime() > time
}

// When to start refreshing credentials fetched at `fetchedAt`: `margin` before they expire, or halfway through
// their remaining life when that is shorter than twice the margin. Never for credentials without expiration.
function refreshTime(credentials: TemporaryCredentials, fetchedAt: number, margin: number): number {
  if (credentials.expiration === undefined) return Infinity
  const expiresAt = credentials.expiration.getTime()
  return expiresAt - Math.min(margin, (expiresAt - fetchedAt) / 2)
}

/**
 * Caches a provider's credentials and refreshes them `marginSeconds` (default 300) before `expiration`
 * (halfway through their life when they live shorter than twice the margin). Single flight: concurrent
 * callers during a refresh share one provider call. When a refresh fails while the cached credentials are
 * still valid, callers keep getting those, and the refresh is tried again after a backoff (1 s, doubling, at
 * most 60 s). Once they have expired, a failed refresh rejects its callers and the next call tries again:
 * expired credentials are never returned. Credentials without `expiration` are kept for good.
 *
 * @example
 * const credentials = refreshing(async () => (await fetch('/api/aws-credentials')).json().then((c) => ({ ...c, expiration: new Date(c.expiration) })))
 */
export function refreshing(provider: CredentialProvider, options: RefreshingOptions = {}): CredentialProvider {
  const {
    marginSeconds = DEFAULT_MARGIN_SECONDS,
    retryDelay = DEFAULT_REFRESH_RETRY_DELAY,
    maxRetryDelay = DEFAULT_REFRESH_MAX_RETRY_DELAY,
    now = Date.now,
  } = options
  for (const [name, value] of Object.entries({ marginSeconds, retryDelay, maxRetryDelay }))
    if (typeof value !== 'number' || !(value >= 0) || value === Infinity)
      fail('ERR_INVALID_OPTION', `Set options.${name} of refreshing() to a non-negative number, or leave it out`)
  const margin = marginSeconds * 1000
  let current: TemporaryCredentials | undefined
  let refreshAt = 0
  let failures = 0
  let pending: Promise<TemporaryCredentials> | undefined

  const refresh = async (): Promise<TemporaryCredentials> => {
    try {
      const credentials = await provider()
      const fetchedAt = now()
      if (!isValidAt(credentials, fetchedAt))
        fail('ERR_CREDENTIALS_EXPIRED', 'The credentials provider returned expired credentials')
      current = credentials
      refreshAt = refreshTime(credentials, fetchedAt, margin)
      failures = 0
      return credentials
    } catch (error) {
      const failedAt = now()
      if (!current || !isValidAt(current, failedAt)) throw error
      // The cached credentials are still good: keep serving them, and try again after a backoff.
      refreshAt = failedAt + Math.min(maxRetryDelay, retryDelay * 2 ** failures)
      failures++
      return current
    }
  }

  return async () => {
    if (current && now() < refreshAt && isValidAt(current, now())) return current
    pending ??= refresh().finally(() => {
      pending = undefined
    })
    return pending
  }
}

/**
 * Temporary credentials of a Cognito Identity pool identity (unauthenticated, or authenticated with `logins`,
 * e.g. `{ 'accounts.google.com': idToken }`): GetId once per provider (the identity id is kept for the session),
 * then GetCredentialsForIdentity, both unsigned. Cached and refreshed (see `refreshing`).
 *
 * @example
 * const client = new AwsClient({ credentials: fromCognitoIdentityPool({ identityPoolId: 'us-east-1:1234abcd-...' }), region: 'us-east-1' })
 */
export function fromCognitoIdentityPool(options: CognitoIdentityPoolOptions): CredentialProvider {
  const { identityPoolId, logins, endpoint, fetch: send = fetch } = options
  const region = options.region ?? identityPoolId.split(':')[0]
  let identityId: string | undefined
  const call = async (action: string, body: object): Promise<Record<string, unknown>> => {
    const request = new Request(endpoint ?? `https://cognito-identity.${region}.amazonaws.com/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': COGNITO_TARGET_PREFIX + action },
      body: JSON.stringify({ ...body, Logins: logins }),
    })
    return jsonObject(await okText(await send(request)))
  }
  // `refreshing` makes this single flight, so GetId runs once even when many sign at the start.
  return refreshing(async () => {
    if (identityId === undefined) {
      const { IdentityId } = await call('GetId', { IdentityPoolId: identityPoolId })
      if (typeof IdentityId !== 'string')
        fail('ERR_CREDENTIALS_PROVIDER', 'Cognito answered GetId without an IdentityId: check the endpoint')
      identityId = IdentityId
    }
    const { Credentials: credentials } = await call('GetCredentialsForIdentity', { IdentityId: identityId })
    const { AccessKeyId, SecretKey, SessionToken, Expiration } = (credentials ?? {}) as Record<string, unknown>
    if (
      typeof AccessKeyId !== 'string' ||
      typeof SecretKey !== 'string' ||
      typeof SessionToken !== 'string' ||
      typeof Expiration !== 'number'
    )
      fail('ERR_CREDENTIALS_PROVIDER', 'Cognito answered GetCredentialsForIdentity without credentials')
    return {
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretKey,
      sessionToken: SessionToken,
      // Cognito sends seconds since the epoch.
      expiration: new Date(Expiration * 1000),
    }
  }, options.refresh)
}

// One STS query action; the credentials are in its XML answer.
async function sts(
  options: ProviderOptions,
  params: Record<string, string | number | undefined>,
  client?: AwsClient,
): Promise<TemporaryCredentials> {
  const form = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined) form.set(name, String(value))
  form.set('Version', STS_VERSION)
  const init = { method: 'POST', body: form }
  const url = options.endpoint ?? `https://sts${options.region ? '.' + options.region : ''}.amazonaws.com/`
  const xml = await okText(await (client ? client.fetch(url, init) : (options.fetch ?? fetch)(new Request(url, init))))
  const accessKeyId = xmlText(xml, 'AccessKeyId')
  const secretAccessKey = xmlText(xml, 'SecretAccessKey')
  const sessionToken = xmlText(xml, 'SessionToken')
  const expiration = xmlText(xml, 'Expiration')
  if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration)
    fail('ERR_CREDENTIALS_PROVIDER', `STS answered ${params.Action} without credentials: check the endpoint`)
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) }
}

/**
 * Credentials of an IAM role for an OpenID Connect token (STS AssumeRoleWithWebIdentity, unsigned). The token
 * may be a function, called at each refresh. Cached and refreshed (see `refreshing`).
 *
 * @example
 * declare function getIdToken(): Promise<string> // your sign-in's OpenID Connect id token
 * const credentials = fromWebIdentity({ roleArn: 'arn:aws:iam::123456789012:role/web', webIdentityToken: getIdToken })
 */
export function fromWebIdentity(options: WebIdentityOptions): CredentialProvider {
  const { roleArn, webIdentityToken, roleSessionName = 'webcrypto-sigv4', durationSeconds } = options
  return refreshing(
    async () =>
      sts(options, {
        Action: 'AssumeRoleWithWebIdentity',
        RoleArn: roleArn,
        RoleSessionName: roleSessionName,
        WebIdentityToken: typeof webIdentityToken === 'function' ? await webIdentityToken() : webIdentityToken,
        DurationSeconds: durationSeconds,
      }),
    options.refresh,
  )
}

/**
 * Credentials of an IAM role, from STS AssumeRole signed with base credentials (retried like `AwsClient.fetch`):
 * e.g. a Worker that holds long-term keys and hands out short-lived, narrowed (`policy`) credentials.
 * Cached and refreshed (see `refreshing`).
 *
 * @example
 * const credentials = assumeRole({
 *   credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
 *   roleArn: 'arn:aws:iam::123456789012:role/uploader',
 *   roleSessionName: 'upload',
 *   durationSeconds: 900,
 * })
 * const { accessKeyId, secretAccessKey, sessionToken, expiration } = await credentials()
 */
export function assumeRole(options: AssumeRoleOptions): CredentialProvider {
  const { credentials, roleArn, roleSessionName, policy, durationSeconds } = options
  const client = new AwsClient({
    credentials,
    region: options.region ?? 'us-east-1',
    service: 'sts',
    fetch: options.fetch,
  })
  return refreshing(
    () =>
      sts(
        options,
        {
          Action: 'AssumeRole',
          RoleArn: roleArn,
          RoleSessionName: roleSessionName,
          Policy: typeof policy === 'object' ? JSON.stringify(policy) : policy,
          DurationSeconds: durationSeconds,
        },
        client,
      ),
    options.refresh,
  )
}
