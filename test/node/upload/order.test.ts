// The upload family takes (client, options), every call alike; the old order is refused with the order to use,
// before any request, instead of being read as client options.
import { describe, expect, it } from 'vitest'
import { AwsClient } from '../../../src/client.js'
import { abortUpload, completeUpload, createUpload, listUploadParts, presignUpload, upload } from '../../../src/s3.js'
import { SigV4Error } from '../../../src/index.js'

const url = 'https://bucket.s3.us-east-1.amazonaws.com/key'
const requests: string[] = []
const client = new AwsClient({
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  region: 'us-east-1',
  service: 's3',
  fetch: (request: Request) => {
    requests.push(request.url)
    return Promise.resolve(new Response('', { status: 500 }))
  },
})

const calls = {
  createUpload: (a: unknown, b: unknown) => createUpload(a as never, b as never),
  listUploadParts: (a: unknown, b: unknown) => listUploadParts(a as never, b as never),
  completeUpload: (a: unknown, b: unknown) => completeUpload(a as never, b as never),
  abortUpload: (a: unknown, b: unknown) => abortUpload(a as never, b as never),
  presignUpload: (a: unknown, b: unknown) => presignUpload(a as never, b as never),
  upload: (a: unknown, b: unknown) => upload(a as never, b as never),
}
const options = { url, uploadId: 'u1', parts: [{ partNumber: 1, etag: '"e"' }], size: 1, partSize: 1, body: 'x' }

describe('one argument order: (client, options)', () => {
  for (const [name, call] of Object.entries(calls)) {
    it(`${name}(options, client) is refused with the order to use, and sends nothing`, async () => {
      requests.length = 0
      const error = await call(options, client).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(SigV4Error)
      expect((error as SigV4Error).code).toBe('ERR_INVALID_OPTION')
      expect((error as SigV4Error).message).toMatch(new RegExp(`${name}\\(client|first argument of ${name}`))
      expect(requests).toEqual([])
    })
  }
})
