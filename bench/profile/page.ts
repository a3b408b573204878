// The loops that bench/profile/node.mjs (Node) and bench/profile/chromium.mjs (Chromium) profile: each signs one request
// shape over and over. Bundled with esbuild; nothing runs on import.
import { presign, presignParts, sign, signParts, type SignOptions } from '../../src/index.js'

const credentials = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjE' + 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/'.repeat(22),
}
const kinesisUrl = 'https://kinesis.us-east-1.amazonaws.com/'
const kinesisHeaders = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' }
const kinesisBody = JSON.stringify({ StreamName: 'clickstream', PartitionKey: 'user-0042', Data: 'QUJD'.repeat(36) })
const kinesis: SignOptions = { credentials, region: 'us-east-1', service: 'kinesis' }
const api: SignOptions = { credentials, region: 'us-east-1', service: 'execute-api' }
const apiUrl = 'https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/upload'
const MIB = 1 << 20

let bytes: Uint8Array<ArrayBuffer> | undefined
const body = (): Uint8Array<ArrayBuffer> => (bytes ??= new Uint8Array(MIB).map((_, index) => (index * 31 + 7) & 0xff))
let text: string | undefined
let blob: Blob | undefined

/** One signature per call, by workload name. */
export const workloads: Record<string, () => Promise<unknown>> = {
  kinesis: () => sign({ method: 'POST', url: kinesisUrl, headers: kinesisHeaders, body: kinesisBody }, kinesis),
  parts: () =>
    signParts(
      {
        method: 'POST',
        host: 'kinesis.us-east-1.amazonaws.com',
        path: '/',
        headers: Object.entries(kinesisHeaders),
        body: kinesisBody,
      },
      kinesis,
    ),
  presign: () =>
    presign('https://examplebucket.s3.us-east-1.amazonaws.com/photos/2026/holiday%20cat.jpg', {
      credentials,
      region: 'us-east-1',
      service: 's3',
    }),
  'presign-parts': () =>
    presignParts(
      { method: 'GET', host: 'examplebucket.s3.us-east-1.amazonaws.com', path: '/photos/2026/holiday%20cat.jpg' },
      { credentials, region: 'us-east-1', service: 's3' },
    ),
  'body-bytes': () => sign({ method: 'POST', url: apiUrl, body: body() }, api),
  'body-string': () => sign({ method: 'POST', url: apiUrl, body: (text ??= 'a'.repeat(MIB)) }, api),
  'body-blob': () => sign({ method: 'POST', url: apiUrl, body: (blob ??= new Blob([body()])) }, api),
  'body-request': () => sign(new Request(apiUrl, { method: 'POST', body: body() }), api),
}

/** Signs with one workload for about `seconds`, `inflight` at a time; resolves with the time per call in µs. */
export async function loop(name: string, seconds: number, inflight = 1): Promise<number> {
  const run = workloads[name]
  if (!run) throw new Error(`unknown workload ${name} (${Object.keys(workloads).join(', ')})`)
  const started = performance.now()
  const until = started + seconds * 1000
  let count = 0
  const lane = async (): Promise<void> => {
    while (performance.now() < until || count === 0) {
      count++
      await run()
    }
  }
  await Promise.all(Array.from({ length: inflight }, lane))
  return ((performance.now() - started) * 1000) / count
}
