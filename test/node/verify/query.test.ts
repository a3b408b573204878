// Item 4: what the app reads is what was signed. A raw "+" and invalid percent-encoded UTF-8 are refused in the
// query (strict by default, strictEncoding: false relaxes it); the result carries the signed, decoded query pairs
// and the signed path; a Host header that is not the request's host is refused.
import { describe, expect, test } from 'vitest'
import type { RequestParts } from '../../../src/core/types.js'
import { verify } from '../../../src/verify.js'
import { accepting, asRequest, presigned, signed } from './signed.js'

const get = (path: string, query: string, host = 'api.example.test'): RequestParts => ({
  method: 'GET',
  host,
  path,
  query,
})
const withQuery = (request: RequestParts, query: string): RequestParts => ({ ...request, query })
const relaxed = { ...accepting, strictEncoding: false }

describe('strict query (default)', () => {
  test('email=a%2Bb%40x.com resent as a+b%40x.com → ERR_QUERY_ENCODING (URLSearchParams would read "a b@x.com")', async () => {
    const request = await signed(get('/users', 'email=a%2Bb%40x.com'))
    expect(await verify(request, accepting)).toMatchObject({ ok: true, query: [['email', 'a+b@x.com']] })
    const resent = withQuery(request, 'email=a+b%40x.com')
    expect(new URLSearchParams(resent.query).get('email')).toBe('a b@x.com')
    expect(await verify(resent, accepting)).toMatchObject({ ok: false, code: 'ERR_QUERY_ENCODING' })
  })

  test('%2561%25FF resent as %61%FF → ERR_QUERY_ENCODING (invalid UTF-8 reads as U+FFFD)', async () => {
    const request = await signed(get('/search', 'q=%2561%25FF'))
    expect(await verify(request, accepting)).toMatchObject({ ok: true, query: [['q', '%61%FF']] })
    const resent = withQuery(request, 'q=%61%FF')
    expect(new URLSearchParams(resent.query).get('q')).toBe('a\ufffd')
    expect(await verify(resent, accepting)).toMatchObject({ ok: false, code: 'ERR_QUERY_ENCODING' })
  })

  test('also refused: a bare %, a truncated UTF-8 sequence, a name repeated with different values', async () => {
    for (const query of ['q=100%', 'q=%E2%82', 'q=%zz', 'role=user&role=admin', 'a+b=1']) {
      const request = await signed(get('/search', query), {})
      expect(await verify(request, accepting), query).toMatchObject({ ok: false, code: 'ERR_QUERY_ENCODING' })
    }
    // The same value twice is unambiguous.
    expect(await verify(await signed(get('/search', 'tag=a&tag=a')), accepting)).toMatchObject({ ok: true })
  })

  test('strictEncoding: false checks the query as the AWS SDKs sign it ("+" is a literal plus)', async () => {
    const request = await signed(get('/users', 'email=a+b%40x.com'))
    expect(await verify(request, relaxed)).toMatchObject({ ok: true, query: [['email', 'a+b@x.com']] })
    expect(await verify(request, accepting)).toMatchObject({ ok: false, code: 'ERR_QUERY_ENCODING' })
  })

  test('presigned URLs are checked the same way; their X-Amz-Signature is not among the signed pairs', async () => {
    const request = await presigned(get('/users', 'email=a%2Bb%40x.com'))
    const result = await verify(request, accepting)
    expect(result.ok && result.query.find(([name]) => name === 'email')).toEqual(['email', 'a+b@x.com'])
    expect(result.ok && result.query.map(([name]) => name)).not.toContain('X-Amz-Signature')
    const resent = withQuery(request, request.query!.replace('a%2Bb', 'a+b'))
    expect(await verify(resent, accepting)).toMatchObject({ ok: false, code: 'ERR_QUERY_ENCODING' })
  })
})

describe('strict path (default)', () => {
  test('a bare % or percent-encoded bytes that are not UTF-8 in the path → ERR_PATH_ENCODING', async () => {
    for (const path of ['/files/100%', '/files/%FF', '/files/%C3'])
      expect(await verify(await signed(get(path, '')), accepting), path).toMatchObject({
        ok: false,
        code: 'ERR_PATH_ENCODING',
      })
    expect(await verify(await signed(get('/files/%C3%A9', '')), accepting)).toMatchObject({ ok: true })
  })
})

describe('the signed path and query are in the result', () => {
  test('non-S3 paths are normalised as signed; S3 paths are signed as sent', async () => {
    const request = await signed(get('/a/./b/../c', 'x=1&y=%20'))
    expect(await verify(request, accepting)).toMatchObject({
      ok: true,
      path: '/a/c',
      query: [
        ['x', '1'],
        ['y', ' '],
      ],
    })
    const s3 = await signed(get('/key/with%20space', ''), { service: 's3' })
    expect(await verify(s3, accepting)).toMatchObject({ ok: true, path: '/key/with%20space', query: [] })
  })
})

describe('Host', () => {
  test('a Host header that differs from the request host → ERR_HOST_MISMATCH (request parts)', async () => {
    // Signed for evil.example.test, sent to api.example.test with a Host header claiming the signed host.
    const request = await signed(get('/', '', 'evil.example.test'))
    const moved = {
      ...request,
      host: 'api.example.test',
      headers: [...request.headers!, ['Host', 'evil.example.test']],
    }
    expect(await verify(moved as RequestParts, accepting)).toMatchObject({ ok: false, code: 'ERR_HOST_MISMATCH' })
    const twice = { ...request, headers: [...request.headers!, ['host', 'evil.example.test'], ['host', 'x']] }
    expect(await verify(twice as RequestParts, accepting)).toMatchObject({ ok: false, code: 'ERR_HOST_MISMATCH' })
  })

  test('a fetch Request whose Host header is not its URL host → ERR_HOST_MISMATCH; in another case it passes that check and the signature decides', async () => {
    const request = await signed(get('/', '', 'evil.example.test'))
    const sent = asRequest({
      ...request,
      host: 'api.example.test',
      headers: [...request.headers!, ['host', 'evil.example.test']],
    })
    expect(await verify(sent, accepting)).toMatchObject({ ok: false, code: 'ERR_HOST_MISMATCH' })
    const same = asRequest({ ...request, headers: [...request.headers!, ['host', 'EVIL.example.test']] })
    expect(await verify(same, accepting)).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' })
    expect(await verify(asRequest(request), accepting)).toMatchObject({ ok: true })
  })
})
