// Service quirks live here, as data, and nowhere else.

/** How one service wants its requests signed. */
export interface ServiceRules {
  /** URI-encode the wire path once more (every service but S3). */
  encodePath: boolean
  /** Resolve `.`/`..` and merge `//` before signing (every service but S3). */
  normalizePath: boolean
  /** Add and sign `x-amz-content-sha256` (S3 and OpenSearch Serverless require it). */
  signContentSha256: boolean
  /** Presigned URLs carry `UNSIGNED-PAYLOAD`, and stream bodies are sent with `UNSIGNED-PAYLOAD` instead of
   * being refused (S3: the body is unknown when the URL is made, and may be streamed). */
  unsignedPayloads: boolean
  /** Sign the session token; IoT's device gateway wants it added after signing. */
  signSessionToken: boolean
}

/** Signing names of the S3 family: path signed as sent, content hash header, unsigned payloads allowed. */
const S3 = /^s3(-object-lambda|-outposts|express)?$/

/** Services besides S3 that require a signed `x-amz-content-sha256`: OpenSearch Serverless (`aoss`). */
const CONTENT_SHA256 = /^aoss$/

/**
 * The signing rules of a service (by signing name), with the options that override them.
 *
 * @example
 * serviceRules('s3').encodePath // false
 * serviceRules('kinesis').encodePath // true
 * serviceRules('aoss').signContentSha256 // true
 * serviceRules('s3', { normalizePath: true }).normalizePath // true
 */
export function serviceRules(
  service: string,
  options: Partial<Record<'normalizePath' | 'signContentSha256' | 'signSessionToken', boolean>> = {},
): ServiceRules {
  const s3 = S3.test(service)
  return {
    encodePath: !s3,
    normalizePath: options.normalizePath ?? !s3,
    signContentSha256: options.signContentSha256 ?? (s3 || CONTENT_SHA256.test(service)),
    unsignedPayloads: s3,
    signSessionToken: options.signSessionToken ?? service !== 'iotdevicegateway',
  }
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
  return /^(authorization|user-agent|expect|x-amzn-trace-id|transfer-encoding|connection|keep-alive|te|trailer|upgrade|via|proxy-.*|sec-.*)$/i.test(
    name,
  )
}

/** S3 Express One Zone directory buckets: `<base>--<zone id>--x-s3`, e.g. `logs--use1-az4--x-s3`. */
const S3_EXPRESS_BUCKET = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)--([a-z0-9]+(?:-[a-z0-9]+)*)--x-s3$/

/**
 * The zone id of an S3 Express One Zone directory bucket name, or `undefined` when the name is not one.
 *
 * @example
 * s3ExpressZone('logs--use1-az4--x-s3') // 'use1-az4'
 * s3ExpressZone('logs') // undefined
 */
export function s3ExpressZone(bucket: string): string | undefined {
  return S3_EXPRESS_BUCKET.exec(bucket)?.[2]
}

/**
 * Headers presigning moves into the query: `x-amz-*`, but not the server-side-encryption ones (SSE-KMS, the SSE-C
 * customer keys and their copy-source forms), which S3 reads only from headers.
 *
 * @example
 * HOISTABLE_HEADER.test('x-amz-acl') // true
 * HOISTABLE_HEADER.test('x-amz-server-side-encryption-customer-key') // false
 */
export const HOISTABLE_HEADER = /^x-amz-(?!(copy-source-)?server-side-encryption)/i
