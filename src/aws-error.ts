// AWS error responses (JSON `__type` or XML `<Code>`) as one error class, with our signing details attached
// to signature mismatches so the difference with the server's canonical request is visible.
import type { SignedParts } from './engine.js'

/** The signing steps of a request, as `AwsClient` records them (see `AwsClient.lastSigning`). */
export type Signing = Pick<SignedParts, 'canonicalRequest' | 'stringToSign'>

/**
 * How each response of the client was signed, so `AwsError.from(response)` finds it.
 *
 * @example
 * signings.get(response)?.canonicalRequest
 */
export const signings = /* @__PURE__ */ new WeakMap<Response, Signing>()

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/**
 * The text of the first `<name>...</name>` element of an XML document, entities decoded; `undefined` when
 * there is none. Enough for AWS query/REST-XML answers, which never nest markup in the values we read.
 *
 * @example
 * xmlTag('<Error><Code>SlowDown</Code></Error>', 'Code') // 'SlowDown'
 */
export function xmlTag(xml: string, name: string): string | undefined {
  const value = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]
  return value?.replace(/&(#?x?\w+);/g, (entity, ref: string) =>
    ref[0] === '#' ? String.fromCodePoint(+('0' + ref.slice(1))) : (ENTITIES[ref] ?? entity),
  )
}

/**
 * An error answer of an AWS service: `code` (e.g. `ThrottlingException`, `SignatureDoesNotMatch`), `message`,
 * HTTP `status` and `requestId`. For signature errors it carries our `canonicalRequest` and `stringToSign`,
 * and the server's versions (`serverCanonicalRequest`, `serverStringToSign`) when the service sends them:
 * compare them line by line to see what was signed differently.
 *
 * @example
 * const response = await client.fetch(url, init)
 * if (!response.ok) {
 *   const error = await AwsError.from(response)
 *   if (error.code === 'ResourceNotFoundException') createIt()
 *   else throw error
 * }
 */
export class AwsError extends Error {
  declare code: string
  declare status: number
  declare requestId?: string
  /** The server's clock, from the `Date` header or the error text; `AwsClient` corrects clock skew with it. */
  declare serverTime?: Date
  declare canonicalRequest?: string
  declare stringToSign?: string
  declare serverCanonicalRequest?: string
  declare serverStringToSign?: string

  constructor(message: string, fields: Partial<AwsError> & { code: string; status: number }) {
    super(message)
    this.name = 'AwsError'
    Object.assign(this, fields)
  }

  /**
   * Reads an error response (its body is consumed: pass `response.clone()` to keep it) into an `AwsError`.
   * `signing` defaults to how `AwsClient` signed the request of this response.
   */
  static async from(response: Response, signing: Signing | undefined = signings.get(response)): Promise<AwsError> {
    const text = await response.text().catch(() => '')
    const headers = response.headers
    let json: Record<string, string> = {}
    try {
      json = JSON.parse(text)
    } catch {}
    const tag = (name: string) => xmlTag(text, name)
    const code = (
      json.__type ??
      json.code ??
      json.Code ??
      tag('Code') ??
      headers.get('x-amzn-errortype') ??
      'Http' + response.status
    ).replace(/^.*#|:.*/g, '')
    const message = json.message ?? json.Message ?? tag('Message') ?? (text.slice(0, 200) || response.statusText)
    // JSON services put the server's canonical request and string to sign into the message; S3 into tags.
    const [, serverCanonicalRequest = tag('CanonicalRequest'), serverStringToSign = tag('StringToSign')] =
      /should have been\n'([^]*?)'\n\nThe String-to-Sign should have been\n'([^]*?)'/.exec(message) ?? []
    // Browsers hide the Date header of cross-origin answers; skew errors also carry the time in their text.
    const time =
      headers.get('date') ||
      tag('ServerTime') ||
      /\((\d{8}T\d{6}Z) [-+]/.exec(message)?.[1]!.replace(/(....)(..)(..)T(..)(..)/, '$1-$2-$3T$4:$5:')
    const serverTime = new Date(time!)
    return new AwsError(message, {
      code,
      status: response.status,
      requestId: headers.get('x-amzn-requestid') ?? headers.get('x-amz-request-id') ?? tag('RequestId'),
      serverTime: isNaN(+serverTime) ? undefined : serverTime,
      ...(/Signature/.test(code) && { ...signing, serverCanonicalRequest, serverStringToSign }),
    })
  }
}
