// The signers under attack (issue 12, items 2 and 7-11): each refusal is typed and quotes no secret, nothing the
// parts API returns can split a raw HTTP/1.1 request, and what was signed is what the returned Request carries.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { presign, presignParts, sign, signParts, SigV4Error } from '../../../src/index.js'
import { presignPartsV4a, presignV4a } from '../../../src/sigv4a.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'

const SECRET = VECTOR_CREDENTIALS.secretAccessKey
const TOKEN = 'IQoJb3JpZ2luX2VjEHARDENINGTOKEN'
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }
const base = { credentials, region: 'us-east-1', service: 'kinesis', datetime: '2015-08-30T12:36:00Z' }
const url = 'https://kinesis.us-east-1.amazonaws.com/'
const parts = { method: 'GET', host: 'kinesis.us-east-1.amazonaws.com', path: '/' }

async function refusal(action: () => Promise<unknown>): Promise<SigV4Error> {
  const error = await action().then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(SigV4Error)
  return error as SigV4Error
}

/** Everything an error shows: message, stack and the cause's message, stack and string form. */
const shown = (error: SigV4Error) =>
  [error.message, error.stack, String(error.cause), (error.cause as Error | undefined)?.stack].join('\n')

describe('every failure of the signers is a SigV4Error (item 7)', () => {
  test.each(['CONNECT', 'TRACE', 'track'])('method %s: fetch forbids it, and the message says so', async (method) => {
    const error = await refusal(() => sign({ url, method }, base))
    expect(error.code).toBe('ERR_INVALID_REQUEST')
    expect(error.message).toMatch(/fetch cannot send/)
    expect(error.message).toMatch(/signParts/)
    // The parts API signs it: a raw transport can send it.
    expect((await signParts({ ...parts, method: 'CONNECT' }, base)).canonicalRequest).toMatch(/^CONNECT\n/)
  })

  test.each([
    ['redirect', { redirect: 'bogus' }],
    ['signal', { signal: 5 }],
    ['mode', { mode: 'x' }],
    ['cache', { cache: 'sometimes' }],
    ['credentials', { credentials: 'always' }],
    ['referrerPolicy', { referrerPolicy: 'nope' }],
  ])('a bad RequestInit field (%s) is ERR_INVALID_REQUEST with the TypeError as cause', async (_, init) => {
    const error = await refusal(() => sign({ url, ...(init as object) }, base))
    expect(error.code).toBe('ERR_INVALID_REQUEST')
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  test.each([
    ['access key id', { ...credentials, accessKeyId: 'AKID€' }],
    ['access key id with a space', { ...credentials, accessKeyId: 'AKID EXAMPLE' }],
    ['session token', { ...credentials, sessionToken: TOKEN + 'é' }],
  ])('a non-ASCII %s is ERR_INVALID_CREDENTIALS, without quoting it', async (_, given) => {
    for (const call of [
      () => sign({ url }, { ...base, credentials: given }),
      () => signParts(parts, { ...base, credentials: given }),
    ]) {
      const error = await refusal(call)
      expect(error.code).toBe('ERR_INVALID_CREDENTIALS')
      expect(shown(error)).not.toContain(TOKEN)
      expect(shown(error)).not.toContain('AKID')
    }
  })

  test.each(['\r\n', '\n', '\r', '\0'])(
    'a session token with an inner %j is refused without echoing it',
    async (inner) => {
      const sessionToken = TOKEN.slice(0, 10) + inner + 'x-evil: 1' + TOKEN.slice(10)
      for (const call of [
        () => sign({ url }, { ...base, credentials: { ...credentials, sessionToken } }),
        () => presign(url, { ...base, credentials: { ...credentials, sessionToken } }),
        () => signParts(parts, { ...base, credentials: { ...credentials, sessionToken } }),
      ]) {
        const error = await refusal(call)
        expect(error.code).toBe('ERR_INVALID_CREDENTIALS')
        expect(shown(error)).not.toContain(TOKEN.slice(0, 10))
        expect(shown(error)).not.toContain('x-evil')
      }
    },
  )

  test('Symbol options and Symbol option values are ERR_INVALID_OPTION', async () => {
    expect((await refusal(() => sign({ url }, Symbol('options') as never))).code).toBe('ERR_INVALID_OPTION')
    expect((await refusal(() => sign({ url }, { ...base, region: Symbol('r') as never }))).code).toBe(
      'ERR_INVALID_OPTION',
    )
    expect((await refusal(() => sign({ url }, { ...base, unsignedPayload: Symbol('u') as never }))).code).toBe(
      'ERR_INVALID_OPTION',
    )
  })

  test('null-prototype options sign like plain ones; a null-prototype field value is a typed error', async () => {
    const bare = (): object => Object.create(null) as object
    const options = Object.assign(bare(), base, { credentials: Object.assign(bare(), credentials) })
    const signed = await signParts(parts, options)
    expect(signed.signature).toBe((await signParts(parts, base)).signature)
    const datetime = Object.create(null) as never
    expect((await refusal(() => sign({ url }, { ...base, datetime }))).code).toBe('ERR_INVALID_DATETIME')
  })

  test('signParts(null), headers: 5 and host: 5 are typed', async () => {
    expect((await refusal(() => signParts(null as never, base))).code).toBe('ERR_INVALID_REQUEST')
    expect((await refusal(() => presignParts(undefined as never, base))).code).toBe('ERR_INVALID_REQUEST')
    expect((await refusal(() => signParts({ ...parts, headers: 5 as never }, base))).code).toBe('ERR_INVALID_HEADER')
    expect((await refusal(() => sign({ url, headers: 5 as never }, base))).code).toBe('ERR_INVALID_HEADER')
    expect((await refusal(() => signParts({ ...parts, host: 5 as never }, base))).code).toBe('ERR_INVALID_REQUEST')
    expect((await refusal(() => signParts({ ...parts, headers: [['x-a']] as never }, base))).code).toBe(
      'ERR_INVALID_HEADER',
    )
  })

  test('a URL with user:password is refused, and the password is not repeated', async () => {
    const withPassword = 'https://alice:hunter2-secret@kinesis.us-east-1.amazonaws.com/'
    for (const call of [
      () => sign({ url: withPassword }, base),
      () => sign({ url: new URL(withPassword) }, base),
      () => presign(withPassword, base),
      // An unparseable URL holding a password: the parser's error (which quotes the URL) is not kept.
      () => sign({ url: 'https://alice:hunter2-secret@[bad/' }, base),
    ]) {
      const error = await refusal(call)
      expect(error.code).toBe('ERR_INVALID_URL')
      expect(shown(error)).not.toContain('hunter2')
    }
  })
})

describe('the parts API returns nothing that can split a raw HTTP/1.1 request (item 8)', () => {
  test.each([
    ['host', { host: 'a.example\r\nx-evil: 1' }],
    ['host with NUL', { host: 'a.example\0' }],
    ['path', { path: '/a\r\nx-evil: 1' }],
    ['path with NUL', { path: '/a\0' }],
    ['path with LF', { path: '/a\nb' }],
    ['query', { query: 'a=1\r\nx-evil: 1' }],
    ['query with NUL', { query: 'a=\0' }],
  ])('%s with CR, LF or NUL is ERR_INVALID_REQUEST', async (_, override) => {
    for (const call of [
      () => signParts({ ...parts, ...override }, base),
      () => presignParts({ ...parts, ...override }, base),
    ]) {
      expect((await refusal(call)).code).toBe('ERR_INVALID_REQUEST')
    }
  })

  test('header names and values with CR, LF or NUL are refused; an obs-fold value is returned unfolded', async () => {
    for (const header of [
      ['x-a\r\n', 'v'],
      ['x-a', 'v\r\nx-evil: 1'],
      ['x-a', 'v\n'],
      ['x-a', 'v\0'],
    ]) {
      expect((await refusal(() => signParts({ ...parts, headers: [header as [string, string]] }, base))).code).toBe(
        'ERR_INVALID_HEADER',
      )
    }
    const folded = await signParts({ ...parts, headers: [['My-Header1', 'value1\n  value2\r\n\tvalue3']] }, base)
    const plain = await signParts({ ...parts, headers: [['My-Header1', 'value1 value2 value3']] }, base)
    expect(folded.headers[0]).toEqual(['My-Header1', 'value1 value2 value3'])
    expect(folded.signature).toBe(plain.signature)
  })

  test('property: whatever the input, a successful signParts/presignParts result holds no CR, LF or NUL', async () => {
    const piece = fc.constantFrom('a', '-', '/', ' ', '\t', '\r', '\n', '\r\n ', '\0', 'é', '%0D', '=', '&')
    // Each field is clean most of the time, so that many calls succeed and their output is checked.
    const text = fc.oneof(
      { arbitrary: fc.constant('a'), weight: 3 },
      { arbitrary: fc.array(piece, { maxLength: 6 }).map((pieces) => pieces.join('')), weight: 1 },
    )
    let signedCount = 0
    await fc.assert(
      fc.asyncProperty(
        text,
        text,
        text,
        text,
        text,
        fc.boolean(),
        async (host, path, query, name, value, presigned) => {
          const input = {
            method: 'GET',
            host: 'h' + host,
            path: '/' + path,
            query,
            headers: [['x-' + name, value] as [string, string]],
          }
          const token = { ...credentials, sessionToken: 'T' + value }
          const options = { ...base, credentials: token }
          const result = await (presigned ? presignParts(input, options) : signParts(input, options)).catch(
            (error: unknown) => {
              expect(error).toBeInstanceOf(SigV4Error)
              return undefined
            },
          )
          if (!result) return
          signedCount++
          for (const field of [result.host, result.path, result.query, ...result.headers.flat()]) {
            expect(/[\r\n\0]/.test(field), JSON.stringify(field)).toBe(false)
          }
        },
      ),
      { seed: 12_08, numRuns: 2000 },
    )
    expect(signedCount).toBeGreaterThan(50)
  })
})

describe('presign refuses a URL that is presigned already (item 9)', () => {
  const names = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Security-Token',
    'X-Amz-Signature',
  ]
  test.each(names)('%s in the query (also lower-case or percent-encoded) is refused', async (name) => {
    for (const key of [name, name.toLowerCase(), encodeURIComponent(name).replace('-', '%2D')]) {
      const query = `a=1&${key}=604800`
      for (const call of [
        () => presign(`${url}?${query}`, base),
        () => presignParts({ ...parts, query }, base),
        () => presignV4a(`${url}?${query}`, { ...base, regionSet: '*' }),
      ]) {
        const error = await refusal(call)
        expect(error.code).toBe('ERR_INVALID_REQUEST')
        expect(error.message).toMatch(/presigned already/)
      }
    }
  })

  test('X-Amz-Region-Set is refused for SigV4a; other X-Amz-* parameters are signed as usual', async () => {
    const error = await refusal(() =>
      presignPartsV4a({ ...parts, query: 'X-Amz-Region-Set=us-east-1' }, { ...base, regionSet: '*' }),
    )
    expect(error.code).toBe('ERR_INVALID_REQUEST')
    const signed = await presign(`${url}?x-amz-meta-a=1&X-Amz-Target=b`, base)
    expect(signed.searchParams.getAll('X-Amz-Expires')).toEqual(['3600'])
    expect(signed.searchParams.get('x-amz-meta-a')).toBe('1')
  })
})

describe('S3 string URLs with dot segments are refused (item 10)', () => {
  const s3 = { credentials, datetime: '2015-08-30T12:36:00Z' }
  test.each([
    'https://b.s3.us-east-1.amazonaws.com/uploads/alice/../../users/victim/avatar.png',
    'https://b.s3.us-east-1.amazonaws.com/a/./b',
    'https://b.s3.us-east-1.amazonaws.com/a/%2e%2e/b',
    'https://b.s3.us-east-1.amazonaws.com/a/.%2E/b',
    'https://b.s3.us-east-1.amazonaws.com/a/%2e/b',
    'https://b.s3.us-east-1.amazonaws.com/a/..',
    'https://b.s3.us-east-1.amazonaws.com/a\\..\\b',
    'https://b.s3.us-east-1.amazonaws.com/a/.\t./b',
    'https://s3.us-east-1.amazonaws.com/b/../c?x=1',
  ])('%s', async (given) => {
    for (const call of [
      () => presign(given, s3),
      () => sign({ url: given }, s3),
      () =>
        sign(
          { url: given.replace('b.s3.us-east-1.amazonaws.com', 'example.com') },
          { ...s3, region: 'auto', service: 's3' },
        ),
    ]) {
      const error = await refusal(call)
      expect(error.code).toBe('ERR_INVALID_URL')
      expect(error.message).toMatch(/signParts or presignParts/)
    }
  })

  test('dots inside a segment are a key like any other; other services normalise dot segments', async () => {
    const signed = await presign('https://b.s3.us-east-1.amazonaws.com/a..b/.c/d.', s3)
    expect(signed.pathname).toBe('/a..b/.c/d.')
    const other = await sign({ url: 'https://kinesis.us-east-1.amazonaws.com/a/../b' }, base)
    expect(new URL(other.url).pathname).toBe('/b')
    // The parts API signs the path literally, so it is the way to reach such a key.
    const literal = await presignParts({ method: 'GET', host: 'b.s3.us-east-1.amazonaws.com', path: '/a/../b' }, s3)
    expect(literal.canonicalRequest.split('\n')[1]).toBe('/a/../b')
  })
})

describe('the returned Request carries every signed header (item 11)', () => {
  test('a header named __proto__ is signed and sent', async () => {
    const signed = await sign(
      {
        url,
        headers: [
          ['__proto__', 'x'],
          ['x-a', '1'],
        ],
      },
      base,
    )
    expect(signed.headers.get('__proto__')).toBe('x')
    expect(signed.headers.get('authorization')).toContain('SignedHeaders=__proto__;host;x-a;x-amz-date,')
  })

  test('property: any valid header name that is signed is also sent', async () => {
    const tokenChar = fc.constantFrom(..."!#$%&'*+.^_`|~-abcXYZ09".split(''), '__proto__', 'constructor', 'toString')
    const name = fc.array(tokenChar, { minLength: 1, maxLength: 5 }).map((pieces) => pieces.join(''))
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(name, { minLength: 1, maxLength: 4, selector: (n) => n.toLowerCase() }),
        async (names) => {
          const headers = names.map((header, index): [string, string] => [header, 'v' + index])
          const signed = await sign({ url, headers }, base)
          const signedNames = /SignedHeaders=([^,]+),/.exec(signed.headers.get('authorization')!)![1]!.split(';')
          // host is signed but set by fetch from the URL: a Request has no host header.
          for (const signedName of signedNames.filter((signedName) => signedName !== 'host')) {
            expect(signed.headers.has(signedName), signedName).toBe(true)
          }
          for (const [header, value] of headers) expect(signed.headers.get(header)).toBe(value)
        },
      ),
      { seed: 1108, numRuns: 300 },
    )
  })
})

describe('payloadHash must be lower-case hex or a known literal (item 2)', () => {
  const upper = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'
  test('upper-case hex is refused in options.payloadHash and in an x-amz-content-sha256 header', async () => {
    const inOption = await refusal(() => sign({ url }, { ...base, payloadHash: upper }))
    expect(inOption.code).toBe('ERR_INVALID_PAYLOAD_HASH')
    expect(inOption.message).toMatch(/lower-case/)
    const inHeader = await refusal(() => signParts({ ...parts, headers: [['x-amz-content-sha256', upper]] }, base))
    expect(inHeader.code).toBe('ERR_INVALID_PAYLOAD_HASH')
    expect((await refusal(() => sign({ url }, { ...base, payloadHash: 'NOT-A-HASH' }))).code).toBe(
      'ERR_INVALID_PAYLOAD_HASH',
    )
  })

  test('lower-case hex, UNSIGNED-PAYLOAD and STREAMING-* literals are signed as given', async () => {
    for (const payloadHash of [
      upper.toLowerCase(),
      'UNSIGNED-PAYLOAD',
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    ]) {
      expect((await signParts(parts, { ...base, payloadHash })).payloadHash).toBe(payloadHash)
    }
  })
})
