// Proof: 10,000 seeded mutations of signed requests through verify(). Every mutation that changes what an app
// would read (URLSearchParams, the signed Headers, the body bytes, the method, the host, the path) is refused;
// mutations that change nothing an app may trust (header-name case, parameter order, an unsigned header) still
// verify, so the property is not met by refusing everything; verify never throws.
import fc from 'fast-check'
import { beforeAll, expect, test } from 'vitest'
import { normalizePath } from '../../../src/core/canonical.js'
import type { RequestParts } from '../../../src/core/types.js'
import { uriEncode } from '../../../src/core/encoding.js'
import { verify, type VerifyResult } from '../../../src/verify.js'
import { accepting, asRequest, presigned, signed } from './signed.js'

interface Base {
  name: string
  parts: RequestParts
  /** The S3 family signs the path as sent and may leave a presigned body unsigned. */
  s3: boolean
  /** Lower-case names the signature covers (besides host). */
  signedHeaders: string[]
  /** A presigned S3 GET signs UNSIGNED-PAYLOAD: its body is not covered (a documented limit, not fuzzed). */
  bodySigned: boolean
}

let bases: Base[]

beforeAll(async () => {
  const names = (parts: RequestParts): string[] => {
    const headers = [...parts.headers!]
    const authorization = headers.find(([name]) => name === 'authorization')?.[1]
    const list = authorization
      ? /SignedHeaders=([^,]+)/.exec(authorization)![1]!
      : decodeURIComponent(/X-Amz-SignedHeaders=([^&]+)/.exec(parts.query!)![1]!)
    return list.split(';').filter((name) => name !== 'host')
  }
  const specs: Array<Omit<Base, 'signedHeaders'>> = [
    {
      name: 'header execute-api POST',
      s3: false,
      bodySigned: true,
      parts: await signed({
        method: 'POST',
        host: 'api.example.test',
        path: '/v1/orders/items',
        query: 'color=red&size=10&email=a%2Bb%40x.com&raw=%2561%25FF',
        headers: [
          ['content-type', 'application/json'],
          ['x-custom', 'abc'],
          ['x-amz-meta-owner', 'me'],
        ],
        body: '{"qty":2}',
      }),
    },
    {
      name: 'header s3 PUT',
      s3: true,
      bodySigned: true,
      parts: await signed(
        {
          method: 'PUT',
          host: 'bucket.s3.eu-west-1.amazonaws.com',
          path: '/photos/cat%20one.jpg',
          query: 'versionId=3',
          headers: [['content-type', 'image/jpeg']],
          body: new Uint8Array([0, 1, 2, 250, 251, 252, 13, 10]),
        },
        { service: 's3' },
      ),
    },
    {
      name: 'presigned execute-api GET',
      s3: false,
      bodySigned: true,
      parts: await presigned({
        method: 'GET',
        host: 'api.example.test',
        path: '/v1/report',
        query: 'format=csv&limit=5',
        headers: [['x-tenant', 'acme']],
      }),
    },
    {
      name: 'presigned s3 GET',
      s3: true,
      bodySigned: false,
      parts: await presigned(
        {
          method: 'GET',
          host: 'bucket.s3.eu-west-1.amazonaws.com',
          path: '/photos/cat.jpg',
          query: 'response-content-type=image%2Fjpeg',
        },
        { service: 's3' },
      ),
    },
    {
      name: 'header kinesis POST with session token',
      s3: false,
      bodySigned: true,
      parts: await signed(
        {
          method: 'POST',
          host: 'kinesis.eu-west-1.amazonaws.com',
          path: '/',
          headers: [
            ['content-type', 'application/x-amz-json-1.1'],
            ['x-amz-target', 'Kinesis_20131202.PutRecord'],
          ],
          body: '{"StreamName":"s","Data":"aGk=","PartitionKey":"p"}',
        },
        { service: 'kinesis', sessionToken: 'session/token+value=' },
      ),
    },
  ]
  bases = specs.map((spec) => ({ ...spec, signedHeaders: names(spec.parts) }))
  for (const base of bases) expect(await verify(base.parts, accepting), base.name).toMatchObject({ ok: true })
})

const bodyBytes = (body: RequestParts['body']): Uint8Array =>
  typeof body === 'string' ? new TextEncoder().encode(body) : body instanceof Uint8Array ? body : new Uint8Array(0)

/** What an app would read from the request: the things the property says must not change unnoticed. */
function appView(parts: RequestParts, base: Base): string {
  const params = new URLSearchParams(parts.query ?? '')
  const headers = new Map<string, string[]>()
  for (const [name, value] of parts.headers ?? []) {
    const key = name.toLowerCase()
    headers.set(key, [...(headers.get(key) ?? []), value.trim()])
  }
  // A WHATWG URL resolves dot segments before an app sees the path (not in S3's signed-as-sent paths).
  const path = base.s3 ? parts.path : normalizePath(parts.path)
  return JSON.stringify({
    method: parts.method,
    host: parts.host.toLowerCase(),
    hostHeader: headers.get('host') ?? null,
    path,
    query: [...new Set(params.keys())].sort().map((key) => [key, params.getAll(key)]),
    headers: [...base.signedHeaders, 'x-amz-security-token', 'x-amz-content-sha256'].map((name) => [
      name,
      headers.get(name)?.join(', ') ?? null,
    ]),
    body: base.bodySigned ? Buffer.from(bodyBytes(parts.body)).toString('hex') : 'unsigned',
  })
}

const KINDS = [
  'query-value',
  'query-add',
  'query-remove',
  'query-rename',
  'query-plus',
  'query-decode',
  'query-duplicate',
  'header-value',
  'header-remove',
  'header-duplicate',
  'header-token',
  'body-flip',
  'body-append',
  'body-truncate',
  'method',
  'host',
  'host-header',
  'path-char',
  'path-segment',
  'auth-signature',
  'auth-date',
  // Neutral: change nothing an app may trust; these must still verify.
  'neutral-header-case',
  'neutral-query-order',
  'neutral-unsigned-header',
] as const
type Kind = (typeof KINDS)[number]

interface Mutation {
  kind: Kind
  at: number
  text: string
  bytes: Uint8Array
}

const rawPairs = (query: string): string[] => query.split('&').filter(Boolean)
const pick = <T>(list: readonly T[], at: number): T => list[at % list.length]!
const visible = (text: string): string => text.replace(/[\s]/g, '') || 'Z'

/** Applies a mutation; `undefined` when it does not apply to this base (e.g. no body). */
function mutate(base: Base, { kind, at, text, bytes }: Mutation): RequestParts | undefined {
  const parts = base.parts
  const headers = [...parts.headers!] as Array<[string, string]>
  const pairs = rawPairs(parts.query ?? '')
  const withPairs = (list: string[]): RequestParts => ({ ...parts, query: list.join('&') })
  const appSigned = headers.filter(([name]) => base.signedHeaders.includes(name.toLowerCase()))
  switch (kind) {
    case 'query-value': {
      if (!pairs.length) return undefined
      const index = at % pairs.length
      const [name] = pairs[index]!.split('=')
      return withPairs(pairs.map((pair, i) => (i === index ? `${name}=${uriEncode(text)}` : pair)))
    }
    case 'query-add':
      return withPairs([...pairs, `${uriEncode('p' + text)}=${uriEncode(text)}`])
    case 'query-remove':
      return pairs.length ? withPairs(pairs.filter((_, i) => i !== at % pairs.length)) : undefined
    case 'query-rename': {
      if (!pairs.length) return undefined
      const index = at % pairs.length
      const [name, ...value] = pairs[index]!.split('=')
      return withPairs(pairs.map((pair, i) => (i === index ? `${name}${uriEncode(text)}=${value.join('=')}` : pair)))
    }
    case 'query-plus': {
      // "+" where the signer sent %2B or %20: the same canonical query, a different URLSearchParams reading.
      const query = parts.query ?? ''
      const replaced = query.replace(/%2B|%20/, '+')
      return replaced === query ? withPairs([...pairs, `plus=a+${uriEncode(text)}`]) : { ...parts, query: replaced }
    }
    case 'query-decode': {
      // %25XX → %XX: the same canonical form when XX is not UTF-8, a different reading.
      const query = parts.query ?? ''
      const replaced = query.replace(/%25([0-9A-F]{2})/g, '%$1')
      return replaced === query ? undefined : { ...parts, query: replaced }
    }
    case 'query-duplicate': {
      if (!pairs.length) return undefined
      const [name] = pick(pairs, at).split('=')
      return withPairs([...pairs, `${name}=${uriEncode(text)}`])
    }
    case 'header-value': {
      if (!appSigned.length) return undefined
      const [target] = pick(appSigned, at)
      const insert = visible(text)
      return {
        ...parts,
        headers: headers.map(([name, value]): [string, string] => {
          if (name !== target) return [name, value]
          const position = at % (value.length + 1)
          return [name, value.slice(0, position) + insert + value.slice(position)]
        }),
      }
    }
    case 'header-remove': {
      if (!appSigned.length) return undefined
      const [target] = pick(appSigned, at)
      return { ...parts, headers: headers.filter(([name]) => name !== target) }
    }
    case 'header-duplicate': {
      if (!appSigned.length) return undefined
      const [target] = pick(appSigned, at)
      return { ...parts, headers: [...headers, [target, visible(text)]] }
    }
    case 'header-token':
      return { ...parts, headers: [...headers, ['X-Amz-Security-Token', 'forged' + visible(text)]] }
    case 'body-flip': {
      const body = bodyBytes(parts.body)
      if (!body.length) return { ...parts, body: bytes.slice() }
      const copy = body.slice()
      copy[at % copy.length]! ^= 1 << (at % 8)
      return { ...parts, body: copy }
    }
    case 'body-append':
      return { ...parts, body: new Uint8Array([...bodyBytes(parts.body), ...bytes]) }
    case 'body-truncate': {
      const body = bodyBytes(parts.body)
      return body.length ? { ...parts, body: body.slice(0, at % body.length) } : undefined
    }
    case 'method': {
      const methods = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', parts.method.toLowerCase()]
      const method = pick(
        methods.filter((name) => name !== parts.method),
        at,
      )
      return { ...parts, method }
    }
    case 'host':
      return {
        ...parts,
        host: pick([`${visible(text).toLowerCase()}.${parts.host}`, `${parts.host}:8443`, 'evil.example.test'], at),
      }
    case 'host-header':
      return { ...parts, headers: [...headers, ['Host', pick(['evil.example.test', `${parts.host}.evil.test`], at)]] }
    case 'path-char': {
      const position = 1 + (at % parts.path.length)
      return { ...parts, path: parts.path.slice(0, position) + uriEncode(visible(text)) + parts.path.slice(position) }
    }
    case 'path-segment':
      return { ...parts, path: parts.path.replace(/\/?$/, '/' + uriEncode(visible(text))) }
    case 'auth-signature': {
      const flipHex = (hex: string): string => {
        const position = at % 64
        const digit = hex[position] === '0' ? '1' : '0'
        return hex.slice(0, position) + digit + hex.slice(position + 1)
      }
      const query = parts.query ?? ''
      const presignedSignature = /X-Amz-Signature=([0-9a-f]{64})/.exec(query)
      if (presignedSignature)
        return { ...parts, query: query.replace(presignedSignature[1]!, flipHex(presignedSignature[1]!)) }
      return {
        ...parts,
        headers: headers.map(([name, value]): [string, string] => [
          name,
          name === 'authorization'
            ? value.replace(/Signature=([0-9a-f]{64})/, (_, hex: string) => 'Signature=' + flipHex(hex))
            : value,
        ]),
      }
    }
    case 'auth-date': {
      const bump = (amzDate: string): string =>
        amzDate.replace(
          /(\d\d)Z$/,
          (_, second: string) => String((+second + 1 + (at % 58)) % 60).padStart(2, '0') + 'Z',
        )
      const query = parts.query ?? ''
      if (/X-Amz-Date=/.test(query))
        return { ...parts, query: query.replace(/X-Amz-Date=(\w+)/, (_, date: string) => 'X-Amz-Date=' + bump(date)) }
      return {
        ...parts,
        headers: headers.map(([name, value]): [string, string] => [name, name === 'x-amz-date' ? bump(value) : value]),
      }
    }
    case 'neutral-header-case':
      return {
        ...parts,
        headers: headers.map(([name, value]): [string, string] => [
          at % 2 ? name.toUpperCase() : name.replace(/^./, (c) => c.toUpperCase()),
          value,
        ]),
      }
    case 'neutral-query-order':
      return withPairs(
        [...pairs.slice(at % Math.max(pairs.length, 1)), ...pairs.slice(0, at % Math.max(pairs.length, 1))].reverse(),
      )
    case 'neutral-unsigned-header':
      return {
        ...parts,
        headers: [...headers, [pick(['X-Forwarded-For', 'User-Agent', 'X-Request-Id'], at), visible(text)]],
      }
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom(...KINDS),
  at: fc.nat({ max: 10_000 }),
  text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
})

interface Tally {
  tried: number
  notApplicable: number
  viewChanged: number
  refused: number
  accepted: number
  codes: Record<string, number>
}

test('10,000 mutations of signed requests: every change to what the app reads is refused; verify never throws', async () => {
  const tallies = new Map<Kind, Tally>(
    KINDS.map((kind) => [kind, { tried: 0, notApplicable: 0, viewChanged: 0, refused: 0, accepted: 0, codes: {} }]),
  )
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: bases.length - 1 }), mutation, async (baseIndex, change) => {
      const base = bases[baseIndex]!
      const tally = tallies.get(change.kind)!
      tally.tried++
      const mutated = mutate(base, change)
      if (!mutated) {
        tally.notApplicable++
        return
      }
      let result: VerifyResult
      try {
        result = await verify(mutated, accepting)
      } catch (error) {
        throw new Error(`verify threw for ${change.kind} on ${base.name}`, { cause: error })
      }
      if (result.ok) tally.accepted++
      else {
        tally.refused++
        tally.codes[result.code] = (tally.codes[result.code] ?? 0) + 1
      }
      const changed = appView(mutated, base) !== appView(base.parts, base)
      if (changed) tally.viewChanged++
      if (change.kind.startsWith('neutral-')) {
        expect(changed, `${change.kind} must not change the app's view`).toBe(false)
        expect(result, `${change.kind} on ${base.name}`).toMatchObject({ ok: true })
      } else if (change.kind.startsWith('auth-') || changed) {
        expect(
          result,
          `${change.kind} on ${base.name}: ${JSON.stringify({ ...mutated, body: undefined })}`,
        ).toMatchObject({ ok: false })
      }
    }),
    { seed: 0x51f4, numRuns: 10_000 },
  )
  const total = [...tallies.values()].reduce((sum, tally) => sum + tally.tried, 0)
  console.log(`verify mutation fuzz: ${total} runs (seed 0x51f4)`)
  console.table(
    Object.fromEntries(
      [...tallies].map(([kind, { codes, ...counts }]) => [
        kind,
        {
          ...counts,
          codes: Object.entries(codes)
            .map(([code, count]) => `${code.replace('ERR_', '')}:${count}`)
            .join(' '),
        },
      ]),
    ),
  )
  expect(total).toBe(10_000)
  // Every kind was tried, and the non-neutral ones mostly changed the view (the property was exercised).
  for (const [kind, tally] of tallies) {
    expect(tally.tried, kind).toBeGreaterThan(200)
    if (kind.startsWith('neutral-')) expect(tally.accepted, kind).toBe(tally.tried - tally.notApplicable)
    else expect(tally.refused, kind).toBeGreaterThan(0)
  }
})

/** What an app reads from a fetch Request: its URL (parsed), method, watched headers and body bytes. */
async function requestView(request: Request, base: Base): Promise<string> {
  const url = new URL(request.url)
  const body = base.bodySigned ? Buffer.from(await request.clone().arrayBuffer()).toString('hex') : 'unsigned'
  return JSON.stringify({
    method: request.method,
    host: url.host,
    hostHeader: request.headers.get('host'),
    path: url.pathname,
    query: [...new Set(url.searchParams.keys())].sort().map((key) => [key, url.searchParams.getAll(key)]),
    headers: [...base.signedHeaders, 'x-amz-security-token', 'x-amz-content-sha256'].map((name) => [
      name,
      request.headers.get(name),
    ]),
    body,
  })
}

test('2,000 of the same mutations as fetch Requests (what a Worker, Deno or Bun server sees): the same property', async () => {
  const counts = { tried: 0, notRepresentable: 0, viewChanged: 0, refused: 0, accepted: 0 }
  const originals = await Promise.all(bases.map((base) => requestView(asRequest(base.parts), base)))
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: bases.length - 1 }), mutation, async (baseIndex, change) => {
      const base = bases[baseIndex]!
      counts.tried++
      const mutated = mutate(base, change)
      let request: Request
      try {
        if (!mutated) throw new Error('not applicable')
        request = asRequest(mutated)
      } catch {
        // Not every mutation can be a fetch Request (a non-Latin-1 header value, a bad host): those are skipped.
        counts.notRepresentable++
        return
      }
      const changed = (await requestView(request, base)) !== originals[baseIndex]
      const result = await verify(request, accepting)
      if (changed) counts.viewChanged++
      if (result.ok) counts.accepted++
      else counts.refused++
      if (change.kind.startsWith('neutral-')) expect(result, change.kind).toMatchObject({ ok: true })
      else if (change.kind.startsWith('auth-') || changed)
        expect(result, `${change.kind} on ${base.name}`).toMatchObject({ ok: false })
    }),
    { seed: 0xfe7c, numRuns: 2000 },
  )
  console.log('verify mutation fuzz as fetch Requests (seed 0xfe7c):', counts)
  expect(counts.tried).toBe(2000)
  expect(counts.viewChanged).toBeGreaterThan(1000)
})
