// CloudFront keys: PEM private keys (PKCS#8, PKCS#1 RSA, SEC1 EC) and public keys (SubjectPublicKeyInfo, PKCS#1
// RSA) into non-extractable WebCrypto keys, and the checks that a given CryptoKey can do the job. Messages name
// the form and what to do, never a byte of the key.
import { fail } from '../core/errors.js'
import { p256PublicPoint } from '../sigv4a/p256.js'
import { base64url, fromHex, toHex } from '../core/encoding.js'
import {
  importEcdsaP256Key,
  importEcdsaP256PublicKey,
  importRsaSigningKey,
  importRsaVerifyingKey,
  type DigestName,
} from '../core/webcrypto.js'
import { DER, derChildren, derOid, derOne, derWrap, OID, pemBlocks, type DerNode } from './der.js'

/** The hash a CloudFront policy is signed over: `SHA1` (CloudFront's default) or `SHA256`. */
export type CloudFrontHashAlgorithm = 'SHA1' | 'SHA256'

/** Options of {@link importCloudFrontKey} and {@link importCloudFrontPublicKey}. */
export interface ImportCloudFrontKeyOptions {
  /**
   * The hash an RSA key signs or verifies with: WebCrypto binds an RSA key to one hash at import.
   * ECDSA keys take the hash at each use, so it does not matter for them.
   * @default 'SHA1'
   */
  hashAlgorithm?: CloudFrontHashAlgorithm
}

/** WebCrypto's hash names of CloudFront's. */
export const DIGEST_NAMES: Record<CloudFrontHashAlgorithm, DigestName> = { SHA1: 'SHA-1', SHA256: 'SHA-256' }

/** The smallest RSA modulus accepted: CloudFront takes RSA 2048 keys. */
const MIN_RSA_BITS = 2048

const PRIVATE_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'])
const PUBLIC_LABELS = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY'])

const hexOf = (bytes: Uint8Array): string => toHex(bytes.slice().buffer)

function keyFail(message: string, cause?: unknown): never {
  fail('ERR_CLOUDFRONT_KEY', message, cause)
}

/** The hash option, checked. */
export function hashOption(value: unknown, where: string): CloudFrontHashAlgorithm {
  if (value === undefined) return 'SHA1'
  if (value === 'SHA1' || value === 'SHA256') return value
  fail('ERR_INVALID_OPTION', `${where}: hashAlgorithm must be 'SHA1' or 'SHA256'`)
}

/** The one key block of a PEM text (an `EC PARAMETERS` block beside it is read for its curve), refusing the rest. */
function keyBlock(
  pem: unknown,
  wanted: 'private' | 'public',
): { label: string; der: Uint8Array<ArrayBuffer>; curve?: string } {
  if (typeof pem !== 'string') keyFail('Pass the key as PEM text (-----BEGIN ... KEY----- ... -----END ... KEY-----)')
  const blocks = pemBlocks(pem)
  const keys = blocks.filter((block) => block.label !== 'EC PARAMETERS')
  if (!keys.length) keyFail('No PEM key found: pass the text from -----BEGIN ... KEY----- to -----END ... KEY-----')
  if (keys.length > 1) keyFail(`The PEM text holds ${keys.length} blocks: pass one key`)
  const [block] = keys as [(typeof keys)[0]]
  if (block.label === 'ENCRYPTED PRIVATE KEY' || (PRIVATE_LABELS.has(block.label) && block.headers))
    fail(
      'ERR_CLOUDFRONT_KEY_ENCRYPTED',
      'The private key is encrypted: decrypt it first (openssl pkey -in key.pem -out plain.pem) and keep it secret',
    )
  if (wanted === 'private' && (PUBLIC_LABELS.has(block.label) || block.label === 'CERTIFICATE'))
    fail(
      'ERR_CLOUDFRONT_KEY_PUBLIC',
      `This is a ${block.label.toLowerCase()}: signing needs the private key of the CloudFront key pair ` +
        '(verifyCloudFront takes the public key)',
    )
  if (wanted === 'public' && PRIVATE_LABELS.has(block.label))
    keyFail('This is a private key: pass the public key (openssl pkey -in key.pem -pubout), the one CloudFront has')
  const labels = wanted === 'private' ? PRIVATE_LABELS : PUBLIC_LABELS
  if (!labels.has(block.label))
    keyFail(`A PEM ${block.label.toLowerCase()} is not a ${wanted} key: pass a ${wanted} key in PEM`)
  if (!block.der) keyFail(`The PEM ${block.label.toLowerCase()} is garbled (its base64 does not decode)`)
  const parameters = blocks.find((other) => other.label === 'EC PARAMETERS')?.der
  const curve = parameters && derOne(parameters, DER.oid)
  return { label: block.label, der: block.der, ...(curve ? { curve: hexOf(curve.body) } : {}) }
}

const tagged = (nodes: DerNode[] | undefined, ...tags: number[]): boolean =>
  !!nodes && nodes.length >= tags.length && tags.every((tag, i) => nodes[i]!.tag === tag)

/** The algorithm (and curve) of an AlgorithmIdentifier. */
function algorithmOf(node: DerNode): { oid: string; curve?: string } {
  const parts = derChildren(node.body)
  if (!tagged(parts, DER.oid)) keyFail('The key is garbled (no algorithm identifier)')
  const curve = parts![1]?.tag === DER.oid ? hexOf(parts![1].body) : undefined
  return { oid: hexOf(parts![0]!.body), ...(curve ? { curve } : {}) }
}

function unsupported(oid: string): never {
  keyFail(
    `The key's algorithm (OID ${oid}) is not one CloudFront signs with: use an RSA 2048 or ECDSA P-256 key ` +
      '(openssl genrsa 2048, or openssl ecparam -name prime256v1 -genkey)',
  )
}

function requireP256(curve: string | undefined): void {
  if (curve !== OID.prime256v1)
    keyFail('The EC key is not on P-256 (prime256v1), the only curve CloudFront accepts: use a P-256 key')
}

/** The 32-byte private scalar (and the curve it names, if any) of a SEC1 ECPrivateKey. */
function sec1Scalar(der: Uint8Array<ArrayBuffer>): { d: Uint8Array<ArrayBuffer>; curve?: string } {
  const parts = derChildren(derOne(der, DER.sequence)?.body ?? new Uint8Array(1))
  if (!tagged(parts, DER.integer, DER.octetString) || hexOf(parts![0]!.body) !== '01')
    keyFail('The EC private key is garbled (not a SEC1 ECPrivateKey)')
  const scalar = parts![1]!.body
  if (!scalar.length || scalar.length > 32)
    keyFail('The EC private key is not a P-256 key (its scalar is not 32 bytes)')
  const d = new Uint8Array(32)
  d.set(scalar, 32 - scalar.length)
  const parameters = parts!.find((node) => node.tag === DER.context0)
  const curve = parameters && derOne(parameters.body, DER.oid)
  return { d, ...(curve ? { curve: hexOf(curve.body) } : {}) }
}

/** Imports a P-256 private scalar through a JWK, the one private EC form every runtime's WebCrypto imports. */
async function importP256Scalar(d: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  let point: [bigint, bigint]
  try {
    point = p256PublicPoint(BigInt('0x' + hexOf(d)))
  } catch {
    keyFail('The EC private key is not a valid P-256 key (its scalar is out of range)')
  }
  const [x, y] = point.map((coordinate) => base64url(fromHex(coordinate.toString(16).padStart(64, '0'))))
  try {
    return await importEcdsaP256Key({ d: base64url(d), x: x!, y: y! })
  } catch (error) {
    fail('ERR_ECDSA_UNAVAILABLE', "This runtime's WebCrypto cannot import an ECDSA P-256 key (see error.cause)", error)
  }
}

async function importRsa(
  importer: (der: Uint8Array<ArrayBuffer>, hash: DigestName) => Promise<CryptoKey>,
  der: Uint8Array<ArrayBuffer>,
  hash: CloudFrontHashAlgorithm,
): Promise<CryptoKey> {
  let key: CryptoKey
  try {
    key = await importer(der, DIGEST_NAMES[hash])
  } catch (error) {
    keyFail('WebCrypto refused the RSA key (see error.cause): check it is a valid RSA key', error)
  }
  const bits = (key.algorithm as RsaHashedKeyAlgorithm).modulusLength
  if (!(bits >= MIN_RSA_BITS)) keyFail(`The RSA key has ${bits} bits: CloudFront takes RSA 2048 keys`)
  return key
}

const RSA_ALGORITHM = (): Uint8Array<ArrayBuffer> =>
  derWrap(DER.sequence, derOid(OID.rsaEncryption), new Uint8Array([5, 0]))

/**
 * Imports a CloudFront private key from PEM into a non-extractable WebCrypto key for signing: PKCS#8
 * (`BEGIN PRIVATE KEY`), PKCS#1 RSA (`BEGIN RSA PRIVATE KEY`) or SEC1 EC (`BEGIN EC PRIVATE KEY`, P-256). RSA keys are
 * bound to `hashAlgorithm` (default `SHA1`); ECDSA keys sign with either. An encrypted key or a public key is
 * refused with a typed error (`ERR_CLOUDFRONT_KEY_ENCRYPTED`, `ERR_CLOUDFRONT_KEY_PUBLIC`) that quotes no key bytes.
 *
 * @example
 * declare const env: { CLOUDFRONT_PRIVATE_KEY: string } // a Worker secret
 * const privateKey = await importCloudFrontKey(env.CLOUDFRONT_PRIVATE_KEY)
 * const url = await cloudFrontSignedUrl({
 *   url: 'https://d111111abcdef8.cloudfront.net/a.mp4',
 *   keyPairId: 'K2JCJMDEHXQW5F',
 *   privateKey,
 *   expires: new Date(Date.now() + 3600_000),
 * })
 */
export async function importCloudFrontKey(pem: string, options: ImportCloudFrontKeyOptions = {}): Promise<CryptoKey> {
  const hash = hashOption(options?.hashAlgorithm, 'importCloudFrontKey')
  const block = keyBlock(pem, 'private')
  if (block.label === 'EC PRIVATE KEY') {
    const { d, curve } = sec1Scalar(block.der)
    requireP256(curve ?? block.curve)
    return importP256Scalar(d)
  }
  if (block.label === 'RSA PRIVATE KEY') {
    const parts = derChildren(derOne(block.der, DER.sequence)?.body ?? new Uint8Array(1))
    if (!parts || parts.length < 9 || !parts.every((node) => node.tag === DER.integer))
      keyFail('The RSA private key is garbled (not a PKCS#1 RSAPrivateKey)')
    const pkcs8 = derWrap(DER.sequence, new Uint8Array([2, 1, 0]), RSA_ALGORITHM(), derWrap(DER.octetString, block.der))
    return importRsa(importRsaSigningKey, pkcs8, hash)
  }
  const parts = derChildren(derOne(block.der, DER.sequence)?.body ?? new Uint8Array(1))
  if (!tagged(parts, DER.integer, DER.sequence, DER.octetString))
    keyFail('The private key is garbled (not a PKCS#8 PrivateKeyInfo)')
  const { oid, curve } = algorithmOf(parts![1]!)
  if (oid === OID.rsaEncryption) return importRsa(importRsaSigningKey, block.der, hash)
  if (oid !== OID.ecPublicKey) unsupported(oid)
  requireP256(curve)
  const inner = sec1Scalar(parts![2]!.body)
  if (inner.curve !== undefined) requireP256(inner.curve)
  return importP256Scalar(inner.d)
}

/**
 * Imports a CloudFront public key from PEM (`BEGIN PUBLIC KEY`, or PKCS#1 `BEGIN RSA PUBLIC KEY`) into a WebCrypto
 * key for {@link verifyCloudFront}: the key you uploaded to CloudFront. RSA keys are bound to `hashAlgorithm`
 * (default `SHA1`); pass the PEM to verifyCloudFront instead to accept either hash.
 *
 * @example
 * declare const env: { CLOUDFRONT_PUBLIC_KEY: string } // the PEM uploaded to CloudFront
 * const publicKey = await importCloudFrontPublicKey(env.CLOUDFRONT_PUBLIC_KEY, { hashAlgorithm: 'SHA256' })
 */
export async function importCloudFrontPublicKey(
  pem: string,
  options: ImportCloudFrontKeyOptions = {},
): Promise<CryptoKey> {
  const hash = hashOption(options?.hashAlgorithm, 'importCloudFrontPublicKey')
  const block = keyBlock(pem, 'public')
  if (block.label === 'RSA PUBLIC KEY') {
    const parts = derChildren(derOne(block.der, DER.sequence)?.body ?? new Uint8Array(1))
    if (!parts || parts.length !== 2 || !parts.every((node) => node.tag === DER.integer))
      keyFail('The RSA public key is garbled (not a PKCS#1 RSAPublicKey)')
    const spki = derWrap(DER.sequence, RSA_ALGORITHM(), derWrap(DER.bitString, new Uint8Array([0]), block.der))
    return importRsa(importRsaVerifyingKey, spki, hash)
  }
  const parts = derChildren(derOne(block.der, DER.sequence)?.body ?? new Uint8Array(1))
  if (!tagged(parts, DER.sequence, DER.bitString) || parts!.length !== 2)
    keyFail('The public key is garbled (not a SubjectPublicKeyInfo)')
  const { oid, curve } = algorithmOf(parts![0]!)
  if (oid === OID.rsaEncryption) return importRsa(importRsaVerifyingKey, block.der, hash)
  if (oid !== OID.ecPublicKey) unsupported(oid)
  requireP256(curve)
  try {
    return await importEcdsaP256PublicKey(block.der)
  } catch (error) {
    keyFail('WebCrypto refused the EC public key (see error.cause): check it is a valid P-256 key', error)
  }
}

/** Whether a value is a WebCrypto key (duck-typed where the runtime has no global CryptoKey class). */
export const isCryptoKey = (value: unknown): value is CryptoKey =>
  typeof CryptoKey === 'function'
    ? value instanceof CryptoKey
    : typeof value === 'object' && value !== null && 'algorithm' in value && 'usages' in value

/**
 * Why a CryptoKey cannot sign (`private`) or verify (`public`) CloudFront policies over `hash`, or undefined when
 * it can: an RSASSA-PKCS1-v1_5 key imported for that hash, or an ECDSA P-256 key.
 *
 * @example
 * declare const key: CryptoKey
 * const problem = keyProblem(key, 'private', 'SHA256') // undefined for an ECDSA P-256 signing key
 */
export function keyProblem(
  key: CryptoKey,
  type: 'private' | 'public',
  hash: CloudFrontHashAlgorithm,
): string | undefined {
  const usage = type === 'private' ? 'sign' : 'verify'
  if (key.type !== type || !key.usages.includes(usage)) return `the CryptoKey is not a ${type} key for "${usage}"`
  const algorithm = key.algorithm as RsaHashedKeyAlgorithm & EcKeyAlgorithm
  if (algorithm.name === 'ECDSA')
    return algorithm.namedCurve === 'P-256' ? undefined : 'the ECDSA key is not on P-256, the curve CloudFront takes'
  if (algorithm.name !== 'RSASSA-PKCS1-v1_5') return `a ${algorithm.name} key is not one CloudFront signs with`
  if (algorithm.hash.name !== DIGEST_NAMES[hash])
    return (
      `the RSA key was imported for ${algorithm.hash.name}, not ${DIGEST_NAMES[hash]}: import it with ` +
      `{ hashAlgorithm: '${hash}' }, or pass the PEM`
    )
  return undefined
}
