// AWS error responses (JSON `__type` or XML `<Code>`) as one error class, with our signing details attached
// to signature mismatches so the difference with the server's canonical request is visible. The body is
// untrusted: it is read up to a cap, parsed in linear time, and nothing replayable is kept.
import { SESSION_TOKEN_HEADERS } from '../core/constants.js'
import type { SignedParts } from '../core/types.js'
import { isRecord } from '../core/options.js'
import { xmlText } from '../core/xml.js'

/** The signing steps of a request, as `AwsClient` records them (see `AwsClient.lastSigning`). */
export type Signing = Pick<SignedParts, 'canonicalRequest' | 'stringToSign'>

/**
 * How each response of the client was signed (session token redacted), so `AwsError.from(response)` finds it.
 *
 * @example
 * signings.get(response)?.canonicalRequest
 */
export const signings = /* @__PURE__ */ new WeakMap<Response, Signing>()

/**
 * The most of an error body that is read. AWS error documents are a few KiB, signature mismatches included
 * (they quote the canonical request); a larger body is cut here rather than read whole.
 *
 * @example
 * await AwsError.from(response) // reads at most MAX_ERROR_BODY_BYTES of the body
 */
export const MAX_ERROR_BODY_BYTES = 64 * 1024

/**
 * What stands in for a session token or a signature in the canonical requests and messages an `AwsError` keeps.
 *
 * @example
 * const error = await AwsError.from(response)
 * error.canonicalRequest?.includes('x-amz-security-token:' + REDACTED)
 */
export const REDACTED = '[redacted]'

// A session token as a canonical header line (`x-amz-security-token:...`) or a presigned query parameter
// (`X-Amz-S3session-Token=...`), for every name in SESSION_TOKEN_HEADERS. Built when an error is read, not at load.
const tokenNames = (): string => SESSION_TOKEN_HEADERS.join('|')
// The header line is found anywhere, not only at a line start: a message may quote a canonical request as escaped
// JSON (`\nx-amz-security-token:...`). Its value ends at a line break, a backslash or a quote.
const tokenHeaderLine = (): RegExp => new RegExp(`((?:${tokenNames()}):)[^\\r\\n\\\\"]*`, 'gi')
const tokenQueryParameter = (): RegExp => new RegExp(`((?:${tokenNames()})=)[^&\\s'"]*`, 'gi')
// A signature as services quote it back: `Signature=<hex>` (Authorization header), `X-Amz-Signature=<hex>`
// (presigned URL), `<SignatureProvided>hex` (S3).
const SIGNATURE_VALUE = /(Signature=|SignatureProvided>)[0-9a-f]+/gi

/**
 * The text with every session token (`x-amz-security-token`, S3 Express's `x-amz-s3session-token`, as header
 * lines and as query parameters) and signature replaced by {@link REDACTED}: a canonical request (ours, or
 * the server's copy in an error message) holds the token in clear, and some error messages quote the
 * `Authorization` header, signature included.
 *
 * @example
 * redactReplayable('host:h\nx-amz-security-token:IQoJb3JpZ2luX2VjE...') // 'host:h\nx-amz-security-token:[redacted]'
 */
export function redactReplayable(text: string): string {
  return text
    .replace(tokenHeaderLine(), '$1' + REDACTED)
    .replace(tokenQueryParameter(), '$1' + REDACTED)
    .replace(SIGNATURE_VALUE, '$1' + REDACTED)
}

/**
 * The parts of a signing that explain a signature mismatch and cannot be replayed: the canonical request
 * (session token redacted) and the string to sign. Never the signature or the `Authorization` header.
 *
 * @example
 * const signed = await signParts({ method: 'GET', host: 'sts.us-east-1.amazonaws.com', path: '/' }, { credentials })
 * signings.set(response, redactedSigning(signed))
 */
export function redactedSigning(signing: Signing): Signing {
  return { canonicalRequest: redactReplayable(signing.canonicalRequest), stringToSign: signing.stringToSign }
}

// The body of an error answer, at most MAX_ERROR_BODY_BYTES of it; what cannot be read is left out.
async function readErrorBody(response: Response): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  try {
    const reader = response.body?.getReader()
    if (!reader) return ''
    let received = 0
    while (received < MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read()
      if (done) return text + decoder.decode()
      const kept = value.subarray(0, MAX_ERROR_BODY_BYTES - received)
      received += kept.length
      text += decoder.decode(kept, { stream: true })
    }
    // Not awaited: cancelling one branch of a cloned response settles only once the other branch is done too.
    reader.cancel().catch(() => {})
  } catch {
    // A body that fails midway (or was already read): keep what arrived.
  }
  return text + decoder.decode()
}

/**
 * The fields of a JSON document that is an object; `{}` for anything else (XML, `null`, a number, broken JSON).
 *
 * @example
 * jsonObject('{"__type":"ThrottlingException"}').__type // 'ThrottlingException'
 * jsonObject('null') // {}
 */
export function jsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text)
    return isRecord(value) ? value : {}
  } catch {
    return {}
  }
}

function firstText(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value !== '')
}

// `com.amazonaws.kinesis.v20131202#ResourceNotFoundException` and
// `ThrottlingException:http://internal.amazon.com/...` name the codes `ResourceNotFoundException` and
// `ThrottlingException`.
function bareCode(type: string): string {
  const name = type.slice(type.lastIndexOf('#') + 1)
  const colon = name.indexOf(':')
  return colon === -1 ? name : name.slice(0, colon)
}

// JSON services quote their canonical request and string to sign in the message; found with indexOf, in one pass.
const SERVER_CANONICAL_START = "The Canonical String for this request should have been\n'"
const SERVER_STRING_TO_SIGN_START = "'\n\nThe String-to-Sign should have been\n'"
const QUOTE = "'"

function serverSigningFromMessage(message: string): Partial<Signing> {
  const canonicalStart = message.indexOf(SERVER_CANONICAL_START)
  if (canonicalStart === -1) return {}
  const canonicalFrom = canonicalStart + SERVER_CANONICAL_START.length
  const canonicalEnd = message.indexOf(SERVER_STRING_TO_SIGN_START, canonicalFrom)
  if (canonicalEnd === -1) return {}
  const stringToSignFrom = canonicalEnd + SERVER_STRING_TO_SIGN_START.length
  const stringToSignEnd = message.indexOf(QUOTE, stringToSignFrom)
  if (stringToSignEnd === -1) return {}
  return {
    canonicalRequest: message.slice(canonicalFrom, canonicalEnd),
    stringToSign: message.slice(stringToSignFrom, stringToSignEnd),
  }
}

// `Signature expired: ... (20261021T072800Z - 5 min.)`: the server's time, when the Date header is hidden.
const TIME_IN_SKEW_MESSAGE = /\((\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z [-+]/

function serverTimeOf(headers: Headers, message: string, xml: (name: string) => string | undefined): Date | undefined {
  const fromMessage = TIME_IN_SKEW_MESSAGE.exec(message)
  const time =
    headers.get('date') ||
    xml('ServerTime') ||
    (fromMessage && `${fromMessage.slice(1, 4).join('-')}T${fromMessage.slice(4, 7).join(':')}Z`)
  if (!time) return undefined
  const date = new Date(time)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** The fields of an {@link AwsError}. */
export interface AwsErrorFields {
  /** The service's error code without its namespace, e.g. `ThrottlingException`; `Http<status>` when none is sent. */
  code: string
  /** The HTTP status of the error response. */
  status: number
  /** The request id the service answered with, to quote to AWS support. */
  requestId?: string
  /** The server's clock, from the `Date` header or the error text. */
  serverTime?: Date
  /** Our canonical request, session token redacted (signature errors only). */
  canonicalRequest?: string
  /** Our string to sign (signature errors only). */
  stringToSign?: string
  /** The canonical request the server computed, session token redacted, when it sends one. */
  serverCanonicalRequest?: string
  /** The string to sign the server computed, when it sends one. */
  serverStringToSign?: string
}

/**
 * An error answer of an AWS service: `code` (e.g. `ThrottlingException`, `SignatureDoesNotMatch`), `message`,
 * HTTP `status` and `requestId`. For signature errors it carries our `canonicalRequest` and `stringToSign`,
 * and the server's versions (`serverCanonicalRequest`, `serverStringToSign`) when the service sends them:
 * compare them line by line to see what was signed differently. Session tokens are redacted in all of them
 * and no signature or `Authorization` header is kept, so the error is safe to log.
 *
 * @example
 * const response = await client.fetch(url)
 * if (!response.ok) {
 *   const error = await AwsError.from(response)
 *   if (error.code === 'NoSuchKey') console.log('not uploaded yet')
 *   else throw error
 * }
 */
export class AwsError extends Error {
  /** The service's error code without its namespace, e.g. `ThrottlingException` (not
   * `com.amazonaws.kinesis.v20131202#ThrottlingException`); `Http<status>` when the body names none. */
  declare code: string
  /** The HTTP status of the error response. */
  declare status: number
  /** The request id (`x-amzn-requestid`, `x-amz-request-id` or `<RequestId>`), to quote to AWS support. */
  declare requestId?: string
  /** The server's clock, from the `Date` header or the error text; `AwsClient` corrects clock skew with it. */
  declare serverTime?: Date
  /** Our canonical request, session token redacted; only on signature errors of a request `AwsClient` signed
   * (or when `from` is given the signing). Compare it with `serverCanonicalRequest`. */
  declare canonicalRequest?: string
  /** Our string to sign; only on signature errors, like `canonicalRequest`. */
  declare stringToSign?: string
  /** The canonical request the server computed, session token redacted, when the service sends it (S3 as
   * `<CanonicalRequest>`, JSON services inside the message). */
  declare serverCanonicalRequest?: string
  /** The string to sign the server computed, when the service sends it. */
  declare serverStringToSign?: string

  /** An error with `message` and `fields` as given (nothing is redacted here): read a response with `AwsError.from`,
   * which redacts what it keeps. */
  constructor(message: string, fields: AwsErrorFields) {
    super(message)
    this.name = 'AwsError'
    Object.assign(this, fields)
  }

  /**
   * Reads an error response (its body is consumed: pass `response.clone()` to keep it) into an `AwsError`.
   * `signing` defaults to how `AwsClient` signed the request of this response. Never throws: a body that is
   * not an AWS error document gives the code `Http<status>`. At most {@link MAX_ERROR_BODY_BYTES} are read.
   */
  static async from(response: Response, signing: Signing | undefined = signings.get(response)): Promise<AwsError> {
    const text = await readErrorBody(response)
    const headers = response.headers
    const json = jsonObject(text)
    const xml = (name: string) => xmlText(text, name)
    // A type that names no code once its namespace is dropped (`"#"`) counts as none.
    const type = firstText(json.__type, json.code, json.Code, xml('Code'), headers.get('x-amzn-errortype'))
    const code = (type && bareCode(type)) || 'Http' + response.status
    const rawMessage =
      firstText(json.message, json.Message, xml('Message')) ?? (text.slice(0, 200) || response.statusText)
    const fields: AwsErrorFields = {
      code,
      status: response.status,
      requestId: firstText(headers.get('x-amzn-requestid'), headers.get('x-amz-request-id'), xml('RequestId')),
      serverTime: serverTimeOf(headers, rawMessage, xml),
    }
    if (code.includes('Signature')) {
      // JSON services put the server's canonical request and string to sign into the message; S3 into tags.
      const server = serverSigningFromMessage(rawMessage)
      const serverCanonicalRequest = server.canonicalRequest ?? xml('CanonicalRequest')
      Object.assign(fields, signing && redactedSigning(signing), {
        serverCanonicalRequest: serverCanonicalRequest && redactReplayable(serverCanonicalRequest),
        serverStringToSign: server.stringToSign ?? xml('StringToSign'),
      })
    }
    return new AwsError(redactReplayable(rawMessage), fields)
  }
}

/**
 * The body of a 2xx answer as text; any other answer throws its {@link AwsError}.
 *
 * @example
 * const xml = await okText(await fetch(request))
 */
export async function okText(response: Response): Promise<string> {
  if (!response.ok) throw await AwsError.from(response)
  return response.text()
}
