// upload() with checksums, against moto (signature checks on: the checksum headers are signed and accepted) and
// against the AWS SDK's own checksum packages: moto stores but does not return multipart checksums (and computes
// CRC32C/CRC64NVME as CRC32 here, see /work/shared/RUNTIMES.md), so the oracle for every value we send is
// @aws-crypto/crc32, @aws-crypto/crc32c, @aws-sdk/crc64-nvme and node:crypto, recorded by a proxy on the way.
// moto does not check a part's checksum header against its bytes either (a wrong one is stored with a 200).
import { AwsCrc32 } from '@aws-crypto/crc32'
import { AwsCrc32c } from '@aws-crypto/crc32c'
import { Crc64Nvme } from '@aws-sdk/crc64-nvme'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ChecksumAlgorithm } from '../../../src/core/checksum-algorithms.js'
import { upload, type ChecksumType } from '../../../src/s3.js'
import { partNumberOf, randomBytes, sha256Hex, startProxy, startS3, type ProxiedRequest, type S3Setup } from './s3.js'

const MIB = 1024 * 1024
const PART = 5 * MIB
let s3: S3Setup

beforeAll(async () => {
  s3 = await startS3()
})
afterAll(() => s3?.moto.stop())

/** The reference checksum (base64): the AWS SDK's packages for the CRCs, node:crypto for SHA. */
async function reference(bytes: Uint8Array, algorithm: ChecksumAlgorithm): Promise<Uint8Array> {
  switch (algorithm) {
    case 'crc32': {
      const hash = new AwsCrc32()
      hash.update(bytes)
      return hash.digest()
    }
    case 'crc32c': {
      const hash = new AwsCrc32c()
      hash.update(bytes)
      return hash.digest()
    }
    case 'crc64nvme': {
      const hash = new Crc64Nvme()
      hash.update(bytes)
      return hash.digest()
    }
    case 'sha1':
    case 'sha256':
      return createHash(algorithm).update(bytes).digest()
  }
}
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

// S3's composite checksum, built from the reference values: checksum of the concatenated raw part checksums, "-N".
async function referenceComposite(parts: Uint8Array[], algorithm: ChecksumAlgorithm): Promise<string> {
  const raw = await Promise.all(parts.map((part) => reference(part, algorithm)))
  return `${b64(await reference(Buffer.concat(raw), algorithm))}-${parts.length}`
}

const CASES: [ChecksumAlgorithm, ChecksumType][] = [
  ['crc32', 'FULL_OBJECT'],
  ['crc32', 'COMPOSITE'],
  ['crc32c', 'FULL_OBJECT'],
  ['crc32c', 'COMPOSITE'],
  ['crc64nvme', 'FULL_OBJECT'],
  ['sha1', 'COMPOSITE'],
  ['sha256', 'COMPOSITE'],
]

const completeRequest = (requests: ProxiedRequest[]) =>
  requests.find((request) => request.method === 'POST' && !request.url.includes('?uploads'))!

describe('upload checksums', () => {
  test.each(CASES)(
    '%s %s: per-part headers, the Complete document and header, the object checksum',
    async (algorithm, type) => {
      const bytes = randomBytes(12 * MIB + 777, algorithm.length * 100 + type.length)
      const parts = [bytes.subarray(0, PART), bytes.subarray(PART, 2 * PART), bytes.subarray(2 * PART)]
      const proxy = await startProxy(s3.moto.endpoint)
      try {
        const key = `sum-${algorithm}-${type}.bin`
        const result = await upload(s3.client(), {
          url: s3.objectUrl(key, proxy.url),
          body: new Blob([bytes]),
          partSize: PART,
          checksum: algorithm,
          checksumType: type,
        })
        const create = proxy.requests[0]!
        expect(create.headers['x-amz-checksum-algorithm']).toBe(algorithm.toUpperCase())
        expect(create.headers['x-amz-checksum-type']).toBe(type)
        const expectedParts = await Promise.all(parts.map(async (part) => b64(await reference(part, algorithm))))
        for (const request of proxy.requests.filter((r) => partNumberOf(r))) {
          const partNumber = partNumberOf(request)!
          expect(request.headers[`x-amz-checksum-${algorithm}`]).toBe(expectedParts[partNumber - 1])
          // The checksum header is signed, so moto checked it was sent as signed.
          expect(String(request.headers.authorization)).toContain(`x-amz-checksum-${algorithm}`)
        }
        expect(result.parts.map((part) => part.checksum)).toEqual(expectedParts)
        const complete = completeRequest(proxy.requests)
        const element = `Checksum${algorithm.toUpperCase()}`
        for (const [i, value] of expectedParts.entries())
          expect(complete.text).toContain(
            `<PartNumber>${i + 1}</PartNumber><ETag>${result.parts[i]!.etag}</ETag><${element}>${value}</${element}>`,
          )
        expect(complete.headers['x-amz-checksum-type']).toBe(type)
        if (type === 'FULL_OBJECT') {
          const whole = b64(await reference(bytes, algorithm))
          expect(complete.headers[`x-amz-checksum-${algorithm}`]).toBe(whole)
          expect(result.checksum).toBe(whole)
        } else {
          expect(complete.headers[`x-amz-checksum-${algorithm}`]).toBeUndefined()
          expect(result.checksum).toBe(await referenceComposite(parts, algorithm))
        }
        expect(await s3.storedSha256(key)).toBe(sha256Hex(bytes))
      } finally {
        await proxy.stop()
      }
    },
  )

  test('a stream with a checksum: the full-object CRC runs over the parts in order', async () => {
    const bytes = randomBytes(11 * MIB, 5)
    let position = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (position >= bytes.length) return controller.close()
        controller.enqueue(bytes.slice(position, position + 333_333))
        position += 333_333
      },
    })
    const result = await upload(s3.client(), {
      url: s3.objectUrl('sum-stream.bin'),
      body,
      partSize: PART,
      concurrency: 3,
      checksum: 'crc64nvme',
    })
    expect(result.checksum).toBe(b64(await reference(bytes, 'crc64nvme')))
    expect(await s3.storedSha256('sum-stream.bin')).toBe(sha256Hex(bytes))
  })

  test('a single PUT carries the whole body checksum', async () => {
    const proxy = await startProxy(s3.moto.endpoint)
    try {
      const bytes = randomBytes(100_000, 3)
      const result = await upload(s3.client(), {
        url: s3.objectUrl('sum-small.bin', proxy.url),
        body: new Blob([bytes]),
        checksum: 'sha256',
      })
      const expected = b64(await reference(bytes, 'sha256'))
      expect(proxy.requests[0]!.headers['x-amz-checksum-sha256']).toBe(expected)
      expect(result.checksum).toBe(expected)
    } finally {
      await proxy.stop()
    }
  })

  test('resume matches stored parts by their listed checksum first (then by ETag)', async () => {
    const bytes = randomBytes(11 * MIB, 9)
    const url = s3.objectUrl('sum-resume.bin')
    const client = s3.client()
    // A real upload id with part 1 stored; the proxy then lists part 1 with a checksum that is right or wrong.
    const created = await client.fetch(`${url}?uploads=`, {
      method: 'POST',
      headers: { 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'FULL_OBJECT' },
    })
    const uploadId = /<UploadId>([^<]+)</.exec(await created.text())![1]!
    const part1 = bytes.subarray(0, PART)
    const part1Checksum = b64(await reference(part1, 'crc32'))
    const stored = await client.fetch(`${url}?partNumber=1&uploadId=${uploadId}`, {
      method: 'PUT',
      body: part1,
      headers: { 'x-amz-checksum-crc32': part1Checksum },
    })
    const etag = stored.headers.get('etag')!
    for (const [listed, resent] of [
      [b64(await reference(randomBytes(16, 1), 'crc32')), true],
      [part1Checksum, false],
    ] as const) {
      const listing = `<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag><Size>${PART}</Size><ChecksumCRC32>${listed}</ChecksumCRC32></Part></ListPartsResult>`
      const proxy = await startProxy(s3.moto.endpoint, {
        action: (request) =>
          request.method === 'GET' && request.url.includes('uploadId=')
            ? { status: 200, body: listing }
            : { forward: true },
      })
      try {
        const promise = upload(client, {
          url: s3.objectUrl('sum-resume.bin', proxy.url),
          body: bytes,
          partSize: PART,
          checksum: 'crc32',
          uploadId,
        })
        // The first round completes the upload; the second finds it gone, after its parts are decided.
        await promise.catch(() => undefined)
        const sent = proxy.requests.map(partNumberOf).filter((n) => n !== undefined)
        expect(sent.includes(1)).toBe(resent)
      } finally {
        await proxy.stop()
      }
    }
  })
})
