// The signing pipeline, in the order of the SigV4 documentation: payload hash, authentication values, canonical
// request, string to sign, signature, then the Authorization header (`signHeaders`) or the presigned query
// (`presignQuery`). The two are separate straight-line paths; the steps they share are the functions below them.
import {
  canonicalHeaders,
  canonicalPath,
  canonicalQuery,
  canonicalRequest,
  queryPairs,
  stringToSign as formatStringToSign,
  type CanonicalHeaders,
} from './canonical.js'
import {
  ALGORITHM_PARAM,
  AUTHORIZATION_HEADER,
  CONTENT_SHA256_HEADER,
  CREDENTIAL_PARAM,
  DATE_HEADER,
  DATE_PARAM,
  EMPTY_SHA256,
  EXPIRES_PARAM,
  REGION_SET_PARAM,
  SCOPE_TERMINATOR,
  SECURITY_TOKEN_HEADER,
  SECURITY_TOKEN_PARAM,
  SHA256_HEX,
  SIGNATURE_PARAM,
  SIGNED_HEADERS_PARAM,
  SIGV4_ALGORITHM,
  UNSIGNED_PAYLOAD,
} from './constants.js'
import { isBytes, toHex, uriDecode, uriEncode } from './encoding.js'
import { fail } from './errors.js'
import { checkPayloadHash, type ResolvedOptions, type ResolvedPresignOptions } from './options.js'
import { isUnsignedHeader, type ServiceRules } from './rules.js'
import { signingKey, type Credentials } from './signing-key.js'
import type { CheckedParts, RequestParts, SignatureContext, SignedParts, SigningAlgorithm } from './types.js'
import { hmac, sha256Hex } from './webcrypto.js'

/**
 * SigV4: HMAC-SHA256 with the derived signing key.
 *
 * @example
 * import { resolveOptions } from './options.js'
 * import { checkParts } from './parts.js'
 * const parts = checkParts({ method: 'GET', host: 'sts.amazonaws.com', path: '/', query: 'Action=GetCallerIdentity' })
 * const resolved = await resolveOptions({ credentials, region: 'us-east-1' }, parts.host, parts.path)
 * const signed = await signHeaders(parts, resolved, SIGV4)
 */
export const SIGV4: SigningAlgorithm = {
  name: SIGV4_ALGORITHM,
  scope: (date, region, service) => [date, region, service, SCOPE_TERMINATOR].join('/'),
  params: [],
  signature: async (stringToSign, { credentials, date, region, service }) =>
    toHex(await hmac(await signingKey(credentials, date, region, service), stringToSign)),
}

/**
 * Signs checked request parts into the Authorization header.
 *
 * @example
 * import { resolveOptions } from './options.js'
 * const parts = { method: 'GET', host: 'sts.amazonaws.com', path: '/', query: '', headers: [] }
 * const signed = await signHeaders(parts, await resolveOptions({ credentials }, parts.host, parts.path), SIGV4)
 */
export async function signHeaders(
  parts: CheckedParts,
  resolved: ResolvedOptions,
  algorithm: SigningAlgorithm,
): Promise<SignedParts> {
  const context = signingContext(resolved, algorithm)
  const { credentials, amzDate, rules, scope } = context
  const payloadHash = await payloadHashOf(parts, context, resolved.unsignedPayload)

  // Authentication values, as lower-case headers.
  const added: Array<[string, string]> = [[DATE_HEADER, amzDate]]
  // A literal payload hash (UNSIGNED-PAYLOAD, STREAMING-...) cannot be recomputed from the body: the service must
  // be told.
  if (rules.signContentSha256 || !SHA256_HEX.test(payloadHash)) added.push([CONTENT_SHA256_HEADER, payloadHash])
  for (const [name, value] of algorithm.params) added.push([name.toLowerCase(), value])
  const token = sessionTokenOf(credentials)
  const signsToken = token !== undefined && rules.signSessionToken
  if (signsToken) added.push([SECURITY_TOKEN_HEADER, token])

  // The `checksum` option (header-options.ts): x-amz-checksum-<algorithm>, a signed header.
  added.push(...resolved.checksum)

  // What signing sets replaces the caller's header of the same name; a token header goes whenever there is a token.
  const isReplaced = (name: string): boolean =>
    name === 'host' ||
    name === AUTHORIZATION_HEADER ||
    (name === SECURITY_TOKEN_HEADER && token !== undefined) ||
    added.some(([addedName]) => addedName === name)
  const kept = parts.headers.filter(([name]) => !isReplaced(name.toLowerCase()))

  const headerList = canonicalHeaders([['host', parts.host], ...signable(kept), ...added])
  const signing = await signCanonicalRequest(
    parts,
    canonicalQuery(queryPairs(parts.query)),
    headerList,
    payloadHash,
    context,
    algorithm,
  )

  const headers = [...kept, ...added]
  // The token goes on after signing when the service wants it unsigned (IoT's device gateway).
  if (token !== undefined && !signsToken) headers.push([SECURITY_TOKEN_HEADER, token])
  const authorization =
    `${algorithm.name} Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${headerList.signedHeaders}, Signature=${signing.signature}`
  headers.push([AUTHORIZATION_HEADER, authorization])
  return {
    method: parts.method,
    host: parts.host,
    path: parts.path,
    query: parts.query,
    headers,
    ...signing,
  }
}

/** Query parameters a presigned URL gets from signing: a query that already holds one was presigned before. */
const AUTH_PARAMETERS = [
  ALGORITHM_PARAM,
  CREDENTIAL_PARAM,
  DATE_PARAM,
  EXPIRES_PARAM,
  SIGNED_HEADERS_PARAM,
  SECURITY_TOKEN_PARAM,
  SIGNATURE_PARAM,
  REGION_SET_PARAM,
]

/** Whether a wire query parameter name is one of AUTH_PARAMETERS, in any case or percent-encoding. */
function isAuthParameter(name: string): boolean {
  const decoded = uriDecode(name).toLowerCase()
  return AUTH_PARAMETERS.some((parameter) => parameter.toLowerCase() === decoded)
}

/**
 * Signs checked request parts into the query (a presigned URL valid for `expiresIn` seconds).
 *
 * @example
 * import { resolvePresignOptions } from './options.js'
 * import { checkParts } from './parts.js'
 * const parts = checkParts({ method: 'GET', host: 'sts.amazonaws.com', path: '/', query: 'Action=GetCallerIdentity' })
 * const resolved = await resolvePresignOptions({ credentials, region: 'us-east-1' }, parts.host, parts.path)
 * const signed = await presignQuery(parts, resolved, SIGV4)
 * const url = `https://${signed.host}${signed.path}?${signed.query}`
 */
export async function presignQuery(
  parts: CheckedParts,
  resolved: ResolvedPresignOptions,
  algorithm: SigningAlgorithm,
): Promise<SignedParts> {
  const pairs = queryPairs(parts.query)
  // AWS would read the first of two X-Amz-Expires (or Signature, ...): a smuggled one must not ride along.
  if (pairs.some(([name]) => isAuthParameter(name))) {
    fail('ERR_INVALID_REQUEST', 'The query is presigned already: remove its X-Amz-* parameters')
  }
  const context = signingContext(resolved, algorithm)
  const { credentials, amzDate, rules, scope } = context
  // The body of a presigned request is not known when the URL is made: S3 takes UNSIGNED-PAYLOAD.
  const payloadHash = await payloadHashOf(parts, context, resolved.unsignedPayload || rules.unsignedPayloads)

  const kept = parts.headers.filter(([name]) => !/^(host|authorization)$/i.test(name))
  const headerList = canonicalHeaders([['host', parts.host], ...signable(kept)])

  // Authentication values, as query parameters.
  const params: Array<[string, string]> = [
    [ALGORITHM_PARAM, algorithm.name],
    [CREDENTIAL_PARAM, `${credentials.accessKeyId}/${scope}`],
    [DATE_PARAM, amzDate],
    [EXPIRES_PARAM, String(resolved.expiresIn)],
    ...algorithm.params,
  ]
  // The `checksum` option (header-options.ts): signed into the URL, so S3 refuses other bytes.
  params.push(...resolved.checksum)
  params.push([SIGNED_HEADERS_PARAM, headerList.signedHeaders])
  // The token after X-Amz-SignedHeaders, as botocore writes it: a database token is then the CLI's, byte for byte.
  const token = sessionTokenOf(credentials)
  const signsToken = token !== undefined && rules.signSessionToken
  if (signsToken) params.push([SECURITY_TOKEN_PARAM, token])
  const encoded = params.map(([name, value]): [string, string] => [
    name,
    name === SECURITY_TOKEN_PARAM ? encodedSessionToken(credentials, value) : uriEncode(value),
  ])

  const signing = await signCanonicalRequest(
    parts,
    canonicalQuery([...pairs, ...encoded]),
    headerList,
    payloadHash,
    context,
    algorithm,
  )

  // The token goes on after signing when the service wants it unsigned (IoT's device gateway).
  if (token !== undefined && !signsToken) encoded.push([SECURITY_TOKEN_PARAM, encodedSessionToken(credentials, token)])
  encoded.push([SIGNATURE_PARAM, signing.signature])
  const authQuery = encoded.map(([name, value]) => `${name}=${value}`).join('&')
  return {
    method: parts.method,
    host: parts.host,
    path: parts.path,
    query: parts.query === '' ? authQuery : `${parts.query}&${authQuery}`,
    headers: kept,
    ...signing,
  }
}

/** What every step of one signature needs: the resolved options, the date and the credential scope. */
interface SigningContext extends ResolvedOptions, SignatureContext {
  scope: string
}

function signingContext(resolved: ResolvedOptions, algorithm: SigningAlgorithm): SigningContext {
  const date = resolved.amzDate.slice(0, 8)
  return { ...resolved, date, scope: algorithm.scope(date, resolved.region, resolved.service) }
}

/** An empty session token means none (environment variables often hold an empty AWS_SESSION_TOKEN). */
function sessionTokenOf(credentials: Credentials): string | undefined {
  return credentials.sessionToken || undefined
}

/**
 * The session token URI-encoded for a presigned query, kept per credentials object while its token stays the same:
 * an STS token is about a kilobyte, and encoding it is a tenth of a warm presign. Keyed by the object, so nothing
 * outlives it.
 */
const encodedTokens = new WeakMap<Credentials, [token: string, encoded: string]>()

function encodedSessionToken(credentials: Credentials, token: string): string {
  let memo = encodedTokens.get(credentials)
  if (memo === undefined || memo[0] !== token) {
    memo = [token, uriEncode(token)]
    encodedTokens.set(credentials, memo)
  }
  return memo[1]
}

/** Headers that go into the signature: those proxies and browsers leave alone. */
function signable(headers: Array<[string, string]>): Array<[string, string]> {
  return headers.filter(([name]) => !isUnsignedHeader(name))
}

/**
 * The payload hash: `options.payloadHash`, else UNSIGNED-PAYLOAD when `unsigned`, else the caller's
 * x-amz-content-sha256 header, else the SHA-256 of the body.
 */
async function payloadHashOf(parts: CheckedParts, context: SigningContext, unsigned: boolean): Promise<string> {
  if (context.payloadHash !== undefined) return context.payloadHash
  if (unsigned) return UNSIGNED_PAYLOAD
  const header = parts.headers.find(([name]) => name.toLowerCase() === CONTENT_SHA256_HEADER)
  if (header !== undefined) return checkPayloadHash(header[1].trim(), 'the x-amz-content-sha256 header')
  return bodyHash(parts.body, context.rules)
}

/** The hash of a body; a literal where none needs computing. Not async: a digest's promise is passed on as is. */
function bodyHash(body: RequestParts['body'], rules: ServiceRules): string | Promise<string> {
  if (body instanceof ReadableStream) {
    // A stream cannot be hashed before it is sent; S3 takes it unsigned.
    if (rules.unsignedPayloads) return UNSIGNED_PAYLOAD
    fail('ERR_BODY_NOT_HASHABLE', 'Pass the body as bytes, or set unsignedPayload: a stream cannot be hashed')
  }
  if (body === undefined || body === null) return EMPTY_SHA256
  // An empty body needs no digest.
  if (typeof body === 'string') return body === '' ? EMPTY_SHA256 : sha256Hex(body)
  if (isBytes(body)) return body.byteLength === 0 ? EMPTY_SHA256 : sha256Hex(body)
  fail('ERR_BODY_NOT_HASHABLE', 'Pass the body as a string or bytes, or set unsignedPayload')
}

/** SigV4 tasks 1 to 3: the canonical request of the parts (with the query and headers as signed), its string to
 * sign and the signature, with the signed headers, scope, payload hash and date: every step a SignedParts reports. */
async function signCanonicalRequest(
  parts: CheckedParts,
  query: string,
  headerList: CanonicalHeaders,
  payloadHash: string,
  context: SigningContext,
  algorithm: SigningAlgorithm,
): Promise<Omit<SignedParts, keyof CheckedParts>> {
  const canonical = canonicalRequest(
    parts.method,
    canonicalPath(parts.path, context.rules),
    query,
    headerList.canonicalHeaders,
    headerList.signedHeaders,
    payloadHash,
  )
  const stringToSign = formatStringToSign(algorithm.name, context.amzDate, context.scope, await sha256Hex(canonical))
  return {
    canonicalRequest: canonical,
    stringToSign,
    signature: await algorithm.signature(stringToSign, context),
    signedHeaders: headerList.signedHeaders,
    credentialScope: context.scope,
    payloadHash,
    amzDate: context.amzDate,
  }
}
