// Service quirks live here, as data, and nowhere else.

/** How one service wants its requests signed. */
export interface ServiceRules {
  /** URI-encode the wire path once more (every service but S3). */
  encodePath: boolean
  /** Resolve `.`/`..` and merge `//` before signing (every service but S3). */
  normalizePath: boolean
  /** Add and sign `x-amz-content-sha256` (S3 requires it). */
  signContentSha256: boolean
  /** Presigned URLs carry `UNSIGNED-PAYLOAD` (S3: the body is unknown when the URL is made). */
  presignUnsignedPayload: boolean
  /** Stream bodies are sent with `UNSIGNED-PAYLOAD` instead of being refused. */
  streamUnsignedPayload: boolean
  /** Sign the session token; IoT's device gateway wants it added after signing. */
  signSessionToken: boolean
}

const DEFAULT_RULES: ServiceRules = {
  encodePath: true,
  normalizePath: true,
  signContentSha256: false,
  presignUnsignedPayload: false,
  streamUnsignedPayload: false,
  signSessionToken: true,
}

const S3_RULES: Partial<ServiceRules> = {
  encodePath: false,
  normalizePath: false,
  signContentSha256: true,
  presignUnsignedPayload: true,
  streamUnsignedPayload: true,
}

const SERVICE_RULES: Record<string, Partial<ServiceRules>> = {
  s3: S3_RULES,
  's3-object-lambda': S3_RULES,
  's3-outposts': S3_RULES,
  s3express: S3_RULES,
  iotdevicegateway: { signSessionToken: false },
}

/**
 * The signing rules of a service (by signing name).
 *
 * @example
 * serviceRules('s3').encodePath // false
 * serviceRules('kinesis').encodePath // true
 */
export function serviceRules(service: string): ServiceRules {
  return { ...DEFAULT_RULES, ...SERVICE_RULES[service] }
}

/**
 * Whether a header is left out of the signature because proxies, browsers or the transport may change or
 * drop it on the way (authorization, user-agent, expect, connection, transfer-encoding, proxy-*, sec-*, ...).
 *
 * @example
 * isUnsignedHeader('User-Agent') // true
 * isUnsignedHeader('content-type') // false
 */
export function isUnsignedHeader(name: string): boolean {
  return /^(authorization|user-agent|expect|x-amzn-trace-id|transfer-encoding|connection|keep-alive|te|trailer|upgrade|via|proxy-.*|sec-.*)$/i.test(name)
}
