// Unsigned streaming (UNSIGNED-PAYLOAD with a ReadableStream body) through the Kinesis Video PutMedia example,
// against a local server that recomputes the signature with @smithy/signature-v4.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { importExample } from './bundle.js'
import { smithyAuthorization } from './smithy-check.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'
import { serve, type Listening } from '../../helpers/loopback.js'

const credentials = { ...VECTOR_CREDENTIALS }

interface Example {
  getDataEndpoint(options: object): Promise<string>
  putMedia(options: object): Promise<Response>
}

let server: Listening
let endpoint: string
let example: Example
const received: Array<{ path: string; headers: IncomingMessage['headers']; authorizationOk: boolean; bytes: number }> =
  []
// Resolved by the server as soon as the first body bytes arrive, before the client has produced the rest.
let firstBytes: () => void = () => {}
const firstBytesArrived = new Promise<void>((resolve) => (firstBytes = resolve))

beforeAll(async () => {
  example = await importExample<Example>('examples/kinesis-video-putmedia.mjs')
  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = []
    let bytes = 0
    for await (const chunk of request) {
      bytes += chunk.length
      chunks.push(chunk)
      firstBytes()
    }
    const body = Buffer.concat(chunks)
    const isMedia = request.url === '/putMedia'
    const expected = await smithyAuthorization(
      { method: request.method!, path: request.url!, headers: request.headers, body: isMedia ? 'unsigned' : body },
      credentials,
    )
    received.push({
      path: request.url!,
      headers: request.headers,
      authorizationOk: expected === request.headers.authorization,
      bytes,
    })
    response.setHeader('content-type', 'application/json')
    if (isMedia)
      response.end(JSON.stringify({ EventType: 'PERSISTED', FragmentTimecode: 0, FragmentNumber: '1' }) + '\n')
    else response.end(JSON.stringify({ DataEndpoint: endpoint }))
  }
  server = await serve((request, response) => void answer(request, response).catch(() => response.destroy()))
  endpoint = server.endpoint
})
afterAll(() => server.close())

test('PutMedia streams a signed request whose body is sent as it is produced', async () => {
  const dataEndpoint = await example.getDataEndpoint({
    streamName: 'camera-1',
    region: 'us-west-2',
    credentials,
    controlEndpoint: endpoint,
  })
  expect(dataEndpoint).toBe(endpoint)
  const piece = new Uint8Array(32 * 1024).fill(7)
  let produced = 0
  const media = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (produced === 1) await firstBytesArrived // the rest waits until the server has seen the first piece
      if (produced === 8) return controller.close()
      produced++
      controller.enqueue(piece)
    },
  })
  const response = await example.putMedia({
    dataEndpoint,
    streamName: 'camera-1',
    media,
    region: 'us-west-2',
    credentials,
    producerStartTimestamp: new Date('2024-05-01T10:00:00.250Z'),
  })
  expect(response.status).toBe(200)
  expect(JSON.parse(await response.text())).toMatchObject({ EventType: 'PERSISTED' })
  const [control, put] = received
  expect(control).toMatchObject({ path: '/getDataEndpoint', authorizationOk: true })
  expect(put).toMatchObject({ path: '/putMedia', authorizationOk: true, bytes: 8 * 32 * 1024 })
  expect(put!.headers).toMatchObject({
    'x-amzn-stream-name': 'camera-1',
    'x-amzn-fragment-timecode-type': 'ABSOLUTE',
    'x-amzn-producer-start-timestamp': '1714557600.250',
    'transfer-encoding': 'chunked',
  })
  // The core may also send (and sign) x-amz-content-sha256; its value must then say the body is unsigned.
  if (put!.headers['x-amz-content-sha256'] !== undefined)
    expect(put!.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD')
  expect(put!.headers.authorization).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-west-2\/kinesisvideo\/aws4_request, SignedHeaders=host;(x-amz-content-sha256;)?x-amz-date;x-amzn-fragment-timecode-type;x-amzn-producer-start-timestamp;x-amzn-stream-name, /,
  )
})
