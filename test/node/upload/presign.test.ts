// presignUpload's part URLs against @smithy/signature-v4 (the AWS SDK's signer) at a fixed time: the same
// X-Amz-* query for every part. CreateMultipartUpload is answered by a scripted server (moto cannot check
// presigned S3 requests with its signature checks on; the flow with moto is in ./workerd.test.ts).
import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AwsClient } from '../../../src/client.js'
import { presignUpload } from '../../../src/s3.js'
import { startFaultServer, type FaultServer } from '../../helpers/fault-server.js'

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const DATETIME = '2026-12-02T01:02:03Z'
const UPLOAD_ID = 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA--'
let server: FaultServer

beforeAll(async () => {
  server = await startFaultServer(() => ({
    status: 200,
    body: `<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>${UPLOAD_ID}</UploadId></InitiateMultipartUploadResult>`,
  }))
})
afterAll(() => server?.stop())

describe('presignUpload', () => {
  test('each part URL carries the query @smithy/signature-v4 presigns for that UploadPart', async () => {
    const client = new AwsClient({ credentials, region: 'eu-west-1', service: 's3', datetime: DATETIME })
    const objectUrl = `${server.url}/bucket/videos/a%20b.mp4`
    const { uploadId, parts } = await presignUpload(client, { url: objectUrl, parts: 3, expiresIn: 900 })
    expect(uploadId).toBe(UPLOAD_ID)
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/bucket/videos/a%20b.mp4?uploads=' })
    expect(server.requests[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//)
    const smithy = new SignatureV4({
      credentials,
      region: 'eu-west-1',
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
    })
    const endpoint = new URL(server.url)
    expect(parts.map((part) => part.partNumber)).toEqual([1, 2, 3])
    for (const part of parts) {
      const ours = new URL(part.url)
      const unsigned = new Set(['x-amz-content-sha256'])
      const expected = await smithy.presign(
        new HttpRequest({
          method: 'PUT',
          protocol: 'http:',
          hostname: endpoint.hostname,
          port: Number(endpoint.port),
          path: '/bucket/videos/a%20b.mp4',
          query: { partNumber: String(part.partNumber), uploadId: UPLOAD_ID },
          headers: { host: endpoint.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        }),
        { signingDate: new Date(DATETIME), expiresIn: 900, unsignableHeaders: unsigned, unhoistableHeaders: unsigned },
      )
      const theirs = expected.query as Record<string, string>
      expect(ours.searchParams.get('partNumber')).toBe(String(part.partNumber))
      expect(ours.searchParams.get('uploadId')).toBe(UPLOAD_ID)
      for (const name of [
        'X-Amz-Algorithm',
        'X-Amz-Credential',
        'X-Amz-Date',
        'X-Amz-Expires',
        'X-Amz-SignedHeaders',
        'X-Amz-Signature',
      ])
        expect(ours.searchParams.get(name), name).toBe(theirs[name])
    }
  })

  test('bad part counts are ERR_INVALID_OPTION, before any request', async () => {
    const before = server.requests.length
    const client = new AwsClient({ credentials, region: 'eu-west-1', service: 's3' })
    for (const parts of [0, 10_001, 1.5, NaN])
      await expect(presignUpload(client, { url: `${server.url}/b/k`, parts })).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
      })
    expect(server.requests.length).toBe(before)
  })

  test("part URLs last the client's expiresIn unless presignUpload is given its own", async () => {
    const client = new AwsClient({ credentials, region: 'eu-west-1', service: 's3', expiresIn: 900 })
    const url = `${server.url}/bucket/k`
    const inherited = await presignUpload(client, { url, parts: 2 })
    expect(inherited.parts.map((part) => new URL(part.url).searchParams.get('X-Amz-Expires'))).toEqual(['900', '900'])
    const own = await presignUpload(client, { url, parts: 1, expiresIn: 120 })
    expect(new URL(own.parts[0]!.url).searchParams.get('X-Amz-Expires')).toBe('120')
    const plain = await presignUpload(new AwsClient({ credentials, region: 'eu-west-1', service: 's3' }), {
      url,
      parts: 1,
    })
    expect(new URL(plain.parts[0]!.url).searchParams.get('X-Amz-Expires')).toBe('3600')
  })
})
