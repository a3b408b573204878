// Runtime-neutral checks of every body type: given as `{ url, body }` and inside a `Request`, the signed request
// must send exactly the bytes whose hash it signed. Each signature is recomputed from the bytes actually sent,
// so a runtime that serialised the body twice (another FormData boundary, say) would fail here.
//
// FormData: a multipart body is only signable once its boundary is fixed. The library serialises a FormData
// once with `new Response(body)` (the runtime's own encoder and random boundary), hashes those bytes and
// sends them with the matching `content-type: multipart/form-data; boundary=...`. The checks below confirm,
// in each runtime, that the boundary in the header is the one in the bytes, that the bytes parse back into the
// same fields, and that reading the signed request again gives the same bytes. WebKit cannot read back a FormData
// that holds a file, so there the library refuses such a body with a typed error (checked too).
// ReadableStream: Firefox cannot send a stream as a request body; there the library refuses it (typed error, noted).
import { equal, ok, rejectsWith } from './assert.js'
import { hex, sha256, streamOf, utf8 } from './bytes.js'
import type { Check, Lib } from './suite.js'
import { VECTOR_CREDENTIALS } from './fixtures.js'

const credentials = { ...VECTOR_CREDENTIALS }
const options = {
  credentials,
  datetime: '2015-08-30T12:36:00Z',
  region: 'us-east-1',
  service: 'execute-api',
  signContentSha256: true,
}
const URL_ = 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?x=1'

interface BodyCase {
  name: string
  body: () => BodyInit
  /** The bytes fetch sends, when they are fixed. */
  bytes?: Uint8Array
  /** The content type fetch sets, or null for none. */
  contentType: string | RegExp | null
}

const sample = utf8('..bytes\u0000\u00ff..')
const offsetBuffer = () => {
  const buffer = new ArrayBuffer(sample.length + 5)
  new Uint8Array(buffer).set(sample, 3)
  return buffer
}

const CASES: BodyCase[] = [
  {
    name: 'string',
    body: () => 'héllo wörld ✓',
    bytes: utf8('héllo wörld ✓'),
    contentType: 'text/plain;charset=UTF-8',
  },
  {
    name: 'Uint8Array (a view at an offset)',
    body: () => new Uint8Array(offsetBuffer(), 3, sample.length),
    bytes: sample,
    contentType: null,
  },
  { name: 'ArrayBuffer', body: () => sample.slice().buffer, bytes: sample, contentType: null },
  {
    name: 'DataView (at an offset)',
    body: () => new DataView(offsetBuffer(), 3, sample.length),
    bytes: sample,
    contentType: null,
  },
  {
    name: 'Blob',
    body: () => new Blob(['blob ', sample], { type: 'application/x-test' }),
    bytes: new Uint8Array([...utf8('blob '), ...sample]),
    contentType: 'application/x-test',
  },
  {
    name: 'URLSearchParams',
    body: () => new URLSearchParams({ a: '1 2', b: 'ä&=' }),
    bytes: utf8('a=1+2&b=%C3%A4%26%3D'),
    contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
  },
  { name: 'FormData', body: () => form(), contentType: /^multipart\/form-data; ?boundary=/ },
]

/** A FormData of text fields; with `file`, also a file entry (which WebKit cannot serialise, see below). */
function form(file = false): FormData {
  const data = new FormData()
  data.append('field', 'value ✓')
  data.append('other', 'a "quoted" value')
  if (file) data.append('file', new Blob(['file content'], { type: 'text/plain' }), 'a.txt')
  return data
}

const authorizationOf = (headers: Array<[string, string]>) => headers.find(([name]) => name === 'authorization')?.[1]

/** Reads what the signed request sends, checks its hash header, and signs those bytes again with the parts API. */
async function sentAndVerified(lib: Lib, signed: Request): Promise<Uint8Array> {
  const sent = new Uint8Array(await signed.clone().arrayBuffer())
  equal(
    signed.headers.get('x-amz-content-sha256'),
    await sha256(sent),
    'x-amz-content-sha256 is the hash of the bytes sent',
  )
  const again = new Uint8Array(await signed.clone().arrayBuffer())
  equal(hex(again), hex(sent), 'a second read sends the same bytes')
  const url = new URL(signed.url)
  const headers = [...signed.headers].filter(
    ([name]) => !/^(authorization|x-amz-date|x-amz-content-sha256)$/.test(name),
  )
  const parts = await lib.signParts(
    { method: signed.method, host: url.host, path: url.pathname, query: url.search.slice(1), headers, body: sent },
    options,
  )
  equal(
    signed.headers.get('authorization'),
    authorizationOf(parts.headers),
    'authorization equals the signature of the bytes sent',
  )
  return sent
}

async function checkBody(lib: Lib, signed: Request, test: BodyCase): Promise<void> {
  const sent = await sentAndVerified(lib, signed)
  const type = signed.headers.get('content-type')
  if (test.contentType instanceof RegExp)
    ok(type && test.contentType.test(type), `content-type ${type} matches ${test.contentType}`)
  else equal(type, test.contentType, 'content-type')
  ok(
    test.contentType === null ||
      /(^|;)content-type(;|$)/.test(/SignedHeaders=([^,]+)/.exec(signed.headers.get('authorization') ?? '')?.[1] ?? ''),
    'content-type is signed',
  )
  if (test.bytes) equal(hex(sent), hex(test.bytes), 'bytes sent')
  if (test.name.startsWith('FormData')) {
    const boundary = /boundary=("?)([^";]+)\1/.exec(type ?? '')?.[2]
    ok(boundary, `a boundary in ${type}`)
    ok(
      new TextDecoder().decode(sent).includes('--' + boundary),
      'the bytes use the boundary of the content-type header',
    )
    const parsed = await signed.clone().formData()
    equal(parsed.get('field'), 'value ✓', 'field parsed back from the signed bytes')
    equal(parsed.get('other'), 'a "quoted" value', 'second field parsed back')
    if (test.name.includes('file')) {
      const file = parsed.get('file')
      ok(file instanceof Blob, 'file parsed back as a Blob')
      equal(await (file as Blob).text(), 'file content', 'file content parsed back')
    }
  }
}

export function bodyChecks(lib: Lib): Check[] {
  const checks: Check[] = []
  for (const test of CASES) {
    checks.push({
      name: `body ${test.name} in { url, body }: the bytes sent are the bytes signed`,
      run: async () => checkBody(lib, await lib.sign({ method: 'POST', url: URL_, body: test.body() }, options), test),
    })
    checks.push({
      name: `body ${test.name} in a Request: the bytes sent are the bytes signed, the input stays unread`,
      run: async () => {
        const input = new Request(URL_, { method: 'PUT', body: test.body() })
        const signed = await lib.sign(input, options)
        equal(input.bodyUsed, false, 'input.bodyUsed')
        // The content type is the one this runtime's Request set (Bun sets none for a string body).
        const own = input.headers.get('content-type')
        await checkBody(lib, signed, {
          ...test,
          contentType: test.contentType instanceof RegExp ? test.contentType : own,
        })
        const inputBytes = new Uint8Array(await input.arrayBuffer())
        const sent = new Uint8Array(await signed.arrayBuffer())
        equal(hex(sent), hex(inputBytes), "the input Request's bytes are the bytes sent")
      },
    })
  }
  checks.push({
    name: 'body FormData with a file, in { url, body } and in a Request: signed as sent, or a typed error where the runtime cannot serialise it',
    run: async () => {
      // WebKit cannot read back a FormData holding a Blob/File ("Unable to read form data blob"), so no signer
      // can hash it there: the library must then fail with a SigV4Error instead of sending unsigned bytes.
      const readable = await new Response(form(true)).arrayBuffer().then(
        () => true,
        () => false,
      )
      const test: BodyCase = {
        name: 'FormData with a file',
        body: () => form(true),
        contentType: /^multipart\/form-data; ?boundary=/,
      }
      if (readable) {
        await checkBody(lib, await lib.sign({ method: 'POST', url: URL_, body: form(true) }, options), test)
        await checkBody(lib, await lib.sign(new Request(URL_, { method: 'POST', body: form(true) }), options), test)
        return undefined
      }
      await rejectsWith(
        () => lib.sign({ method: 'POST', url: URL_, body: form(true) }, options),
        'ERR_BODY_NOT_HASHABLE',
        'FormData with a file',
      )
      const error = await lib.sign(new Request(URL_, { method: 'POST', body: form(true) }), options).then(
        () => undefined,
        (caught: unknown) => caught,
      )
      ok(error instanceof lib.SigV4Error, `a Request with such a FormData gives a SigV4Error, got ${String(error)}`)
      return `this runtime cannot serialise a FormData holding a file (new Response(formData).arrayBuffer() rejects): the library refuses it with ERR_BODY_NOT_HASHABLE / ${(error as { code: string }).code}`
    },
  })
  checks.push({
    name: 'body FormData: each signing fixes one boundary in the header and the bytes',
    run: async () => {
      const data = form()
      const first = await lib.sign({ method: 'POST', url: URL_, body: data }, options)
      const second = await lib.sign({ method: 'POST', url: URL_, body: data }, options)
      for (const signed of [first, second]) {
        const boundary = /boundary=("?)([^";]+)\1/.exec(signed.headers.get('content-type') ?? '')?.[2]
        const sent = new TextDecoder().decode(await sentAndVerified(lib, signed))
        ok(
          boundary && sent.startsWith('--' + boundary) && sent.trimEnd().endsWith('--' + boundary + '--'),
          `multipart framed by its boundary ${boundary}`,
        )
      }
    },
  })
  checks.push({
    name: 'body ReadableStream with unsignedPayload: sent unread, signed as UNSIGNED-PAYLOAD',
    run: async () => {
      // Firefox cannot send a stream as a request body: its own Request turns it into the text
      // "[object ReadableStream]". There the library refuses the stream with a typed error instead.
      const init = { method: 'POST', body: streamOf('streamed ', 'body'), duplex: 'half' }
      const plain = await new Request(URL_, init).text()
      const signing = () =>
        lib.sign({ method: 'POST', url: URL_, body: streamOf('streamed ', 'body'), duplex: 'half' } as never, {
          ...options,
          unsignedPayload: true,
        })
      if (plain !== 'streamed body') {
        await rejectsWith(signing, 'ERR_STREAM_BODY_UNSUPPORTED', 'stream body where streams cannot be sent')
        return `this runtime cannot send a ReadableStream request body (its Request sends ${JSON.stringify(plain)}): refused with ERR_STREAM_BODY_UNSUPPORTED`
      }
      const signed = await signing()
      equal(signed.headers.get('x-amz-content-sha256'), 'UNSIGNED-PAYLOAD', 'x-amz-content-sha256')
      const url = new URL(URL_)
      const parts = await lib.signParts(
        { method: 'POST', host: url.host, path: url.pathname, query: url.search.slice(1) },
        { ...options, payloadHash: 'UNSIGNED-PAYLOAD' },
      )
      equal(signed.headers.get('authorization'), authorizationOf(parts.headers), 'authorization')
      equal(await signed.text(), 'streamed body', 'body sent')
      return undefined
    },
  })
  checks.push({
    name: 'body ReadableStream without unsignedPayload: ERR_BODY_NOT_HASHABLE (not S3; ERR_STREAM_BODY_UNSUPPORTED where streams cannot be sent)',
    run: async () => {
      // Where streams cannot be sent at all (Firefox), that is what the error says.
      const sendsStreams = !new Request(URL_, {
        method: 'POST',
        body: streamOf('x'),
        duplex: 'half',
      } as RequestInit).headers.has('content-type')
      const code = sendsStreams ? 'ERR_BODY_NOT_HASHABLE' : 'ERR_STREAM_BODY_UNSUPPORTED'
      await rejectsWith(
        () => lib.sign({ method: 'POST', url: URL_, body: streamOf('x'), duplex: 'half' } as never, options),
        code,
        'stream body',
      )
    },
  })
  checks.push({
    name: 'body already used: a Request whose body was read gives ERR_BODY_USED',
    run: async () => {
      const input = new Request(URL_, { method: 'POST', body: 'read me' })
      equal(await input.text(), 'read me', 'body read first')
      await rejectsWith(() => lib.sign(input, options), 'ERR_BODY_USED', 'used Request')
      await rejectsWith(
        () => lib.presign(input, { ...options, expiresIn: 60 }),
        'ERR_BODY_USED',
        'used Request presigned',
      )
    },
  })
  return checks
}
