// The demo's Cloudflare Worker: keeps long-term AWS keys as secrets and hands browsers short-lived credentials
// from STS AssumeRole, narrowed by a session policy to writing one Kinesis stream. It also serves the built page.
// No backend sits in the data path: the browser signs and sends PutRecord itself.
//
// POST /credentials passes four gates, cheapest first: an allowed Origin, the per-client rate limit, a check of
// the visitor (Cloudflare Turnstile, and/or a Cloudflare Access JWT; or an explicit opt-out for the local stack),
// then STS. Callers get a short error code and
// text with a reference; the details (STS codes, ARNs, account ids) go to the Worker's log under that reference.
//
// POST /uploads, /uploads/complete and /uploads/abort (the upload card's "Presigned part URLs" toggle) pass the
// same gates (and count against the same rate limit); the Worker then starts, completes or aborts a multipart
// upload under UPLOAD_PREFIX itself and hands the page only presigned part URLs, never credentials.
import { AwsError } from '../src/client.js'
import { assumeRole } from '../src/credentials.js'
import { abortUpload, completeUpload, presignUpload } from '../src/s3.js'
import { ACCESS_JWT_HEADER, verifyAccessJwt } from './worker/access.js'
import { TURNSTILE_HEADER, verifyTurnstile } from './worker/turnstile.js'
import {
  MAX_UPLOAD_REQUEST_BYTES,
  parseAbort,
  parseComplete,
  parseCreate,
  UploadRequestError,
} from './worker/upload-requests.js'

/** The Workers rate-limiting binding (`[[ratelimits]]` in wrangler.toml). */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>
}

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
  /** Comma-separated origins allowed to ask for credentials besides the Worker's own, e.g. `https://demo.example.com`. */
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
  /** Secret: the Turnstile widget's secret key. When set, POST /credentials needs a valid Turnstile token. */
  TURNSTILE_SECRET?: string
  /** The Turnstile widget's site key (public): GET /config hands it to the page. */
  TURNSTILE_SITE_KEY?: string
  /** Siteverify URL (default Cloudflare's); tests point it at a stand-in. */
  TURNSTILE_SITEVERIFY_URL?: string
  /** Cloudflare Access team domain, e.g. `https://example.cloudflareaccess.com`; with ACCESS_AUD, Access JWTs are checked. */
  ACCESS_TEAM_DOMAIN?: string
  /** The Access application's audience (AUD) tag. */
  ACCESS_AUD?: string
  /**
   * `"true"` hands out credentials with neither Turnstile nor Access configured: only for the local stack
   * (`[env.dev]`). Without a gate and without this the Worker refuses.
   */
  ALLOW_UNGATED_CREDENTIALS?: string
  /** The bucket of the page's "Upload a file" card; unset: no upload card (and no S3 statement in the policy). */
  S3_BUCKET?: string
  /** The key prefix the credentials may write under, e.g. `uploads/` (default). */
  UPLOAD_PREFIX?: string
  /** S3 endpoint the page should use, path-style (GET /config); default `https://s3.<region>.amazonaws.com`. */
  S3_ENDPOINT?: string
  /**
   * S3 endpoint of the presigned-part path (POST /uploads and the part URLs it hands out); default S3_ENDPOINT.
   * Locally a second moto without signature checks (moto answers presigned requests with 500 when checks are on).
   */
  S3_PRESIGN_ENDPOINT?: string
  /** Set by `npm run demo` (`moto` or `kinesalite`): GET /config passes it on so the page shows the local-stack banner. */
  LOCAL_EMULATOR?: string
  /** Per-client limit on POST /credentials and /uploads*, bound by `[[ratelimits]]`. Without it the Worker refuses. */
  CREDENTIALS_RATE_LIMIT?: RateLimiter
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

/** What GET /config returns: public settings the page fills its form with. */
export interface ConfigResponse {
  region: string
  streamName: string
  kinesisEndpoint: string
  readBack: boolean
  /** Set when POST /credentials needs a Turnstile token: the widget's site key. */
  turnstileSiteKey?: string
  /** Set on the local stack: the emulator behind the Kinesis endpoint (`moto`, `kinesalite`). */
  localEmulator?: string
  /** Set when the Worker has a bucket for uploads: where the page may write. */
  upload?: { bucket: string; prefix: string; s3Endpoint: string; presignEndpoint: string }
}

/**
 * What POST /uploads returns: the upload, its key, the part size and one presigned PUT URL per part. Part n holds
 * bytes `(n - 1) * partSize` up to `n * partSize` of the file (the last one the rest): its URL signs that length
 * (`size`) as its content-length, so S3 refuses any other.
 */
export interface PresignedUploadResponse {
  uploadId: string
  key: string
  partSize: number
  parts: { partNumber: number; url: string; size: number }[]
}

/** Every error a caller can get: `{ error, message, ref }`, the same short text for every cause of one kind. */
export type WorkerErrorCode =
  /** The Origin header is missing or not allowed (403). */
  | 'origin_not_allowed'
  /** Too many POST /credentials from this client in the current period (429, with Retry-After). */
  | 'rate_limited'
  /** Turnstile is on and the request carried no token, or siteverify refused it (403). */
  | 'turnstile_failed'
  /** Cloudflare Access is on and the request carried no valid Access JWT (403). */
  | 'access_denied'
  /** A secret, a var or a binding is missing: the log names it (500). */
  | 'worker_misconfigured'
  /** STS refused or could not be reached: the log has its code and message (502). */
  | 'sts_error'
  /** Wrong method on /credentials, /uploads* or /config (405). */
  | 'method_not_allowed'
  /** A POST /uploads* body that is not what the route takes: the log says which field (400). */
  | 'bad_request'
  /** POST /uploads* but the Worker has no S3_BUCKET (404). */
  | 'uploads_off'
  /** S3 refused or could not be reached for an upload: the log has its code and message (502). */
  | 's3_error'

const JSON_TYPE = 'application/json; charset=utf-8'
const UPLOAD_PATHS = new Set(['/uploads', '/uploads/complete', '/uploads/abort'])
const API_PATHS = new Set(['/credentials', '/config', ...UPLOAD_PATHS])
const REQUIRED_FOR_CREDENTIALS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'ROLE_ARN',
  'STREAM_NAME',
] as const
/** The rate limit's period (wrangler.toml `simple.period`), told to a limited caller as Retry-After. */
const RATE_LIMIT_PERIOD_SECONDS = 60
const MIN_DURATION_SECONDS = 900
const MAX_DURATION_SECONDS = 43200

const MESSAGES: Record<WorkerErrorCode, string> = {
  origin_not_allowed: 'This origin may not ask for credentials.',
  rate_limited: 'Too many credential requests: wait a minute and try again.',
  turnstile_failed: 'The human check (Turnstile) failed or is missing: reload the page and try again.',
  access_denied: 'Sign in through Cloudflare Access first: open the page from its protected address.',
  worker_misconfigured: 'The Worker is not fully configured: its log says what is missing.',
  sts_error: "Credentials could not be issued right now: the Worker's log has the details.",
  method_not_allowed: 'Use GET /config and POST /credentials or /uploads.',
  bad_request: 'The request body is not what this route takes.',
  uploads_off: 'This Worker has no bucket for uploads.',
  s3_error: "S3 refused the upload request: the Worker's log has the details.",
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    if (!API_PATHS.has(url.pathname)) {
      return env.ASSETS ? env.ASSETS.fetch(request) : new Response('Not found', { status: 404 })
    }
    const origin = request.headers.get('origin')
    const allowed = origin !== null && allowedOrigins(env, url).includes(origin)
    // CORS headers only for allowed origins: for any other the browser keeps the answer from the page.
    const cors = allowed ? corsHeaders(origin) : new Headers()
    if (request.method === 'OPTIONS') {
      if (!allowed) return refuse('origin_not_allowed', 403, cors, { origin })
      cors.set('access-control-allow-methods', 'GET, POST, OPTIONS')
      cors.set('access-control-allow-headers', request.headers.get('access-control-request-headers') ?? 'content-type')
      cors.set('access-control-max-age', '600')
      return new Response(null, { status: 204, headers: cors })
    }
    if (url.pathname === '/config') {
      // Public settings: the page's own same-origin GET carries no Origin header, and needs none.
      if (request.method !== 'GET') return refuse('method_not_allowed', 405, cors)
      return json(200, config(env), cors)
    }
    if (request.method !== 'POST') return refuse('method_not_allowed', 405, cors)
    // Browsers always send Origin on a POST; a caller without one (or with another) is not the page.
    if (!allowed) return refuse('origin_not_allowed', 403, cors, { origin })
    if (UPLOAD_PATHS.has(url.pathname)) return uploads(url.pathname, request, env, cors)
    return credentials(request, env, cors)
  },
}

async function credentials(request: Request, env: Env, cors: Headers): Promise<Response> {
  const refused = await gate(request, env, cors)
  if (refused) return refused
  try {
    return json(200, await assumeRoleFor(env), cors)
  } catch (error) {
    return refuse('sts_error', 502, cors, stsDetail(env, error))
  }
}

/** Seconds each presigned part URL stays valid: the shortest session STS hands out, so the URLs never outlive it. */
const PART_URL_EXPIRES_IN = MIN_DURATION_SECONDS

/**
 * POST /uploads, /uploads/complete, /uploads/abort: the presigned-part path. Behind the same gate as
 * /credentials; the Worker signs with a session from the same AssumeRole (so the session policy's prefix binds
 * these too), and the page gets only URLs, never credentials.
 */
async function uploads(path: string, request: Request, env: Env, cors: Headers): Promise<Response> {
  const refused = await gate(request, env, cors)
  if (refused) return refused
  if (!env.S3_BUCKET) return refuse('uploads_off', 404, cors, { missing: ['S3_BUCKET'] })
  const prefix = uploadPrefix(env)
  let body: unknown
  try {
    const text = await request.text()
    if (text.length > MAX_UPLOAD_REQUEST_BYTES)
      throw new UploadRequestError('body', `longer than ${MAX_UPLOAD_REQUEST_BYTES} bytes`)
    body = JSON.parse(text)
  } catch (error) {
    return refuse('bad_request', 400, cors, { path, reason: (error as Error).message })
  }
  let credentials: CredentialsResponse
  try {
    credentials = await assumeRoleFor(env)
  } catch (error) {
    return refuse('sts_error', 502, cors, stsDetail(env, error))
  }
  const client = { credentials, region: env.AWS_REGION!, service: 's3' }
  const objectUrl = (key: string) =>
    `${presignEndpoint(env).replace(/\/*$/, '/')}${encodeURIComponent(env.S3_BUCKET!)}/${key}`
  try {
    if (path === '/uploads') {
      const wanted = parseCreate(body, prefix, () => crypto.randomUUID().slice(0, 8))
      const presigned = await presignUpload(
        client,
        // size + partSize: each part URL signs its part's content-length, so S3 refuses a longer (or shorter) body:
        // a caller who declared 1 byte cannot store 5 GiB through it.
        { url: objectUrl(wanted.key), size: wanted.size, partSize: wanted.partSize, expiresIn: PART_URL_EXPIRES_IN },
      )
      const answer: PresignedUploadResponse = {
        uploadId: presigned.uploadId,
        key: wanted.key,
        partSize: wanted.partSize,
        // With size, presignUpload gives every part its (signed) length.
        parts: presigned.parts.map(({ partNumber, url, size }) => ({ partNumber, url, size: size! })),
      }
      return json(200, answer, cors)
    }
    if (path === '/uploads/complete') {
      const wanted = parseComplete(body, prefix)
      const done = await completeUpload(client, {
        url: objectUrl(wanted.key),
        uploadId: wanted.uploadId,
        parts: wanted.parts,
      })
      return json(200, { key: wanted.key, etag: done.etag }, cors)
    }
    const wanted = parseAbort(body, prefix)
    await abortUpload(client, { url: objectUrl(wanted.key), uploadId: wanted.uploadId })
    return json(200, { key: wanted.key, aborted: true }, cors)
  } catch (error) {
    if (error instanceof UploadRequestError)
      return refuse('bad_request', 400, cors, { path, field: error.field, reason: error.message })
    const cause = (error as { cause?: unknown }).cause
    return refuse('s3_error', 502, cors, {
      path,
      code: (error as { code?: string }).code,
      message: (error as Error).message,
      ...(cause instanceof AwsError && { s3Code: cause.code, status: cause.status }),
    })
  }
}

function stsDetail(env: Env, error: unknown): object {
  return error instanceof AwsError
    ? { code: error.code, status: error.status, message: error.message, requestId: error.requestId }
    : { endpoint: stsEndpoint(env), message: (error as Error).message }
}

/**
 * The gates in front of everything that uses the Worker's keys (POST /credentials and POST /uploads*), cheapest
 * first: the settings, the rate limit, then Access and/or Turnstile. Returns the refusal, or undefined to go on.
 */
async function gate(request: Request, env: Env, cors: Headers): Promise<Response | undefined> {
  const missing = REQUIRED_FOR_CREDENTIALS.filter((name) => !env[name])
  if (missing.length) return refuse('worker_misconfigured', 500, cors, { missing })
  if (!env.CREDENTIALS_RATE_LIMIT)
    return refuse('worker_misconfigured', 500, cors, { missing: ['[[ratelimits]] CREDENTIALS_RATE_LIMIT'] })
  const client = request.headers.get('cf-connecting-ip') ?? 'unknown-client'
  const { success: underLimit } = await env.CREDENTIALS_RATE_LIMIT.limit({ key: client })
  if (!underLimit) {
    cors.set('retry-after', String(RATE_LIMIT_PERIOD_SECONDS))
    return refuse('rate_limited', 429, cors, { client })
  }
  const accessOn = Boolean(env.ACCESS_TEAM_DOMAIN && env.ACCESS_AUD)
  if (!env.TURNSTILE_SECRET && !accessOn && env.ALLOW_UNGATED_CREDENTIALS !== 'true') {
    return refuse('worker_misconfigured', 500, cors, {
      missing: [
        'a gate: TURNSTILE_SECRET, or ACCESS_TEAM_DOMAIN + ACCESS_AUD (ALLOW_UNGATED_CREDENTIALS only locally)',
      ],
    })
  }
  if (accessOn) {
    const verdict = await verifyAccessJwt(request.headers.get(ACCESS_JWT_HEADER), {
      teamDomain: env.ACCESS_TEAM_DOMAIN!,
      audience: env.ACCESS_AUD!,
    })
    if (!verdict.ok) return refuse('access_denied', 403, cors, { reason: verdict.reason })
  }
  if (env.TURNSTILE_SECRET) {
    const verdict = await verifyTurnstile(request.headers.get(TURNSTILE_HEADER), {
      secret: env.TURNSTILE_SECRET,
      ...(env.TURNSTILE_SITEVERIFY_URL && { url: env.TURNSTILE_SITEVERIFY_URL }),
      remoteIp: client,
    })
    if (!verdict.success) return refuse('turnstile_failed', 403, cors, { errorCodes: verdict.errorCodes })
  }
  return undefined
}

function config(env: Env): ConfigResponse {
  const answer: ConfigResponse = {
    region: env.AWS_REGION ?? '',
    streamName: env.STREAM_NAME ?? '',
    kinesisEndpoint: kinesisEndpoint(env),
    readBack: env.ALLOW_READ_BACK === 'true',
  }
  if (env.TURNSTILE_SECRET && env.TURNSTILE_SITE_KEY) answer.turnstileSiteKey = env.TURNSTILE_SITE_KEY
  if (env.LOCAL_EMULATOR) answer.localEmulator = env.LOCAL_EMULATOR
  if (env.S3_BUCKET)
    answer.upload = {
      bucket: env.S3_BUCKET,
      prefix: uploadPrefix(env),
      s3Endpoint: s3Endpoint(env),
      presignEndpoint: presignEndpoint(env),
    }
  return answer
}

/** The S3 actions a page's upload needs: a single PUT, or a multipart upload it can pause, resume and cancel. */
const UPLOAD_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts']

/**
 * The session policy: the intersection of it and the role's own policy is all the credentials can do. With
 * S3_BUCKET, a second statement allows uploads under UPLOAD_PREFIX of that bucket only.
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
  const statements: Array<{ Effect: 'Allow'; Action: string[]; Resource: string }> = [
    {
      Effect: 'Allow',
      Action: actions,
      Resource: `arn:${partition}:kinesis:${env.AWS_REGION}:${account}:stream/${env.STREAM_NAME}`,
    },
  ]
  if (env.S3_BUCKET)
    statements.push({
      Effect: 'Allow',
      Action: UPLOAD_ACTIONS,
      Resource: `arn:${partition}:s3:::${env.S3_BUCKET}/${uploadPrefix(env)}*`,
    })
  return { Version: '2012-10-17', Statement: statements }
}

/**
 * moto re-encodes a form body before it checks the signature, and writes `*` as `%2A` where the signer (like
 * browsers' URLSearchParams) sends it bare: a policy with `*` would fail its check. In JSON `\u002a` is `*`, so on
 * moto the policy's `*`s are sent that way; AWS gets the plain JSON.
 */
const MOTO_REENCODES_FORM_BODIES = (env: Env) => env.LOCAL_EMULATOR === 'moto'

function policyText(env: Env): string {
  const text = JSON.stringify(sessionPolicy(env))
  return MOTO_REENCODES_FORM_BODIES(env) ? text.replaceAll('*', '\\u002a') : text
}

function uploadPrefix(env: Env): string {
  return env.UPLOAD_PREFIX ?? 'uploads/'
}

function s3Endpoint(env: Env): string {
  return env.S3_ENDPOINT || (env.AWS_REGION ? `https://s3.${env.AWS_REGION}.amazonaws.com/` : '')
}

/** Calls STS AssumeRole (signed by this library with the Worker's long-term keys) for a fresh session. */
async function assumeRoleFor(env: Env): Promise<CredentialsResponse> {
  const requested = Number(env.DURATION_SECONDS) || MIN_DURATION_SECONDS
  const duration = Math.min(MAX_DURATION_SECONDS, Math.max(MIN_DURATION_SECONDS, requested))
  // A new provider per request: every page gets its own session, never a cached one of another visitor.
  const provider = assumeRole({
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    roleArn: env.ROLE_ARN!,
    roleSessionName: `kinesis-demo-${crypto.randomUUID().slice(0, 8)}`,
    policy: policyText(env),
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

function presignEndpoint(env: Env): string {
  return env.S3_PRESIGN_ENDPOINT || s3Endpoint(env)
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

// `date` is exposed: the page corrects its own clock's skew from it (expiry countdown, signing time).
function corsHeaders(origin: string): Headers {
  return new Headers({ 'access-control-allow-origin': origin, 'access-control-expose-headers': 'date', vary: 'Origin' })
}

/**
 * The caller gets the code, its fixed short text and a reference; the log gets the same reference with the
 * details. (Details never include a key or token: only names of missing settings, STS codes and messages.)
 */
function refuse(error: WorkerErrorCode, status: number, headers: Headers, detail: object = {}): Response {
  const ref = crypto.randomUUID()
  console.error(JSON.stringify({ event: 'credentials_refused', error, status, ref, ...detail }))
  return json(status, { error, message: MESSAGES[error], ref }, headers)
}

function json(status: number, value: unknown, headers?: Headers): Response {
  const out = new Headers(headers)
  out.set('content-type', JSON_TYPE)
  out.set('cache-control', 'no-store')
  // The Worker's clock (the edge sets it too; workerd under wrangler dev does not): the page's skew correction.
  if (!out.has('date')) out.set('date', new Date().toUTCString())
  return new Response(JSON.stringify(value), { status, headers: out })
}
