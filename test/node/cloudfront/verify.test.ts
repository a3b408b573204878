// verifyCloudFront fails closed: every mutation of a signed URL or cookie set is refused (fast-check), as are expired
// and not-yet-valid policies, another key's id, an unknown key id, a resource outside the policy, a viewer outside
// the range, ambiguous input and policies it cannot fully check. No message holds the signature.
import { createSign, generateKeyPairSync } from 'node:crypto'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  cloudFrontSignedCookies,
  cloudFrontSignedUrl,
  importCloudFrontKey,
  importCloudFrontPublicKey,
  verifyCloudFront,
  type CloudFrontVerifyResult,
} from '../../../src/cloudfront.js'
import { SigV4Error } from '../../../src/index.js'
import { RUNS } from './inputs.js'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const pem = (key: { export(options: object): string | Buffer }, type: string) =>
  key.export({ type, format: 'pem' }) as string
const RSA_PRIVATE = pem(rsa.privateKey, 'pkcs8')
const EC_PRIVATE = pem(ec.privateKey, 'sec1')
const publicKeys = {
  KRSA: pem(rsa.publicKey, 'spki'),
  KEC: pem(ec.publicKey, 'spki'),
  KOTHER: pem(other.publicKey, 'spki'),
}
const NOW = 1_800_000_000_000
const EXPIRES = 1_800_003_600
const URL_A = 'https://d111111abcdef8.cloudfront.net/videos/a.mp4?quality=hd'

let rsaKey: CryptoKey
let ecKey: CryptoKey
beforeAll(async () => {
  rsaKey = await importCloudFrontKey(RSA_PRIVATE)
  ecKey = await importCloudFrontKey(EC_PRIVATE)
})

const verify = (
  request: Parameters<typeof verifyCloudFront>[0],
  options: Partial<Parameters<typeof verifyCloudFront>[1]> = {},
) => verifyCloudFront(request, { publicKeys, now: NOW, ...options })

function refused(result: CloudFrontVerifyResult, code: string, signature?: string): void {
  expect(result).toMatchObject({ ok: false, code })
  if (!result.ok && signature) expect(result.message).not.toContain(signature.slice(0, 12))
}

/** CloudFront's base64 of bytes (an independent copy, for hand-made policies). */
const cfBase64 = (bytes: Uint8Array | string) =>
  Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~')

/** A URL carrying any policy text, signed by node:crypto: to show refusals are about the policy, not the signature. */
function signedWithPolicy(url: string, policy: string, keyPairId = 'KRSA'): string {
  const signature = createSign('RSA-SHA1').update(policy).sign(rsa.privateKey)
  return `${url}${url.includes('?') ? '&' : '?'}Policy=${cfBase64(policy)}&Signature=${cfBase64(signature)}&Key-Pair-Id=${keyPairId}`
}

describe('accepts what it should', () => {
  it('canned and custom URLs and cookies, RSA and ECDSA', async () => {
    for (const [keyPairId, privateKey] of [
      ['KRSA', () => rsaKey],
      ['KEC', () => ecKey],
    ] as const) {
      const canned = await cloudFrontSignedUrl({ url: URL_A, keyPairId, privateKey: privateKey(), expires: EXPIRES })
      expect(await verify(new Request(canned))).toMatchObject({
        ok: true,
        source: 'url',
        policyType: 'canned',
        url: URL_A,
      })
      const policy = { resource: 'https://d111111abcdef8.cloudfront.net/videos/*', expires: EXPIRES }
      const { cookies } = await cloudFrontSignedCookies({ keyPairId, privateKey: privateKey(), policy })
      const cookie = Object.entries(cookies)
        .map(([name, value]) => `${name}=${value}`)
        .join('; ')
      expect(
        await verify(new Request(URL_A, { headers: { cookie: `session=1; ${cookie}; theme=dark` } })),
      ).toMatchObject({
        ok: true,
        source: 'cookies',
        policyType: 'custom',
        resource: policy.resource,
      })
    }
  })

  it('the URL to forward drops only the signing parameters', async () => {
    const signed = await cloudFrontSignedUrl({ url: URL_A, keyPairId: 'KRSA', privateKey: rsaKey, expires: EXPIRES })
    expect(await verify(new Request(signed))).toMatchObject({ ok: true, url: URL_A, resource: URL_A, expires: EXPIRES })
  })
})

describe('every mutation of a signed URL or cookie set is refused', () => {
  const PRINTABLE = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code))

  it('URLs: any character replaced, inserted or deleted (canned and exact custom policies, RSA and ECDSA)', async () => {
    const signedUrls: string[] = []
    for (const privateKey of [rsaKey, ecKey]) {
      const keyPairId = privateKey === rsaKey ? 'KRSA' : 'KEC'
      signedUrls.push(await cloudFrontSignedUrl({ url: URL_A, keyPairId, privateKey, expires: EXPIRES }))
      signedUrls.push(
        await cloudFrontSignedUrl({
          url: URL_A,
          keyPairId,
          privateKey: privateKey === rsaKey ? RSA_PRIVATE : privateKey, // RSA keys are bound to one hash
          hashAlgorithm: 'SHA256',
          policy: { resource: URL_A, expires: EXPIRES, notBefore: EXPIRES - 7200, ipAddress: '192.0.2.0/24' },
        }),
      )
    }
    const headers = { 'cf-connecting-ip': '192.0.2.10' }
    for (const signed of signedUrls) expect((await verify(new Request(signed, { headers }))).ok).toBe(true)
    let mutated = 0
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...signedUrls),
        fc.constantFrom('replace', 'insert', 'delete'),
        fc.nat(),
        PRINTABLE,
        async (signed, how, at, char) => {
          const index = at % signed.length
          const changed =
            signed.slice(0, index) + (how === 'delete' ? '' : char) + signed.slice(index + (how === 'insert' ? 0 : 1))
          let request: Request
          try {
            request = new Request(changed, { headers })
          } catch {
            return // not a URL any more: nothing to send
          }
          if (request.url === new URL(signed).href) return // the same request once parsed (e.g. host case)
          mutated++
          const result = await verify(request)
          expect(result.ok, `accepted ${changed}`).toBe(false)
        },
      ),
      { ...RUNS, numRuns: 1500 },
    )
    expect(mutated).toBeGreaterThan(1200)
  })

  it('cookies: any character of a name or value replaced, a cookie dropped or sent twice', async () => {
    const sets: Array<Array<[string, string]>> = []
    for (const privateKey of [rsaKey, ecKey]) {
      const keyPairId = privateKey === rsaKey ? 'KRSA' : 'KEC'
      sets.push(
        Object.entries(
          (await cloudFrontSignedCookies({ url: URL_A, keyPairId, privateKey, expires: EXPIRES })).cookies,
        ),
      )
      const policy = { resource: 'https://d111111abcdef8.cloudfront.net/videos/a.mp4?*', expires: EXPIRES }
      sets.push(
        Object.entries(
          (
            await cloudFrontSignedCookies({
              keyPairId,
              privateKey: privateKey === rsaKey ? RSA_PRIVATE : privateKey,
              policy,
              hashAlgorithm: 'SHA256',
            })
          ).cookies,
        ),
      )
    }
    const header = (pairs: Array<[string, string]>) => pairs.map(([name, value]) => `${name}=${value}`).join('; ')
    for (const set of sets)
      expect((await verify(new Request(URL_A, { headers: { cookie: header(set) } }))).ok).toBe(true)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sets),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        PRINTABLE.filter((char) => char !== '='),
        fc.constantFrom('replace', 'drop', 'twice'),
        async (set, which, at, inName, char, how) => {
          const pairs = set.map(([name, value]) => [name, value] as [string, string])
          const index = which % pairs.length
          const pair = pairs[index]!
          if (how === 'drop') pairs.splice(index, 1)
          else if (how === 'twice') pairs.push([pair[0], pair[1].slice(1) + pair[1][0]])
          else {
            const text = inName ? pair[0] : pair[1]
            const position = at % text.length
            if (text[position] === char) return
            const changed = text.slice(0, position) + char + text.slice(position + 1)
            if (inName) pair[0] = changed
            else pair[1] = changed
          }
          const result = await verify(new Request(URL_A, { headers: { cookie: header(pairs) } }))
          expect(result.ok, `accepted ${header(pairs)}`).toBe(false)
        },
      ),
      { ...RUNS, numRuns: 800 },
    )
  })
})

describe('refusals, each with its code', () => {
  it('expired and not yet valid', async () => {
    const signed = await cloudFrontSignedUrl({
      url: URL_A,
      keyPairId: 'KRSA',
      privateKey: rsaKey,
      policy: { resource: URL_A, expires: EXPIRES, notBefore: EXPIRES - 100 },
    })
    expect((await verify(new Request(signed), { now: (EXPIRES - 1) * 1000 })).ok).toBe(true)
    expect((await verify(new Request(signed), { now: (EXPIRES - 100) * 1000 })).ok).toBe(true)
    refused(await verify(new Request(signed), { now: EXPIRES * 1000 }), 'ERR_CF_EXPIRED')
    refused(await verify(new Request(signed), { now: new Date((EXPIRES - 100) * 1000 - 1) }), 'ERR_CF_NOT_YET_VALID')
    const canned = await cloudFrontSignedUrl({ url: URL_A, keyPairId: 'KRSA', privateKey: rsaKey, expires: EXPIRES })
    refused(await verify(new Request(canned), { now: EXPIRES * 1000 + 1 }), 'ERR_CF_EXPIRED')
  })

  it("another key's id, and an unknown key id", async () => {
    const signed = await cloudFrontSignedUrl({ url: URL_A, keyPairId: 'KRSA', privateKey: rsaKey, expires: EXPIRES })
    const signature = new URL(signed).searchParams.get('Signature')!
    refused(
      await verify(new Request(signed.replace('Key-Pair-Id=KRSA', 'Key-Pair-Id=KOTHER'))),
      'ERR_CF_SIGNATURE',
      signature,
    )
    refused(
      await verify(new Request(signed.replace('Key-Pair-Id=KRSA', 'Key-Pair-Id=KEC'))),
      'ERR_CF_SIGNATURE',
      signature,
    )
    refused(
      await verify(new Request(signed.replace('Key-Pair-Id=KRSA', 'Key-Pair-Id=KNOPE'))),
      'ERR_CF_UNKNOWN_KEY',
      signature,
    )
    // Inherited names are not keys.
    refused(
      await verify(new Request(signed.replace('Key-Pair-Id=KRSA', 'Key-Pair-Id=constructor'))),
      'ERR_CF_UNKNOWN_KEY',
    )
  })

  it('a resource outside the policy (the signature moved to another URL)', async () => {
    const policy = { resource: 'https://d111111abcdef8.cloudfront.net/videos/*', expires: EXPIRES }
    const signed = await cloudFrontSignedUrl({ url: URL_A, keyPairId: 'KRSA', privateKey: rsaKey, policy })
    const moved = signed.replace('/videos/a.mp4', '/private/a.mp4')
    refused(await verify(new Request(moved)), 'ERR_CF_RESOURCE')
    const { cookies } = await cloudFrontSignedCookies({ keyPairId: 'KRSA', privateKey: rsaKey, policy })
    const cookie = Object.entries(cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ')
    expect(
      (await verify(new Request('https://d111111abcdef8.cloudfront.net/videos/b/c.ts', { headers: { cookie } }))).ok,
    ).toBe(true)
    refused(
      await verify(new Request('https://d111111abcdef8.cloudfront.net/secret.txt', { headers: { cookie } })),
      'ERR_CF_RESOURCE',
    )
    refused(await verify(new Request('https://evil.example/videos/a.mp4', { headers: { cookie } })), 'ERR_CF_RESOURCE')
  })

  it('the viewer IP: inside, outside, unknown, IPv6, and the clientIp option', async () => {
    const policy = { resource: URL_A, expires: EXPIRES, ipAddress: '198.51.100.0/22' }
    const signed = await cloudFrontSignedUrl({ url: URL_A, keyPairId: 'KEC', privateKey: ecKey, policy })
    const at = (ip?: string, options = {}) =>
      verify(new Request(signed, { headers: ip === undefined ? {} : { 'cf-connecting-ip': ip } }), options)
    expect((await at('198.51.103.255')).ok).toBe(true)
    refused(await at('198.51.104.0'), 'ERR_CF_IP')
    refused(await at(), 'ERR_CF_IP')
    refused(await at('2001:db8::1'), 'ERR_CF_IP')
    refused(await at('198.51.100.7/32'), 'ERR_CF_IP')
    refused(await at('198.051.100.7'), 'ERR_CF_IP')
    expect((await at(undefined, { clientIp: '198.51.100.1' })).ok).toBe(true)
    refused(await at('198.51.100.1', { clientIp: '203.0.113.1' }), 'ERR_CF_IP')
  })

  it('ambiguous: URL and cookies, a parameter or cookie twice, Expires with Policy, names in other case or encoding', async () => {
    const signed = await cloudFrontSignedUrl({ url: URL_A, keyPairId: 'KRSA', privateKey: rsaKey, expires: EXPIRES })
    const { cookies } = await cloudFrontSignedCookies({
      url: URL_A,
      keyPairId: 'KRSA',
      privateKey: rsaKey,
      expires: EXPIRES,
    })
    const cookie = Object.entries(cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ')
    refused(await verify(new Request(signed, { headers: { cookie } })), 'ERR_CF_AMBIGUOUS')
    refused(
      await verify(new Request(signed, { headers: { cookie: 'CloudFront-Key-Pair-Id=KRSA' } })),
      'ERR_CF_AMBIGUOUS',
    )
    refused(await verify(new Request(signed + '&Key-Pair-Id=KRSA')), 'ERR_CF_AMBIGUOUS')
    refused(await verify(new Request(signed + '&Policy=e30_')), 'ERR_CF_AMBIGUOUS')
    refused(await verify(new Request(signed + '&key-pair-id=KOTHER')), 'ERR_CF_AMBIGUOUS')
    refused(await verify(new Request(signed.replace('Expires=', 'Expire%73='))), 'ERR_CF_AMBIGUOUS')
    refused(await verify(new Request(URL_A, { headers: { cookie: `${cookie}; ${cookie}` } })), 'ERR_CF_AMBIGUOUS')
    refused(
      await verify(
        new Request(URL_A, { headers: { cookie: cookie.replace('CloudFront-Signature', 'cloudfront-signature') } }),
      ),
      'ERR_CF_AMBIGUOUS',
    )
  })

  it('malformed: missing parts, parameters after the signing ones, non-canonical base64, bad Expires or Hash-Algorithm', async () => {
    const signed = await cloudFrontSignedUrl({ url: URL_A, keyPairId: 'KRSA', privateKey: rsaKey, expires: EXPIRES })
    const signature = new URL(signed).searchParams.get('Signature')!
    refused(await verify(new Request(signed.replace(/&Signature=[^&]*/, ''))), 'ERR_CF_MALFORMED')
    refused(await verify(new Request(signed.replace(/&Key-Pair-Id=[^&]*/, ''))), 'ERR_CF_MALFORMED')
    refused(await verify(new Request(signed.replace(/&Expires=[^&]*/, ''))), 'ERR_CF_MALFORMED')
    refused(await verify(new Request(signed + '&utm=1')), 'ERR_CF_MALFORMED')
    refused(await verify(new Request(signed + '&Hash-Algorithm=MD5')), 'ERR_CF_MALFORMED')
    refused(await verify(new Request(signed.replace(`Expires=${EXPIRES}`, `Expires=0${EXPIRES}`))), 'ERR_CF_MALFORMED')
    refused(await verify(new Request(signed.replace(`Expires=${EXPIRES}`, `Expires=${EXPIRES}.0`))), 'ERR_CF_MALFORMED')
    // 256 bytes end in "==" (here "__"): the last character carries 4 unused bits. Setting one decodes to the same
    // bytes with atob, and is refused here.
    expect(signature.endsWith('__')).toBe(true)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~'
    const last = signature.at(-3)!
    const sloppy = signature.slice(0, -3) + alphabet[alphabet.indexOf(last) ^ 1] + '__'
    expect(atob(sloppy.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'))).toBe(
      atob(signature.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/')),
    )
    refused(await verify(new Request(signed.replace(signature, sloppy))), 'ERR_CF_MALFORMED', signature)
    refused(
      await verify(new Request(signed.replace(signature, signature.replace(/~/g, '/')))),
      'ERR_CF_MALFORMED',
      signature,
    )
    refused(await verify(new Request(URL_A)), 'ERR_CF_NO_SIGNATURE')
    refused(await verify({ url: 'not a url', headers: new Headers() }), 'ERR_CF_MALFORMED_REQUEST')
    refused(await verify('https://x/' as unknown as Request), 'ERR_CF_MALFORMED_REQUEST')
  })

  it('policies it cannot fully check, each validly signed', async () => {
    const url = 'https://d111111abcdef8.cloudfront.net/a'
    const condition = `{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}`
    const wrap = (statement: string) => `{"Statement":[${statement}]}`
    const good = wrap(`{"Resource":"${url}","Condition":${condition}}`)
    expect((await verify(new Request(signedWithPolicy(url, good)))).ok).toBe(true)
    const bad = [
      'not json',
      `{"Statement":[{"Resource":"${url}","Condition":${condition}}],"Version":"2012"}`,
      wrap(`{"Resource":"${url}","Condition":${condition},"Effect":"Allow"}`),
      wrap(`{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},"StringEquals":{"a":"b"}}}`),
      wrap(`{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES},"x":1}}}`),
      wrap(
        `{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},"DateLessThan":{"AWS:EpochTime":9999999999}}}`,
      ),
      wrap(`{"Resource":"${url}","Resource":"https://*","Condition":${condition}}`),
      wrap(`{"Resource":"${url}","Condition":${condition}},{"Resource":"${url}","Condition":${condition}}`),
      wrap(`{"Resource":"${url}","Condition":{}}`),
      wrap(`{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":"${EXPIRES}"}}}`),
      wrap(`{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}.5}}}`),
      wrap(
        `{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},"IpAddress":{"AWS:SourceIp":"10.0.0.1"}}}`,
      ),
      wrap(
        `{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},"IpAddress":{"AWS:SourceIp":"10.0.0.256/8"}}}`,
      ),
      wrap(
        `{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},"IpAddress":{"AWS:SourceIp":"2001:db8::/32"}}}`,
      ),
      wrap(
        `{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},"IpAddress":{"AWS:SourceIp":["10.0.0.0/8"]}}}`,
      ),
      wrap(`{"Resource":["${url}"],"Condition":${condition}}`),
      '[]',
    ]
    for (const policy of bad) refused(await verify(new Request(signedWithPolicy(url, policy))), 'ERR_CF_POLICY')
    // Not UTF-8.
    const latin1 = signedWithPolicy(url, good).replace(
      /Policy=[^&]*/,
      `Policy=${cfBase64(new Uint8Array([0xff, 0xfe]))}`,
    )
    refused(await verify(new Request(latin1)), 'ERR_CF_POLICY')
  })

  it('hashes: an RSA CryptoKey imported for the other hash, and hashAlgorithms', async () => {
    const signed = await cloudFrontSignedUrl({
      url: URL_A,
      keyPairId: 'KRSA',
      privateKey: RSA_PRIVATE,
      expires: EXPIRES,
      hashAlgorithm: 'SHA256',
    })
    const sha1Key = await importCloudFrontPublicKey(publicKeys.KRSA)
    refused(await verify(new Request(signed), { publicKeys: { KRSA: sha1Key } }), 'ERR_CF_HASH_ALGORITHM')
    const sha256Key = await importCloudFrontPublicKey(publicKeys.KRSA, { hashAlgorithm: 'SHA256' })
    expect((await verify(new Request(signed), { publicKeys: { KRSA: sha256Key } })).ok).toBe(true)
    const sha1Url = await cloudFrontSignedUrl({ url: URL_A, keyPairId: 'KRSA', privateKey: rsaKey, expires: EXPIRES })
    refused(await verify(new Request(sha1Url), { hashAlgorithms: ['SHA256'] }), 'ERR_CF_HASH_ALGORITHM')
    expect((await verify(new Request(sha1Url + '&Hash-Algorithm=SHA1'))).ok).toBe(true)
    // The hash is part of what is checked: claiming SHA256 for a SHA-1 signature fails.
    refused(await verify(new Request(sha1Url + '&Hash-Algorithm=SHA256')), 'ERR_CF_SIGNATURE')
  })
})

describe('options', () => {
  it('invalid options throw ERR_INVALID_OPTION at the call', async () => {
    const request = new Request(URL_A)
    const bad: unknown[] = [
      undefined,
      {},
      { publicKeys: {} },
      { publicKeys, extra: 1 },
      { publicKeys, now: Number.NaN },
      { publicKeys, now: new Date('nope') },
      { publicKeys, hashAlgorithms: [] },
      { publicKeys, hashAlgorithms: ['MD5'] },
      { publicKeys, clientIp: 7 },
      { publicKeys: { 'bad id': publicKeys.KRSA } },
      { publicKeys: { KRSA: 42 } },
      { publicKeys: { KRSA: rsaKey } }, // a private key
    ]
    for (const options of bad) {
      const error = await verifyCloudFront(request, options as never).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(SigV4Error)
      expect((error as SigV4Error).code).toBe('ERR_INVALID_OPTION')
    }
  })

  it('a configured PEM that is not a public key throws (a server fault), without key bytes in the message', async () => {
    const signed = await cloudFrontSignedUrl({ url: URL_A, keyPairId: 'KRSA', privateKey: rsaKey, expires: EXPIRES })
    const error = await verify(new Request(signed), { publicKeys: { KRSA: RSA_PRIVATE } }).catch(
      (caught: unknown) => caught,
    )
    expect((error as SigV4Error).code).toBe('ERR_CLOUDFRONT_KEY')
    expect((error as Error).message).not.toMatch(/[A-Za-z0-9+/]{24}/)
  })
})
