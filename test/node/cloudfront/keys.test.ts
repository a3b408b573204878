// importCloudFrontKey / importCloudFrontPublicKey: every PEM form CloudFront users have (made here by node:crypto,
// i.e. OpenSSL), non-extractable keys, and typed refusals whose messages hold no key bytes.
import { generateKeyPairSync, createPublicKey, verify as nodeVerify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { cloudFrontSignedUrl, importCloudFrontKey, importCloudFrontPublicKey } from '../../../src/cloudfront.js'
import { SigV4Error } from '../../../src/index.js'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const exported = (key: { export(options: object): string | Buffer }, options: object) =>
  key.export({ format: 'pem', ...options }) as string
const PEM = {
  rsaPkcs8: exported(rsa.privateKey, { type: 'pkcs8' }),
  rsaPkcs1: exported(rsa.privateKey, { type: 'pkcs1' }),
  rsaSpki: exported(rsa.publicKey, { type: 'spki' }),
  rsaPkcs1Public: exported(rsa.publicKey, { type: 'pkcs1' }),
  ecPkcs8: exported(ec.privateKey, { type: 'pkcs8' }),
  ecSec1: exported(ec.privateKey, { type: 'sec1' }),
  ecSpki: exported(ec.publicKey, { type: 'spki' }),
}
// `openssl ecparam -name prime256v1 -genkey` writes the curve in a block of its own before the key.
const EC_PARAMETERS = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n'

/** No run of base64 long enough to be a piece of a key (a 24-character run is 18 bytes). */
const NO_KEY_BYTES = /[A-Za-z0-9+/]{24}/

async function rejection(action: () => Promise<unknown>): Promise<SigV4Error> {
  const error = await action().then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(SigV4Error)
  expect((error as Error).message).not.toMatch(NO_KEY_BYTES)
  return error as SigV4Error
}

const URL_A = 'https://d111111abcdef8.cloudfront.net/a.jpg'
const signatureOf = async (privateKey: CryptoKey, hashAlgorithm: 'SHA1' | 'SHA256' = 'SHA1') =>
  new URL(
    await cloudFrontSignedUrl({ url: URL_A, keyPairId: 'K1', privateKey, expires: 2e9, hashAlgorithm }),
  ).searchParams.get('Signature')!
const policyOf = (url: string, expires: number) =>
  `{"Statement":[{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`
const bytesOf = (cloudFront: string) =>
  Buffer.from(cloudFront.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64')

describe('importCloudFrontKey', () => {
  it('RSA: PKCS#8 and PKCS#1 give the same key (same deterministic signature), non-extractable, for each hash', async () => {
    for (const hash of ['SHA1', 'SHA256'] as const) {
      const fromPkcs8 = await importCloudFrontKey(PEM.rsaPkcs8, { hashAlgorithm: hash })
      const fromPkcs1 = await importCloudFrontKey(PEM.rsaPkcs1, { hashAlgorithm: hash })
      expect(fromPkcs8.extractable).toBe(false)
      expect(fromPkcs1.extractable).toBe(false)
      expect(fromPkcs8.usages).toEqual(['sign'])
      const signature = await signatureOf(fromPkcs8, hash)
      expect(await signatureOf(fromPkcs1, hash)).toBe(signature)
      const algorithm = hash === 'SHA1' ? 'sha1' : 'sha256'
      expect(nodeVerify(algorithm, Buffer.from(policyOf(URL_A, 2e9)), rsa.publicKey, bytesOf(signature))).toBe(true)
    }
  })

  it('EC P-256: SEC1 (with or without an EC PARAMETERS block) and PKCS#8, checked by node:crypto', async () => {
    for (const pem of [PEM.ecSec1, EC_PARAMETERS + PEM.ecSec1, PEM.ecPkcs8, PEM.ecPkcs8.replace(/\n/g, '\r\n')]) {
      const key = await importCloudFrontKey(pem)
      expect(key.extractable).toBe(false)
      expect(key.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' })
      const der = bytesOf(await signatureOf(key, 'SHA256'))
      expect(der[0]).toBe(0x30) // DER, as CloudFront expects
      expect(nodeVerify('sha256', Buffer.from(policyOf(URL_A, 2e9)), ec.publicKey, der)).toBe(true)
    }
  })

  it('an encrypted key: ERR_CLOUDFRONT_KEY_ENCRYPTED (PKCS#8 and the OpenSSL Proc-Type form)', async () => {
    const encrypted = [
      exported(rsa.privateKey, { type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' }),
      exported(rsa.privateKey, { type: 'pkcs1', cipher: 'aes-256-cbc', passphrase: 'secret' }),
      exported(ec.privateKey, { type: 'sec1', cipher: 'aes-256-cbc', passphrase: 'secret' }),
    ]
    expect(encrypted[1]).toContain('Proc-Type: 4,ENCRYPTED')
    for (const pem of encrypted)
      expect((await rejection(() => importCloudFrontKey(pem))).code).toBe('ERR_CLOUDFRONT_KEY_ENCRYPTED')
  })

  it('a public key or certificate: ERR_CLOUDFRONT_KEY_PUBLIC', async () => {
    const certificate = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----\n'
    for (const pem of [PEM.rsaSpki, PEM.rsaPkcs1Public, PEM.ecSpki, certificate])
      expect((await rejection(() => importCloudFrontKey(pem))).code).toBe('ERR_CLOUDFRONT_KEY_PUBLIC')
  })

  it('keys CloudFront does not take, and text that is not one key: ERR_CLOUDFRONT_KEY', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey
    const ed25519 = generateKeyPairSync('ed25519').privateKey
    const body = PEM.rsaPkcs8.split('\n').slice(1, -2).join('\n')
    const cases = [
      exported(small, { type: 'pkcs8' }),
      exported(p384, { type: 'pkcs8' }),
      exported(p384, { type: 'sec1' }),
      exported(ed25519, { type: 'pkcs8' }),
      '',
      'just text',
      body, // no armour
      PEM.rsaPkcs8.replace(/\n([A-Za-z0-9+/]{10})/, '\n$1!!'), // garbled base64
      PEM.rsaPkcs8 + PEM.ecPkcs8, // two keys
      PEM.rsaPkcs8.replace('END PRIVATE KEY', 'END RSA PRIVATE KEY'),
      PEM.rsaPkcs1.replace('RSA PRIVATE KEY', 'EC PRIVATE KEY').replace('RSA PRIVATE KEY', 'EC PRIVATE KEY'),
      '-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n',
      42,
    ]
    for (const pem of cases) {
      const error = await rejection(() => importCloudFrontKey(pem as string))
      expect(error.code, String(pem).slice(0, 40)).toBe('ERR_CLOUDFRONT_KEY')
    }
  })

  it('an invalid hashAlgorithm: ERR_INVALID_OPTION', async () => {
    const error = await rejection(() => importCloudFrontKey(PEM.rsaPkcs8, { hashAlgorithm: 'SHA512' as never }))
    expect(error.code).toBe('ERR_INVALID_OPTION')
  })
})

describe('importCloudFrontPublicKey', () => {
  it('SPKI (RSA, EC) and PKCS#1 RSA public keys', async () => {
    for (const pem of [PEM.rsaSpki, PEM.rsaPkcs1Public, PEM.ecSpki]) {
      const key = await importCloudFrontPublicKey(pem, { hashAlgorithm: 'SHA256' })
      expect(key.type).toBe('public')
      expect(key.usages).toEqual(['verify'])
    }
    // The PKCS#1 form is the same key as the SPKI form.
    expect(createPublicKey(PEM.rsaPkcs1Public).export({ type: 'spki', format: 'pem' })).toBe(PEM.rsaSpki)
  })

  it('a private key where the public one is expected: ERR_CLOUDFRONT_KEY', async () => {
    for (const pem of [PEM.rsaPkcs8, PEM.rsaPkcs1, PEM.ecSec1])
      expect((await rejection(() => importCloudFrontPublicKey(pem))).code).toBe('ERR_CLOUDFRONT_KEY')
  })
})
