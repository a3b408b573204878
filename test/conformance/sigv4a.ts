// Runtime-neutral SigV4a checks: the AWS v4a vectors (header and query), the derived public key, region sets
// and typed errors. Web-platform APIs only (crypto.subtle verifies), no test globals, no Node built-ins.
// ECDSA signatures are random, so signatures are verified with the public key, never compared as bytes.
import type * as SigV4a from '../../src/sigv4a.js'
import v4aCases from '../vectors/v4a.json' with { type: 'json' }
import { AssertionError, equal, ok, rejectsWith } from './assert.js'
import type { Check } from './suite.js'
import { prepareVector, presignedQuery, type VectorCase } from './vectors.js'
import { VECTOR_CREDENTIALS } from './fixtures.js'

export type SigV4aLib = typeof SigV4a

const CREDENTIALS = { ...VECTOR_CREDENTIALS }
const DATETIME = '2015-08-30T12:36:00Z'
const PARTS = { method: 'GET', host: 'example.amazonaws.com', path: '/' }

const hexBytes = (hex: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16))
const base64url = (hex: string): string =>
  btoa(String.fromCharCode(...hexBytes(hex)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=/g, '')

/** Strict DER `SEQUENCE { INTEGER r, INTEGER s }` (hex) to WebCrypto's 64-byte `r‖s`. */
export function derToRaw(hex: string): Uint8Array<ArrayBuffer> {
  const der = hexBytes(hex)
  if (der.length * 2 !== hex.length || der[0] !== 0x30 || der[1] !== der.length - 2)
    throw new AssertionError(`not a DER sequence: ${hex}`)
  const raw = new Uint8Array(64)
  let at = 2
  for (const offset of [0, 32]) {
    const length = der[at + 1]!
    if (der[at] !== 0x02 || length < 1 || length > 33)
      throw new AssertionError(`not a DER integer at byte ${at}: ${hex}`)
    let value = der.subarray(at + 2, at + 2 + length)
    if (value[0]! & 0x80) throw new AssertionError(`negative DER integer (missing leading zero): ${hex}`)
    // Minimal encoding: a leading zero only to keep a high bit from reading as a sign.
    if (value.length > 1 && value[0] === 0 && !(value[1]! & 0x80))
      throw new AssertionError(`non-minimal DER integer: ${hex}`)
    if (value.length === 33) {
      if (value[0] !== 0) throw new AssertionError(`DER integer longer than 32 bytes: ${hex}`)
      value = value.subarray(1)
    }
    raw.set(value, offset + 32 - value.length)
    at += 2 + length
  }
  if (at !== der.length) throw new AssertionError(`trailing bytes after the DER signature: ${hex}`)
  return raw
}

/** Imports a P-256 public key `{ x, y }` (hex) for verifying. */
export function importPublicKey(key: { x: string; y: string }): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: base64url(key.x), y: base64url(key.y) },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  )
}

/** Whether a hex DER signature is a valid ECDSA-P256-SHA256 signature of `text` under `key`. */
export async function verifies(key: CryptoKey, signatureHex: string, text: string): Promise<boolean> {
  return crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    derToRaw(signatureHex),
    new TextEncoder().encode(text),
  )
}

function publicKeyOf(vector: VectorCase): { x: string; y: string } {
  const json = JSON.parse(vector.files['public-key.json']!) as { X: string; Y: string }
  return { x: json.X.toLowerCase(), y: json.Y.toLowerCase() }
}

const header = (headers: Array<[string, string]>, name: string) =>
  headers.find(([key]) => key.toLowerCase() === name)?.[1]
const queryParams = (query: string): string[] =>
  query
    .split('&')
    .filter((param) => param && !param.startsWith('X-Amz-Signature='))
    .sort()
const querySignature = (query: string): string => /(?:^|&)X-Amz-Signature=([0-9a-f]+)(?:&|$)/.exec(query)?.[1] ?? ''

/** The SigV4a checks: 2 per v4a vector case (header, query), the derived key, region sets, requests, errors. */
export function sigv4aChecks(lib: SigV4aLib, cases: VectorCase[] = v4aCases as VectorCase[]): Check[] {
  const checks: Check[] = []
  const expectedKey = publicKeyOf(cases[0]!)
  let verifyKey: Promise<CryptoKey> | undefined
  const key = () => (verifyKey ??= importPublicKey(expectedKey))

  checks.push({
    name: 'v4a derived public key equals public-key.json',
    run: async () => {
      const derived = await lib.publicKeyV4a(CREDENTIALS)
      for (const vector of cases) {
        const expected = publicKeyOf(vector)
        equal(derived.x, expected.x, `public key x (${vector.name})`)
        equal(derived.y, expected.y, `public key y (${vector.name})`)
      }
    },
  })

  for (const vector of cases) {
    const { context, parts, options: v4Options } = prepareVector(vector)
    const options = { ...v4Options, regionSet: context.region }
    checks.push({
      name: `v4a vector ${vector.name} (header)`,
      run: async () => {
        const signed = await lib.signPartsV4a(parts, options)
        equal(signed.canonicalRequest, vector.files['header-canonical-request.txt'], 'canonical request')
        equal(signed.stringToSign, vector.files['header-string-to-sign.txt'], 'string to sign')
        const expectedRequest = vector.files['header-signed-request.txt']!
        const expectedAuthorization = /^Authorization:(.*)$/m.exec(expectedRequest)![1]!
        ok(
          await verifies(await key(), vector.files['header-signature.txt']!, signed.stringToSign),
          "the vector's header-signature.txt verifies with public-key.json",
        )
        const expectedSignature = expectedAuthorization.slice(expectedAuthorization.indexOf('Signature=') + 10)
        ok(
          await verifies(await key(), expectedSignature, signed.stringToSign),
          "the vector's signed-request signature verifies with public-key.json",
        )
        ok(
          await verifies(await key(), signed.signature, signed.stringToSign),
          'our signature verifies with public-key.json',
        )
        ok(
          !(await verifies(await key(), signed.signature, signed.stringToSign + ' ')),
          'our signature does not verify another text',
        )
        const authorization = header(signed.headers, 'authorization') ?? ''
        equal(
          authorization,
          expectedAuthorization.slice(0, expectedAuthorization.indexOf('Signature=')) + 'Signature=' + signed.signature,
          'authorization header',
        )
        equal(
          header(signed.headers, 'x-amz-region-set'),
          /^X-Amz-Region-Set:(.*)$/m.exec(expectedRequest)![1],
          'x-amz-region-set header',
        )
        equal(header(signed.headers, 'x-amz-security-token'), context.credentials.token, 'x-amz-security-token header')
        equal(signed.credentialScope, '20150830/service/aws4_request', 'credential scope')
      },
    })
    checks.push({
      name: `v4a vector ${vector.name} (query)`,
      run: async () => {
        const signed = await lib.presignPartsV4a(parts, options)
        equal(signed.canonicalRequest, vector.files['query-canonical-request.txt'], 'canonical request')
        equal(signed.stringToSign, vector.files['query-string-to-sign.txt'], 'string to sign')
        const expectedQuery = presignedQuery(vector)
        ok(
          await verifies(await key(), vector.files['query-signature.txt']!, signed.stringToSign),
          "the vector's query-signature.txt verifies with public-key.json",
        )
        ok(
          await verifies(await key(), querySignature(expectedQuery), signed.stringToSign),
          "the vector's presigned-URL signature verifies with public-key.json",
        )
        equal(querySignature(signed.query), signed.signature, 'X-Amz-Signature parameter')
        ok(
          await verifies(await key(), signed.signature, signed.stringToSign),
          'our signature verifies with public-key.json',
        )
        equal(
          queryParams(signed.query).join('&'),
          queryParams(expectedQuery).join('&'),
          'presigned query (without the signature)',
        )
        ok(
          !signed.headers.some(([name]) => /^(authorization|x-amz-region-set)$/i.test(name)),
          'no authorization or region-set header when presigning',
        )
      },
    })
  }

  checks.push({
    name: 'v4a region set: a list is signed comma-joined, wildcards are encoded in the query',
    run: async () => {
      const options = { credentials: CREDENTIALS, service: 'service', datetime: DATETIME }
      const signed = await lib.signPartsV4a(PARTS, { ...options, regionSet: ['us-east-1', 'eu-west-1'] })
      equal(header(signed.headers, 'x-amz-region-set'), 'us-east-1,eu-west-1', 'x-amz-region-set header')
      ok(
        signed.canonicalRequest.includes('\nx-amz-region-set:us-east-1,eu-west-1\n'),
        'the region set is in the canonical request',
      )
      ok(await verifies(await key(), signed.signature, signed.stringToSign), 'signature verifies')
      const presigned = await lib.presignPartsV4a(PARTS, { ...options, regionSet: '*' })
      ok(presigned.query.includes('X-Amz-Region-Set=%2A'), `X-Amz-Region-Set=%2A in ${presigned.query}`)
      ok(presigned.canonicalRequest.includes('&X-Amz-Region-Set=%2A&'), 'the region set is in the canonical query')
      ok(await verifies(await key(), presigned.signature, presigned.stringToSign), 'presigned signature verifies')
      const fallback = await lib.signPartsV4a(PARTS, { ...options, region: 'us-west-2' })
      equal(header(fallback.headers, 'x-amz-region-set'), 'us-west-2', 'options.region is the default region set')
      const replaced = await lib.signPartsV4a(
        { ...PARTS, headers: [['X-Amz-Region-Set', 'evil-1']] },
        { ...options, regionSet: 'us-*' },
      )
      equal(
        replaced.headers
          .filter(([name]) => name.toLowerCase() === 'x-amz-region-set')
          .map(([, value]) => value)
          .join('|'),
        'us-*',
        'a caller-supplied region-set header is replaced',
      )
    },
  })

  checks.push({
    name: 'v4a signV4a returns a signed Request with the same body',
    run: async () => {
      const body = '{"hello":"world"}'
      const input = new Request('https://example.amazonaws.com/a%20b?x=1', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      })
      const options = { credentials: CREDENTIALS, service: 'service', regionSet: '*', datetime: DATETIME }
      const request = await lib.signV4a(input, options)
      equal(await request.text(), body, 'body')
      equal(request.headers.get('x-amz-region-set'), '*', 'x-amz-region-set header')
      const authorization = request.headers.get('authorization') ?? ''
      ok(
        authorization.startsWith(
          'AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-region-set, Signature=',
        ),
        authorization,
      )
      // The parts signer builds the same string to sign, which the Request's signature must verify.
      const parts = await lib.signPartsV4a(
        {
          method: 'POST',
          host: 'example.amazonaws.com',
          path: '/a%20b',
          query: 'x=1',
          headers: [['content-type', 'application/json']],
          body,
        },
        options,
      )
      ok(
        await verifies(await key(), authorization.slice(authorization.indexOf('Signature=') + 10), parts.stringToSign),
        'Request signature verifies',
      )
    },
  })

  checks.push({
    name: 'v4a presignV4a returns a URL carrying the region set',
    run: async () => {
      const options = {
        credentials: { ...CREDENTIALS, sessionToken: 'token/+=' },
        service: 'service',
        regionSet: ['us-east-1', 'us-west-2'],
        datetime: DATETIME,
        expiresIn: 60,
      }
      const url = await lib.presignV4a('https://example.amazonaws.com/path?a=1', options)
      equal(url.searchParams.get('X-Amz-Region-Set'), 'us-east-1,us-west-2', 'X-Amz-Region-Set')
      equal(url.searchParams.get('X-Amz-Algorithm'), 'AWS4-ECDSA-P256-SHA256', 'X-Amz-Algorithm')
      equal(url.searchParams.get('X-Amz-Credential'), 'AKIDEXAMPLE/20150830/service/aws4_request', 'X-Amz-Credential')
      equal(url.searchParams.get('X-Amz-Security-Token'), 'token/+=', 'X-Amz-Security-Token')
      const parts = await lib.presignPartsV4a({ ...PARTS, path: '/path', query: 'a=1' }, options)
      ok(
        await verifies(await key(), url.searchParams.get('X-Amz-Signature') ?? '', parts.stringToSign),
        'URL signature verifies',
      )
    },
  })

  checks.push({
    name: 'v4a key cache: one key per credential, another secret gives another key',
    run: async () => {
      const first = await lib.publicKeyV4a({ ...CREDENTIALS })
      const again = await lib.publicKeyV4a({ ...CREDENTIALS })
      equal(again.x + again.y, first.x + first.y, 'same credentials, same key')
      const other = await lib.publicKeyV4a({ ...CREDENTIALS, secretAccessKey: CREDENTIALS.secretAccessKey + 'X' })
      ok(other.x !== first.x, 'another secret derives another key')
      const otherId = await lib.publicKeyV4a({ ...CREDENTIALS, accessKeyId: 'AKIDEXAMPLE2' })
      ok(otherId.x !== first.x && otherId.x !== other.x, 'another access key id derives another key')
      const credentials = { ...CREDENTIALS }
      await lib.publicKeyV4a(credentials)
      credentials.secretAccessKey += 'X'
      equal((await lib.publicKeyV4a(credentials)).x, other.x, 'a mutated credentials object is derived again')
    },
  })

  checks.push({
    name: 'v4a bad input: typed errors',
    run: async () => {
      const options = { credentials: CREDENTIALS, service: 'service', datetime: DATETIME }
      await rejectsWith(
        () => lib.signPartsV4a(PARTS, { ...options, regionSet: [] }),
        'ERR_INVALID_REGION_SET',
        'empty region list',
      )
      await rejectsWith(
        () => lib.signPartsV4a(PARTS, { ...options, regionSet: '' }),
        'ERR_INVALID_REGION_SET',
        'empty region string',
      )
      await rejectsWith(
        () => lib.presignPartsV4a(PARTS, { ...options, regionSet: 'us-east-1,' }),
        'ERR_INVALID_REGION_SET',
        'empty region in a list',
      )
      await rejectsWith(
        () => lib.signPartsV4a(PARTS, { ...options, regionSet: ['US East 1'] }),
        'ERR_INVALID_REGION_SET',
        'region with spaces',
      )
      await rejectsWith(
        () => lib.signPartsV4a(PARTS, { ...options, regionSet: [42 as unknown as string] }),
        'ERR_INVALID_REGION_SET',
        'non-string region',
      )
      await rejectsWith(
        () => lib.signV4a({ url: 'https://example.amazonaws.com/' }, options),
        'ERR_REGION_REQUIRED',
        'no region set and no region',
      )
      await rejectsWith(
        () => lib.presignV4a('https://example.amazonaws.com/', { ...options, regionSet: '*', expiresIn: 0 }),
        'ERR_INVALID_EXPIRES',
        'expiresIn 0',
      )
      await rejectsWith(
        () =>
          lib.signPartsV4a(PARTS, {
            ...options,
            regionSet: '*',
            credentials: { accessKeyId: 'AKID', secretAccessKey: '' },
          }),
        'ERR_CREDENTIALS_MISSING',
        'empty secret',
      )
      await rejectsWith(
        () => lib.publicKeyV4a({ accessKeyId: '', secretAccessKey: 'x' }),
        'ERR_CREDENTIALS_MISSING',
        'publicKeyV4a without an access key id',
      )
      await rejectsWith(
        () => lib.signPartsV4a({ ...PARTS, host: 'example.com' }, { ...options, regionSet: '*', service: undefined }),
        'ERR_SERVICE_REQUIRED',
        'no service for a host that does not name one',
      )
    },
  })

  return checks
}
