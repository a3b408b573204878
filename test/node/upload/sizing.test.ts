// Part sizing for bodies too large to upload in a test: a Blob that reports a huge size (and yields zeros when
// sliced), against a scripted S3. The part size grows (in whole MiB) to fit 10,000 parts; beyond 10,000 parts of
// 5 GiB the upload is refused before any request.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AwsClient } from '../../../src/client.js'
import { upload } from '../../../src/s3.js'
import { startFaultServer, type FaultServer } from '../../helpers/fault-server.js'

const MIB = 1024 * 1024
const GIB = 1024 * MIB
let server: FaultServer

// A Blob whose size is `size` bytes of zeros, materialised only slice by slice.
class HugeBlob extends Blob {
  constructor(readonly reported: number) {
    super([])
  }
  override get size(): number {
    return this.reported
  }
  override slice(start = 0, end = this.reported): Blob {
    return new Blob([new Uint8Array(Math.max(0, Math.min(end, this.reported) - start))])
  }
}

beforeAll(async () => {
  server = await startFaultServer((request) => {
    if (request.method === 'POST')
      return {
        status: 200,
        body: '<InitiateMultipartUploadResult><UploadId>huge</UploadId></InitiateMultipartUploadResult>',
      }
    if (request.method === 'PUT') return { status: 200, headers: { etag: '"0"' } }
    return { status: 204 }
  })
})
afterAll(() => server?.stop())

const client = () =>
  new AwsClient({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    region: 'us-east-1',
    service: 's3',
  })

describe('part sizing', () => {
  test('100 GiB with 8 MiB parts would need 12,800 parts: parts grow to 11 MiB (10,000 × 11 MiB fits)', async () => {
    const controller = new AbortController()
    const reason = new Error('enough')
    const promise = upload(client(), {
      url: `${server.url}/b/huge.bin`,
      body: new HugeBlob(100 * GIB),
      concurrency: 1,
      signal: controller.signal,
      onProgress: () => controller.abort(reason),
    })
    await expect(promise).rejects.toBe(reason)
    const parts = server.requests.filter((request) => request.method === 'PUT')
    expect(parts[0]!.headers['content-length']).toBe(String(11 * MIB))
    expect(Math.ceil((100 * GIB) / (11 * MIB))).toBeLessThanOrEqual(10_000)
    expect(Math.ceil((100 * GIB) / (10 * MIB))).toBeGreaterThan(10_000) // 10 MiB would not fit: 11 is the least
    expect(server.requests.at(-1)!.method).toBe('DELETE') // aborted
  })

  test('more than 10,000 parts of 5 GiB: ERR_UPLOAD_TOO_LARGE before any request', async () => {
    const before = server.requests.length
    await expect(
      upload(client(), { url: `${server.url}/b/too-big.bin`, body: new HugeBlob(10_000 * 5 * GIB + 1) }),
    ).rejects.toMatchObject({ code: 'ERR_UPLOAD_TOO_LARGE' })
    expect(server.requests.length).toBe(before)
  })
})
