// upload()'s payloadSigning: what each PUT signs as its payload hash. Against moto (signature checks on) through a
// recording proxy, both modes are accepted and store the source's bytes; over https (a fake S3 behind the client's
// `fetch` option, no network) `auto` signs UNSIGNED-PAYLOAD only with a checksum. And each part is held once: no
// Request is read back to re-send it, and a retry re-sends the very same bytes.
import { Crc32 } from '@aws-crypto/crc32'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { AwsClient } from '../../../src/client.js'
import { upload } from '../../../src/s3.js'
import { partNumberOf, randomBytes, sha256Hex, startProxy, startS3, type S3Setup } from './s3.js'

const MIB = 1024 * 1024
const PART = 5 * MIB
const UNSIGNED = 'UNSIGNED-PAYLOAD'
let s3: S3Setup

beforeAll(async () => {
  s3 = await startS3()
})
afterAll(() => s3?.moto.stop())

const crc32 = (bytes: Uint8Array) => {
  const value = Buffer.alloc(4)
  value.writeUInt32BE(new Crc32().update(bytes).digest())
  return value.toString('base64')
}
const signedHeaders = (request: { headers: Record<string, unknown> }) =>
  /SignedHeaders=([^,]+)/.exec(String(request.headers.authorization))![1]!.split(';')

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(at, at + 777_777))
      at += 777_777
    },
  })
}

const partsOf = (bytes: Uint8Array) => [
  bytes.subarray(0, PART),
  bytes.subarray(PART, 2 * PART),
  bytes.subarray(2 * PART),
]

describe('payloadSigning against moto (signature checks on)', () => {
  test.each([
    ['unsigned-with-checksum', 'stream'],
    ['unsigned-with-checksum', 'blob'],
    ['sha256', 'stream'],
    ['auto', 'blob'],
  ] as const)('%s, %s body: moto accepts every PUT and stores the source', async (payloadSigning, kind) => {
    const bytes = randomBytes(2 * PART + 12_345, payloadSigning.length + kind.length)
    const proxy = await startProxy(s3.moto.endpoint)
    try {
      const key = `signing-${payloadSigning}-${kind}.bin`
      await upload(s3.client(), {
        url: s3.objectUrl(key, proxy.url),
        body: kind === 'blob' ? new Blob([bytes]) : streamOf(bytes),
        partSize: PART,
        checksum: 'crc32',
        payloadSigning,
      })
      expect(await s3.storedSha256(key)).toBe(sha256Hex(bytes))
      const puts = proxy.requests.filter((request) => partNumberOf(request) !== undefined)
      expect(puts.map(partNumberOf).sort()).toEqual([1, 2, 3])
      for (const put of puts) {
        const part = partsOf(bytes)[partNumberOf(put)! - 1]!
        // The part's checksum is sent and signed in every mode; only the payload hash differs.
        expect(put.headers['x-amz-checksum-crc32']).toBe(crc32(part))
        expect(signedHeaders(put)).toContain('x-amz-checksum-crc32')
        // Over moto's plain http, 'auto' signs the SHA-256: only an explicit opt-in sends it unsigned.
        expect(put.headers['x-amz-content-sha256']).toBe(
          payloadSigning === 'unsigned-with-checksum' ? UNSIGNED : sha256Hex(part),
        )
      }
    } finally {
      await proxy.stop()
    }
  })

  test('a single PUT (body below one part) is signed the same way, and accepted', async () => {
    const bytes = randomBytes(100_000, 7)
    const proxy = await startProxy(s3.moto.endpoint)
    try {
      const key = 'signing-single.bin'
      const result = await upload(s3.client(), {
        url: s3.objectUrl(key, proxy.url),
        body: new Blob([bytes]),
        checksum: 'crc32',
        payloadSigning: 'unsigned-with-checksum',
      })
      expect(result.checksum).toBe(crc32(bytes))
      expect(await s3.storedSha256(key)).toBe(sha256Hex(bytes))
      const [put] = proxy.requests.filter((request) => request.method === 'PUT')
      expect(put!.headers['x-amz-content-sha256']).toBe(UNSIGNED)
      expect(put!.headers['x-amz-checksum-crc32']).toBe(crc32(bytes))
      expect(signedHeaders(put!)).toContain('x-amz-checksum-crc32')
    } finally {
      await proxy.stop()
    }
  })
})

/** A fake S3 behind the client's `fetch` option: answers each call, records each PUT with its body's SHA-256. */
function fakeS3(options: { failFirstAttemptOf?: number } = {}) {
  const puts: { partNumber: number; headers: Record<string, string>; sha256: string }[] = []
  let failed = false
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    // Read through a Response, so that the spy on Request.prototype.arrayBuffer sees only the client's reads.
    const body = new Uint8Array(await new Response(request.body).arrayBuffer())
    if (request.method === 'POST' && url.searchParams.has('uploads'))
      return new Response('<InitiateMultipartUploadResult><UploadId>fake-1</UploadId></InitiateMultipartUploadResult>')
    if (request.method === 'POST')
      return new Response('<CompleteMultipartUploadResult><ETag>"e-3"</ETag></CompleteMultipartUploadResult>')
    if (request.method === 'PUT') {
      const partNumber = Number(url.searchParams.get('partNumber') ?? 1)
      puts.push({ partNumber, headers: Object.fromEntries(request.headers), sha256: sha256Hex(body) })
      if (partNumber === options.failFirstAttemptOf && !failed) {
        failed = true
        return new Response('<Error><Code>InternalError</Code><Message>try again</Message></Error>', { status: 500 })
      }
      return new Response(null, { headers: { etag: `"${sha256Hex(body).slice(0, 32)}"` } })
    }
    return new Response(null, { status: 204 })
  }
  const client = new AwsClient({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    region: 'us-east-1',
    service: 's3',
    retryDelay: 1,
    fetch,
  })
  return { client, puts }
}

const HTTPS_URL = 'https://uploads.s3.us-east-1.amazonaws.com/videos/a.bin'

/** An object that refers to itself: JSON.stringify throws on it, as on a BigInt. */
function cyclic(): object {
  const value: Record<string, unknown> = {}
  value.self = value
  return value
}

describe('payloadSigning over https (fake S3)', () => {
  test("'auto' with a checksum signs UNSIGNED-PAYLOAD with the signed checksum; without one, the SHA-256", async () => {
    const bytes = randomBytes(2 * PART + 5, 3)
    const withChecksum = fakeS3()
    await upload(withChecksum.client, { url: HTTPS_URL, body: bytes, partSize: PART, checksum: 'crc32' })
    expect(withChecksum.puts).toHaveLength(3)
    for (const put of withChecksum.puts) {
      expect(put.headers['x-amz-content-sha256']).toBe(UNSIGNED)
      expect(put.headers['x-amz-checksum-crc32']).toBe(crc32(partsOf(bytes)[put.partNumber - 1]!))
      expect(signedHeaders(put)).toContain('x-amz-checksum-crc32')
    }
    const without = fakeS3()
    await upload(without.client, { url: HTTPS_URL, body: bytes, partSize: PART })
    expect(without.puts).toHaveLength(3)
    for (const put of without.puts) {
      expect(put.headers['x-amz-content-sha256']).toBe(sha256Hex(partsOf(bytes)[put.partNumber - 1]!))
      expect(put.headers['x-amz-checksum-crc32']).toBeUndefined()
    }
    const asked = fakeS3()
    await upload(asked.client, {
      url: HTTPS_URL,
      body: bytes,
      partSize: PART,
      checksum: 'crc32',
      payloadSigning: 'sha256',
    })
    for (const put of asked.puts)
      expect(put.headers['x-amz-content-sha256']).toBe(sha256Hex(partsOf(bytes)[put.partNumber - 1]!))
  })

  test("'unsigned-with-checksum' without a checksum, and values that are not a mode: ERR_INVALID_OPTION, nothing sent", async () => {
    const fake = fakeS3()
    await expect(
      upload(fake.client, { url: HTTPS_URL, body: 'x', payloadSigning: 'unsigned-with-checksum' }),
    ).rejects.toMatchObject({ name: 'UploadError', code: 'ERR_INVALID_OPTION', message: /needs options\.checksum/ })
    for (const payloadSigning of ['unsigned', 'UNSIGNED-PAYLOAD', 'SHA256', true, false, null, 1, 10n, cyclic()])
      await expect(
        upload(fake.client, { url: HTTPS_URL, body: 'x', checksum: 'crc32', payloadSigning: payloadSigning as never }),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
        message: /^Set options\.payloadSigning to 'auto', 'sha256', 'unsigned-with-checksum' or leave it out$/,
      })
    expect(fake.puts).toHaveLength(0)
  })

  test.each(['stream', 'blob'] as const)(
    '%s body: each part is held once (no Request read back) and a retry re-sends the same bytes',
    async (kind) => {
      const bytes = randomBytes(2 * PART + 99, kind.length)
      const fake = fakeS3({ failFirstAttemptOf: 2 })
      const requestReads = vi.spyOn(Request.prototype, 'arrayBuffer')
      const blobReads = vi.spyOn(Blob.prototype, 'arrayBuffer')
      try {
        await upload(fake.client, {
          url: HTTPS_URL,
          body: kind === 'blob' ? new Blob([bytes]) : streamOf(bytes),
          partSize: PART,
          checksum: 'crc32',
        })
        // The client used to build a Request around each part and read it back (one more copy per attempt).
        // (CreateMultipartUpload and the Complete document are small string bodies, read as before.)
        expect(requestReads.mock.contexts.filter((request) => (request as Request).method === 'PUT')).toEqual([])
        expect(requestReads.mock.contexts.length).toBe(2)
        // A Blob slice is read only chunk by chunk for its CRC, never whole.
        expect(blobReads).not.toHaveBeenCalled()
      } finally {
        requestReads.mockRestore()
        blobReads.mockRestore()
      }
      const attempts = fake.puts.filter((put) => put.partNumber === 2)
      expect(attempts).toHaveLength(2)
      expect(attempts[0]!.sha256).toBe(sha256Hex(partsOf(bytes)[1]!))
      expect(attempts[1]!.sha256).toBe(attempts[0]!.sha256)
      expect(attempts[1]!.headers['x-amz-checksum-crc32']).toBe(crc32(partsOf(bytes)[1]!))
      expect(fake.puts.map((put) => put.partNumber).sort()).toEqual([1, 2, 2, 3])
    },
  )
})
