// The shapes every signing step passes along: request parts as given, as checked, and as signed, and what an
// algorithm (SigV4 or SigV4a) brings. Types only, so any step can name them without importing another step.
import type { HeaderEntry } from './canonical.js'
import type { Bytes } from './encoding.js'
import type { Credentials } from './signing-key.js'

/**
 * A request as it goes on the wire, for transports other than fetch and for debugging: nothing here is
 * normalised by a URL parser.
 */
export interface RequestParts {
  /** HTTP method, sent as given (`GET`, `POST`, ...). */
  method: string
  /** The Host header value: host name, plus `:port` unless it is the scheme's own (443 for https, 80 for http). */
  host: string
  /** The path exactly as it goes on the wire, e.g. `/a%20b/c` (raw characters are encoded when signing). */
  path: string
  /**
   * The query as it goes on the wire, without `?` (e.g. `a=1&b=%20`).
   * @default ''
   */
  query?: string
  /**
   * Headers in order; names may repeat (their values are joined with `,`).
   * @default []
   */
  headers?: Iterable<HeaderEntry>
  /** The body, when its hash is needed. A stream is never read: it is signed as `UNSIGNED-PAYLOAD` where the
   * service allows that (S3), and refused otherwise unless `unsignedPayload` or `payloadHash` is set. */
  body?: string | Bytes | ReadableStream | null
}

/** Request parts that are valid (checked by `checkParts`, or built from a URL and a `Headers`). */
export interface CheckedParts extends RequestParts {
  query: string
  /** A fresh list: signing never hands back the caller's arrays. */
  headers: Array<[string, string]>
}

/** The outcome of signing request parts, with every intermediate step for inspection. */
export interface SignedParts {
  /** The method, as signed and to be sent. */
  method: string
  /** The Host header value that was signed. */
  host: string
  /** The path as signed and to be sent (wire form). */
  path: string
  /** The query to send, without `?` (with the `X-Amz-*` parameters when presigned). */
  query: string
  /** The headers to send: the input's plus those signing added (`authorization`, `x-amz-date`, ...). */
  headers: Array<[string, string]>
  /** The canonical request (SigV4 task 1): compare it with the server's when a signature does not match. */
  canonicalRequest: string
  /** The string to sign (SigV4 task 2): algorithm, time, scope and the canonical request's hash. */
  stringToSign: string
  /** Hex signature (HMAC-SHA256 for SigV4, DER ECDSA for SigV4a). */
  signature: string
  /** `host;x-amz-date;...` */
  signedHeaders: string
  /** `YYYYMMDD/region/service/aws4_request` */
  credentialScope: string
  /** The payload hash that was signed: the body's hex SHA-256 or a literal such as `UNSIGNED-PAYLOAD`. */
  payloadHash: string
  /** `YYYYMMDDTHHMMSSZ` */
  amzDate: string
}

/** What a signature is computed with, besides the string to sign. */
export interface SignatureContext {
  credentials: Credentials
  /** `YYYYMMDD` */
  date: string
  region: string
  service: string
}

/** What differs between SigV4 and SigV4a: the algorithm name, scope, extra signed values and the signature. */
export interface SigningAlgorithm {
  name: string
  scope(date: string, region: string, service: string): string
  /** Extra authentication values (e.g. `X-Amz-Region-Set`): signed headers, or query parameters when presigning. */
  params: Array<[string, string]>
  signature(stringToSign: string, context: SignatureContext): Promise<string>
}
