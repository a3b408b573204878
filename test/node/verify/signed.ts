// Signed requests for the security tests: this package's signer for ordinary requests, and a raw signer
// (node:crypto, the canonical request written out by hand) for requests no correct signer would produce.
import { createHash, createHmac } from 'node:crypto'
import type { RequestParts } from '../../../src/core/types.js'
import { signParts } from '../../../src/core/sign.js'
import { presignParts } from '../../../src/presign.js'
import type { SignOptions } from '../../../src/core/options.js'

export const credentials = {
  accessKeyId: 'AKIDSECURITYTEST',
  secretAccessKey: 'sEcReT/security+test0123456789ABCDEFGHIJ',
}
export const SIGNED_AT = '2024-03-10T08:30:00Z'
export const AMZ_DATE = '20240310T083000Z'
export const signedAt = Date.parse(SIGNED_AT)
/** Verify options that accept what these helpers sign. */
export const lookupSecret = (id: string): string | undefined =>
  id === credentials.accessKeyId ? credentials.secretAccessKey : undefined
export const accepting = { lookupSecret, now: signedAt + 30_000 }

type Extra = Partial<SignOptions> & { sessionToken?: string }

const signOptions = (extra: Extra): SignOptions => {
  const { sessionToken, ...rest } = extra
  return {
    credentials: { ...credentials, ...(sessionToken === undefined ? {} : { sessionToken }) },
    region: 'eu-west-1',
    service: 'execute-api',
    datetime: SIGNED_AT,
    ...rest,
  }
}

/** Header-signed request parts, as they go on the wire (the body kept). */
export async function signed(parts: RequestParts, extra: Extra = {}): Promise<RequestParts> {
  const result = await signParts(parts, signOptions(extra))
  return {
    method: result.method,
    host: result.host,
    path: result.path,
    query: result.query,
    headers: result.headers,
    body: parts.body ?? null,
  }
}

/** Presigned request parts (query authentication). */
export async function presigned(
  parts: RequestParts,
  extra: Extra & { expiresIn?: number } = {},
): Promise<RequestParts> {
  const result = await presignParts(parts, {
    ...signOptions(extra),
    expiresIn: extra.expiresIn ?? 300,
  })
  return {
    method: result.method,
    host: result.host,
    path: result.path,
    query: result.query,
    headers: result.headers,
    body: parts.body ?? null,
  }
}

/** Request parts as a fetch Request, the way a server sees them. */
export function asRequest(parts: RequestParts): Request {
  const headers = new Headers()
  for (const [name, value] of parts.headers ?? []) headers.append(name, value)
  const body = parts.body
  return new Request(`https://${parts.host}${parts.path}${parts.query ? '?' + parts.query : ''}`, {
    method: parts.method,
    headers,
    body: /^(GET|HEAD)$/.test(parts.method) ? undefined : (body as BodyInit | null | undefined),
    duplex: 'half',
  } as RequestInit)
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex')

/** What the raw signer writes into the canonical request, verbatim. */
export interface RawSpec {
  method?: string
  host?: string
  path?: string
  /** The wire query; the canonical query is given separately (default: this one, already canonical). */
  query?: string
  canonicalQuery?: string
  /** Wire headers besides host and authorization. */
  headers?: Array<[string, string]>
  /** The SignedHeaders list, written as given (default: host plus every header, sorted). */
  signedHeaders?: string[]
  /** The canonical header block (default: `name:value\n` for each signed name, from the wire headers). */
  canonicalHeaders?: string
  payloadHash?: string
  amzDate?: string
  /** Leave x-amz-date off the wire (a Date header then carries the signing time). */
  omitAmzDate?: boolean
  body?: string | null
  region?: string
  service?: string
  accessKeyId?: string
}

/**
 * Signs a request whose canonical request is written out exactly as the spec says, with node:crypto: for
 * requests this package's signer refuses to make (bogus payload hashes, repeated or unsorted SignedHeaders,
 * impossible dates).
 */
export function rawSigned(spec: RawSpec): RequestParts {
  const host = spec.host ?? 'api.example.test'
  const amzDate = spec.amzDate ?? AMZ_DATE
  const region = spec.region ?? 'eu-west-1'
  const service = spec.service ?? 'execute-api'
  const headers: Array<[string, string]> = [
    ...(spec.omitAmzDate ? [] : [['x-amz-date', amzDate] as [string, string]]),
    ...(spec.headers ?? []),
  ]
  const all: Array<[string, string]> = [['host', host], ...headers]
  const signedHeaders = spec.signedHeaders ?? [...new Set(all.map(([name]) => name.toLowerCase()))].sort()
  const block =
    spec.canonicalHeaders ??
    signedHeaders
      .map(
        (name) =>
          `${name}:${all
            .filter(([key]) => key.toLowerCase() === name)
            .map(([, value]) => value.trim())
            .join(',')}\n`,
      )
      .join('')
  const payloadHash = spec.payloadHash ?? sha256(spec.body ?? '')
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`
  const canonical = [
    spec.method ?? 'GET',
    spec.path ?? '/',
    spec.canonicalQuery ?? spec.query ?? '',
    block,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n')
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')
  let key: Buffer = Buffer.from('AWS4' + credentials.secretAccessKey)
  for (const part of scope.split('/')) key = createHmac('sha256', key).update(part).digest()
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex')
  const accessKeyId = spec.accessKeyId ?? credentials.accessKeyId
  return {
    method: spec.method ?? 'GET',
    host,
    path: spec.path ?? '/',
    query: spec.query ?? '',
    headers: [
      ...headers,
      [
        'authorization',
        `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
      ],
    ],
    body: spec.body ?? null,
  }
}

/** A body stream of `total` bytes that counts what was pulled from it (highWaterMark 0: nothing before a read). */
export function countingStream(
  total: number,
  piece = 64 * 1024,
): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) return controller.close()
        const size = Math.min(piece, total - sent)
        sent += size
        controller.enqueue(new Uint8Array(size).fill(sent % 251))
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, pulled: () => sent }
}
