// Credential providers: static keys, Cognito Identity pools, STS (web identity, AssumeRole) and a refreshing cache.
import { AwsError, xmlTag } from './aws-error.js'
import { AwsClient } from './client.js'
import { fail } from './errors.js'
import type { Credentials, CredentialsInput } from './options.js'

/** Credentials with the time they stop working, when they are temporary. */
export interface TemporaryCredentials extends Credentials {
  expiration?: Date
}

/** An async function that returns credentials; pass it as `credentials` to `AwsClient`, `sign` or `presign`. */
export type CredentialProvider = () => Promise<TemporaryCredentials>

/** Where a provider sends its calls: `region`, or a full `endpoint` (e.g. a local test server), and a `fetch`. */
export interface ProviderOptions {
  region?: string
  endpoint?: string
  fetch?: (request: Request) => Promise<Response>
}

/**
 * A provider that always returns the same keys.
 *
 * @example
 * const client = new AwsClient({ credentials: fromStatic({ accessKeyId, secretAccessKey }), region: 'us-east-1' })
 */
export function fromStatic(credentials: Credentials): CredentialProvider {
  return async () => credentials
}

/**
 * Caches a provider's credentials and refreshes them `marginSeconds` (default 300) before `expiration`.
 * Single flight: concurrent callers during a refresh share one provider call. A failed refresh rejects its
 * waiters and the next call tries again; expired credentials are never returned. Credentials without
 * `expiration` are kept for good.
 *
 * @example
 * const credentials = refreshing(async () => (await fetch('/api/aws-credentials')).json().then((c) => ({ ...c, expiration: new Date(c.expiration) })))
 */
export function refreshing(
  provider: CredentialProvider,
  { marginSeconds = 300, now = Date.now }: { marginSeconds?: number; now?: () => number } = {},
): CredentialProvider {
  let current: TemporaryCredentials | undefined
  let pending: Promise<TemporaryCredentials> | undefined
  const validFor = (credentials: TemporaryCredentials, seconds: number) =>
    !credentials.expiration || +credentials.expiration - seconds * 1000 > now()
  return async () =>
    current && validFor(current, marginSeconds)
      ? current
      : (pending ??= provider()
          .then((credentials) => {
            if (!validFor(credentials, 0))
              fail('ERR_CREDENTIALS_EXPIRED', 'The credentials provider returned expired credentials')
            return (current = credentials)
          })
          .finally(() => (pending = undefined)))
}

async function answer(response: Response): Promise<string> {
  if (!response.ok) throw await AwsError.from(response)
  return response.text()
}

/**
 * Temporary credentials of a Cognito Identity pool identity (unauthenticated, or authenticated with `logins`,
 * e.g. `{ 'accounts.google.com': idToken }`): GetId once per provider (the identity id is kept for the session),
 * then GetCredentialsForIdentity, both unsigned. Cached and refreshed (see `refreshing`).
 *
 * @example
 * const client = new AwsClient({ credentials: fromCognitoIdentityPool({ identityPoolId: 'us-east-1:1234abcd-...' }), region: 'us-east-1' })
 */
export function fromCognitoIdentityPool({
  identityPoolId,
  logins,
  region = identityPoolId.split(':')[0],
  endpoint,
  fetch: send = fetch,
}: ProviderOptions & { identityPoolId: string; logins?: Record<string, string> }): CredentialProvider {
  let identityId: string | undefined
  const call = async (action: string, body: object) =>
    JSON.parse(
      await answer(
        await send(
          new Request(endpoint ?? `https://cognito-identity.${region}.amazonaws.com/`, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              'x-amz-target': 'AWSCognitoIdentityService.' + action,
            },
            body: JSON.stringify({ ...body, Logins: logins }),
          }),
        ),
      ),
    )
  // `refreshing` makes this single flight, so GetId runs once even when many sign at the start.
  return refreshing(async () => {
    identityId ??= (await call('GetId', { IdentityPoolId: identityPoolId })).IdentityId as string
    const { Credentials: credentials } = await call('GetCredentialsForIdentity', { IdentityId: identityId })
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretKey,
      sessionToken: credentials.SessionToken,
      expiration: new Date(credentials.Expiration * 1000),
    }
  })
}

// One STS query action; the credentials are in its XML answer.
async function sts(
  options: ProviderOptions,
  params: Record<string, unknown>,
  client?: AwsClient,
): Promise<TemporaryCredentials> {
  const init = {
    method: 'POST',
    // The JSON round trip drops absent parameters; URLSearchParams turns numbers into text.
    body: new URLSearchParams(JSON.parse(JSON.stringify({ ...params, Version: '2011-06-15' }))),
  }
  const url = options.endpoint ?? `https://sts${options.region ? '.' + options.region : ''}.amazonaws.com/`
  const xml = await answer(await (client ? client.fetch(url, init) : (options.fetch ?? fetch)(new Request(url, init))))
  const tag = (name: string) => xmlTag(xml, name)!
  return {
    accessKeyId: tag('AccessKeyId'),
    secretAccessKey: tag('SecretAccessKey'),
    sessionToken: tag('SessionToken'),
    expiration: new Date(tag('Expiration')),
  }
}

/**
 * Credentials of an IAM role for an OpenID Connect token (STS AssumeRoleWithWebIdentity, unsigned). The token
 * may be a function, called at each refresh. Cached and refreshed (see `refreshing`).
 *
 * @example
 * const credentials = fromWebIdentity({ roleArn: 'arn:aws:iam::123456789012:role/web', webIdentityToken: () => getIdToken() })
 */
export function fromWebIdentity({
  roleArn,
  webIdentityToken,
  roleSessionName = 'webcrypto-sigv4',
  durationSeconds,
  ...options
}: ProviderOptions & {
  roleArn: string
  webIdentityToken: string | (() => Promise<string>)
  roleSessionName?: string
  durationSeconds?: number
}): CredentialProvider {
  return refreshing(async () =>
    sts(options, {
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: roleArn,
      RoleSessionName: roleSessionName,
      WebIdentityToken: typeof webIdentityToken === 'function' ? await webIdentityToken() : webIdentityToken,
      DurationSeconds: durationSeconds,
    }),
  )
}

/**
 * Credentials of an IAM role, from STS AssumeRole signed with base credentials (retried like `AwsClient.fetch`):
 * e.g. a Worker that holds long-term keys and hands out short-lived, narrowed (`policy`) credentials.
 * Cached and refreshed (see `refreshing`).
 *
 * @example
 * const credentials = assumeRole({ credentials: { accessKeyId: env.KEY_ID, secretAccessKey: env.SECRET }, roleArn, roleSessionName: 'upload', durationSeconds: 900 })
 * const { accessKeyId, secretAccessKey, sessionToken, expiration } = await credentials()
 */
export function assumeRole({
  credentials,
  roleArn,
  roleSessionName,
  policy,
  durationSeconds,
  ...options
}: ProviderOptions & {
  credentials: CredentialsInput
  roleArn: string
  roleSessionName: string
  policy?: string | object
  durationSeconds?: number
}): CredentialProvider {
  const client = new AwsClient({
    credentials,
    region: options.region ?? 'us-east-1',
    service: 'sts',
    fetch: options.fetch,
  })
  return refreshing(() =>
    sts(
      options,
      {
        Action: 'AssumeRole',
        RoleArn: roleArn,
        RoleSessionName: roleSessionName,
        Policy: typeof policy == 'object' ? JSON.stringify(policy) : policy,
        DurationSeconds: durationSeconds,
      },
      client,
    ),
  )
}
