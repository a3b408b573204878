// The benchmark itself, runtime-agnostic: bundled once by bench/run.mjs and run unchanged in Node, Deno, Bun,
// workerd and Chromium. Every contender signs the same request each time; timing is per batch of operations
// (so coarse clocks such as Chromium's 100 µs one do not matter), rounds alternate the order of contenders,
// and the result per contender is the median over rounds.
import { presign, presignParts, sign, signParts, type SignOptions } from '../src/index.js'
import { AwsClient } from 'aws4fetch'
import { SignatureV4 } from '@smithy/signature-v4'
import { HttpRequest } from '@smithy/protocol-http'
import { Sha256 } from '@aws-crypto/sha256-js'
import * as baseline from './baseline.js'

/** What the runner asks for. */
export interface BenchConfig {
  /** Signatures in flight at once (e.g. [1, 64]). */
  inflight: number[]
  /** Timed rounds per workload and in-flight count; each round runs every contender once. */
  rounds: number
  /** Aimed duration of one timed batch, in ms. */
  batchMs: number
  /** Only these workload ids (all when absent). */
  workloads?: string[]
}

export interface ContenderResult {
  id: string
  label: string
  /** Median time per signature over the rounds, in µs (wall time of a batch / its size). */
  medianUs: number
  minUs: number
  maxUs: number
  batch: number
  rounds: number
}

export interface CellResult {
  workload: string
  inflight: number
  contenders: ContenderResult[]
}

interface Contender {
  id: string
  label: string
  run: () => Promise<unknown>
  /** What a correct output looks like (checked once before timing). */
  check: (output: unknown) => boolean
}

interface Workload {
  id: string
  title: string
  contenders: Contender[]
}

const subtle = globalThis.crypto.subtle
const encoder = new TextEncoder()
const toHex = (buffer: ArrayBuffer): string => {
  let hex = ''
  for (const byte of new Uint8Array(buffer)) hex += (byte < 16 ? '0' : '') + byte.toString(16)
  return hex
}
const hasSignature = (text: string | null | undefined): boolean => !!text && /Signature=[0-9a-f]{64}/.test(text)

// What smithy's sign/presign resolve to (its HttpRequest shape).
interface SmithySigned {
  method: string
  protocol: string
  hostname: string
  path: string
  headers: Record<string, string>
  query?: Record<string, string | string[] | null>
  body?: BodyInit
}

// smithy signs a description of the request; a fetch user still has to turn it into what fetch takes. These two
// steps make its rows comparable with sign() (a Request) and presign() (a URL string). Host is set by fetch itself.
const smithyToRequest = (url: string, signed: SmithySigned): Request =>
  new Request(url, {
    method: signed.method,
    headers: Object.entries(signed.headers).filter(([name]) => name !== 'host'),
    body: signed.body,
  })
const smithyToUrl = (signed: SmithySigned): string =>
  `${signed.protocol}//${signed.hostname}${signed.path}?` +
  Object.entries(signed.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&')

// Long-term keys plus a session token of the usual length (STS tokens are several hundred characters).
const credentials = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjE' + 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/'.repeat(22),
}
const region = 'us-east-1'

/** The baseline revision's contenders that exist (none without --baseline). */
const baselineRows = (rows: Array<Contender | undefined>): Contender[] =>
  rows.filter((row): row is Contender => row !== undefined)

/** The WebCrypto floor: the dependent chain of native calls a SigV4 signature cannot avoid, with a cached key. */
async function floorKey(): Promise<CryptoKey> {
  return subtle.importKey('raw', new Uint8Array(32).fill(7), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
}

/** The signers compared on a POST: this library's two forms, aws4fetch, and smithy bare and with the Request built. */
function postContenders(post: {
  url: string
  host: string
  path: string
  headers: Record<string, string>
  body: string | Uint8Array<ArrayBuffer>
  options: SignOptions
  aws4fetch: AwsClient
  smithy: SignatureV4
}): Contender[] {
  const { url, host, path, headers, body, options, aws4fetch, smithy } = post
  return [
    {
      id: 'sign',
      label: 'webcrypto-sigv4 sign()',
      run: () => sign({ method: 'POST', url, headers, body }, options),
      check: (request) => hasSignature((request as Request).headers.get('authorization')),
    },
    {
      id: 'parts',
      label: 'webcrypto-sigv4 signParts()',
      run: () => signParts({ method: 'POST', host, path, headers: Object.entries(headers), body }, options),
      check: (signed) => /^[0-9a-f]{64}$/.test((signed as { signature: string }).signature),
    },
    ...baselineRows([
      baseline.sign && {
        id: 'baselineSign',
        label: 'baseline sign() (--baseline)',
        run: () => baseline.sign!({ method: 'POST', url, headers, body }, options),
        check: (request) => hasSignature((request as Request).headers.get('authorization')),
      },
      baseline.signParts && {
        id: 'baselineParts',
        label: 'baseline signParts() (--baseline)',
        run: () => baseline.signParts!({ method: 'POST', host, path, headers: Object.entries(headers), body }, options),
        check: (signed) => /^[0-9a-f]{64}$/.test((signed as { signature: string }).signature),
      },
    ]),
    {
      id: 'aws4fetch',
      label: 'aws4fetch AwsClient.sign()',
      run: () => aws4fetch.sign(url, { method: 'POST', headers, body }),
      check: (request) => hasSignature((request as Request).headers.get('authorization')),
    },
    {
      id: 'smithy',
      label: '@smithy/signature-v4 + sha256-js',
      run: () =>
        smithy.sign(
          new HttpRequest({
            method: 'POST',
            protocol: 'https:',
            hostname: host,
            path,
            headers: { host, ...headers },
            body,
          }),
        ),
      check: (request) => hasSignature((request as HttpRequest).headers.authorization),
    },
    {
      id: 'smithyRequest',
      label: '@smithy/signature-v4 + sha256-js, then a fetch Request',
      run: async () =>
        smithyToRequest(
          url,
          await smithy.sign(
            new HttpRequest({
              method: 'POST',
              protocol: 'https:',
              hostname: host,
              path,
              headers: { host, ...headers },
              body,
            }),
          ),
        ),
      check: (request) => hasSignature((request as Request).headers.get('authorization')),
    },
  ]
}

function kinesisWorkload(key: CryptoKey): Workload {
  const url = 'https://kinesis.us-east-1.amazonaws.com/'
  const host = 'kinesis.us-east-1.amazonaws.com'
  // A 200-byte PutRecord body: the Data field is padded to make up the size.
  const bare = JSON.stringify({ StreamName: 'clickstream', PartitionKey: 'user-0042', Data: '' })
  const body = JSON.stringify({
    StreamName: 'clickstream',
    PartitionKey: 'user-0042',
    Data: 'QUJD'.repeat(50).slice(0, 200 - bare.length),
  })
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' }
  const options = { credentials, region, service: 'kinesis' }
  const aws4fetch = new AwsClient({ ...credentials, region, service: 'kinesis' })
  const smithy = new SignatureV4({ credentials, region, service: 'kinesis', sha256: Sha256 })
  const canonicalHead = `POST\n/\n\ncontent-type:${headers['content-type']}\nhost:${host}\nx-amz-date:20260101T000000Z\nx-amz-security-token:${credentials.sessionToken}\nx-amz-target:${headers['x-amz-target']}\n\ncontent-type;host;x-amz-date;x-amz-security-token;x-amz-target\n`
  return {
    id: 'kinesis',
    title: `Kinesis PutRecord, ${encoder.encode(body).length} B body, session token`,
    contenders: [
      ...postContenders({ url, host, path: '/', headers, body, options, aws4fetch, smithy }),
      {
        id: 'floor',
        label: 'WebCrypto floor (digest → digest → HMAC)',
        run: async () => {
          const payloadHash = toHex(await subtle.digest('SHA-256', encoder.encode(body)))
          const requestHash = toHex(await subtle.digest('SHA-256', encoder.encode(canonicalHead + payloadHash)))
          return toHex(
            await subtle.sign(
              'HMAC',
              key,
              encoder.encode(
                'AWS4-HMAC-SHA256\n20260101T000000Z\n20260101/us-east-1/kinesis/aws4_request\n' + requestHash,
              ),
            ),
          )
        },
        check: (hex) => /^[0-9a-f]{64}$/.test(hex as string),
      },
      {
        id: 'floorRequest',
        label: 'the floor, then a fetch Request (the least a signer returning a Request can take)',
        run: async () => {
          const payloadHash = toHex(await subtle.digest('SHA-256', encoder.encode(body)))
          const requestHash = toHex(await subtle.digest('SHA-256', encoder.encode(canonicalHead + payloadHash)))
          const signature = toHex(
            await subtle.sign(
              'HMAC',
              key,
              encoder.encode(
                'AWS4-HMAC-SHA256\n20260101T000000Z\n20260101/us-east-1/kinesis/aws4_request\n' + requestHash,
              ),
            ),
          )
          const authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=${signature}`
          return new Request(url, {
            method: 'POST',
            headers: {
              ...headers,
              'x-amz-date': '20260101T000000Z',
              'x-amz-security-token': credentials.sessionToken,
              authorization,
            },
            body,
          })
        },
        check: (request) => hasSignature((request as Request).headers.get('authorization')),
      },
    ],
  }
}

function presignWorkload(key: CryptoKey): Workload {
  const host = 'examplebucket.s3.us-east-1.amazonaws.com'
  const path = '/photos/2026/holiday%20cat.jpg'
  const url = `https://${host}${path}`
  const options = { credentials, region, service: 's3', expiresIn: 3600 }
  const aws4fetch = new AwsClient({ ...credentials, region, service: 's3' })
  const smithy = new SignatureV4({ credentials, region, service: 's3', sha256: Sha256, uriEscapePath: false })
  const canonicalHead = `GET\n${path}\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${credentials.accessKeyId}%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-Security-Token=${encodeURIComponent(credentials.sessionToken)}&X-Amz-SignedHeaders=host\nhost:${host}\n\nhost\nUNSIGNED-PAYLOAD`
  const isPresigned = (text: string): boolean => /X-Amz-Signature=[0-9a-f]{64}/.test(text)
  return {
    id: 'presign',
    title: 'Presign an S3 GET (1 h, session token)',
    contenders: [
      {
        id: 'sign',
        label: 'webcrypto-sigv4 presign()',
        run: () => presign(url, options),
        check: (signed) => isPresigned(String(signed)),
      },
      {
        id: 'parts',
        label: 'webcrypto-sigv4 presignParts()',
        run: () => presignParts({ method: 'GET', host, path }, options),
        check: (signed) => isPresigned((signed as { query: string }).query),
      },
      ...baselineRows([
        baseline.presign && {
          id: 'baselineSign',
          label: 'baseline presign() (--baseline)',
          run: () => baseline.presign!(url, options),
          check: (signed) => isPresigned(String(signed)),
        },
        baseline.presignParts && {
          id: 'baselineParts',
          label: 'baseline presignParts() (--baseline)',
          run: () => baseline.presignParts!({ method: 'GET', host, path }, options),
          check: (signed) => isPresigned((signed as { query: string }).query),
        },
      ]),
      {
        id: 'aws4fetch',
        label: 'aws4fetch AwsClient.sign(signQuery)',
        run: async () => (await aws4fetch.sign(url, { method: 'GET', aws: { signQuery: true } })).url,
        check: (signed) => isPresigned(signed as string),
      },
      {
        id: 'smithy',
        label: '@smithy/signature-v4 + sha256-js',
        run: () =>
          smithy.presign(
            new HttpRequest({ method: 'GET', protocol: 'https:', hostname: host, path, headers: { host } }),
            { expiresIn: 3600 },
          ),
        check: (request) => /^[0-9a-f]{64}$/.test(String((request as HttpRequest).query['X-Amz-Signature'])),
      },
      {
        id: 'smithyRequest',
        label: '@smithy/signature-v4 + sha256-js, then the URL string',
        run: async () =>
          smithyToUrl(
            await smithy.presign(
              new HttpRequest({ method: 'GET', protocol: 'https:', hostname: host, path, headers: { host } }),
              { expiresIn: 3600 },
            ),
          ),
        check: (signed) => isPresigned(signed as string),
      },
      {
        id: 'floor',
        label: 'WebCrypto floor (digest → HMAC)',
        run: async () => {
          const requestHash = toHex(await subtle.digest('SHA-256', encoder.encode(canonicalHead)))
          return toHex(
            await subtle.sign(
              'HMAC',
              key,
              encoder.encode('AWS4-HMAC-SHA256\n20260101T000000Z\n20260101/us-east-1/s3/aws4_request\n' + requestHash),
            ),
          )
        },
        check: (hex) => /^[0-9a-f]{64}$/.test(hex as string),
      },
    ],
  }
}

function largeBodyWorkload(key: CryptoKey): Workload {
  const host = 'abc123defg.execute-api.us-east-1.amazonaws.com'
  const path = '/prod/upload'
  const url = `https://${host}${path}`
  const body = new Uint8Array(1 << 20)
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) & 0xff
  const headers = { 'content-type': 'application/octet-stream' }
  const options = { credentials, region, service: 'execute-api' }
  const aws4fetch = new AwsClient({ ...credentials, region, service: 'execute-api' })
  const smithy = new SignatureV4({ credentials, region, service: 'execute-api', sha256: Sha256 })
  const canonicalHead = `POST\n${path}\n\ncontent-type:application/octet-stream\nhost:${host}\nx-amz-date:20260101T000000Z\nx-amz-security-token:${credentials.sessionToken}\n\ncontent-type;host;x-amz-date;x-amz-security-token\n`
  // The same size as text (ASCII, like most JSON), as a Blob (a File a page already has) and inside a Request.
  const text = 'abcdefghijklmnopqrstuvwxyz012345'.repeat(body.length / 32)
  const blob = new Blob([body])
  return {
    id: 'body1m',
    title: 'POST with a 1 MiB body (execute-api)',
    contenders: [
      ...postContenders({ url, host, path, headers, body, options, aws4fetch, smithy }),
      {
        id: 'signString',
        label: 'webcrypto-sigv4 sign(), the body as a 1 MiB string',
        run: () => sign({ method: 'POST', url, headers, body: text }, options),
        check: (request) => hasSignature((request as Request).headers.get('authorization')),
      },
      {
        id: 'signBlob',
        label: 'webcrypto-sigv4 sign(), the body as a Blob',
        run: () => sign({ method: 'POST', url, headers, body: blob }, options),
        check: (request) => hasSignature((request as Request).headers.get('authorization')),
      },
      {
        id: 'signRequest',
        label: 'webcrypto-sigv4 sign() of a Request (its construction included)',
        run: () => sign(new Request(url, { method: 'POST', headers, body }), options),
        check: (request) => hasSignature((request as Request).headers.get('authorization')),
      },
      {
        id: 'digestRequest',
        label: 'one native SHA-256 of the bytes, then building the Request (the least sign() of bytes can take)',
        run: async () => {
          const payloadHash = toHex(await subtle.digest('SHA-256', body))
          return new Request(url, {
            method: 'POST',
            headers: { ...headers, 'x-amz-content-sha256': payloadHash },
            body,
          })
        },
        check: (request) => request instanceof Request,
      },
      {
        id: 'encodeDigestRequest',
        label: 'TextEncoder, one native SHA-256, then the Request (the least sign() of a string can take)',
        run: async () => {
          const bytes = encoder.encode(text)
          const payloadHash = toHex(await subtle.digest('SHA-256', bytes))
          return new Request(url, {
            method: 'POST',
            headers: { ...headers, 'x-amz-content-sha256': payloadHash },
            body: bytes,
          })
        },
        check: (request) => request instanceof Request,
      },
      {
        id: 'cloneDigest',
        label:
          "building a Request, reading its clone's body, one native SHA-256 (the least sign() of a Request can take)",
        run: async () => {
          const request = new Request(url, { method: 'POST', headers, body })
          return toHex(await subtle.digest('SHA-256', await request.clone().arrayBuffer()))
        },
        check: (hex) => /^[0-9a-f]{64}$/.test(hex as string),
      },
      {
        id: 'request',
        label: 'building that Request alone',
        run: () => Promise.resolve(new Request(url, { method: 'POST', headers, body })),
        check: (request) => request instanceof Request,
      },
      {
        id: 'floor',
        label: 'WebCrypto floor (digest → digest → HMAC)',
        run: async () => {
          const payloadHash = toHex(await subtle.digest('SHA-256', body))
          const requestHash = toHex(await subtle.digest('SHA-256', encoder.encode(canonicalHead + payloadHash)))
          return toHex(
            await subtle.sign(
              'HMAC',
              key,
              encoder.encode(
                'AWS4-HMAC-SHA256\n20260101T000000Z\n20260101/us-east-1/execute-api/aws4_request\n' + requestHash,
              ),
            ),
          )
        },
        check: (hex) => /^[0-9a-f]{64}$/.test(hex as string),
      },
      {
        id: 'digest',
        label: 'one native SHA-256 of the body',
        run: async () => toHex(await subtle.digest('SHA-256', body)),
        check: (hex) => /^[0-9a-f]{64}$/.test(hex as string),
      },
      {
        id: 'encodeDigest',
        label: 'one native SHA-256 of the string (TextEncoder, then digest)',
        run: async () => toHex(await subtle.digest('SHA-256', encoder.encode(text))),
        check: (hex) => /^[0-9a-f]{64}$/.test(hex as string),
      },
    ],
  }
}

/** Rounds that time even the slowest contenders (see runBench). */
const HEAVY_ROUNDS = 3

/** Runs `count` operations with at most `inflight` of them pending at once. */
async function batch(run: () => Promise<unknown>, count: number, inflight: number): Promise<void> {
  let started = 0
  const lane = async (): Promise<void> => {
    while (started < count) {
      started++
      await run()
    }
  }
  await Promise.all(Array.from({ length: Math.min(inflight, count) }, lane))
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Runs every workload at every in-flight count; `log` gets progress lines. */
export async function runBench(
  config: BenchConfig,
  log: (line: string) => void = () => {},
): Promise<{ workloads: Array<{ id: string; title: string }>; cells: CellResult[] }> {
  const now = (): number => performance.now()
  const key = await floorKey()
  const workloads = [kinesisWorkload(key), presignWorkload(key), largeBodyWorkload(key)].filter(
    (workload) => !config.workloads || config.workloads.includes(workload.id),
  )
  const cells: CellResult[] = []
  for (const workload of workloads) {
    for (const contender of workload.contenders) {
      if (!contender.check(await contender.run())) throw new Error(`${workload.id}/${contender.id}: unexpected output`)
    }
    for (const inflight of config.inflight) {
      // Calibrate: grow each batch until it lasts about batchMs (this also warms the JIT up).
      const sizes = new Map<Contender, number>()
      const heavy = new Map<Contender, number>()
      for (const contender of workload.contenders) {
        let size = inflight
        for (let attempt = 0; attempt < 6; attempt++) {
          const started = now()
          await batch(contender.run, size, inflight)
          const elapsed = now() - started
          if (attempt === 0) heavy.set(contender, elapsed)
          if (elapsed >= config.batchMs * 0.8) break
          size = Math.min(200_000, Math.ceil((size * config.batchMs) / Math.max(elapsed, 1)))
        }
        sizes.set(contender, size)
      }
      const samples = new Map<Contender, number[]>(workload.contenders.map((contender) => [contender, []]))
      for (let round = 0; round < config.rounds; round++) {
        // Alternate: each round starts with the next contender, so none always runs first (or after the GC-heavy one).
        const order = workload.contenders.map(
          (_, index) => workload.contenders[(index + round) % workload.contenders.length]!,
        )
        for (const contender of order) {
          // A contender whose smallest batch takes far longer than asked (pure-JS hashing of 1 MiB, 64 at a time)
          // is timed in the first rounds only, so that one cell does not take most of the run.
          if (round >= HEAVY_ROUNDS && (heavy.get(contender) ?? 0) > config.batchMs * 10) continue
          const size = sizes.get(contender)!
          const started = now()
          await batch(contender.run, size, inflight)
          samples.get(contender)!.push(((now() - started) * 1000) / size)
        }
      }
      const contenders = workload.contenders.map((contender) => {
        const values = samples.get(contender)!
        return {
          id: contender.id,
          label: contender.label,
          medianUs: median(values),
          minUs: Math.min(...values),
          maxUs: Math.max(...values),
          batch: sizes.get(contender)!,
          rounds: values.length,
        }
      })
      cells.push({ workload: workload.id, inflight, contenders })
      log(
        `${workload.id} x${inflight}: ` +
          contenders.map((result) => `${result.id} ${result.medianUs.toFixed(1)} µs`).join(', '),
      )
    }
  }
  return { workloads: workloads.map(({ id, title }) => ({ id, title })), cells }
}
