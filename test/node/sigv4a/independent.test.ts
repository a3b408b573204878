// SigV4a against independent code: node:crypto (OpenSSL) derives the key the way aws-c-auth specifies,
// computes the public point, and verifies our signatures. Also the P-256 and constant-time helpers.
import { createECDH, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { addOne, greaterThan, p256PublicPoint, P256_N } from '../../../src/sigv4a/p256.js'
import { presignPartsV4a, publicKeyV4a, signPartsV4a, signV4a } from '../../../src/sigv4a.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'

const N_MINUS_2 = P256_N - 2n
const hex64 = (value: bigint) => value.toString(16).padStart(64, '0')
const bytes32 = (value: bigint) => Buffer.from(hex64(value), 'hex')

/** The SigV4a private scalar as aws-c-auth derives it, written independently with node:crypto and BigInt. */
function referenceScalar(accessKeyId: string, secret: string): bigint {
  for (let counter = 1; counter <= 254; counter++) {
    const input = Buffer.concat([
      Buffer.from([0, 0, 0, 1]),
      Buffer.from('AWS4-ECDSA-P256-SHA256'),
      Buffer.from([0]),
      Buffer.from(accessKeyId),
      Buffer.from([counter]),
      Buffer.from([0, 0, 1, 0]),
    ])
    const candidate = BigInt(
      '0x' +
        createHmac('sha256', 'AWS4A' + secret)
          .update(input)
          .digest('hex'),
    )
    if (candidate <= N_MINUS_2) return candidate + 1n
  }
  throw new Error('no key')
}

function referencePublicKey(d: bigint): { x: string; y: string } {
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(bytes32(d))
  const point = ecdh.getPublicKey('hex')
  return { x: point.slice(2, 66), y: point.slice(66) }
}

function nodeVerifier({ x, y }: { x: string; y: string }) {
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(x, 'hex').toString('base64url'),
      y: Buffer.from(y, 'hex').toString('base64url'),
    },
    format: 'jwk',
  })
  // OpenSSL's default ECDSA signature format is DER, the format AWS uses.
  return (text: string, signatureHex: string) =>
    verify('sha256', Buffer.from(text), key, Buffer.from(signatureHex, 'hex'))
}

const randomCredentials = () => ({
  accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(),
  secretAccessKey: randomBytes(30).toString('base64'),
})

describe('key derivation and public key (node:crypto as the reference)', () => {
  test('the vector credentials derive the public key of public-key.json', async () => {
    const d = referenceScalar('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')
    const expected = {
      x: 'b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1',
      y: '865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518',
    }
    expect(referencePublicKey(d)).toEqual(expected)
    expect(await publicKeyV4a({ ...VECTOR_CREDENTIALS })).toEqual(expected)
  })

  test('20 random credentials: same public key as the reference, and OpenSSL verifies our signatures', async () => {
    for (let i = 0; i < 20; i++) {
      const credentials = randomCredentials()
      const expected = referencePublicKey(referenceScalar(credentials.accessKeyId, credentials.secretAccessKey))
      expect(await publicKeyV4a(credentials)).toEqual(expected)
      const signed = await signPartsV4a(
        { method: 'GET', host: 'example.amazonaws.com', path: '/', query: `i=${i}` },
        { credentials, service: 'service', regionSet: '*' },
      )
      const check = nodeVerifier(expected)
      expect(check(signed.stringToSign, signed.signature)).toBe(true)
      expect(check(signed.stringToSign.replace('GET', 'PUT') + '.', signed.signature)).toBe(false)
    }
  })

  test('OpenSSL verifies header, query and Request signatures for session credentials', async () => {
    const credentials = { ...randomCredentials(), sessionToken: 'session-token' }
    const check = nodeVerifier(
      referencePublicKey(referenceScalar(credentials.accessKeyId, credentials.secretAccessKey)),
    )
    const options = { credentials, service: 's3', regionSet: ['us-east-1', 'eu-west-1'] }
    const parts = {
      method: 'PUT',
      host: 'mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com',
      path: '/key',
      body: 'data',
    }
    const header = await signPartsV4a(parts, options)
    expect(check(header.stringToSign, header.signature)).toBe(true)
    expect(header.headers).toContainEqual([
      'x-amz-content-sha256',
      '3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7',
    ])
    const query = await presignPartsV4a(parts, options)
    expect(query.payloadHash).toBe('UNSIGNED-PAYLOAD')
    expect(check(query.stringToSign, query.signature)).toBe(true)
    const request = await signV4a(
      { url: 'https://' + parts.host + parts.path, method: 'PUT', body: 'data' },
      { ...options, datetime: new Date() },
    )
    const signature = request.headers.get('authorization')!.split('Signature=')[1]!
    const again = await signPartsV4a(
      { ...parts, headers: [['content-type', 'text/plain;charset=UTF-8']] },
      {
        ...options,
        datetime: request.headers.get('x-amz-date')!.replace(/(....)(..)(..)T(..)(..)(..)Z/, '$1-$2-$3T$4:$5:$6Z'),
      },
    )
    expect(check(again.stringToSign, signature)).toBe(true)
  })

  test('DER signatures are minimal: r and s both 32-byte values, leading zero only for a high bit', async () => {
    const credentials = randomCredentials()
    const lengths = new Set<number>()
    for (let i = 0; i < 40; i++) {
      const { signature } = await signPartsV4a(
        { method: 'GET', host: 'example.amazonaws.com', path: '/' + i },
        { credentials, service: 'service', regionSet: '*' },
      )
      const der = Buffer.from(signature, 'hex')
      expect(der[0]).toBe(0x30)
      expect(der[1]).toBe(der.length - 2)
      lengths.add(der.length)
      let at = 2
      for (let part = 0; part < 2; part++) {
        const length = der[at + 1]!
        const value = der.subarray(at + 2, at + 2 + length)
        expect(der[at]).toBe(2)
        expect(value[0]! & 0x80).toBe(0)
        if (value[0] === 0) expect(value[1]! & 0x80).toBe(0x80)
        at += 2 + length
      }
      expect(at).toBe(der.length)
    }
    // Over 40 signatures both a 33-byte (high bit) and a 32-byte integer show up.
    expect(lengths.size).toBeGreaterThan(1)
  })
})

describe('P-256 helpers', () => {
  test('p256PublicPoint matches OpenSSL for edge and random scalars', () => {
    const scalars = [
      1n,
      2n,
      3n,
      2n ** 128n,
      P256_N - 2n,
      P256_N - 1n,
      ...Array.from({ length: 30 }, () => (BigInt('0x' + randomBytes(32).toString('hex')) % (P256_N - 1n)) + 1n),
    ]
    for (const d of scalars) {
      const [x, y] = p256PublicPoint(d)
      expect({ x: hex64(x), y: hex64(y) }).toEqual(referencePublicKey(d))
    }
  })

  test('p256PublicPoint refuses scalars outside 1..n-1', () => {
    expect(() => p256PublicPoint(0n)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }))
    expect(() => p256PublicPoint(P256_N)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }))
  })

  test('greaterThan and addOne agree with BigInt, including the n - 2 boundary', () => {
    const values = [0n, 1n, N_MINUS_2 - 1n, N_MINUS_2, N_MINUS_2 + 1n, P256_N, 2n ** 256n - 1n, 2n ** 255n, 255n, 256n]
    for (let i = 0; i < 50; i++) values.push(BigInt('0x' + randomBytes(32).toString('hex')))
    for (const a of values) {
      for (const b of [N_MINUS_2, ...values.slice(0, 12)])
        expect(greaterThan(bytes32(a), bytes32(b))).toBe(a > b ? 1 : 0)
      expect(hex64(BigInt('0x' + Buffer.from(addOne(bytes32(a))).toString('hex')))).toBe(hex64((a + 1n) % 2n ** 256n))
    }
  })
})

describe('a runtime without ECDSA P-256', () => {
  afterEach(() => vi.restoreAllMocks())

  test('signing fails with ERR_ECDSA_UNAVAILABLE and the runtime error as cause', async () => {
    const refusal = new DOMException('Unrecognized name.', 'NotSupportedError')
    const importKey = crypto.subtle.importKey.bind(crypto.subtle)
    vi.spyOn(crypto.subtle, 'importKey').mockImplementation(((
      format: string,
      key: JsonWebKey,
      algorithm: { name: string },
      ...rest: [boolean, KeyUsage[]]
    ) =>
      algorithm.name === 'ECDSA'
        ? Promise.reject(refusal)
        : importKey(format as 'jwk', key, algorithm, ...rest)) as typeof crypto.subtle.importKey)
    const credentials = randomCredentials()
    const error = await signPartsV4a(
      { method: 'GET', host: 'example.amazonaws.com', path: '/' },
      { credentials, service: 'service', regionSet: '*' },
    ).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ name: 'SigV4Error', code: 'ERR_ECDSA_UNAVAILABLE', cause: refusal })
    expect(String((error as Error).message)).not.toContain(credentials.secretAccessKey)
    // The failure is not cached: once P-256 works, the same credentials sign.
    vi.restoreAllMocks()
    const signed = await signPartsV4a(
      { method: 'GET', host: 'example.amazonaws.com', path: '/' },
      { credentials, service: 'service', regionSet: '*' },
    )
    expect(nodeVerifier(await publicKeyV4a(credentials))(signed.stringToSign, signed.signature)).toBe(true)
  })

  test('without crypto.subtle at all: ERR_CRYPTO_UNAVAILABLE', async () => {
    vi.spyOn(globalThis, 'crypto', 'get').mockReturnValue(undefined as unknown as Crypto)
    await expect(publicKeyV4a(randomCredentials())).rejects.toMatchObject({ code: 'ERR_CRYPTO_UNAVAILABLE' })
  })
})
