// What a request claims about its signature: the Authorization header or the presigned query, parsed strictly,
// with the signing time checked to be a real time. Nothing here needs a secret.
import {
  ALGORITHM_PARAM,
  AUTHORIZATION_HEADER,
  CREDENTIAL_PARAM,
  DATE_HEADER,
  DATE_PARAM,
  EXPIRES_PARAM,
  LOWER_CASE_HEADER_NAME,
  MAX_EXPIRES_IN,
  SCOPE_TERMINATOR,
  SECURITY_TOKEN_HEADER,
  SECURITY_TOKEN_PARAM,
  SHA256_HEX,
  SIGNATURE_PARAM,
  SIGNED_HEADERS_PARAM,
  SIGV4_ALGORITHM,
} from '../core/constants.js'
import { uriDecode } from '../core/encoding.js'
import { quote, refuse } from './text.js'
import type { VerifyFailure } from './types.js'
import type { ReceivedRequest } from './input.js'

/**
 * Most names a SignedHeaders list may hold; a longer list is refused before anything is built from it.
 *
 * @example
 * const signedHeaders = 'host;x-amz-content-sha256;x-amz-date'
 * signedHeaders.split(';').length <= MAX_SIGNED_HEADERS
 */
export const MAX_SIGNED_HEADERS = 64
/**
 * Longest accepted Authorization header, in characters.
 *
 * @example
 * const authorization = request.headers.get('authorization') ?? ''
 * authorization.length <= MAX_AUTHORIZATION_LENGTH
 */
export const MAX_AUTHORIZATION_LENGTH = 16 * 1024

const AMZ_DATE = /^(?<year>\d{4})(?<month>\d\d)(?<day>\d\d)T(?<hour>\d\d)(?<minute>\d\d)(?<second>\d\d)Z$/
// The standard `Date` header: a signing time AWS accepts when there is no x-amz-date.
const HTTP_DATE_HEADER = 'date'
// IMF-fixdate (RFC 9110), the only form of the `Date` header accepted in place of x-amz-date.
const HTTP_DATE =
  /^(?<weekday>Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?<day>\d\d) (?<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?<year>\d{4}) (?<hour>\d\d):(?<minute>\d\d):(?<second>\d\d) GMT$/
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const AUTHORIZATION_FIELD = /^\s*(Credential|SignedHeaders|Signature)=([^\s,]+)\s*$/
const ACCESS_KEY_ID = /^[\x21-\x7e]{1,128}$/
const SCOPE_NAME = /^[A-Za-z0-9._-]{1,64}$/
const EXPIRES = /^\d{1,6}$/

/**
 * The query parameters of a presigned URL, each of which may appear once.
 *
 * @example
 * const query = new URL(url).searchParams
 * query.get(PRESIGN_PARAMS.signature) // the value of X-Amz-Signature
 */
export const PRESIGN_PARAMS = {
  algorithm: ALGORITHM_PARAM,
  credential: CREDENTIAL_PARAM,
  date: DATE_PARAM,
  expires: EXPIRES_PARAM,
  signedHeaders: SIGNED_HEADERS_PARAM,
  signature: SIGNATURE_PARAM,
  token: SECURITY_TOKEN_PARAM,
} as const

/** What the Authorization header or the presigned query says. */
export interface Claim {
  presigned: boolean
  accessKeyId: string
  /** `date`, `region`, `service`, `aws4_request`. */
  scope: [string, string, string, string]
  signedHeaders: string[]
  signature: string
  amzDate: string
  /** Milliseconds since the epoch of `amzDate`. */
  signedAt: number
  /** Presigned: `X-Amz-Expires` in seconds. */
  expires?: number
  sessionToken?: string
  /** Where the session token is: a query parameter (presigned; it may have been added after signing, as IoT does),
   * or a header inside or outside SignedHeaders. */
  sessionTokenPlace: 'none' | 'query' | 'signed-header' | 'unsigned-header'
}

/** Decoded query parameter name → its decoded values, in order. */
function queryValues(query: string): Map<string, string[]> {
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

/** A calendar date and time of day, UTC, as written (month 1-12). */
interface CalendarTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

/** Milliseconds since the epoch, or NaN when the fields are not a real time (day 32, hour 24, 30 February, ...). */
function realTime({ year, month, day, hour, minute, second }: CalendarTime): number {
  const time = Date.UTC(year, month - 1, day, hour, minute, second)
  const date = new Date(time)
  // Date.UTC rolls over (day 32 becomes the 1st of the next month): a real time reads back the same.
  const same =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  return same && year >= 1970 ? time : NaN
}

/** The time the named groups of AMZ_DATE or HTTP_DATE give, with the month as a number (the two spell it apart). */
function timeOfGroups(fields: Record<string, string | undefined>, month: number): number {
  return realTime({
    year: +fields.year!,
    month,
    day: +fields.day!,
    hour: +fields.hour!,
    minute: +fields.minute!,
    second: +fields.second!,
  })
}

/** The time of a `YYYYMMDDTHHMMSSZ` value, or NaN when it is not one or not a real time. */
function amzDateTime(amzDate: string): number {
  const fields = AMZ_DATE.exec(amzDate)?.groups
  if (!fields) return NaN
  return timeOfGroups(fields, +fields.month!)
}

/** An IMF-fixdate `Date` header as `YYYYMMDDTHHMMSSZ`, or '' when it is not a real one (the weekday must fit). */
function httpDateToAmzDate(httpDate: string): string {
  const fields = HTTP_DATE.exec(httpDate)?.groups
  if (!fields) return ''
  const month = MONTHS.indexOf(fields.month!) + 1
  const time = timeOfGroups(fields, month)
  if (Number.isNaN(time) || WEEKDAYS[new Date(time).getUTCDay()] !== fields.weekday) return ''
  return `${fields.year}${String(month).padStart(2, '0')}${fields.day}T${fields.hour}${fields.minute}${fields.second}Z`
}

interface RawClaim {
  presigned: boolean
  credential?: string
  signedHeaders?: string
  signature: string
  amzDate: string
  expires?: number
  sessionToken?: string
  sessionTokenInQuery: boolean
}

const MALFORMED_HEADER = `The Authorization header must be "${SIGV4_ALGORITHM} Credential=..., SignedHeaders=..., Signature=..."`

function presignedClaim(query: Map<string, string[]>, request: ReceivedRequest): RawClaim | VerifyFailure {
  for (const name of Object.values(PRESIGN_PARAMS)) {
    if ((query.get(name)?.length ?? 0) > 1)
      return refuse('ERR_MALFORMED_AUTH', `The presigned query has ${name} more than once`)
  }
  const one = (name: string): string | undefined => query.get(name)?.[0]
  if (one(PRESIGN_PARAMS.algorithm) !== SIGV4_ALGORITHM)
    return refuse('ERR_MALFORMED_AUTH', `${PRESIGN_PARAMS.algorithm} must be ${SIGV4_ALGORITHM}`)
  const expires = one(PRESIGN_PARAMS.expires)
  if (!expires || !EXPIRES.test(expires) || +expires < 1 || +expires > MAX_EXPIRES_IN)
    return refuse(
      'ERR_MALFORMED_AUTH',
      `${PRESIGN_PARAMS.expires} must be a number of seconds from 1 to ${MAX_EXPIRES_IN}`,
    )
  const queryToken = one(PRESIGN_PARAMS.token)
  const headerToken = request.headers.get(SECURITY_TOKEN_HEADER)
  if (headerToken && headerToken.length > 1)
    return refuse('ERR_MALFORMED_AUTH', 'The request has more than one x-amz-security-token header')
  if (headerToken && queryToken !== undefined && headerToken[0]!.trim() !== queryToken)
    return refuse('ERR_MALFORMED_AUTH', 'The x-amz-security-token header and the X-Amz-Security-Token parameter differ')
  return {
    presigned: true,
    credential: one(PRESIGN_PARAMS.credential),
    signedHeaders: one(PRESIGN_PARAMS.signedHeaders),
    signature: one(PRESIGN_PARAMS.signature) ?? '',
    amzDate: one(PRESIGN_PARAMS.date) ?? '',
    expires: +expires,
    sessionToken: queryToken ?? headerToken?.[0]!.trim(),
    sessionTokenInQuery: queryToken !== undefined,
  }
}

function headerClaim(authorization: string, request: ReceivedRequest): RawClaim | VerifyFailure {
  if (authorization.length > MAX_AUTHORIZATION_LENGTH)
    return refuse(
      'ERR_MALFORMED_AUTH',
      `The Authorization header is longer than ${MAX_AUTHORIZATION_LENGTH} characters`,
    )
  const header = authorization.trim()
  if (!header.startsWith(SIGV4_ALGORITHM + ' '))
    return refuse('ERR_MALFORMED_AUTH', `The Authorization header must start with "${SIGV4_ALGORITHM} "`)
  const fields = new Map<string, string>()
  for (const part of header.slice(SIGV4_ALGORITHM.length + 1).split(',')) {
    const match = AUTHORIZATION_FIELD.exec(part)
    if (!match || fields.has(match[1]!)) return refuse('ERR_MALFORMED_AUTH', MALFORMED_HEADER)
    fields.set(match[1]!, match[2]!)
  }
  const amzDates = request.headers.get(DATE_HEADER) ?? []
  const httpDates = request.headers.get(HTTP_DATE_HEADER) ?? []
  if (amzDates.length > 1 || (!amzDates.length && httpDates.length > 1))
    return refuse('ERR_MALFORMED_AUTH', 'The request has more than one x-amz-date (or Date) header')
  const tokens = request.headers.get(SECURITY_TOKEN_HEADER) ?? []
  if (tokens.length > 1)
    return refuse('ERR_MALFORMED_AUTH', 'The request has more than one x-amz-security-token header')
  return {
    presigned: false,
    credential: fields.get('Credential'),
    signedHeaders: fields.get('SignedHeaders'),
    signature: fields.get('Signature') ?? '',
    amzDate: amzDates.length ? amzDates[0]!.trim() : httpDates.length ? httpDateToAmzDate(httpDates[0]!.trim()) : '',
    sessionToken: tokens[0]?.trim(),
    sessionTokenInQuery: false,
  }
}

/** Refuses a SignedHeaders list that is not strictly sorted, repeats a name, or is too long. */
function checkSignedHeaders(names: string[]): VerifyFailure | undefined {
  if (names.length > MAX_SIGNED_HEADERS)
    return refuse('ERR_MALFORMED_AUTH', `SignedHeaders lists more than ${MAX_SIGNED_HEADERS} headers`)
  for (const [index, name] of names.entries()) {
    if (!LOWER_CASE_HEADER_NAME.test(name))
      return refuse('ERR_MALFORMED_AUTH', `The signed header name ${quote(name)} is not a lower-case header name`)
    if (index > 0 && names[index - 1]! >= name)
      return refuse('ERR_MALFORMED_AUTH', 'SignedHeaders must be sorted, each name once, separated by ";"')
  }
  if (!names.includes('host')) return refuse('ERR_MALFORMED_AUTH', 'The host header must be signed')
  return undefined
}

/**
 * Reads the claim from the presigned query or the Authorization header (a request with both is refused, as AWS
 * does), and checks its form: one algorithm, a 64-hex signature, a real signing time, a five-part credential,
 * a sorted SignedHeaders list with host, and a session token that is signed (header) or may be.
 *
 * @example
 * import { receivedRequest } from './input.js'
 * const input = receivedRequest(request)
 * if (!('ok' in input)) {
 *   const claim = parseClaim(input)
 *   if ('ok' in claim) console.log('refused:', claim.message)
 *   else console.log(claim.accessKeyId, claim.scope, claim.presigned)
 * }
 */
export function parseClaim(request: ReceivedRequest): Claim | VerifyFailure {
  const query = queryValues(request.query)
  const authorization = request.headers.get(AUTHORIZATION_HEADER) ?? []
  const presigned = [PRESIGN_PARAMS.signature, PRESIGN_PARAMS.algorithm, PRESIGN_PARAMS.credential].some((name) =>
    query.has(name),
  )
  if (presigned && authorization.length)
    return refuse('ERR_MULTIPLE_AUTH', 'The request has both a presigned query and an Authorization header: send one')
  if (!presigned && !authorization.length)
    return refuse('ERR_NO_AUTH', 'No Authorization header and no presigned query')
  if (authorization.length > 1)
    return refuse('ERR_MALFORMED_AUTH', 'The request has more than one Authorization header')
  const raw = presigned ? presignedClaim(query, request) : headerClaim(authorization[0]!, request)
  if ('ok' in raw) return raw

  const { credential, signedHeaders } = raw
  if (!credential || !signedHeaders)
    return refuse('ERR_MALFORMED_AUTH', 'The credential or the signed-header list is missing')
  if (!SHA256_HEX.test(raw.signature))
    return refuse('ERR_MALFORMED_AUTH', 'The signature must be 64 lower-case hex characters')
  const signedAt = amzDateTime(raw.amzDate)
  if (Number.isNaN(signedAt))
    return refuse(
      'ERR_MALFORMED_AUTH',
      `The signing time ${quote(raw.amzDate)} is not a real time in the form YYYYMMDDTHHMMSSZ (x-amz-date / X-Amz-Date)`,
    )
  const parts = credential.split('/')
  if (parts.length !== 5 || !ACCESS_KEY_ID.test(parts[0]!) || !parts.slice(1, 4).every((part) => SCOPE_NAME.test(part)))
    return refuse(
      'ERR_MALFORMED_AUTH',
      `The credential must be <access key id>/<date>/<region>/<service>/${SCOPE_TERMINATOR}`,
    )
  if (parts[4] !== SCOPE_TERMINATOR)
    return refuse('ERR_SCOPE', `The credential scope must end with ${SCOPE_TERMINATOR}`)
  const names = signedHeaders.split(';')
  const headerProblem = checkSignedHeaders(names)
  if (headerProblem) return headerProblem
  if (!raw.presigned && !names.includes(request.headers.has(DATE_HEADER) ? DATE_HEADER : HTTP_DATE_HEADER))
    return refuse('ERR_MALFORMED_AUTH', 'The header carrying the signing time (x-amz-date or date) must be signed')
  return {
    presigned: raw.presigned,
    accessKeyId: parts[0]!,
    scope: parts.slice(1) as Claim['scope'],
    signedHeaders: names,
    signature: raw.signature,
    amzDate: raw.amzDate,
    signedAt,
    expires: raw.expires,
    sessionToken: raw.sessionToken,
    sessionTokenPlace:
      raw.sessionToken === undefined
        ? 'none'
        : raw.sessionTokenInQuery
          ? 'query'
          : names.includes(SECURITY_TOKEN_HEADER)
            ? 'signed-header'
            : 'unsigned-header',
  }
}
