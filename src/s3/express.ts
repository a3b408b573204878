// S3 Express One Zone session auth: CreateSession on the directory bucket trades the caller's IAM credentials for
// 5-minute session credentials, and requests to the bucket are signed with those (signing name `s3express`), with
// the session token in `x-amz-s3session-token` (header) or `X-Amz-S3session-Token` (query): S3 Express does not
// take the STS `x-amz-security-token`. As botocore's S3ExpressAuth / S3ExpressQueryAuth do.
import { AwsError } from '../client/aws-error.js'
import { xmlText } from '../core/xml.js'
import { S3_SESSION_TOKEN_HEADER, S3_SESSION_TOKEN_PARAM, SECURITY_TOKEN_HEADER } from '../core/constants.js'
import { refreshing, type TemporaryCredentials } from '../client/credentials.js'
import { fail } from '../core/errors.js'
import {
  isRecord,
  type Credentials,
  type CredentialsInput,
  type PresignOptions,
  type SignOptions,
} from '../core/options.js'
import { presign } from '../core/presign.js'
import { headersOf, type RequestLike } from '../core/request.js'
import { s3ExpressZone } from '../core/rules.js'
import { sign } from '../core/sign.js'

/** Signing name of S3 Express One Zone (the zonal endpoints and CreateSession). */
const SIGNING_NAME = 's3express'
/** Sessions last 5 minutes; refresh this long before the end, so no request is signed with a dying session. */
const DEFAULT_MARGIN_SECONDS = 60

/** What `fromS3ExpressSession` needs. */
export interface S3ExpressSessionOptions {
  /** The directory bucket, `<base>--<zone id>--x-s3`. */
  bucket: string
  /** IAM credentials allowed to call `s3express:CreateSession` on the bucket (or a provider of them). */
  credentials: CredentialsInput
  /** The bucket's region, e.g. `us-east-1`. */
  region: string
  /**
   * `ReadWrite` or `ReadOnly` sessions.
   * @default 'ReadWrite'
   */
  sessionMode?: 'ReadWrite' | 'ReadOnly'
  /**
   * The bucket URL CreateSession goes to.
   * @default the zonal endpoint `https://<bucket>.s3express-<zone id>.<region>.amazonaws.com`
   */
  endpoint?: string
  /**
   * Refresh the session this many seconds before it expires, 0..299 (sessions last 300 seconds).
   * @default 60
   */
  marginSeconds?: number
  /**
   * The fetch that sends CreateSession.
   * @default globalThis.fetch
   */
  fetch?: (request: Request) => Promise<Response>
  /**
   * The clock, in milliseconds (tests).
   * @default Date.now
   */
  now?: () => number
}

/** A session on one directory bucket: signs and presigns with its cached session credentials. */
export interface S3ExpressSession {
  /** The zonal endpoint of the bucket, e.g. `https://logs--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com`. */
  readonly endpoint: string
  /** The current session credentials (CreateSession when none are cached or they are about to expire). */
  credentials(): Promise<TemporaryCredentials>
  /** `sign` with the session: adds and signs `x-amz-s3session-token`. */
  sign(input: Request | RequestLike, options?: Partial<SignOptions>): Promise<Request>
  /** `presign` with the session: signs `X-Amz-S3session-Token` into the query. The URL works while the session
   * does (sessions last 5 minutes), whatever `expiresIn` says. */
  presign(input: string | URL, options?: Partial<PresignOptions>): Promise<URL>
}

/** The session's keys without the token, which goes in the S3 Express header or parameter instead. */
const keysOf = ({ accessKeyId, secretAccessKey }: Credentials): Credentials => ({ accessKeyId, secretAccessKey })

/** A Request, or the parts of one, with the session token header set (and the STS one dropped). */
function withSessionToken(input: Request | RequestLike, token: string): Request | RequestLike {
  if (!isRecord(input)) fail('ERR_INVALID_REQUEST', 'Pass a Request or { url, ... }')
  const headers = headersOf(input.headers)
  // S3 Express refuses the STS token header.
  headers.delete(SECURITY_TOKEN_HEADER)
  headers.set(S3_SESSION_TOKEN_HEADER, token)
  return input instanceof Request ? new Request(input, { headers }) : { ...input, headers }
}

/**
 * A session on an S3 Express One Zone directory bucket: calls CreateSession with `credentials`, caches the session
 * credentials (they last 5 minutes) and refreshes them `marginSeconds` ahead, one CreateSession at a time however
 * many requests are signed at once. Its `sign` and `presign` sign with the session, `x-amz-s3session-token` in
 * the header or the query, as S3 Express wants (never `x-amz-security-token`).
 *
 * @example
 * const session = fromS3ExpressSession({ bucket: 'logs--use1-az4--x-s3', credentials, region: 'us-east-1' })
 * const body = '2025-01-15T10:00:00Z GET /index.html 200\n'
 * await fetch(await session.sign({ method: 'PUT', url: `${session.endpoint}/2025/01/app.log`, body }))
 * const url = await session.presign(`${session.endpoint}/2025/01/app.log`, { expiresIn: 300 })
 */
export function fromS3ExpressSession(options: S3ExpressSessionOptions): S3ExpressSession {
  const { bucket, credentials, region, sessionMode = 'ReadWrite', fetch: send = fetch, now = Date.now } = options
  const zone = typeof bucket === 'string' ? s3ExpressZone(bucket) : undefined
  if (!zone) fail('ERR_INVALID_OPTION', 'Set bucket to an S3 Express directory bucket name, <base>--<zone id>--x-s3')
  if (typeof region !== 'string' || !/^[a-z0-9-]+$/.test(region))
    fail('ERR_INVALID_OPTION', "Set region to the bucket's region, e.g. us-east-1")
  if (sessionMode !== 'ReadWrite' && sessionMode !== 'ReadOnly')
    fail('ERR_INVALID_OPTION', 'Set sessionMode to ReadWrite or ReadOnly')
  const marginSeconds = options.marginSeconds ?? DEFAULT_MARGIN_SECONDS
  if (!Number.isFinite(marginSeconds) || marginSeconds < 0 || marginSeconds >= 300)
    fail('ERR_INVALID_OPTION', 'Set marginSeconds to 0..299 (sessions last 300 seconds)')
  const endpoint = (options.endpoint ?? `https://${bucket}.s3express-${zone}.${region}.amazonaws.com`).replace(
    /\/$/,
    '',
  )
  const scope = { region, service: SIGNING_NAME }

  async function createSession(): Promise<TemporaryCredentials> {
    const request = await sign(
      { method: 'GET', url: `${endpoint}/?session`, headers: { 'x-amz-create-session-mode': sessionMode } },
      { credentials, ...scope },
    )
    const response = await send(request)
    if (!response.ok) throw await AwsError.from(response)
    const xml = await response.text()
    const field = (name: string) =>
      xmlText(xml, name) ??
      fail('ERR_CREDENTIALS_PROVIDER', `CreateSession answered without ${name}: is ${endpoint} S3 Express?`)
    const expiration = new Date(field('Expiration'))
    if (Number.isNaN(+expiration)) fail('ERR_CREDENTIALS_PROVIDER', 'CreateSession answered an unreadable Expiration')
    return {
      accessKeyId: field('AccessKeyId'),
      secretAccessKey: field('SecretAccessKey'),
      sessionToken: field('SessionToken'),
      expiration,
    }
  }

  const session = refreshing(createSession, { marginSeconds, now })

  return {
    endpoint,
    credentials: session,
    async sign(input, signOptions = {}) {
      const current = await session()
      return sign(withSessionToken(input, current.sessionToken!), {
        ...signOptions,
        ...scope,
        credentials: keysOf(current),
      })
    },
    async presign(input, presignOptions = {}) {
      const current = await session()
      const url = new URL(input)
      url.searchParams.delete(S3_SESSION_TOKEN_PARAM)
      url.searchParams.append(S3_SESSION_TOKEN_PARAM, current.sessionToken!)
      return presign(url, { ...presignOptions, ...scope, credentials: keysOf(current) })
    },
  }
}
