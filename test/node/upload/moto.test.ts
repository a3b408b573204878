// upload() against moto S3 with signature checks on: every request (CreateMultipartUpload, UploadPart, ListParts,
// CompleteMultipartUpload, AbortMultipartUpload, PUT) is checked by moto with botocore's signer, and the stored
// object is compared with the source by SHA-256 of GetObject.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SigV4Error } from '../../../src/core/errors.js'
import { abortUpload, completeUpload, createUpload, listUploadParts, upload, UploadError } from '../../../src/s3.js'
import { partNumberOf, randomBytes, sha256Hex, startProxy, startS3, type S3Setup } from './s3.js'

const MIB = 1024 * 1024
let s3: S3Setup

beforeAll(async () => {
  s3 = await startS3()
})
afterAll(() => s3?.moto.stop())

function streamOf(bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let position = 0
  return new ReadableStream({
    pull(controller) {
      if (position >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(position, position + chunk))
      position += chunk
    },
  })
}

describe('upload (moto, signature checks on)', () => {
  test('a body below one part goes as one PUT', async () => {
    const proxy = await startProxy(s3.moto.endpoint)
    try {
      const body = randomBytes(300_000, 7)
      const progress: number[] = []
      const result = await upload(s3.client(), {
        url: s3.objectUrl('small.bin', proxy.url),
        body,
        onProgress: ({ loaded }) => progress.push(loaded),
      })
      expect(result.uploadId).toBeUndefined()
      expect(result.parts).toEqual([])
      expect(result.etag).toMatch(/^"[0-9a-f]{32}"$/)
      expect(proxy.requests.map((request) => request.method)).toEqual(['PUT'])
      expect(progress).toEqual([300_000])
      expect(await s3.storedSha256('small.bin')).toBe(sha256Hex(body))
    } finally {
      await proxy.stop()
    }
  })

  test('a Blob of 3.5 parts: Create, 4 parts, Complete; content equal; progress once per part', async () => {
    const proxy = await startProxy(s3.moto.endpoint)
    try {
      const bytes = randomBytes(17 * MIB + 12345, 11)
      const events: { loaded: number; total?: number; part: number }[] = []
      const result = await upload(s3.client(), {
        url: s3.objectUrl('blob.bin', proxy.url),
        body: new Blob([bytes], { type: 'application/x-test' }),
        partSize: 5 * MIB,
        concurrency: 3,
        onProgress: ({ loaded, total, part }) => events.push({ loaded, total, part }),
      })
      expect(result.parts.map((part) => [part.partNumber, part.size])).toEqual([
        [1, 5 * MIB],
        [2, 5 * MIB],
        [3, 5 * MIB],
        [4, 2 * MIB + 12345],
      ])
      expect(result.etag).toMatch(/^"[0-9a-f]{32}-4"$/)
      expect(result.uploadId).toBeTruthy()
      expect(events).toHaveLength(4)
      expect(events.map((event) => event.total)).toEqual([bytes.length, bytes.length, bytes.length, bytes.length])
      expect(events.at(-1)!.loaded).toBe(bytes.length)
      expect(new Set(events.map((event) => event.part))).toEqual(new Set([1, 2, 3, 4]))
      const methods = proxy.requests.map((request) => request.method + (partNumberOf(request) ? ' part' : ''))
      expect(methods).toEqual(['POST', 'PUT part', 'PUT part', 'PUT part', 'PUT part', 'POST'])
      // The File type is the object's content-type, given at CreateMultipartUpload.
      expect(proxy.requests[0]!.headers['content-type']).toBe('application/x-test')
      expect(await s3.storedSha256('blob.bin')).toBe(sha256Hex(bytes))
      expect(await s3.listUploads()).toEqual([])
    } finally {
      await proxy.stop()
    }
  })

  test('a stream of unknown length, cut at part boundaries whatever its chunk size', async () => {
    const bytes = randomBytes(11 * MIB + 3, 13)
    const result = await upload(s3.client(), {
      url: s3.objectUrl('stream.bin'),
      body: streamOf(bytes, 100_003),
      partSize: 5 * MIB,
    })
    expect(result.parts.map((part) => part.size)).toEqual([5 * MIB, 5 * MIB, MIB + 3])
    expect(await s3.storedSha256('stream.bin')).toBe(sha256Hex(bytes))
  })

  test('a Blob is only sliced: neither it nor a slice larger than a part is ever read', async () => {
    const bytes = randomBytes(12 * MIB, 37)
    const read: number[] = []
    // A Blob whose whole-body readers throw, and whose slices record their size when read.
    class GuardedBlob extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        throw new Error('the whole Blob was read')
      }
      override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
        throw new Error('the whole Blob was streamed')
      }
      override slice(start?: number, end?: number): Blob {
        const slice = super.slice(start, end)
        read.push(slice.size)
        return slice
      }
    }
    await upload(s3.client(), { url: s3.objectUrl('guarded.bin'), body: new GuardedBlob([bytes]), partSize: 5 * MIB })
    expect(read).toEqual([5 * MIB, 5 * MIB, 2 * MIB])
    expect(await s3.storedSha256('guarded.bin')).toBe(sha256Hex(bytes))
  })

  test('a stream is read at most concurrency × partSize ahead of what S3 has stored', async () => {
    const partSize = 5 * MIB
    const concurrency = 2
    const bytes = randomBytes(31 * MIB, 53)
    let pulled = 0
    let stored = 0
    let mostAhead = 0
    const CHUNK = 256 * 1024
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled >= bytes.length) return controller.close()
          controller.enqueue(bytes.slice(pulled, pulled + CHUNK))
          pulled = Math.min(bytes.length, pulled + CHUNK)
          mostAhead = Math.max(mostAhead, pulled - stored)
        },
      },
      { highWaterMark: 0 },
    )
    await upload(s3.client(), {
      url: s3.objectUrl('bounded.bin'),
      body,
      partSize,
      concurrency,
      onProgress: ({ loaded }) => (stored = loaded),
    })
    // The parts in flight, plus the chunk that straddles a part boundary.
    expect(mostAhead).toBeLessThanOrEqual(concurrency * partSize + CHUNK)
    expect(mostAhead).toBeGreaterThan(partSize) // they did overlap
    expect(await s3.storedSha256('bounded.bin')).toBe(sha256Hex(bytes))
  })

  test('a stream that ends within the first part goes as one PUT; exactly one part too', async () => {
    for (const size of [1000, 5 * MIB]) {
      const bytes = randomBytes(size, size)
      const result = await upload(s3.client(), {
        url: s3.objectUrl(`short-${size}.bin`),
        body: streamOf(bytes),
        partSize: 5 * MIB,
      })
      expect(result.uploadId).toBeUndefined()
      expect(await s3.storedSha256(`short-${size}.bin`)).toBe(sha256Hex(bytes))
    }
  })

  test('resume: only the parts S3 does not hold (or holds with other bytes) are sent', async () => {
    const bytes = randomBytes(21 * MIB, 17)
    const url = s3.objectUrl('resume.bin')
    // A first run that stored parts 1, 2 and 4, and a wrong part 3 (other bytes, same size).
    const uploadId = await createUpload(s3.client(), { url })
    const client = s3.client()
    for (const [partNumber, start] of [
      [1, 0],
      [2, 5 * MIB],
      [4, 15 * MIB],
    ] as const) {
      const response = await client.fetch(`${url}?partNumber=${partNumber}&uploadId=${uploadId}`, {
        method: 'PUT',
        body: bytes.slice(start, start + 5 * MIB),
      })
      expect(response.status).toBe(200)
    }
    await client.fetch(`${url}?partNumber=3&uploadId=${uploadId}`, { method: 'PUT', body: randomBytes(5 * MIB, 99) })
    const proxy = await startProxy(s3.moto.endpoint)
    try {
      const result = await upload(s3.client(), {
        url: s3.objectUrl('resume.bin', proxy.url),
        body: new Blob([bytes]),
        partSize: 5 * MIB,
        uploadId,
      })
      const sent = proxy.requests.map(partNumberOf).filter((n) => n !== undefined)
      expect(sent.sort()).toEqual([3, 5])
      expect(result.uploadId).toBe(uploadId)
      expect(result.parts.map((part) => part.partNumber)).toEqual([1, 2, 3, 4, 5])
      expect(await s3.storedSha256('resume.bin')).toBe(sha256Hex(bytes))
    } finally {
      await proxy.stop()
    }
  })

  test('resume keeps the part size the upload was started with', async () => {
    const bytes = randomBytes(13 * MIB, 19)
    const url = s3.objectUrl('resume-size.bin')
    const uploadId = await createUpload(s3.client(), { url })
    const put = await s3.client().fetch(`${url}?partNumber=1&uploadId=${uploadId}`, {
      method: 'PUT',
      body: bytes.slice(0, 6 * MIB),
    })
    expect(put.status).toBe(200)
    const result = await upload(s3.client(), { url, body: bytes, uploadId }) // default 8 MiB would not match
    expect(result.parts.map((part) => part.size)).toEqual([6 * MIB, 6 * MIB, MIB])
    expect(await s3.storedSha256('resume-size.bin')).toBe(sha256Hex(bytes))
  })

  test('abort: parts in flight are cancelled, the upload is aborted (none left), the reason is the rejection', async () => {
    const controller = new AbortController()
    const reason = new Error('user cancelled')
    const bytes = randomBytes(30 * MIB, 23)
    const promise = upload(s3.client(), {
      url: s3.objectUrl('aborted.bin'),
      body: new Blob([bytes]),
      partSize: 5 * MIB,
      concurrency: 2,
      signal: controller.signal,
      onProgress: ({ part }) => part && controller.abort(reason),
    })
    await expect(promise).rejects.toBe(reason)
    expect(await s3.listUploads()).toEqual([])
  })

  test('abort with keepPartsOnAbort is a pause: the upload stays and resumes', async () => {
    const controller = new AbortController()
    const bytes = randomBytes(26 * MIB, 29)
    let uploadId: string | undefined
    const paused = upload(s3.client(), {
      url: s3.objectUrl('paused.bin'),
      body: bytes,
      partSize: 5 * MIB,
      concurrency: 1,
      keepPartsOnAbort: true,
      signal: controller.signal,
      onProgress: (progress) => {
        uploadId = progress.uploadId
        if (progress.part === 2) controller.abort(new DOMException('paused', 'AbortError'))
      },
    })
    await expect(paused).rejects.toMatchObject({ name: 'AbortError' })
    expect(await s3.listUploads()).toContain(uploadId)
    const stored = await listUploadParts(s3.client(), { url: s3.objectUrl('paused.bin'), uploadId: uploadId! })
    expect([...stored.keys()]).toEqual([1, 2])
    const result = await upload(s3.client(), { url: s3.objectUrl('paused.bin'), body: bytes, uploadId })
    expect(result.parts).toHaveLength(6)
    expect(await s3.storedSha256('paused.bin')).toBe(sha256Hex(bytes))
    expect(await s3.listUploads()).not.toContain(uploadId)
  })

  test('onCreate gives the upload id before any part: a pause before the first part is stored still resumes', async () => {
    const controller = new AbortController()
    const bytes = randomBytes(12 * MIB, 37)
    let createdId: string | undefined
    const progressBeforePause: number[] = []
    const paused = upload(s3.client(), {
      url: s3.objectUrl('paused-early.bin'),
      body: bytes,
      partSize: 5 * MIB,
      keepPartsOnAbort: true,
      signal: controller.signal,
      onCreate: ({ uploadId }) => {
        createdId = uploadId
        controller.abort(new DOMException('paused', 'AbortError'))
      },
      onProgress: ({ part }) => progressBeforePause.push(part),
    })
    await expect(paused).rejects.toMatchObject({ name: 'AbortError' })
    expect(progressBeforePause).toEqual([])
    expect(await s3.listUploads()).toContain(createdId)
    let calledOnResume = false
    const result = await upload(s3.client(), {
      url: s3.objectUrl('paused-early.bin'),
      body: bytes,
      partSize: 5 * MIB,
      uploadId: createdId,
      onCreate: () => (calledOnResume = true),
    })
    expect(calledOnResume).toBe(false)
    expect(result.parts).toHaveLength(3)
    expect(await s3.storedSha256('paused-early.bin')).toBe(sha256Hex(bytes))
  })

  test('an already aborted signal rejects with its reason before any request', async () => {
    const reason = new Error('too late')
    await expect(
      upload(s3.client(), { url: s3.objectUrl('never.bin'), body: 'x', signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason)
  })

  test('completeUpload / abortUpload / listUploadParts as separate steps; resume of an unknown id', async () => {
    const url = s3.objectUrl('steps.bin')
    const client = s3.client()
    const uploadId = await createUpload(client, { url })
    const body = randomBytes(1000, 31)
    const response = await client.fetch(`${url}?partNumber=1&uploadId=${uploadId}`, { method: 'PUT', body })
    const etag = response.headers.get('etag')!
    const stored = await listUploadParts(client, { url, uploadId })
    expect(stored.get(1)).toMatchObject({ partNumber: 1, size: 1000, etag })
    const completed = await completeUpload(client, { url, uploadId, parts: [{ partNumber: 1, etag }] })
    expect(completed.etag).toMatch(/-1"$/)
    expect(await s3.storedSha256('steps.bin')).toBe(sha256Hex(body))
    const other = await createUpload(client, { url })
    await abortUpload(client, { url, uploadId: other })
    expect(await s3.listUploads()).toEqual([])
    await expect(upload(client, { url, body, uploadId: other })).rejects.toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
  })

  test('a part below 5 MiB is refused before any request; S3 EntityTooSmall is ERR_UPLOAD_PART_TOO_SMALL', async () => {
    await expect(
      upload(s3.client(), { url: s3.objectUrl('x.bin'), body: 'x', partSize: 5 * MIB - 1 }),
    ).rejects.toMatchObject({ code: 'ERR_UPLOAD_PART_TOO_SMALL' })
    const url = s3.objectUrl('too-small.bin')
    const client = s3.client()
    const uploadId = await createUpload(client, { url })
    const etags: string[] = []
    for (const partNumber of [1, 2]) {
      const response = await client.fetch(`${url}?partNumber=${partNumber}&uploadId=${uploadId}`, {
        method: 'PUT',
        body: randomBytes(1000, partNumber),
      })
      etags.push(response.headers.get('etag')!)
    }
    const error = await completeUpload(client, {
      url,
      uploadId,
      parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })),
    }).catch((error: unknown) => error)
    expect(error).toBeInstanceOf(UploadError)
    expect(error).toBeInstanceOf(SigV4Error)
    expect(error).toMatchObject({ code: 'ERR_UPLOAD_PART_TOO_SMALL', uploadId })
    await abortUpload(client, { url, uploadId })
  })

  test('bad options are typed errors', async () => {
    const client = s3.client()
    const url = s3.objectUrl('bad.bin')
    await expect(upload(client, { url, body: 'x', concurrency: 0 })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    })
    for (const partSize of [5.5 * MIB + 0.5, 6 * 1024 * MIB])
      await expect(upload(client, { url, body: 'x', partSize })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
    await expect(upload(client, { url: 'ftp://x/y', body: 'x' })).rejects.toMatchObject({ code: 'ERR_INVALID_URL' })
    await expect(upload(client, { url: s3.moto.endpoint + '/', body: 'x' })).rejects.toMatchObject({
      code: 'ERR_INVALID_URL',
    })
    await expect(upload(client, { url, body: 42 as unknown as string })).rejects.toMatchObject({
      code: 'ERR_UPLOAD_BODY',
    })
    await expect(upload({} as never, { url, body: 'x' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
    for (const bad of [
      { checksum: 'crc64nvme', checksumType: 'COMPOSITE' },
      { checksum: 'sha256', checksumType: 'FULL_OBJECT' },
      { checksumType: 'COMPOSITE' },
      { checksum: 'md5' },
    ] as const)
      await expect(upload(client, { url, body: 'x', ...bad } as never)).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
      })
  })
})
