// AWS (and Worker, and browser) errors in plain words: what happened, in which component, and what to do.
import { COMPONENT_NAMES, type Component } from './errors.js'
import { RECORD_LIMIT_BYTES } from './records.js'

/** An explanation shown to the user. */
export interface Explanation {
  /** One line: what went wrong. */
  title: string
  /** What to do. */
  hint: string
  /** The original code, e.g. `SignatureDoesNotMatch`, for searching the AWS docs. */
  code: string
  /** The original message, with anything that looks like a secret removed. */
  detail: string
}

interface ErrorLike {
  name?: string
  code?: string
  error?: string
  status?: number
  message?: string
  cause?: unknown
  /** Set by UnreachableError: which component did not answer, and where. */
  component?: Component
  url?: string
}

// What to check when a component cannot be reached at all.
const UNREACHABLE_HINTS: Record<Component, string> = {
  worker:
    'Check the Worker URL field, and that the Worker runs (npm run demo, or wrangler deploy). A Worker on another origin must list this page in ALLOWED_ORIGINS.',
  cognito:
    "Check the network and the identity pool id's region: the page calls cognito-identity.<region>.amazonaws.com.",
  kinesis:
    'Check the endpoint address. If it is right, the server may not answer CORS preflight requests (real AWS Kinesis does; a local emulator may need a CORS front).',
  s3: "Check the bucket's S3 endpoint (GET /config names it). If it is right, the bucket's CORS rules may not allow this page's origin.",
  siteverify: 'The Turnstile script could not load: check that challenges.cloudflare.com is reachable.',
}

type Rule = [RegExp, string, string]

// Matched against the error's code (AWS `__type`/`<Code>`, Worker `error`, SigV4Error `code`, or the name).
const RULES: Rule[] = [
  [
    /^ERR_UPLOAD_ETAG_HIDDEN$/,
    "The bucket's CORS rules do not let this page read the ETag of each part.",
    'Add "ExposeHeaders": ["ETag"] to the bucket\'s CORS rule (the error detail shows the whole rule), then upload again.',
  ],
  [
    /^NoSuchBucket$/,
    'The bucket does not exist at this S3 endpoint.',
    "Check the Worker's S3_BUCKET and S3_ENDPOINT (GET /config shows them) and the region.",
  ],
  [
    /^(SignatureDoesNotMatch|InvalidSignatureException)$/,
    'AWS computed a different signature than this page did.',
    'The secret access key does not belong to the access key id (check pasted credentials), or a proxy changed the request (Host header, body) on the way.',
  ],
  [
    /^IncompleteSignature(Exception)?$/,
    'The request was missing part of its signature.',
    'A proxy may have stripped the Authorization or x-amz-* headers: send the request straight to the endpoint.',
  ],
  [
    /^(UnrecognizedClientException|InvalidClientTokenId|InvalidAccessKeyId|InvalidToken)$/,
    'AWS does not recognise these credentials.',
    'The access key id is unknown here, or its session token is missing or belongs to other keys. Fetch fresh credentials (temporary keys need their session token).',
  ],
  [
    /^(ExpiredToken(Exception)?|TokenRefreshRequired)$/,
    'The temporary credentials have expired.',
    'Get new ones: press "Get credentials" (the Worker and Cognito sources refresh by themselves before expiry).',
  ],
  [
    /^(RequestExpired|SignatureExpired|InvalidSignatureException:Signature expired)$/,
    "The request's signing time is too far from AWS's clock.",
    "Correct this device's clock (AWS accepts 5 minutes of difference), then send again.",
  ],
  [
    /^(AccessDenied(Exception)?|UnauthorizedOperation|AuthorizationError)$/,
    'The credentials are valid but not allowed to do this.',
    "The Worker's session policy allows only PutRecord/PutRecords (and reading back, when enabled) on one stream: check the stream name and region, and the role's policy.",
  ],
  [
    /^ResourceNotFoundException$/,
    'The stream does not exist here.',
    'Check the stream name, the region and the endpoint: streams live in one region of one account.',
  ],
  [
    /^ResourceInUseException$/,
    'The stream is busy (being created, updated or deleted).',
    'Wait until it is ACTIVE, then send again.',
  ],
  [
    /^(ProvisionedThroughputExceededException|ThrottlingException|LimitExceededException|KMSThrottlingException)$/,
    'AWS is throttling: too much, too fast for this stream.',
    'Send smaller batches or wait a moment; add shards (or use on-demand mode) for more throughput.',
  ],
  [
    /^(ValidationException|InvalidArgumentException|SerializationException)$/,
    'AWS refused the request as malformed.',
    'Check the fields: partition keys are 1-256 characters, a record is at most 1 MiB, a batch at most 500 records.',
  ],
  [
    /^(KMS\w*Exception)$/,
    'The stream is encrypted and its KMS key refused the request.',
    "Give the role kms:GenerateDataKey on the stream's key, or check that the key is enabled.",
  ],
  [
    /^origin_not_allowed$/,
    'The Worker refused to hand credentials to this page.',
    "Add this page's origin to ALLOWED_ORIGINS in wrangler.toml (or --var), then restart the Worker.",
  ],
  [
    /^rate_limited$/,
    'The Worker limits how often one client may ask for credentials.',
    'Wait a minute, then press "Get credentials" again (credentials last 15 minutes and refresh by themselves).',
  ],
  [
    /^turnstile_failed$/,
    "The Worker's human check (Turnstile) did not pass.",
    'Reload the page and try again; browser extensions that block challenges.cloudflare.com stop it.',
  ],
  [
    /^access_denied$/,
    'Cloudflare Access did not let this request through to the Worker.',
    "Open the page from its Access-protected address and sign in; the Worker checks Access's token itself.",
  ],
  [
    /^worker_misconfigured$/,
    'The Worker is missing part of its configuration.',
    'Its log names what (npx wrangler tail, or the wrangler dev output): keys with `wrangler secret put`, vars and the rate limit in wrangler.toml.',
  ],
  [
    /^sts_error$/,
    'The Worker could not get credentials from STS.',
    "Its log has STS's code and message under the reference below (npx wrangler tail): often the role's trust policy, or STS_ENDPOINT.",
  ],
  [
    /^worker_error$/,
    'The Worker URL did not answer like the demo Worker.',
    'Check the Worker URL field: it should be the address `npm run demo` or `wrangler deploy` printed.',
  ],
  [
    /^NotAuthorizedException$/,
    'Cognito refused to hand out guest credentials.',
    'Enable "guest access" (unauthenticated identities) on the identity pool and give its unauthenticated role kinesis:PutRecord(s).',
  ],
  [
    /^(ERR_CRYPTO_UNAVAILABLE)$/,
    'This page cannot sign: WebCrypto is unavailable.',
    'Open it over https:// (or http://localhost): browsers only offer crypto.subtle in secure contexts.',
  ],
  [
    /^ERR_RECORD_TOO_LARGE$/,
    'The record is larger than Kinesis allows.',
    `Kinesis takes at most ${RECORD_LIMIT_BYTES / 1024 / 1024} MiB per record (data plus partition key): shorten it or split it in several records.`,
  ],
  [
    /^PastedCredentialsExpired$/,
    'The pasted credentials have expired.',
    'Paste fresh ones (e.g. from `aws sts assume-role`): the page never signs with expired credentials.',
  ],
  [
    /^PastedCredentialsInvalid$/,
    'The pasted text holds no credentials this page can use.',
    'Paste the JSON output of `aws sts assume-role` (or get-session-token), or AWS_ACCESS_KEY_ID=… / AWS_SECRET_ACCESS_KEY=… / AWS_SESSION_TOKEN=… lines.',
  ],
  [
    /^TurnstileUnavailable$/,
    'The human check (Turnstile) could not start: its script did not load, so the Worker hands out no credentials.',
    'Something blocks challenges.cloudflare.com (an ad or script blocker, a firewall, no network): allow it, then reload the page.',
  ],
  [
    /^Cancelled$/,
    'Cancelled: the page stopped waiting for the answer.',
    'Nothing more is sent for this action. A request already received may still be carried out by the server.',
  ],
  [/^ERR_\w+$/, 'The request could not be signed.', 'Check the region, the endpoint and the credentials fields.'],
  [
    /^(TypeError|NetworkError|Failed to fetch)$/,
    'The browser could not reach the endpoint.',
    'Check the endpoint address. If it is right, the server may not answer CORS preflight requests (real AWS Kinesis does; a local emulator may need a CORS front).',
  ],
]

const SECRET =
  /(secretAccessKey|SecretAccessKey|sessionToken|SessionToken|X-Amz-Security-Token|x-amz-security-token)(["':= ]+)[^"'&,\s]+/g

/**
 * Removes anything that looks like a secret key or session token from a text before it is shown or logged.
 *
 * @example
 * redact('{"secretAccessKey":"abc"}') // '{"secretAccessKey":"…"}'
 */
export function redact(text: string): string {
  return text.replace(SECRET, '$1$2…')
}

/**
 * Explains an error in plain words.
 *
 * @example
 * explain({ code: 'SignatureDoesNotMatch', status: 403, message: 'The request signature we calculated does not match…' })
 * // { title: 'AWS computed a different signature than this page did.', hint: 'The secret access key …', code: 'SignatureDoesNotMatch', … }
 */
export function explain(error: unknown): Explanation {
  const value = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike
  // A component that did not answer at all, wherever the library wrapped it.
  const unreachable = causes(value).find((entry) => entry.code === 'Unreachable' && entry.component)
  if (unreachable?.component) {
    const cause = (unreachable.cause as ErrorLike | undefined)?.message
    return {
      title: `The browser could not reach ${COMPONENT_NAMES[unreachable.component]}${unreachable.url ? ` at ${unreachable.url}` : ''}.`,
      hint: UNREACHABLE_HINTS[unreachable.component],
      code: `Unreachable · ${unreachable.component}`,
      detail: redact(cause ? `${unreachable.message ?? ''}: ${cause}` : (unreachable.message ?? '')),
    }
  }
  // A component that accepted the request but sent no answer in time.
  const timedOut = causes(value).find((entry) => entry.code === 'TimedOut' && entry.component)
  if (timedOut?.component) return explainTimeout(timedOut)
  // The page's own errors travel inside the library's (a provider's error becomes a SigV4Error's cause).
  const own = causes(value).find((entry) => entry.code !== undefined && PAGE_CODES.has(entry.code))
  if (own) return explainOne(own)
  // A credentials provider that failed while a request was being signed (PutRecord before "Get credentials"):
  // the provider's own error is the explanation, not the signing.
  const provider = causes(value).find((entry) => entry.code === 'ERR_CREDENTIALS_PROVIDER' && entry.cause)
  if (provider) {
    const inner = explain(provider.cause)
    return { ...inner, title: `Getting credentials failed: ${lowerFirst(inner.title)}` }
  }
  return explainOne(value)
}

// Codes the page itself raises: explained even when the library wrapped them.
const PAGE_CODES = new Set([
  'PastedCredentialsExpired',
  'PastedCredentialsInvalid',
  'TurnstileUnavailable',
  'Cancelled',
])

interface TimedOutLike extends ErrorLike {
  ms?: number
  operation?: string
}

function explainTimeout(error: TimedOutLike): Explanation {
  const component = error.component!
  const seconds = Math.round((error.ms ?? 0) / 1000)
  const what = component === 's3' ? 'S3' : COMPONENT_NAMES[component]
  return {
    title: `${capitalise(what)} did not answer${error.operation ? ` ${error.operation}` : ''} within ${seconds} s${error.url ? ` (${error.url})` : ''}.`,
    hint:
      component === 'worker'
        ? 'The Worker (or the STS it asks for credentials) accepted the connection but sent nothing back: it may be stopped or overloaded. Try again in a moment.'
        : `It accepted the connection but sent nothing back: the server may be stopped, hung or overloaded. Try again once it answers.`,
    code: `TimedOut · ${component}`,
    detail: redact(error.message ?? ''),
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

// "The Worker limits…" → "the Worker limits…"; "AWS does not…" stays.
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text
}

/**
 * Explains a failed upload, its title starting with the part that failed: "S3 unreachable", "S3 refused",
 * "Credentials" or "Signing" (the hint says what Resume and Discard do where it matters).
 *
 * @example
 * explainUpload(error).title // 'S3 unreachable: S3 did not answer PUT /bucket/key within 60 s (http://127.0.0.1:4566).'
 */
export function explainUpload(error: unknown): Explanation {
  const value = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike
  const chain = causes(value)
  const provider = chain.find((entry) => entry.code === 'ERR_CREDENTIALS_PROVIDER')
  if (provider) {
    const inner = explain(provider.cause ?? provider)
    return { ...inner, title: `Credentials: no credentials to sign the upload with — ${lowerFirst(inner.title)}` }
  }
  const timedOut = chain.find((entry) => entry.code === 'TimedOut' && entry.component === 's3')
  if (timedOut) {
    const inner = explainTimeout(timedOut)
    return { ...inner, title: `S3 unreachable: ${inner.title}` }
  }
  const unreachable = chain.find((entry) => entry.code === 'Unreachable' && entry.component === 's3')
  if (unreachable) {
    const inner = explain(unreachable)
    return { ...inner, title: `S3 unreachable: ${lowerFirst(inner.title)}` }
  }
  const answer = chain.find((entry) => typeof entry.status === 'number' && entry.status >= 400)
  if (answer) {
    const status = answer.status!
    const bare = /^Http\d+$/.test(answer.code ?? '')
    // A gateway's own answer (no S3 error code): the proxy or load balancer in front of S3 could not reach it.
    if (bare && (status === 502 || status === 503 || status === 504))
      return {
        title: `S3 unreachable: the gateway in front of it answered ${status} (it could not reach S3).`,
        hint: 'The S3 server behind the endpoint is down or restarting. Try again once it answers.',
        code: `${answer.code} · s3`,
        detail: redact(answer.message ?? ''),
      }
    const inner = explainOne(answer)
    return { ...inner, title: `S3 refused the request (${status} ${answer.code ?? ''}): ${lowerFirst(inner.title)}` }
  }
  const code = chain
    .map((entry) => entry.code ?? '')
    .find((entry) => /^ERR_/.test(entry) && !/^ERR_UPLOAD_/.test(entry))
  if (code) {
    const inner = explainOne({ ...value, code })
    return { ...inner, title: `Signing: ${lowerFirst(inner.title)}` }
  }
  return explain(error)
}

function explainOne(value: ErrorLike): Explanation {
  const message = value.message ?? ''
  // A Worker error names its own kind (`error`) and, for STS failures, the STS code (`code`).
  let code = value.error ?? value.code ?? value.name ?? 'Error'
  const shown = [value.error, value.code].filter(Boolean).join(' · ') || code
  // fetch() rejects with a TypeError whose wording differs per browser.
  if (value.name === 'TypeError' && /fetch|network|load failed/i.test(message)) code = 'TypeError'
  if (/Signature expired/i.test(message)) code = 'SignatureExpired'
  for (const [pattern, title, hint] of RULES) {
    if (pattern.test(code)) return { title, hint, code: shown, detail: redact(message) }
  }
  const status = value.status
  if (status && status >= 500)
    return {
      title: 'The service had a problem.',
      hint: 'Send again in a moment.',
      code: shown,
      detail: redact(message),
    }
  return { title: 'Something went wrong.', hint: 'See the details below.', code: shown, detail: redact(message) }
}

// The error and its causes, outermost first (at most 5 deep).
function causes(error: ErrorLike): ErrorLike[] {
  const chain: ErrorLike[] = []
  let current: unknown = error
  while (typeof current === 'object' && current !== null && chain.length < 5) {
    chain.push(current)
    current = (current as ErrorLike).cause
  }
  return chain
}

/**
 * The nodes that show an explanation in an error box: its title, what to do, and the code with the (redacted)
 * detail cut at `detailLength` characters.
 *
 * @example
 * box.replaceChildren(...explanationNodes(document, explain(error), 400))
 */
export function explanationNodes(doc: Document, explained: Explanation, detailLength: number): HTMLElement[] {
  const title = doc.createElement('strong')
  title.textContent = explained.title
  const hint = doc.createElement('p')
  hint.textContent = explained.hint
  const detail = doc.createElement('p')
  detail.className = 'mono small'
  detail.textContent = `${explained.code}${explained.detail ? ': ' + explained.detail.slice(0, detailLength) : ''}`
  return [title, hint, detail]
}
