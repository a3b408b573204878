// Server side: checks a SigV4-signed request (Authorization header or presigned query) as it was received,
// recomputing the signature with the same canonicalisation steps the signer uses.
import {
  canonicalHeaders,
  canonicalPath,
  canonicalQuery,
  canonicalRequest,
  queryPairs,
  stringToSign,
} from './canonical.js'
import { uriDecode } from './encoding.js'
import { EMPTY_SHA256, type RequestParts } from './engine.js'
import { serviceRules } from './rules.js'
import { signingKey } from './signing-key.js'
import { fromHex, hmac, sha256Hex, type Bytes } from './webcrypto.js'

/** Why a request was refused. Match on these codes, never on the message. */
export type VerifyErrorCode =
  /** Neither an Authorization header nor a presigned query. */
  | 'ERR_NO_AUTH'
  /** The Authorization header or presigned query is truncated, garbled or uses another algorithm. */
  | 'ERR_MALFORMED_AUTH'
  /** The credential scope's date, region, service or terminator does not fit. */
  | 'ERR_SCOPE'
  /** The signing time is too far from now (`maxSkew`), or a presigned URL is not valid yet. */
  | 'ERR_DATE_SKEW'
  /** The presigned URL's `X-Amz-Expires` has passed. */
  | 'ERR_EXPIRED'
  /** `lookupSecret` knows no secret for the access key id. */
  | 'ERR_UNKNOWN_KEY'
  /** The body does not match the signed `x-amz-content-sha256`. */
  | 'ERR_PAYLOAD_HASH'
  /** The payload is unsigned (`UNSIGNED-PAYLOAD`, `STREAMING-...`) and `allowUnsignedPayload` is false. */
  | 'ERR_UNSIGNED_PAYLOAD'
  /** The recomputed signature differs: something signed was changed, or the secret is wrong. */
  | 'ERR_SIGNATURE_MISMATCH'

/** Options of `verify`. */
export interface VerifyOptions {
  /** The secret access key of an access key id, or undefined/null when unknown. May be async (a KV or DB lookup). */
  lookupSecret: (
    accessKeyId: string,
    context: { sessionToken?: string; region: string; service: string },
  ) => string | null | undefined | Promise<string | null | undefined>
  /** The current time (default: the clock). */
  now?: Date | number
  /** Largest accepted distance between the signing time and now, in seconds (default 900, 15 minutes). */
  maxSkew?: number
  /** Accepted region(s) of the credential scope (default: any). */
  region?: string | readonly string[]
  /** Accepted service signing name(s) of the credential scope (default: any). */
  service?: string | readonly string[]
  /** Resolve `.`/`..` in the path before checking (default: the service's rule, off for S3). */
  normalizePath?: boolean
  /** Accept `UNSIGNED-PAYLOAD` and `STREAMING-*` payload hashes (default true). Chunk signatures are not checked here. */
  allowUnsignedPayload?: boolean
}

/** A verified request. */
export interface VerifySuccess {
  ok: true
  accessKeyId: string
  /** Lower-case names of the headers the signature covers. */
  signedHeaders: string[]
  region: string
  service: string
  /** The signing time, `YYYYMMDDTHHMMSSZ`. */
  amzDate: string
  sessionToken?: string
  /** True for a presigned URL (query authentication). */
  presigned: boolean
  /** The payload hash that was signed (a hex SHA-256, `UNSIGNED-PAYLOAD`, `STREAMING-...`). */
  payloadHash: string
  /** The request's signature: the seed for chunk or event-stream signatures that follow. */
  signature: string
}

/** A refused request, with a typed reason. */
export interface VerifyFailure {
  ok: false
  code: VerifyErrorCode
  /** What is wrong, for logs; never contains a secret. Do not send the details to untrusted clients. */
  message: string
}

export type VerifyResult = VerifySuccess | VerifyFailure

const ALGORITHM = 'AWS4-HMAC-SHA256'
const AMZ_DATE = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/
const HEX_SIGNATURE = /^[0-9a-f]{64}$/
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/

const refuse = (code: VerifyErrorCode, message: string): VerifyFailure => ({ ok: false, code, message })

/** What the Authorization header or presigned query says. */
interface Claim {
  presigned: boolean
  accessKeyId: string
  scope: string[]
  signedHeaders: string[]
  signature: string
  amzDate: string
  expires?: number
  sessionToken?: string
}

/** The request as received, in one shape whatever was passed. */
interface Received {
  method: string
  host: string
  path: string
  query: string
  headers: Array<[string, string]>
  body: () => Promise<RequestParts['body']>
}

function received(input: Request | RequestParts): Received {
  if (input instanceof Request) {
    const url = new URL(input.url)
    const headers = [...input.headers]
    return {
      method: input.method,
      host: input.headers.get('host') ?? url.host,
      path: url.pathname,
      query: url.search.slice(1),
      headers,
      // Read from a clone so the handler can still read the body afterwards.
      body: async () => (input.body && !/^(GET|HEAD)$/.test(input.method) ? input.clone().arrayBuffer() : null),
    }
  }
  const headers = [...(input.headers ?? [])].map(([name, value]): [string, string] => [name, value])
  const host = headers.find(([name]) => name.toLowerCase() === 'host')?.[1] ?? input.host
  return {
    method: input.method,
    host,
    path: input.path,
    query: input.query ?? '',
    headers,
    body: async () => input.body ?? null,
  }
}

function rawQueryValues(query: string): Map<string, string[]> {
  const values = new Map<string, string[]>()
  for (const part of query.split('&')) {
    if (!part) continue
    const equals = part.indexOf('=')
    const key = uriDecode(equals < 0 ? part : part.slice(0, equals))
    const list = values.get(key) ?? []
    list.push(equals < 0 ? '' : uriDecode(part.slice(equals + 1)))
    values.set(key, list)
  }
  return values
}

function headerValues(headers: Array<[string, string]>, name: string): string[] {
  return headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value)
}

/** Reads the claim from the presigned query, or else from the Authorization header. */
function parseClaim(request: Received): Claim | VerifyFailure {
  const query = rawQueryValues(request.query)
  const one = (name: string): string | undefined => (query.get(name)?.length === 1 ? query.get(name)![0] : undefined)
  let claim: Omit<Claim, 'scope' | 'accessKeyId' | 'signedHeaders'> & { credential?: string; signedHeaders?: string }
  if (query.has('X-Amz-Signature') || query.has('X-Amz-Algorithm') || query.has('X-Amz-Credential')) {
    if (one('X-Amz-Algorithm') !== ALGORITHM)
      return refuse('ERR_MALFORMED_AUTH', `X-Amz-Algorithm must be ${ALGORITHM}`)
    const expires = one('X-Amz-Expires')
    if (!expires || !/^\d{1,6}$/.test(expires) || +expires < 1 || +expires > 604800)
      return refuse('ERR_MALFORMED_AUTH', 'X-Amz-Expires must be a number of seconds from 1 to 604800')
    claim = {
      presigned: true,
      credential: one('X-Amz-Credential'),
      signedHeaders: one('X-Amz-SignedHeaders'),
      signature: one('X-Amz-Signature') ?? '',
      amzDate: one('X-Amz-Date') ?? '',
      expires: +expires,
      sessionToken: one('X-Amz-Security-Token'),
    }
  } else {
    const authorization = headerValues(request.headers, 'authorization')
    if (!authorization.length) return refuse('ERR_NO_AUTH', 'No Authorization header and no presigned query')
    if (authorization.length > 1) return refuse('ERR_MALFORMED_AUTH', 'More than one Authorization header')
    const header = authorization[0]!.trim()
    if (!header.startsWith(ALGORITHM + ' '))
      return refuse('ERR_MALFORMED_AUTH', `The Authorization header must start with "${ALGORITHM} "`)
    const fields = new Map<string, string>()
    for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
      const match = /^\s*(Credential|SignedHeaders|Signature)=([^\s,]+)\s*$/.exec(part)
      if (!match || fields.has(match[1]!))
        return refuse(
          'ERR_MALFORMED_AUTH',
          'The Authorization header must be "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."',
        )
      fields.set(match[1]!, match[2]!)
    }
    const dateHeader = headerValues(request.headers, 'x-amz-date')
    const httpDate = headerValues(request.headers, 'date')
    claim = {
      presigned: false,
      credential: fields.get('Credential'),
      signedHeaders: fields.get('SignedHeaders'),
      signature: fields.get('Signature') ?? '',
      amzDate:
        dateHeader.length === 1
          ? dateHeader[0]!.trim()
          : httpDate.length === 1 && !dateHeader.length
            ? toAmzDate(httpDate[0]!)
            : '',
      sessionToken: headerValues(request.headers, 'x-amz-security-token')[0],
    }
  }
  const { credential, signedHeaders } = claim
  if (!credential || !signedHeaders)
    return refuse('ERR_MALFORMED_AUTH', 'The credential or the signed-header list is missing')
  if (!HEX_SIGNATURE.test(claim.signature))
    return refuse('ERR_MALFORMED_AUTH', 'The signature must be 64 lower-case hex characters')
  if (!AMZ_DATE.test(claim.amzDate))
    return refuse(
      'ERR_MALFORMED_AUTH',
      'The signing time is missing or not in the form YYYYMMDDTHHMMSSZ (x-amz-date / X-Amz-Date)',
    )
  const parts = credential.split('/')
  if (parts.length !== 5 || parts.some((part) => !part))
    return refuse('ERR_MALFORMED_AUTH', 'The credential must be <access key id>/<date>/<region>/<service>/aws4_request')
  const names = signedHeaders.split(';')
  if (!names.every((name) => HEADER_NAME.test(name)))
    return refuse('ERR_MALFORMED_AUTH', 'Signed header names must be lower-case and separated by ";"')
  if (!names.includes('host')) return refuse('ERR_MALFORMED_AUTH', 'The host header must be signed')
  if (!claim.presigned && !names.includes(headerValues(request.headers, 'x-amz-date').length ? 'x-amz-date' : 'date')) {
    return refuse('ERR_MALFORMED_AUTH', 'The header carrying the signing time (x-amz-date or date) must be signed')
  }
  return { ...claim, accessKeyId: parts[0]!, scope: parts.slice(1), signedHeaders: names }
}

/** An HTTP date (`Date` header) as `YYYYMMDDTHHMMSSZ`, or '' when it is not one. */
function toAmzDate(httpDate: string): string {
  const time = Date.parse(httpDate)
  return isNaN(time) ? '' : new Date(time).toISOString().replace(/[-:]|\.\d+/g, '')
}

function parseAmzDate(amzDate: string): number {
  const [, year, month, day, hour, minute, second] = AMZ_DATE.exec(amzDate)!
  return Date.UTC(+year!, +month! - 1, +day!, +hour!, +minute!, +second!)
}

const accepts = (allowed: string | readonly string[] | undefined, value: string): boolean =>
  allowed === undefined || (typeof allowed === 'string' ? allowed === value : allowed.includes(value))

/** Compares two 32-byte signatures in time that does not depend on where they differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < a.length && i < b.length; i++) difference |= a[i]! ^ b[i]!
  return difference === 0
}

async function hashBody(body: RequestParts['body']): Promise<string> {
  if (body == null) return EMPTY_SHA256
  if (body instanceof ReadableStream) return sha256Hex(await new Response(body).arrayBuffer())
  return sha256Hex(body as string | Bytes)
}

/**
 * Verifies a SigV4-signed request as a server received it: parses the Authorization header (or the presigned
 * query), checks the credential scope, the signing time (within `maxSkew`, 15 minutes by default) and presign
 * expiry, looks up the secret, recomputes the signature from the request and compares in constant time.
 * Never throws for a bad request: returns `{ ok: false, code, message }`. The body is read from a clone.
 *
 * @example
 * // A Cloudflare Worker (also Deno.serve, Bun.serve, Node with a Request)
 * export default {
 *   async fetch(request, env) {
 *     const result = await verify(request, { lookupSecret: (id) => env.KEYS.get(id), service: 'execute-api' })
 *     if (!result.ok) return new Response(result.code, { status: 403 })
 *     return new Response(`hello ${result.accessKeyId}`)
 *   },
 * }
 */
export async function verify(request: Request | RequestParts, options: VerifyOptions): Promise<VerifyResult> {
  const input = received(request)
  const claim = parseClaim(input)
  if ('ok' in claim) return claim
  const [date, region, service, terminator] = claim.scope as [string, string, string, string]

  if (terminator !== 'aws4_request') return refuse('ERR_SCOPE', 'The credential scope must end with aws4_request')
  if (date !== claim.amzDate.slice(0, 8))
    return refuse('ERR_SCOPE', `The credential scope date ${date} is not the signing date ${claim.amzDate.slice(0, 8)}`)
  if (!accepts(options.region, region)) return refuse('ERR_SCOPE', `The region "${region}" is not accepted here`)
  if (!accepts(options.service, service)) return refuse('ERR_SCOPE', `The service "${service}" is not accepted here`)

  const now = options.now === undefined ? Date.now() : +options.now
  const skew = (options.maxSkew ?? 900) * 1000
  const signedAt = parseAmzDate(claim.amzDate)
  if (signedAt - now > skew)
    return refuse('ERR_DATE_SKEW', `The request was signed ${Math.round((signedAt - now) / 1000)} s in the future`)
  if (claim.presigned) {
    if (now > signedAt + claim.expires! * 1000)
      return refuse(
        'ERR_EXPIRED',
        `The presigned URL expired ${Math.round((now - signedAt) / 1000 - claim.expires!)} s ago`,
      )
  } else if (now - signedAt > skew)
    return refuse('ERR_DATE_SKEW', `The request was signed ${Math.round((now - signedAt) / 1000)} s ago`)

  // The payload hash: the signed x-amz-content-sha256 when present, else the body's hash (or, presigned,
  // UNSIGNED-PAYLOAD as S3 uses).
  const allowUnsigned = options.allowUnsignedPayload ?? true
  const declared = claim.signedHeaders.includes('x-amz-content-sha256')
    ? headerValues(input.headers, 'x-amz-content-sha256')[0]?.trim()
    : undefined
  let candidates: string[]
  if (declared !== undefined && !HEX_SIGNATURE.test(declared)) {
    if (!allowUnsigned)
      return refuse(
        'ERR_UNSIGNED_PAYLOAD',
        `The payload is not signed (${declared}) and unsigned payloads are not accepted here`,
      )
    candidates = [declared]
  } else {
    const bodyHash = await hashBody(await input.body())
    if (declared !== undefined && declared !== bodyHash)
      return refuse('ERR_PAYLOAD_HASH', 'The body does not match the signed x-amz-content-sha256')
    candidates = [bodyHash]
    if (claim.presigned && allowUnsigned) candidates.push('UNSIGNED-PAYLOAD')
  }

  const secret = await options.lookupSecret(claim.accessKeyId, { sessionToken: claim.sessionToken, region, service })
  if (typeof secret !== 'string' || !secret)
    return refuse('ERR_UNKNOWN_KEY', `The access key id "${claim.accessKeyId}" is not known here`)

  // The service's rules, with the caller's normalizePath when set: the signer's own canonical path.
  const rules = serviceRules(service, options)
  const headers: Array<[string, string]> = []
  for (const name of claim.signedHeaders) {
    const values = name === 'host' ? [input.host] : headerValues(input.headers, name)
    if (!values.length)
      return refuse('ERR_SIGNATURE_MISMATCH', `The signed header "${name}" is missing from the request`)
    for (const value of values) headers.push([name, value])
  }
  const { canonicalHeaders: headerBlock, signedHeaders } = canonicalHeaders(headers)
  const pairs = queryPairs(input.query).filter(([key]) => !(claim.presigned && key === 'X-Amz-Signature'))
  const queries = [canonicalQuery(pairs)]
  // A presigned session token may have been added after signing (IoT's device gateway does this).
  if (claim.presigned && claim.sessionToken !== undefined)
    queries.push(canonicalQuery(pairs.filter(([key]) => key !== 'X-Amz-Security-Token')))
  const path = canonicalPath(input.path, rules)
  const key = await signingKey({ accessKeyId: claim.accessKeyId, secretAccessKey: secret }, date, region, service)
  for (const [payloadHash, query] of candidates.flatMap((hash) => queries.map((query) => [hash, query] as const))) {
    const canonical = canonicalRequest(input.method, path, query, headerBlock, signedHeaders, payloadHash)
    const text = stringToSign(ALGORITHM, claim.amzDate, claim.scope.join('/'), await sha256Hex(canonical))
    if (sameBytes(new Uint8Array(await hmac(key, text)), fromHex(claim.signature))) {
      return {
        ok: true,
        accessKeyId: claim.accessKeyId,
        signedHeaders: claim.signedHeaders,
        region,
        service,
        amzDate: claim.amzDate,
        ...(claim.sessionToken === undefined ? {} : { sessionToken: claim.sessionToken }),
        presigned: claim.presigned,
        payloadHash,
        signature: claim.signature,
      }
    }
  }
  return refuse(
    'ERR_SIGNATURE_MISMATCH',
    'The signature does not match the request: check the secret, and that nothing signed was changed on the way',
  )
}
