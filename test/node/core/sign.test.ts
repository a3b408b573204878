// The fetch-level API: what sign() and presign() add, keep and never touch.
import { afterEach, describe, expect, test, vi } from 'vitest'
import { presign, sign, signParts } from '../../../src/index.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'

const credentials = { ...VECTOR_CREDENTIALS }
const datetime = '2015-08-30T12:36:00Z'
const sha256 = async (data: BufferSource) =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', data)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  )

afterEach(() => vi.restoreAllMocks())

describe('sign()', () => {
  test('adds authorization, x-amz-date and the session token; infers region and service', async () => {
    const signed = await sign(
      {
        method: 'POST',
        url: 'https://kinesis.eu-west-1.amazonaws.com/',
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: '{}',
      },
      { credentials: { ...credentials, sessionToken: 'TOKEN' }, datetime },
    )
    expect(signed.headers.get('x-amz-date')).toBe('20150830T123600Z')
    expect(signed.headers.get('x-amz-security-token')).toBe('TOKEN')
    expect(signed.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/kinesis\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    )
    expect(signed.headers.has('x-amz-content-sha256')).toBe(false)
    expect(await signed.text()).toBe('{}')
  })

  test('a header name that a Headers object yields twice (set-cookie) keeps both values', async () => {
    const headers = new Headers([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['x-custom', 'v'],
    ])
    const signed = await sign({ url: 'https://sts.amazonaws.com/', headers }, { credentials, datetime })
    expect(signed.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(signed.headers.get('x-custom')).toBe('v')
    expect(signed.headers.get('authorization')).toContain('SignedHeaders=host;set-cookie;x-amz-date;x-custom')
  })

  test('a string body without content-type keeps fetch’s default content type and its bytes', async () => {
    const signed = await sign(
      { method: 'POST', url: 'https://sts.amazonaws.com/', body: 'Action=GetCallerIdentity' },
      { credentials, datetime },
    )
    expect(signed.headers.get('content-type')).toBe('text/plain;charset=UTF-8')
    expect(signed.headers.get('authorization')).toContain('SignedHeaders=content-type;host;x-amz-date')
    expect(await signed.text()).toBe('Action=GetCallerIdentity')
  })

  test('the input Request is not modified and its body is carried over intact', async () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i * 7)
    const input = new Request('https://my-bucket.s3.us-west-2.amazonaws.com/a%20b/../c', {
      method: 'PUT',
      body: bytes,
      headers: { 'x-amz-meta-a': '1' },
    })
    const signed = await sign(input, { credentials, datetime })
    expect(input.bodyUsed).toBe(false)
    expect(input.headers.has('authorization')).toBe(false)
    expect([...input.headers]).toEqual([['x-amz-meta-a', '1']])
    expect(new Uint8Array(await signed.arrayBuffer())).toEqual(bytes)
    expect(new Uint8Array(await input.arrayBuffer())).toEqual(bytes)
    // S3: content hash header, path signed as sent (no normalisation, no second encoding).
    expect(signed.headers.get('x-amz-content-sha256')).toBe(await sha256(bytes))
    expect(signed.url).toBe('https://my-bucket.s3.us-west-2.amazonaws.com/c')
  })

  test('S3 path is not encoded twice, other services encode the wire path once more', async () => {
    const parts = { method: 'GET', host: 'h.example', path: '/a%20b/./c' }
    const s3 = await signParts(parts, { credentials, datetime, region: 'us-east-1', service: 's3' })
    const other = await signParts(parts, { credentials, datetime, region: 'us-east-1', service: 'execute-api' })
    expect(s3.canonicalRequest.split('\n')[1]).toBe('/a%20b/./c')
    expect(other.canonicalRequest.split('\n')[1]).toBe('/a%2520b/c')
    expect(s3.canonicalRequest.endsWith('\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBe(
      true,
    )
  })

  test('keeps the rest of the Request: method, signal, redirect', async () => {
    const controller = new AbortController()
    const input = new Request('https://lambda.us-east-1.amazonaws.com/x', {
      method: 'DELETE',
      signal: controller.signal,
      redirect: 'manual',
    })
    const signed = await sign(input, { credentials, datetime })
    expect(signed.method).toBe('DELETE')
    expect(signed.redirect).toBe('manual')
    controller.abort()
    expect(signed.signal.aborted).toBe(true)
  })

  test('a lower-case standard method is sent upper-case, a non-standard one as given', async () => {
    const get = await sign({ url: 'https://sts.amazonaws.com/', method: 'get' }, { credentials, datetime })
    expect(get.method).toBe('GET')
    const patch = await sign(
      { url: 'https://sts.amazonaws.com/', method: 'PATCH', body: 'x' },
      { credentials, datetime },
    )
    expect(patch.method).toBe('PATCH')
  })

  test('URLSearchParams, Blob and FormData bodies are serialised once and sent as hashed', async () => {
    const form = new FormData()
    form.append('field', 'value')
    form.append('file', new Blob(['content'], { type: 'text/plain' }), 'a.txt')
    for (const body of [
      new URLSearchParams({ a: '1 2' }),
      new Blob(['blob'], { type: 'application/octet-stream' }),
      form,
    ]) {
      const signed = await sign(
        { method: 'POST', url: 'https://execute-api.us-east-1.amazonaws.com/p', body },
        { credentials, datetime, signContentSha256: true },
      )
      const sent = await signed.arrayBuffer()
      expect(signed.headers.get('x-amz-content-sha256')).toBe(await sha256(sent))
      expect(signed.headers.get('content-type')).toBeTruthy()
      if (body instanceof FormData)
        expect(new TextDecoder().decode(sent)).toContain(signed.headers.get('content-type')!.split('boundary=')[1])
    }
  })

  test('a ReadableStream body goes through unread with unsignedPayload', async () => {
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('streamed')), c.close()) })
    const signed = await sign(
      {
        method: 'POST',
        url: 'https://kinesisvideo.us-west-2.amazonaws.com/putMedia',
        body: stream,
        duplex: 'half',
      } as never,
      { credentials, datetime, unsignedPayload: true, signContentSha256: true },
    )
    expect(signed.headers.get('x-amz-content-sha256')).toBe('UNSIGNED-PAYLOAD')
    expect(await signed.text()).toBe('streamed')
  })

  test('S3 signs a stream body as UNSIGNED-PAYLOAD by itself', async () => {
    const stream = new ReadableStream({ start: (c) => c.close() })
    const signed = await sign(
      { method: 'PUT', url: 'https://b.s3.amazonaws.com/k', body: stream },
      { credentials, datetime },
    )
    expect(signed.headers.get('x-amz-content-sha256')).toBe('UNSIGNED-PAYLOAD')
  })

  test('existing authorization and x-amz-date are replaced, user-agent is sent but not signed', async () => {
    const signed = await sign(
      {
        url: 'https://sts.amazonaws.com/',
        headers: { authorization: 'old', 'x-amz-date': '19990101T000000Z', 'user-agent': 'me', 'x-custom': ' a   b ' },
      },
      { credentials, datetime },
    )
    expect(signed.headers.get('x-amz-date')).toBe('20150830T123600Z')
    expect(signed.headers.get('authorization')).toContain('SignedHeaders=host;x-amz-date;x-custom,')
    expect(signed.headers.get('user-agent')).toBe('me')
  })

  test('the host carries a non-default port', async () => {
    const result = await signParts(
      { method: 'GET', host: '127.0.0.1:4566', path: '/' },
      { credentials, datetime, region: 'us-east-1', service: 'sqs' },
    )
    expect(result.canonicalRequest).toContain('\nhost:127.0.0.1:4566\n')
    const signed = await sign(
      { url: 'http://127.0.0.1:4566/' },
      { credentials, datetime, region: 'us-east-1', service: 'sqs' },
    )
    expect(signed.headers.get('authorization')).toContain(result.signature)
  })

  test('a warm signing key costs three crypto.subtle calls: digest body, digest canonical request, HMAC', async () => {
    const options = { credentials, datetime, region: 'us-east-1', service: 'kinesis' }
    const request = { method: 'POST', url: 'https://kinesis.us-east-1.amazonaws.com/', body: '{"a":1}' }
    await sign(request, options)
    const digest = vi.spyOn(crypto.subtle, 'digest')
    const hmac = vi.spyOn(crypto.subtle, 'sign')
    const importKey = vi.spyOn(crypto.subtle, 'importKey')
    await sign(request, options)
    expect([digest.mock.calls.length, hmac.mock.calls.length, importKey.mock.calls.length]).toEqual([2, 1, 0])
    await sign(request, { ...options, payloadHash: 'UNSIGNED-PAYLOAD' })
    expect([digest.mock.calls.length, hmac.mock.calls.length]).toEqual([3, 2])
  })

  test('the key cache tells secrets apart and never stores the secret as a key', async () => {
    const parts = { method: 'GET', host: 'sts.amazonaws.com', path: '/' }
    const a = await signParts(parts, { credentials, datetime })
    const b = await signParts(parts, {
      credentials: { ...credentials, secretAccessKey: credentials.secretAccessKey + 'x' },
      datetime,
    })
    expect(a.signature).not.toBe(b.signature)
    const mutable = { ...credentials }
    const first = await signParts(parts, { credentials: mutable, datetime })
    mutable.secretAccessKey += 'x'
    const second = await signParts(parts, { credentials: mutable, datetime })
    expect(first.signature).toBe(a.signature)
    expect(second.signature).toBe(b.signature)
  })

  test('a datetime given as a Date', async () => {
    const signed = await sign(
      { url: 'https://sts.amazonaws.com/' },
      { credentials, datetime: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)) },
    )
    expect(signed.headers.get('x-amz-date')).toBe('20200102T030405Z')
  })

  test('credentials from a function or a promise', async () => {
    for (const source of [() => credentials, () => Promise.resolve(credentials), Promise.resolve(credentials)]) {
      const signed = await sign({ url: 'https://sts.amazonaws.com/' }, { credentials: source, datetime })
      expect(signed.headers.get('authorization')).toContain(
        'Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request',
      )
    }
  })
})

describe('presign()', () => {
  test('S3 GET: X-Amz-* query, UNSIGNED-PAYLOAD, default 3600 s, token signed', async () => {
    const url = await presign('https://b.s3.eu-central-1.amazonaws.com/report%20v1.pdf?versionId=3', {
      credentials: { ...credentials, sessionToken: 'T/+=' },
      datetime,
    })
    expect(url.pathname).toBe('/report%20v1.pdf')
    const q = url.searchParams
    expect(q.get('versionId')).toBe('3')
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256')
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20150830/eu-central-1/s3/aws4_request')
    expect(q.get('X-Amz-Expires')).toBe('3600')
    expect(q.get('X-Amz-SignedHeaders')).toBe('host')
    expect(q.get('X-Amz-Security-Token')).toBe('T/+=')
    expect(url.search).toContain('X-Amz-Security-Token=T%2F%2B%3D')
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
  })

  test('wss: URL for Transcribe streaming, expiresIn bounds accepted', async () => {
    for (const expiresIn of [1, 300, 604800]) {
      const url = await presign(
        'wss://transcribestreaming.us-east-1.amazonaws.com:8443/stream-transcription-websocket?language-code=en-US',
        {
          credentials,
          datetime,
          expiresIn,
        },
      )
      expect(url.protocol).toBe('wss:')
      expect(url.host).toBe('transcribestreaming.us-east-1.amazonaws.com:8443')
      expect(url.searchParams.get('X-Amz-Expires')).toBe(String(expiresIn))
      expect(url.searchParams.get('X-Amz-Credential')).toContain('/us-east-1/transcribe/')
    }
  })

  test('IoT device gateway: the session token is appended after signing', async () => {
    const withToken = await presign('wss://abc-ats.iot.us-east-1.amazonaws.com/mqtt', {
      credentials: { ...credentials, sessionToken: 'TOK' },
      datetime,
    })
    const without = await presign('wss://abc-ats.iot.us-east-1.amazonaws.com/mqtt', { credentials, datetime })
    expect(withToken.searchParams.get('X-Amz-Credential')).toContain('/iotdevicegateway/')
    expect(withToken.searchParams.get('X-Amz-Security-Token')).toBe('TOK')
    expect(withToken.searchParams.get('X-Amz-Signature')).toBe(without.searchParams.get('X-Amz-Signature'))
  })
})
