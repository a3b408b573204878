/**
 * `webcrypto-sigv4/cloudfront`: CloudFront signed URLs and signed cookies, signed and verified on WebCrypto alone,
 * so they work in browsers, Cloudflare Workers without nodejs_compat, Deno, Bun and Node.
 *
 * - {@link importCloudFrontKey}: a PEM private key (PKCS#8, PKCS#1 RSA, SEC1 EC P-256) as a non-extractable key.
 * - {@link cloudFrontSignedUrl} / {@link cloudFrontSignedCookies}: canned (`expires`) or custom (`policy`) policies,
 *   RSA or ECDSA P-256, SHA-1 (CloudFront's default) or SHA-256.
 * - {@link verifyCloudFront}: checks a signed URL or cookie set as CloudFront would, fail closed, with typed results.
 *
 * @example
 * import { cloudFrontSignedUrl, importCloudFrontKey } from 'webcrypto-sigv4/cloudfront'
 * declare const env: { CLOUDFRONT_PRIVATE_KEY: string } // a Worker secret
 * const privateKey = await importCloudFrontKey(env.CLOUDFRONT_PRIVATE_KEY)
 * const url = await cloudFrontSignedUrl({
 *   url: 'https://d111111abcdef8.cloudfront.net/report.pdf',
 *   keyPairId: 'K2JCJMDEHXQW5F',
 *   privateKey,
 *   expires: new Date(Date.now() + 600_000),
 * })
 *
 * @module
 */
export {
  importCloudFrontKey,
  importCloudFrontPublicKey,
  type CloudFrontHashAlgorithm,
  type ImportCloudFrontKeyOptions,
} from './cloudfront/keys.js'
export type { CloudFrontPolicy } from './cloudfront/policy.js'
export {
  cloudFrontSignedCookies,
  cloudFrontSignedUrl,
  type CloudFrontCookieAttributes,
  type CloudFrontCookies,
  type CloudFrontSignedCookies,
  type CloudFrontSignOptions,
} from './cloudfront/sign.js'
export {
  verifyCloudFront,
  type CloudFrontVerifyErrorCode,
  type CloudFrontVerifyFailure,
  type CloudFrontVerifyResult,
  type CloudFrontVerifySuccess,
  type VerifyCloudFrontOptions,
} from './cloudfront/verify.js'
