// Server side: checks a SigV4-signed request (Authorization header or presigned query) as it was received,
// recomputing the signature with the same canonicalisation steps the signer uses. The order is fixed: the cheap
// checks of what the request claims, then the key lookup, then the signature, and only then the body.
import {
  canonicalHeaders,
  canonicalPath,
  canonicalQuery,
  canonicalRequest,
  normalizePath,
  stringToSign,
} from '../core/canonical.js'
import {
  CONTENT_SHA256_HEADER,
  DECODED_LENGTH_HEADER,
  EMPTY_SHA256,
  LOWER_CASE_HEADER_NAME,
  SHA256_HEX,
  SIGV4_ALGORITHM,
  STREAMING_PAYLOAD,
  STREAMING_PAYLOAD_TRAILER,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
  TRAILER_HEADER,
  UNSIGNED_PAYLOAD,
} from '../core/constants.js'
import { fromHex, uriDecode, uriEncode } from '../core/encoding.js'
import type { RequestParts } from '../core/types.js'
import { SigV4Error } from '../core/errors.js'
import { serviceRules, type ServiceRules } from '../core/rules.js'
import { signingKey } from '../core/signing-key.js'
import { MAX_TRAILERS, verifiedChunkStream } from './chunked.js'
import { PRESIGN_PARAMS, parseClaim, type Claim } from './claim.js'
import { ownBodyStream, readBody, receivedRequest, type ReceivedRequest } from './input.js'
import { checkVerifyOptions, type CheckedVerifyOptions } from './options.js'
import { encodingProblem, quote, refuse } from './text.js'
import type { VerifyFailure, VerifyOptions, VerifyResult } from './types.js'
import { hmac, sha256Hex } from '../core/webcrypto.js'

const DECIMAL_LENGTH = /^\d{1,16}$/
const UNSIGNED_LITERALS = new Set([UNSIGNED_PAYLOAD, STREAMING_UNSIGNED_PAYLOAD_TRAILER])
const CHUNKED_LITERALS = new Set([STREAMING_PAYLOAD, STREAMING_PAYLOAD_TRAILER])
// SigV4a chunk signatures: an AWS4-HMAC-SHA256 request cannot carry them, and verify does not check ECDSA.
const ECDSA_CHUNKED_LITERALS = new Set([
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
])

/** How the payload hash is known: declared and compared after the signature, recomputed from the body, a literal
 * that leaves the body unchecked, or chunk signatures checked while the app reads. */
type PayloadPlan =
  | { kind: 'declared'; hash: string }
  | { kind: 'recomputed'; tryUnsigned: boolean }
  | { kind: 'unsigned'; literal: string }
  | { kind: 'chunked'; literal: string; decodedLength: number; trailerNames?: string[] }

const accepts = (allowed: readonly string[] | undefined, value: string): boolean =>
  allowed === undefined || allowed.includes(value)

/** Compares two 32-byte signatures in time that does not depend on where they differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < a.length && i < b.length; i++) difference |= a[i]! ^ b[i]!
  return difference === 0
}

function tooLargeByContentLength(input: ReceivedRequest, limit: number): VerifyFailure | undefined {
  const [length] = input.headers.get('content-length') ?? []
  if (length !== undefined && DECIMAL_LENGTH.test(length.trim()) && +length.trim() > limit)
    return refuse('ERR_BODY_TOO_LARGE', `The body (content-length ${length.trim()}) is over maxBodyBytes (${limit})`)
  return undefined
}

function chunkedPlan(
  literal: string,
  claim: Claim,
  input: ReceivedRequest,
  options: CheckedVerifyOptions,
): PayloadPlan | VerifyFailure {
  if (claim.presigned) return refuse('ERR_CHUNKED_PAYLOAD', 'A presigned URL cannot carry a chunk-signed payload')
  const signed = (name: string): string | undefined =>
    claim.signedHeaders.includes(name) && input.headers.get(name)?.length === 1
      ? input.headers.get(name)![0]!.trim()
      : undefined
  const decoded = signed(DECODED_LENGTH_HEADER)
  if (decoded === undefined || !DECIMAL_LENGTH.test(decoded))
    return refuse('ERR_CHUNKED_PAYLOAD', `A chunk-signed payload needs a signed ${DECODED_LENGTH_HEADER} header`)
  if (+decoded > options.maxBodyBytes)
    return refuse(
      'ERR_BODY_TOO_LARGE',
      `The body (${DECODED_LENGTH_HEADER} ${decoded}) is over maxBodyBytes (${options.maxBodyBytes})`,
    )
  if (literal === STREAMING_PAYLOAD) {
    if (input.headers.has(TRAILER_HEADER))
      return refuse('ERR_CHUNKED_PAYLOAD', `${TRAILER_HEADER} needs the payload hash ${STREAMING_PAYLOAD_TRAILER}`)
    return { kind: 'chunked', literal, decodedLength: +decoded }
  }
  const trailer = signed(TRAILER_HEADER)
  const trailerNames = trailer
    ?.split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)
  if (
    !trailerNames?.length ||
    trailerNames.length > MAX_TRAILERS ||
    !trailerNames.every((name) => LOWER_CASE_HEADER_NAME.test(name))
  )
    return refuse(
      'ERR_CHUNKED_PAYLOAD',
      `${STREAMING_PAYLOAD_TRAILER} needs a signed ${TRAILER_HEADER} header naming the trailers`,
    )
  return { kind: 'chunked', literal, decodedLength: +decoded, trailerNames }
}

/** Decides how the payload hash is known, before any secret or body is touched. */
function payloadPlan(
  claim: Claim,
  input: ReceivedRequest,
  rules: ServiceRules,
  options: CheckedVerifyOptions,
): PayloadPlan | VerifyFailure {
  const allowUnsigned = options.allowUnsignedPayload ?? rules.unsignedPayloads
  const values = input.headers.get(CONTENT_SHA256_HEADER)
  if (values && !claim.signedHeaders.includes(CONTENT_SHA256_HEADER))
    return refuse('ERR_INVALID_PAYLOAD_HASH', `The ${CONTENT_SHA256_HEADER} header is sent but not signed`)
  if (!values) {
    const tryUnsigned = claim.presigned && allowUnsigned
    // A presigned S3 upload is checked as UNSIGNED-PAYLOAD without reading its body, whatever its size.
    if (tryUnsigned) return { kind: 'recomputed', tryUnsigned }
    return tooLargeByContentLength(input, options.maxBodyBytes) ?? { kind: 'recomputed', tryUnsigned }
  }
  if (values.length > 1) return refuse('ERR_INVALID_PAYLOAD_HASH', `The ${CONTENT_SHA256_HEADER} header is sent twice`)
  const declared = values[0]!.trim()
  if (SHA256_HEX.test(declared))
    return tooLargeByContentLength(input, options.maxBodyBytes) ?? { kind: 'declared', hash: declared }
  if (UNSIGNED_LITERALS.has(declared)) {
    if (!allowUnsigned)
      return refuse(
        'ERR_UNSIGNED_PAYLOAD',
        `The payload is not signed (${declared}) and unsigned payloads are not accepted for this service: set allowUnsignedPayload to accept them`,
      )
    return { kind: 'unsigned', literal: declared }
  }
  if (CHUNKED_LITERALS.has(declared)) return chunkedPlan(declared, claim, input, options)
  if (ECDSA_CHUNKED_LITERALS.has(declared))
    return refuse('ERR_CHUNKED_PAYLOAD', `SigV4a chunk signatures (${declared}) are not checked by verify`)
  return refuse(
    'ERR_INVALID_PAYLOAD_HASH',
    `${CONTENT_SHA256_HEADER} must be 64 lower-case hex digits or a known literal, not ${quote(declared)}`,
  )
}

/** A query split into its raw `[name, value]` parts, as the wire has them. */
function rawQueryPairs(query: string): Array<[string, string]> {
  return query
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const equals = part.indexOf('=')
      return equals < 0 ? [part, ''] : [part.slice(0, equals), part.slice(equals + 1)]
    })
}

/** Why the query could be read differently from what is signed (strictEncoding), or undefined. */
function queryProblem(pairs: ReadonlyArray<readonly [string, string]>): string | undefined {
  const firstValues = new Map<string, string>()
  for (const [name, value] of pairs) {
    for (const text of [name, value]) {
      // URLSearchParams reads "+" as a space, while SigV4 signs it as a plus.
      if (text.includes('+')) return `a raw "+" in ${quote(text)} (send a space as %20, a plus as %2B)`
      const problem = encodingProblem(text)
      if (problem) return `${problem} in ${quote(text)}`
    }
    const decodedName = uriDecode(name)
    const decodedValue = uriDecode(value)
    const first = firstValues.get(decodedName)
    // The order of parameters is not signed, and URLSearchParams.get returns the first one.
    if (first !== undefined && first !== decodedValue)
      return `the parameter ${quote(decodedName)} more than once with different values`
    firstValues.set(decodedName, decodedValue)
  }
  return undefined
}

/** One way of reading the query for the signature: with the session token signed, or added after signing. */
interface QueryVariant {
  pairs: Array<[string, string]>
  tokenSigned: boolean
}

function queryVariants(claim: Claim, pairs: Array<[string, string]>): QueryVariant[] {
  const tokenSigned = claim.sessionTokenPlace === 'query' || claim.sessionTokenPlace === 'signed-header'
  if (!claim.presigned) return [{ pairs, tokenSigned }]
  const signed = pairs.filter(([name]) => uriDecode(name) !== PRESIGN_PARAMS.signature)
  const variants = [{ pairs: signed, tokenSigned }]
  // A presigned session token may have been added after signing (IoT's device gateway does this).
  if (claim.sessionTokenPlace === 'query')
    variants.push({ pairs: signed.filter(([name]) => uriDecode(name) !== PRESIGN_PARAMS.token), tokenSigned: false })
  return variants
}

const canonicalQueryOf = (pairs: ReadonlyArray<readonly [string, string]>): string =>
  canonicalQuery(pairs.map(([name, value]) => [uriEncode(uriDecode(name)), uriEncode(uriDecode(value))]))

/** The credential scope fits (date, accepted region and service) and the signing time is inside the window. */
function checkScopeAndTime(claim: Claim, options: CheckedVerifyOptions): VerifyFailure | undefined {
  const [date, region, service] = claim.scope
  if (date !== claim.amzDate.slice(0, 8))
    return refuse(
      'ERR_SCOPE',
      `The credential scope date ${quote(date)} is not the signing date ${claim.amzDate.slice(0, 8)}`,
    )
  if (!accepts(options.regions, region)) return refuse('ERR_SCOPE', `The region ${quote(region)} is not accepted here`)
  if (!accepts(options.services, service))
    return refuse('ERR_SCOPE', `The service ${quote(service)} is not accepted here`)

  const { now, maxSkewMs } = options
  const { signedAt } = claim
  if (signedAt - now > maxSkewMs)
    return refuse('ERR_DATE_SKEW', `The request was signed ${Math.round((signedAt - now) / 1000)} s in the future`)
  if (claim.presigned) {
    if (now > signedAt + claim.expires! * 1000)
      return refuse(
        'ERR_EXPIRED',
        `The presigned URL expired ${Math.round((now - signedAt) / 1000 - claim.expires!)} s ago`,
      )
  } else if (now - signedAt > maxSkewMs)
    return refuse('ERR_DATE_SKEW', `The request was signed ${Math.round((now - signedAt) / 1000)} s ago`)
  return undefined
}

/** The canonical header entries of the signed headers, or a refusal when one is missing from the request. */
function signedHeaderEntries(claim: Claim, input: ReceivedRequest): Array<[string, string]> | VerifyFailure {
  const headers: Array<[string, string]> = []
  for (const name of claim.signedHeaders) {
    const values = name === 'host' ? [input.host] : input.headers.get(name)
    if (!values) return refuse('ERR_SIGNATURE_MISMATCH', `The signed header ${quote(name)} is missing from the request`)
    for (const value of values) headers.push([name, value])
  }
  return headers
}

/** The body's SHA-256 (read within maxBodyBytes), with the bytes handed back when verify consumed the caller's stream. */
async function hashedBody(
  input: ReceivedRequest,
  options: CheckedVerifyOptions,
): Promise<{ hash: string; handedBack?: ReadableStream<Uint8Array> } | VerifyFailure> {
  const read = await readBody(input.body, options.maxBodyBytes)
  if (!read.ok)
    return read.tooLarge
      ? refuse('ERR_BODY_TOO_LARGE', `The body is over maxBodyBytes (${options.maxBodyBytes})`)
      : refuse('ERR_MALFORMED_REQUEST', 'The body could not be read', read.cause)
  const hash = read.bytes.length ? await sha256Hex(read.bytes) : EMPTY_SHA256
  const consumed = input.body.kind === 'stream' && input.body.consumed
  return consumed ? { hash, handedBack: new Response(read.bytes).body! } : { hash }
}

async function verifyChecked(request: Request | RequestParts, options: CheckedVerifyOptions): Promise<VerifyResult> {
  const input = receivedRequest(request)
  if ('ok' in input) return input
  const claim = parseClaim(input)
  if ('ok' in claim) return claim
  const [date, region, service] = claim.scope

  const timeProblem = checkScopeAndTime(claim, options)
  if (timeProblem) return timeProblem

  const pairs = rawQueryPairs(input.query)
  if (options.strictEncoding) {
    const pathProblem = encodingProblem(input.path)
    if (pathProblem) return refuse('ERR_PATH_ENCODING', `The path has ${pathProblem}`)
    const problem = queryProblem(pairs)
    if (problem) return refuse('ERR_QUERY_ENCODING', `The query has ${problem}`)
  }

  // The service's rules, with the caller's normalizePath when set: the signer's own canonical path.
  const rules = serviceRules(service, { normalizePath: options.normalizePath })
  const plan = payloadPlan(claim, input, rules, options)
  if ('ok' in plan) return plan

  const headers = signedHeaderEntries(claim, input)
  if ('ok' in headers) return headers
  const { canonicalHeaders: headerBlock, signedHeaders } = canonicalHeaders(headers)
  const signedPath = (rules.normalizePath ? normalizePath(input.path) : input.path) || '/'
  const path = canonicalPath(input.path, rules)
  const variants = queryVariants(claim, pairs)
  // A token outside the signature could be swapped freely: unless accepted here, it never reaches lookupSecret.
  const lateTokenAllowed = options.allowUnsignedSessionToken ?? !rules.signSessionToken
  if (claim.sessionTokenPlace === 'unsigned-header' && !lateTokenAllowed)
    return refuse(
      'ERR_TOKEN_NOT_SIGNED',
      'The x-amz-security-token header is not in SignedHeaders: sign the session token, or set allowUnsignedSessionToken',
    )

  let secret: unknown
  try {
    secret = await options.lookupSecret(claim.accessKeyId, { sessionToken: claim.sessionToken, region, service })
  } catch (cause) {
    return refuse('ERR_LOOKUP_FAILED', 'lookupSecret threw or rejected (see cause): the request is refused', cause)
  }
  if (typeof secret !== 'string' || !secret)
    return refuse('ERR_UNKNOWN_KEY', `The access key id ${quote(claim.accessKeyId)} is not known here`)
  const key = await signingKey({ accessKeyId: claim.accessKeyId, secretAccessKey: secret }, date, region, service)
  const claimed = fromHex(claim.signature)

  /** The first query variant whose signature with this payload hash matches. */
  const matching = async (payloadHash: string): Promise<QueryVariant | undefined> => {
    for (const variant of variants) {
      const canonical = canonicalRequest(
        input.method,
        path,
        canonicalQueryOf(variant.pairs),
        headerBlock,
        signedHeaders,
        payloadHash,
      )
      const text = stringToSign(SIGV4_ALGORITHM, claim.amzDate, claim.scope.join('/'), await sha256Hex(canonical))
      if (sameBytes(new Uint8Array(await hmac(key, text)), claimed)) return variant
    }
    return undefined
  }

  let payloadHash: string
  let match: QueryVariant | undefined
  let body: ReadableStream<Uint8Array> | undefined
  if (plan.kind === 'recomputed') {
    // S3-style presigned URLs sign UNSIGNED-PAYLOAD: try that first, so such a request never has its body read.
    match = plan.tryUnsigned ? await matching(UNSIGNED_PAYLOAD) : undefined
    payloadHash = UNSIGNED_PAYLOAD
    if (!match) {
      const hashed = await hashedBody(input, options)
      if ('ok' in hashed) return hashed
      payloadHash = hashed.hash
      match = await matching(payloadHash)
      body = hashed.handedBack
    }
  } else {
    payloadHash = plan.kind === 'declared' ? plan.hash : plan.literal
    match = await matching(payloadHash)
  }
  if (!match)
    return refuse(
      'ERR_SIGNATURE_MISMATCH',
      'The signature does not match the request: check the secret, and that nothing signed was changed on the way',
    )
  if (claim.sessionToken !== undefined && !match.tokenSigned && !lateTokenAllowed)
    return refuse(
      'ERR_TOKEN_NOT_SIGNED',
      'The presigned X-Amz-Security-Token was added after signing: sign it, or set allowUnsignedSessionToken',
    )

  // The signature holds: only now is the body read (declared hash) or handed on for its chunk checks.
  if (plan.kind === 'declared') {
    const hashed = await hashedBody(input, options)
    if ('ok' in hashed) return hashed
    if (hashed.hash !== plan.hash)
      return refuse('ERR_PAYLOAD_HASH', `The body does not match the signed ${CONTENT_SHA256_HEADER}`)
    body = hashed.handedBack
  }
  if (plan.kind === 'chunked') {
    // The request's own stream, not a copy: its raw (unchecked) bytes stay locked away from the app.
    const source = ownBodyStream(input.body)
    body = verifiedChunkStream(source, {
      key,
      amzDate: claim.amzDate,
      scope: claim.scope.join('/'),
      seedSignature: claim.signature,
      decodedLength: plan.decodedLength,
      trailerNames: plan.trailerNames,
    })
  }

  return {
    ok: true,
    accessKeyId: claim.accessKeyId,
    signedHeaders: claim.signedHeaders,
    region,
    service,
    amzDate: claim.amzDate,
    ...(claim.sessionToken === undefined ? {} : { sessionToken: claim.sessionToken }),
    sessionTokenSigned: match.tokenSigned,
    presigned: claim.presigned,
    payloadHash,
    signature: claim.signature,
    path: signedPath,
    query: match.pairs.map(([name, value]) => [uriDecode(name), uriDecode(value)]),
    ...(body ? { body } : {}),
  }
}

/**
 * Verifies a SigV4-signed request as a server received it: parses the Authorization header (or the presigned
 * query), checks the credential scope, the signing time (within `maxSkew`, 15 minutes by default) and presign
 * expiry, looks up the secret, recomputes the signature from the request and compares in constant time; then
 * checks the body against the signed payload hash (at most `maxBodyBytes`, read from a clone). Never throws for a
 * request, whatever its size or shape: returns `{ ok: false, code, message }`. Invalid options throw a
 * `SigV4Error` (`ERR_INVALID_OPTION`) at the call. Read the app's inputs from the result (`path`, `query`, `body`).
 *
 * @example
 * // A Cloudflare Worker (also Deno.serve, Bun.serve, Node with a Request)
 * interface Env {
 *   KEYS: { get(accessKeyId: string): Promise<string | null> } // a KV namespace: secret by access key id
 * }
 * export default {
 *   async fetch(request: Request, env: Env) {
 *     const result = await verify(request, { lookupSecret: (id) => env.KEYS.get(id), service: 'execute-api' })
 *     if (!result.ok) return new Response(result.code, { status: 403 })
 *     return new Response(`hello ${result.accessKeyId}`)
 *   },
 * }
 */
export function verify(request: Request | RequestParts, options: VerifyOptions): Promise<VerifyResult> {
  let checked: CheckedVerifyOptions
  try {
    checked = checkVerifyOptions(options)
  } catch (error) {
    if (error instanceof SigV4Error) throw error
    throw new SigV4Error('ERR_INVALID_OPTION', 'verify: the options could not be read', error)
  }
  return verifyChecked(request, checked).catch((error: unknown) =>
    refuse('ERR_INTERNAL', 'verify failed inside (see cause): the request is refused', error),
  )
}
