// Seeded generator of signing cases: only requests a reference signer and ours should sign identically, each
// already in its wire form (strictly encoded path and query), as an AWS SDK would send it.
import { createHash } from 'node:crypto'
import { Random, component, strictEncode, ALNUM } from './random.js'

export type Reference = 'botocore' | 'smithy'

export interface Case {
  /** `<reference>-<seed>-<index>`: rerun one case by seed and index. */
  id: string
  mode: 'header' | 'query'
  s3: boolean
  service: string
  region: string
  method: string
  scheme: 'https' | 'http'
  /** Host header value: lower-case, with the port when it is not the scheme's default. */
  host: string
  /** Wire path, strictly encoded (`.`/`..`/empty segments included on purpose). */
  path: string
  /** Decoded query pairs in wire order; a `null` value is a key sent without `=`. */
  queryPairs: Array<[string, string | null]>
  /** Wire query without `?`, strictly encoded. */
  query: string
  headers: Array<[string, string]>
  body: null | { text: string } | { bytes: Uint8Array<ArrayBuffer> }
  /** Send the body as a ReadableStream (high-level, S3 or unsignedPayload: signed as UNSIGNED-PAYLOAD). */
  stream: boolean
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  /** ISO-8601 signing time. */
  datetime: string
  /** `YYYYMMDDTHHMMSSZ` */
  amzDate: string
  expiresIn: number
  unsignedPayload: boolean
  /** Sign through `sign()`/`presign()` with a URL (else through `signParts`/`presignParts`). */
  highLevel: boolean
}

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1', 'sa-east-1', 'me-central-1']
const SERVICES = ['kinesis', 'execute-api', 'dynamodb', 'sts', 'iam', 'lambda', 'es', 'sqs', 'kinesisvideo', 'service']
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS']
const BASE64 = ALNUM + '+/'
// Headers both signers sign as given. Left out on purpose: user-agent, expect, x-amzn-trace-id, transfer-encoding
// (botocore never signs them), date (botocore rewrites it), host, authorization, and cache-control, from,
// max-forwards, pragma, referer (smithy never signs them).
const HEADER_NAMES = [
  'Content-Type',
  'X-Amz-Meta-Author',
  'x-amz-meta-note',
  'X-Custom',
  'x-amz-target',
  'Content-MD5',
  'Accept',
  'Accept-Encoding',
  'x-amz-acl',
  'Content-Language',
  'If-Match',
  'Range',
  'My-Header1',
  'x-amzn-stream-name',
]

/** Printable ASCII words joined by runs of spaces and tabs, with leading/trailing whitespace at times. */
function headerValue(random: Random): string {
  if (random.chance(0.04)) return ''
  const space = () => random.string(random.int(1, 3), ' \t')
  const words: string[] = []
  for (let i = random.int(1, 4); i > 0; i--) {
    let word = ''
    for (let j = random.int(1, 10); j > 0; j--) word += String.fromCharCode(random.int(0x21, 0x7e))
    words.push(word)
  }
  let value = words.map((word, i) => (i ? space() : '') + word).join('')
  if (random.chance(0.3)) value = space() + value
  if (random.chance(0.3)) value += space()
  return value
}

function path(random: Random, s3: boolean): string {
  if (random.chance(0.08)) return '/'
  const segments: string[] = []
  if (s3 && random.chance(0.5)) segments.push('bucket-' + random.string(6, 'abcdefghijklmnopqrstuvwxyz0123456789'))
  for (let i = random.int(1, 4); i > 0; i--) {
    const roll = random.next()
    // Dot and empty segments: normalised for every service but S3, signed as they are for S3.
    if (roll < 0.06) segments.push('.')
    else if (roll < 0.12) segments.push('..')
    else if (roll < 0.18) segments.push('')
    else segments.push(strictEncode(component(random, 1, 10)))
  }
  return '/' + segments.join('/') + (random.chance(0.25) ? '/' : '')
}

function query(random: Random, allowRepeats: boolean): Array<[string, string | null]> {
  const pairs: Array<[string, string | null]> = []
  for (let i = random.int(0, 6); i > 0; i--) {
    const repeat = allowRepeats && pairs.length > 0 && random.chance(0.2)
    let key = repeat ? random.pick(pairs)[0] : component(random, 1, 6)
    if (!repeat) while (pairs.some(([used]) => used === key) || /^x-amz-/i.test(key)) key = component(random, 1, 6)
    const roll = random.next()
    pairs.push([key, roll < 0.12 ? null : roll < 0.24 ? '' : component(random, 1, 10)])
  }
  return pairs
}

function amzDateOf(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d+/g, '')
}

/**
 * `count` cases for one reference signer from one seed. The mix: ~1/3 S3, ~1/3 presigned, ~45% through the
 * high-level `sign()`/`presign()`, half with a session token, bodies empty/text/binary/stream, UNSIGNED-PAYLOAD
 * (S3, and non-S3 with `unsignedPayload`).
 */
export function generateCases(reference: Reference, seed: number, count: number): Case[] {
  const random = new Random(seed)
  const cases: Case[] = []
  for (let index = 0; index < count; index++) {
    const s3 = random.chance(0.35)
    const mode = random.chance(0.35) ? 'query' : 'header'
    const highLevel = random.chance(0.45)
    const service = s3 ? 's3' : random.pick(SERVICES)
    let region = random.pick(REGIONS)
    let scheme: Case['scheme'] = 'https'
    let host: string
    const place = random.next()
    if (place < 0.12) {
      scheme = 'http'
      host = random.pick(['127.0.0.1:9000', 'localhost:4566'])
    } else if (place < 0.18) host = 'api.example.com:8443'
    else if (s3) {
      if (place < 0.25) {
        host = 'acct1234.r2.cloudflarestorage.com'
        region = 'auto'
      } else host = random.chance(0.5) ? `my-bucket.s3.${region}.amazonaws.com` : `s3.${region}.amazonaws.com`
    } else
      host =
        service === 'execute-api' ? `abc123.execute-api.${region}.amazonaws.com` : `${service}.${region}.amazonaws.com`

    const method = random.pick(METHODS)
    const canHaveBody = mode === 'header' && method !== 'GET' && method !== 'HEAD'
    // botocore folds repeated presign query keys into one (parse_qs), so they are header-mode only there.
    const queryPairs = query(random, reference === 'smithy' || mode === 'header')
    const wireQuery = queryPairs
      .map(([key, value]) => strictEncode(key) + (value === null ? '' : '=' + strictEncode(value)))
      .join('&')

    const headers: Array<[string, string]> = []
    const usedNames = new Set<string>()
    for (let i = random.int(0, 5); i > 0; i--) {
      let name = random.pick(HEADER_NAMES)
      // smithy's presign moves x-amz-* headers into the query; ours signs them as headers.
      if (reference === 'smithy' && mode === 'query' && /^x-amz-/i.test(name)) continue
      if (usedNames.has(name.toLowerCase())) {
        // Repeated names (botocore keeps a list; smithy takes an object, so it gets none).
        if (reference === 'smithy') continue
        if (random.chance(0.5)) name = name.toUpperCase()
      }
      usedNames.add(name.toLowerCase())
      headers.push([name, headerValue(random)])
    }
    if (mode === 'header' && random.chance(0.08)) headers.push(['X-Amz-Date', '20000101T000000Z']) // stale: replaced

    // UNSIGNED-PAYLOAD: S3, and other services that take it (Kinesis Video PutMedia); a stream body needs it.
    const unsignedPayload = mode === 'header' && random.chance(s3 ? 0.2 : 0.1)
    let body: Case['body'] = null
    let stream = false
    if (canHaveBody) {
      const roll = random.next()
      if (roll < 0.15) body = { text: '' }
      else if (roll < 0.5) body = { text: component(random, 1, 200) }
      else if (roll < 0.8) body = { bytes: random.bytes(random.int(1, 300)) }
      if (highLevel && body && (s3 || unsignedPayload) && random.chance(0.5)) stream = true
    }
    // botocore signs every payload over plain http; UNSIGNED-PAYLOAD needs https there.
    if ((unsignedPayload || stream) && scheme === 'http') {
      scheme = 'https'
      host = s3 ? `s3.${region}.amazonaws.com` : `${service}.${region}.amazonaws.com`
    }
    // A caller-provided payload hash header (non-S3: both sign it and use its value as the payload line).
    if (!s3 && mode === 'header' && !unsignedPayload && random.chance(0.08)) {
      const bytes = body === null ? new Uint8Array() : 'text' in body ? new TextEncoder().encode(body.text) : body.bytes
      headers.push([
        'X-Amz-Content-Sha256',
        random.chance(0.3) ? 'UNSIGNED-PAYLOAD' : createHash('sha256').update(bytes).digest('hex'),
      ])
    }
    // botocore signs every payload over plain http; S3's UNSIGNED-PAYLOAD needs https there.
    if ((unsignedPayload || stream) && scheme === 'http') {
      scheme = 'https'
      host = `s3.${region}.amazonaws.com`
    }

    const token = random.chance(0.5)
    const credentials: Case['credentials'] = {
      accessKeyId: (token ? 'ASIA' : 'AKIA') + random.string(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
      secretAccessKey: random.string(40, BASE64),
    }
    if (token) credentials.sessionToken = random.string(random.int(40, 400), BASE64) + random.pick(['', '=', '=='])
    const date = new Date(Date.UTC(2000, 0, 1) + random.int(0, 36 * 365 * 86400) * 1000)

    cases.push({
      id: `${reference}-${seed}-${index}`,
      mode,
      s3,
      service,
      region,
      method,
      scheme,
      host,
      path: path(random, s3),
      queryPairs,
      query: wireQuery,
      headers,
      body,
      stream,
      credentials,
      datetime: date.toISOString(),
      amzDate: amzDateOf(date),
      expiresIn: random.int(1, 604800),
      unsignedPayload,
      highLevel,
    })
  }
  return cases
}
