// cloudFrontSignedUrl / cloudFrontSignedCookies: the exact policy JSON CloudFront documents, the Set-Cookie values,
// and a typed refusal for every option that is wrong or would give a URL CloudFront refuses.
import { generateKeyPairSync } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  cloudFrontSignedCookies,
  cloudFrontSignedUrl,
  importCloudFrontKey,
  importCloudFrontPublicKey,
  type CloudFrontSignOptions,
} from '../../../src/cloudfront.js'
import { SigV4Error } from '../../../src/index.js'
import { standardBase64 } from './inputs.js'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const RSA_PEM = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const RSA_PUBLIC = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string
const URL_A = 'https://d111111abcdef8.cloudfront.net/image.jpg'
let privateKey: CryptoKey
beforeAll(async () => {
  privateKey = await importCloudFrontKey(RSA_PEM)
})

const base = (): CloudFrontSignOptions => ({ url: URL_A, keyPairId: 'K2JCJMDEHXQW5F', privateKey, expires: 1357034400 })

async function refusedWith(code: string, options: unknown, sign = cloudFrontSignedUrl): Promise<string> {
  const error = await sign(options as CloudFrontSignOptions).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error, JSON.stringify(options)).toBeInstanceOf(SigV4Error)
  expect((error as SigV4Error).code, (error as Error).message).toBe(code)
  return (error as Error).message
}

describe('policies as CloudFront documents them', () => {
  it("the canned policy of AWS's example URL, and the parameters in botocore's order", async () => {
    const signed = await cloudFrontSignedUrl(base())
    expect(signed).toMatch(
      /^https:\/\/d111111abcdef8\.cloudfront\.net\/image\.jpg\?Expires=1357034400&Signature=[A-Za-z0-9~_-]+&Key-Pair-Id=K2JCJMDEHXQW5F$/,
    )
    const withQuery = await cloudFrontSignedUrl({
      ...base(),
      url: `${URL_A}?color=red&size=medium`,
      hashAlgorithm: 'SHA256',
      privateKey: RSA_PEM,
    })
    expect(withQuery).toMatch(
      /\?color=red&size=medium&Expires=1357034400&Signature=[^&]+&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256$/,
    )
  })

  it('custom policy JSON: compact, in the documented order, a single address as /32', async () => {
    const signed = await cloudFrontSignedUrl({
      ...base(),
      expires: undefined,
      policy: {
        resource: 'https://d111111abcdef8.cloudfront.net/*',
        expires: new Date('2013-01-01T10:00:00.900Z'), // rounded down: access never longer than asked
        notBefore: new Date('2012-12-01T10:00:00.100Z'), // rounded up: never earlier
        ipAddress: '192.0.2.10',
      },
    })
    const policy = atob(standardBase64(new URL(signed).searchParams.get('Policy')!))
    expect(policy).toBe(
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":1357034400},"DateGreaterThan":{"AWS:EpochTime":1354356001},"IpAddress":{"AWS:SourceIp":"192.0.2.10/32"}}}]}',
    )
  })

  it('cookies and Set-Cookie: Secure; HttpOnly; Path=/ by default, attributes on request', async () => {
    const { cookies, setCookie } = await cloudFrontSignedCookies({
      ...base(),
      hashAlgorithm: 'SHA256',
      privateKey: RSA_PEM,
    })
    expect(Object.keys(cookies)).toEqual([
      'CloudFront-Expires',
      'CloudFront-Signature',
      'CloudFront-Key-Pair-Id',
      'CloudFront-Hash-Algorithm',
    ])
    const headers = setCookie()
    expect(headers).toHaveLength(4)
    expect(headers[0]).toBe('CloudFront-Expires=1357034400; Path=/; Secure; HttpOnly')
    expect(headers[3]).toBe('CloudFront-Hash-Algorithm=SHA256; Path=/; Secure; HttpOnly')
    expect(
      setCookie({ domain: 'media.example.com', path: '/videos', sameSite: 'Lax', maxAge: 3600, httpOnly: false })[2],
    ).toBe(
      'CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F; Domain=media.example.com; Path=/videos; Secure; SameSite=Lax; Max-Age=3600',
    )
    for (const bad of [
      { domain: 'a;b' },
      { path: 'x' },
      { path: '/a b' },
      { sameSite: 'None', secure: false },
      { maxAge: 1.5 },
      { expires: 'soon' },
      { colour: 'red' },
    ])
      expect(() => setCookie(bad as never)).toThrow(SigV4Error)
    const custom = await cloudFrontSignedCookies({
      keyPairId: 'K1',
      privateKey,
      policy: { resource: 'https://d/*', expires: 2e9 },
    })
    expect(Object.keys(custom.cookies)).toEqual(['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id'])
  })
})

describe('refusals', () => {
  it('options: ERR_INVALID_OPTION', async () => {
    const cases: unknown[] = [
      undefined,
      { ...base(), colour: 'red' },
      { ...base(), expires: undefined },
      { ...base(), policy: { resource: URL_A, expires: 2e9 } },
      { ...base(), keyPairId: '' },
      { ...base(), keyPairId: 'K1&x=1' },
      { ...base(), expires: Date.now() }, // milliseconds
      { ...base(), expires: 1.5 },
      { ...base(), expires: new Date('nope') },
      { ...base(), expires: '2030-01-01' },
      { ...base(), hashAlgorithm: 'SHA512' },
      { ...base(), privateKey: 42 },
      { ...base(), expires: undefined, policy: { resource: URL_A, expires: 2e9, notBefore: 2e9 } },
      { ...base(), expires: undefined, policy: { resource: URL_A, expires: 2e9, ipAddress: '2001:db8::1' } },
      { ...base(), expires: undefined, policy: { resource: URL_A, expires: 2e9, ipAddress: '10.0.0.01' } },
      { ...base(), expires: undefined, policy: { resource: URL_A, expires: 2e9, ipAddress: '10.0.0.0/33' } },
      { ...base(), expires: undefined, policy: { resource: 'https://d/é', expires: 2e9 } },
      { ...base(), expires: undefined, policy: { resource: 'https://d/a b', expires: 2e9 } },
      { ...base(), expires: undefined, policy: { resource: URL_A, expires: 2e9, effect: 'Allow' } },
      {
        ...base(),
        expires: undefined,
        policy: { resource: 'https://d111111abcdef8.cloudfront.net/videos/*', expires: 2e9 },
      },
    ]
    for (const options of cases) await refusedWith('ERR_INVALID_OPTION', options)
    const message = await refusedWith('ERR_INVALID_OPTION', { ...base(), expires: 1_900_000_000_000 })
    expect(message).toContain('milliseconds')
  })

  it('URLs CloudFront would see differently, or already signed: ERR_INVALID_URL', async () => {
    for (const url of [
      'https://d111111abcdef8.cloudfront.net/a b.jpg',
      'https://D111111ABCDEF8.cloudfront.net/a.jpg',
      'https://d111111abcdef8.cloudfront.net',
      'https://d111111abcdef8.cloudfront.net/a.jpg#top',
      'https://user:pass@d111111abcdef8.cloudfront.net/a.jpg',
      'ftp://d111111abcdef8.cloudfront.net/a.jpg',
      '/relative.jpg',
      `${URL_A}?Signature=x`,
      `${URL_A}?a=1&key-pair-id=K1`,
      `${URL_A}?Expire%73=1`,
    ])
      await refusedWith('ERR_INVALID_URL', { ...base(), url })
    expect(
      await cloudFrontSignedUrl({ ...base(), url: new URL('https://D111111ABCDEF8.cloudfront.net/a b.jpg') }),
    ).toMatch(/^https:\/\/d111111abcdef8\.cloudfront\.net\/a%20b\.jpg\?Expires=/)
  })

  it('keys that cannot sign: ERR_CLOUDFRONT_KEY, ERR_CLOUDFRONT_KEY_PUBLIC', async () => {
    await refusedWith('ERR_CLOUDFRONT_KEY', { ...base(), hashAlgorithm: 'SHA256' }) // imported for SHA-1
    await refusedWith('ERR_CLOUDFRONT_KEY', { ...base(), privateKey: await importCloudFrontPublicKey(RSA_PUBLIC) })
    await refusedWith('ERR_CLOUDFRONT_KEY_PUBLIC', { ...base(), privateKey: RSA_PUBLIC })
    await refusedWith('ERR_INVALID_OPTION', { ...base(), privateKey: {} })
  })
})
