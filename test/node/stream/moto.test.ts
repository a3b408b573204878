// End to end against moto's S3 (local, 127.0.0.1): moto checks the seed signature, decodes the aws-chunked body
// and stores the object; reading it back proves the framing. (moto does not check chunk signatures: the
// independent decoder in aws-chunked-decoder.ts does that in the other tests.)
import { afterAll, beforeAll, expect, test } from 'vitest'
import { sign } from '../../../src/index.js'
import { signStream } from '../../../src/stream.js'
import { generatedBytes, generatedStream } from './aws-chunked-decoder.js'
import { startMoto, type Moto } from '../../helpers/moto-s3.js'

let moto: Moto
beforeAll(async () => {
  moto = await startMoto()
})
afterAll(() => moto?.stop())

const options = () => ({ credentials: moto.credentials, region: 'us-east-1', service: 's3' })

test('a chunk-signed PUT is accepted by moto S3 and stores the decoded bytes', async () => {
  const created = await fetch(await sign({ method: 'PUT', url: `${moto.endpoint}/stream-bucket` }, options()))
  expect(created.status).toBe(200)
  for (const [size, checksum] of [[200_000, undefined], [70_000, 'crc32'] as const] as const) {
    const request = await signStream(
      { method: 'PUT', url: `${moto.endpoint}/stream-bucket/object-${size}`, body: generatedStream(size, 5000) },
      { ...options(), contentLength: size, checksum },
    )
    const put = await fetch(request)
    expect(put.status, await put.text()).toBe(200)
    const got = await fetch(await sign({ url: `${moto.endpoint}/stream-bucket/object-${size}` }, options()))
    expect(got.status).toBe(200)
    expect(Buffer.from(await got.arrayBuffer()).equals(generatedBytes(size))).toBe(true)
  }
})

test('moto rejects a chunked PUT signed with the wrong secret', async () => {
  const request = await signStream(
    { method: 'PUT', url: `${moto.endpoint}/stream-bucket/bad`, body: generatedStream(10_000) },
    {
      ...options(),
      credentials: { ...moto.credentials, secretAccessKey: 'wrong' + moto.credentials.secretAccessKey },
      contentLength: 10_000,
    },
  )
  const response = await fetch(request)
  expect(response.status).toBe(403)
  expect(await response.text()).toMatch(/SignatureDoesNotMatch/)
})
