// Presign header hoisting: on generated S3 requests our presigned URL equals @smithy/signature-v4's presign with
// the same unhoistable set (server-side-encryption headers plus the caller's list): same query, same signature,
// same headers left to send. `hoistHeaders: false` equals smithy with every header unhoistable.
import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { presign, presignParts } from '../../../src/index.js'
import { uriEncode } from '../../../src/core/encoding.js'

const HEADER_POOL: Array<[string, fc.Arbitrary<string>]> = [
  ['x-amz-meta-note', fc.stringMatching(/^[A-Za-z0-9 ._~:/-]{1,16}$/)],
  ['X-Amz-Meta-Camel', fc.stringMatching(/^[A-Za-z0-9]{1,8}$/)],
  ['x-amz-acl', fc.constantFrom('private', 'public-read', 'bucket-owner-full-control')],
  ['x-amz-storage-class', fc.constantFrom('STANDARD', 'GLACIER_IR')],
  ['x-amz-tagging', fc.constantFrom('a=b', 'team=web&env=prod')],
  ['x-amz-checksum-crc32', fc.constantFrom('y/Q5Jg==', 'AAAAAA==')],
  ['x-amz-server-side-encryption', fc.constantFrom('AES256', 'aws:kms')],
  ['x-amz-server-side-encryption-aws-kms-key-id', fc.constantFrom('arn:aws:kms:us-east-1:123456789012:key/abc')],
  ['x-amz-server-side-encryption-customer-algorithm', fc.constant('AES256')],
  ['x-amz-server-side-encryption-customer-key', fc.constant('MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=')],
  ['x-amz-server-side-encryption-customer-key-MD5', fc.constant('Dm5ihLPSe7uClChHaG0hkg==')],
  ['x-amz-copy-source-server-side-encryption-customer-algorithm', fc.constant('AES256')],
  ['content-type', fc.constantFrom('image/png', 'text/plain; charset=utf-8')],
]
const SSE = /^x-amz-(copy-source-)?server-side-encryption/i

const cases = fc.record({
  picks: fc.subarray(
    HEADER_POOL.map((_, i) => i),
    { minLength: 1 },
  ),
  values: fc.tuple(...HEADER_POOL.map(([, value]) => value)),
  keep: fc.subarray(['x-amz-acl', 'x-amz-tagging', 'x-amz-meta-note']),
  // Not . or ..: a URL parser resolves those (core behaviour, not hoisting).
  key: fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/).filter((key) => key !== '.' && key !== '..'),
  query: fc.constantFrom('', 'partNumber=2&uploadId=xyz', 'versionId=3'),
  expiresIn: fc.integer({ min: 1, max: 604_800 }),
  time: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }),
  token: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{16,64}$/), { nil: undefined }),
})

type Case = typeof cases extends fc.Arbitrary<infer T> ? T : never

const credentialsOf = (token: string | undefined) => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  ...(token && { sessionToken: token }),
})
const host = 'my-bucket.s3.eu-west-1.amazonaws.com'

/** smithy's presign of the same request; `unhoistable` are the lower-case names smithy must leave as headers. */
async function smithyPresign(c: Case, headers: Array<[string, string]>, unhoistable: string[]) {
  const signer = new SignatureV4({
    credentials: credentialsOf(c.token),
    region: 'eu-west-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  })
  const query: Record<string, string> = {}
  for (const pair of c.query.split('&').filter(Boolean)) {
    const [name, value = ''] = pair.split('=')
    query[name!] = value
  }
  const request = new HttpRequest({
    method: 'PUT',
    protocol: 'https:',
    hostname: host,
    path: '/' + c.key,
    query,
    // smithy presigns S3 with UNSIGNED-PAYLOAD when told so in this header, which it neither signs nor hoists.
    headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...Object.fromEntries(headers) },
  })
  const datetime = new Date(Math.floor(+c.time / 1000) * 1000)
  const presigned = await signer.presign(request, {
    signingDate: datetime,
    expiresIn: c.expiresIn,
    unsignableHeaders: new Set(['x-amz-content-sha256']),
    unhoistableHeaders: new Set(['x-amz-content-sha256', ...unhoistable]),
  })
  const pairs = Object.entries(presigned.query ?? {}).map(
    ([name, value]) => `${uriEncode(name)}=${uriEncode(String(value))}`,
  )
  const left = Object.keys(presigned.headers)
    .map((name) => name.toLowerCase())
    .filter((name) => name !== 'host' && name !== 'x-amz-content-sha256')
  return { pairs: pairs.sort(), signature: String(presigned.query?.['X-Amz-Signature']), left: left.sort(), datetime }
}

function oursOf(query: string) {
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [name, value = ''] = pair.split('=')
      return `${uriEncode(decodeURIComponent(name!))}=${uriEncode(decodeURIComponent(value))}`
    })
    .sort()
}

describe('equal to @smithy/signature-v4 presign with the same hoistable set', () => {
  test('300 generated S3 presigns: hoisting on (default), with the server-side-encryption headers and a caller list kept', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const headers = c.picks.map((i): [string, string] => [HEADER_POOL[i]![0], c.values[i]!])
        const kept = headers
          .map(([name]) => name.toLowerCase())
          .filter((name) => SSE.test(name) || c.keep.includes(name))
        const theirs = await smithyPresign(c, headers, kept)
        const options = {
          credentials: credentialsOf(c.token),
          datetime: theirs.datetime,
          expiresIn: c.expiresIn,
          unhoistableHeaders: c.keep,
        }
        const signed = await presignParts({ method: 'PUT', host, path: '/' + c.key, query: c.query, headers }, options)
        expect(oursOf(signed.query)).toEqual(theirs.pairs)
        expect(signed.headers.map(([name]) => name.toLowerCase()).sort()).toEqual(theirs.left)
        expect(signed.signature, signed.canonicalRequest).toBe(theirs.signature)
        // The fetch-level presign: a Headers object lower-cases the names and trims the values, and so is what is hoisted.
        const url = await presign(
          { method: 'PUT', url: `https://${host}/${c.key}${c.query ? '?' + c.query : ''}`, headers },
          options,
        )
        const lower = headers.map(([name, value]): [string, string] => [name.toLowerCase(), value.trim()])
        expect(url.searchParams.get('X-Amz-Signature')).toBe((await smithyPresign(c, lower, kept)).signature)
      }),
      { seed: 421, numRuns: 300 },
    )
  }, 60_000)

  test('100 generated presigns with hoistHeaders: false equal smithy with every header unhoistable', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const headers = c.picks.map((i): [string, string] => [HEADER_POOL[i]![0], c.values[i]!])
        const theirs = await smithyPresign(
          c,
          headers,
          headers.map(([name]) => name.toLowerCase()),
        )
        const signed = await presignParts(
          { method: 'PUT', host, path: '/' + c.key, query: c.query, headers },
          {
            credentials: credentialsOf(c.token),
            datetime: theirs.datetime,
            expiresIn: c.expiresIn,
            hoistHeaders: false,
          },
        )
        expect(signed.signature).toBe(theirs.signature)
        expect(oursOf(signed.query)).toEqual(theirs.pairs)
        expect(oursOf(signed.query).some((pair) => /^x-amz-/i.test(pair) && !/^X-Amz-/.test(pair))).toBe(false)
      }),
      { seed: 422, numRuns: 100 },
    )
  }, 60_000)

  test('what hoisting moves and what it keeps, by name', async () => {
    const signed = await presignParts(
      {
        method: 'PUT',
        host,
        path: '/k',
        headers: [
          ['x-amz-meta-a', '1'],
          ['x-amz-server-side-encryption-customer-key', 'k'],
          ['x-amz-acl', 'private'],
          ['content-type', 'image/png'],
        ],
      },
      { credentials: credentialsOf(undefined), unhoistableHeaders: ['x-amz-acl'] },
    )
    expect(signed.query).toMatch(/(^|&)x-amz-meta-a=1(&|$)/)
    expect(signed.headers.map(([name]) => name)).toEqual([
      'x-amz-server-side-encryption-customer-key',
      'x-amz-acl',
      'content-type',
    ])
    expect(signed.signedHeaders).toBe('content-type;host;x-amz-acl;x-amz-server-side-encryption-customer-key')
  })
})
