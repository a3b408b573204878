// The demo's Cloudflare Worker: keeps long-term AWS keys as secrets and hands browsers short-lived credentials
// from STS AssumeRole, narrowed by a session policy to writing one Kinesis stream. It also serves the built page.
// No backend sits in the data path: the browser signs and sends PutRecord itself.
import { AwsError } from '../src/client.js'
import { assumeRole } from '../src/credentials.js'

/** Bindings: vars from wrangler.toml (or `--var`), secrets from `.dev.vars` / `wrangler secret put`. */
export interface Env {
  /** Secret: the long-term access key id of an IAM user allowed to assume ROLE_ARN. */
  AWS_ACCESS_KEY_ID?: string
  /** Secret: its secret access key. Never leaves the Worker. */
  AWS_SECRET_ACCESS_KEY?: string
  /** Region of the stream and of STS, e.g. `eu-west-1`. */
  AWS_REGION?: string
  /** The role the page's credentials come from. */
  ROLE_ARN?: string
  /** The one stream the credentials may write. */
  STREAM_NAME?: string
  /** Comma-separated origins allowed to ask for credentials, e.g. `https://demo.example.com,http://localhost:5173`. */
  ALLOWED_ORIGINS?: string
  /** STS endpoint; default `https://sts.<region>.amazonaws.com`. */
  STS_ENDPOINT?: string
  /** Kinesis endpoint the page should use (shown by GET /config); default `https://kinesis.<region>.amazonaws.com`. */
  KINESIS_ENDPOINT?: string
  /** AWS account of the stream, for the ARN in the session policy; default: the account in ROLE_ARN. */
  STREAM_ACCOUNT_ID?: string
  /** `"true"` also allows GetShardIterator/GetRecords on the stream, so the page can read its records back. */
  ALLOW_READ_BACK?: string
  /** Lifetime of the handed-out credentials, 900..43200 seconds (default 900). */
  DURATION_SECONDS?: string
  /** Static assets (the built page), bound by `[assets]` in wrangler.toml. */
  ASSETS?: { fetch(request: Request): Promise<Response> }
}

/** What POST /credentials returns. */
export interface CredentialsResponse {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  /** ISO-8601 */
  expiration: string
}

const JSON_TYPE = 'application/json; charset=utf-8'

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname !== '/credentials' && url.pathname !== '/config') {
      return env.ASSETS ? env.ASSETS.fetch(request) : new Response('Not found', { status: 404 })
    }
    const origin = request.headers.get('origin')
    const allowed = origin !== null && allowedOrigins(env, url).includes(origin)
    if (!allowed) {
      // No CORS headers: the browser keeps the answer from the page.
      return json(403, {
        error: 'origin_not_allowed',
        message: origin
          ? `The origin ${origin} may not ask for credentials: add it to ALLOWED_ORIGINS in wrangler.toml`
          : 'Requests without an Origin header are refused: ask from a page whose origin is in ALLOWED_ORIGINS',
      })
    }
    const cors = corsHeaders(origin)
    if (request.method === 'OPTIONS') {
      cors.set('access-control-allow-methods', 'GET, POST, OPTIONS')
      cors.set('access-control-allow-headers', request.headers.get('access-control-request-headers') ?? 'content-type')
      cors.set('access-control-max-age', '600')
      return new Response(null, { status: 204, headers: cors })
    }
    if (url.pathname === '/config') {
      if (request.method !== 'GET') return json(405, { error: 'method_not_allowed', message: 'Use GET /config' }, cors)
      const region = env.AWS_REGION ?? ''
      return json(
        200,
        {
          region,
          streamName: env.STREAM_NAME ?? '',
          kinesisEndpoint: kinesisEndpoint(env),
          readBack: env.ALLOW_READ_BACK === 'true',
        },
        cors,
      )
    }
    if (request.method !== 'POST')
      return json(405, { error: 'method_not_allowed', message: 'Use POST /credentials' }, cors)
    const missing = (
      ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'ROLE_ARN', 'STREAM_NAME'] as const
    ).filter((name) => !env[name])
    if (missing.length) {
      return json(
        500,
        {
          error: 'worker_misconfigured',
          message: `The Worker lacks ${missing.join(', ')}: set keys with \`wrangler secret put\` (or .dev.vars locally) and the rest under [vars] in wrangler.toml`,
        },
        cors,
      )
    }
    try {
      return json(200, await assumeRoleFor(env), cors)
    } catch (error) {
      if (error instanceof AwsError) {
        const message = `STS refused AssumeRole (${error.code}): ${error.message}`
        return json(
          502,
          { error: 'sts_error', code: error.code, status: error.status, message, requestId: error.requestId },
          cors,
        )
      }
      return json(
        502,
        {
          error: 'sts_unreachable',
          message: `STS could not be reached at ${stsEndpoint(env)}: ${(error as Error).message}`,
        },
        cors,
      )
    }
  },
}

/**
 * The session policy: the intersection of it and the role's own policy is all the credentials can do.
 *
 * @example
 * sessionPolicy({ AWS_REGION: 'eu-west-1', ROLE_ARN: 'arn:aws:iam::123456789012:role/writer', STREAM_NAME: 'events' })
 * // { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: 'arn:aws:kinesis:eu-west-1:123456789012:stream/events' }] }
 */
export function sessionPolicy(env: Env): {
  Version: string
  Statement: Array<{ Effect: 'Allow'; Action: string[]; Resource: string }>
} {
  const account = env.STREAM_ACCOUNT_ID ?? /^arn:[\w-]+:iam::(\d{12}):/.exec(env.ROLE_ARN ?? '')?.[1] ?? '*'
  const partition = /^arn:([\w-]+):/.exec(env.ROLE_ARN ?? '')?.[1] ?? 'aws'
  const actions = ['kinesis:PutRecord', 'kinesis:PutRecords']
  if (env.ALLOW_READ_BACK === 'true') actions.push('kinesis:GetShardIterator', 'kinesis:GetRecords')
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: actions,
        Resource: `arn:${partition}:kinesis:${env.AWS_REGION}:${account}:stream/${env.STREAM_NAME}`,
      },
    ],
  }
}

/** Calls STS AssumeRole (signed by this library with the Worker's long-term keys) for a fresh session. */
async function assumeRoleFor(env: Env): Promise<CredentialsResponse> {
  const duration = Math.min(43200, Math.max(900, Number(env.DURATION_SECONDS) || 900))
  // A new provider per request: every page gets its own session, never a cached one of another visitor.
  const provider = assumeRole({
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    roleArn: env.ROLE_ARN!,
    roleSessionName: `kinesis-demo-${crypto.randomUUID().slice(0, 8)}`,
    policy: sessionPolicy(env),
    durationSeconds: duration,
    region: env.AWS_REGION!,
    endpoint: stsEndpoint(env),
  })
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = await provider()
  if (!sessionToken || !expiration)
    throw new AwsError('STS answered AssumeRole without a session token or expiration', {
      code: 'MalformedResponse',
      status: 502,
    })
  return { accessKeyId, secretAccessKey, sessionToken, expiration: expiration.toISOString() }
}

function stsEndpoint(env: Env): string {
  return env.STS_ENDPOINT || `https://sts.${env.AWS_REGION}.amazonaws.com/`
}

function kinesisEndpoint(env: Env): string {
  return env.KINESIS_ENDPOINT || (env.AWS_REGION ? `https://kinesis.${env.AWS_REGION}.amazonaws.com/` : '')
}

/** The configured origins plus the Worker's own (the page it serves from its assets). */
function allowedOrigins(env: Env, url: URL): string[] {
  const list = (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean)
  return [...list, url.origin]
}

function corsHeaders(origin: string): Headers {
  return new Headers({ 'access-control-allow-origin': origin, vary: 'Origin' })
}

function json(status: number, value: unknown, headers?: Headers): Response {
  const out = new Headers(headers)
  out.set('content-type', JSON_TYPE)
  out.set('cache-control', 'no-store')
  return new Response(JSON.stringify(value), { status, headers: out })
}
