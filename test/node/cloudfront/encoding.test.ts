// The shared helpers this work added: strict base64 (src/encoding.ts), CloudFront's alphabet, and the DER ECDSA
// signature codec moved to src/p256.ts (SigV4a uses the encoder too), against node:crypto's own encodings.
import { createSign, generateKeyPairSync } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cloudFrontBase64, fromCloudFrontBase64 } from '../../../src/cloudfront/base64.js'
import { fromBase64, base64, base64url } from '../../../src/core/encoding.js'
import { ecdsaDerSignature, ecdsaRawSignature } from '../../../src/sigv4a/p256.js'

const RUNS = { seed: 20261207, numRuns: 300 }

describe('base64', () => {
  it('matches Buffer, both ways, for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const standard = Buffer.from(bytes).toString('base64')
        expect(base64(bytes)).toBe(standard)
        expect(base64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'))
        expect(fromBase64(standard)).toEqual(new Uint8Array(bytes))
        const cloudFront = cloudFrontBase64(bytes)
        expect(cloudFront).toBe(standard.replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~'))
        expect(fromCloudFrontBase64(cloudFront)).toEqual(new Uint8Array(bytes))
      }),
      RUNS,
    )
  })

  it('refuses every text that is not the one canonical encoding', () => {
    for (const text of ['QR==', 'QQ=', 'QQ', 'Q===', ' QQ==', 'QQ==\n', 'Q Q==', 'QUI=QQ==', 'QUJ=', '****'])
      expect(fromBase64(text), text).toBeUndefined()
    expect(fromCloudFrontBase64('-~8_')).toEqual(new Uint8Array([0xfb, 0xff]))
    for (const text of ['+/8=', '-~8=', '-/8_', '-~9_']) expect(fromCloudFrontBase64(text), text).toBeUndefined()
  })

  it('long inputs do not overflow the stack', () => {
    const bytes = new Uint8Array(1 << 20).map((_, i) => i)
    expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'))
  })
})

describe('ECDSA P-256 DER signatures', () => {
  it('r‖s → DER → r‖s for any halves, minimal as OpenSSL writes it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.nat(40), fc.nat(40), (rs, zerosR, zerosS) => {
        rs.fill(0, 0, Math.min(zerosR, 31))
        rs.fill(0, 32, 32 + Math.min(zerosS, 31))
        const der = ecdsaDerSignature(rs.slice().buffer)
        expect(ecdsaRawSignature(der)).toEqual(rs)
      }),
      RUNS,
    )
  })

  it("reads node:crypto's DER signatures; refuses non-minimal, negative, long-form and trailing bytes", () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    for (let i = 0; i < 50; i++) {
      const der = createSign('sha256').update(`message ${i}`).sign(privateKey)
      const raw = ecdsaRawSignature(new Uint8Array(der))
      expect(raw).toBeDefined()
      expect(Buffer.from(ecdsaDerSignature(raw!.buffer))).toEqual(der)
    }
    const rs = new Uint8Array(64).fill(1)
    const der = ecdsaDerSignature(rs.buffer)
    const variants = [
      new Uint8Array([...der, 0]), // trailing byte
      new Uint8Array([0x30, der[1]! + 1, 2, 33, 0, ...der.subarray(4)]), // needless leading zero
      new Uint8Array([0x30, 0x81, der[1]!, ...der.subarray(2)]), // long-form length
      Uint8Array.from(der, (byte, i) => (i === 4 ? byte | 0x80 : byte)), // negative r
      new Uint8Array([0x31, ...der.subarray(1)]), // a SET
      der.subarray(0, der.length - 1),
    ]
    for (const variant of variants) expect(ecdsaRawSignature(variant)).toBeUndefined()
  })
})
