// Faults between upload() and moto (signature checks on), injected by a proxy: 500s and a dropped connection on
// one part (retried on their own, the rest untouched), a hidden ETag (as a browser sees it without the CORS rule),
// a refused part and a completion that fails inside a 200 answer (both keep the upload id, and resume completes).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { upload, UploadError } from '../../../src/s3.js'
import {
  partNumberOf,
  randomBytes,
  sha256Hex,
  startProxy,
  startS3,
  type ProxyAction,
  type ProxyOptions,
  type S3Setup,
} from './s3.js'

const MIB = 1024 * 1024
const PART = 5 * MIB
let s3: S3Setup

beforeAll(async () => {
  s3 = await startS3()
})
afterAll(() => s3?.moto.stop())

const FORWARD: ProxyAction = { forward: true }

// Runs one upload of `bytes` through a proxy with `action`, returns the proxy's record and the outcome.
async function throughProxy(
  key: string,
  bytes: Uint8Array<ArrayBuffer>,
  action: ProxyOptions['action'],
  options: { uploadId?: string } = {},
) {
  const proxy = await startProxy(s3.moto.endpoint, { action })
  try {
    const outcome = await upload(s3.client(), {
      url: s3.objectUrl(key, proxy.url),
      body: bytes,
      partSize: PART,
      concurrency: 2,
      ...options,
    }).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    )
    return { ...outcome, requests: proxy.requests }
  } finally {
    await proxy.stop()
  }
}

const attemptsOf = (requests: { method: string; url: string }[], partNumber: number) =>
  requests.filter((request) => partNumberOf(request as never) === partNumber).length

describe('upload faults (proxy in front of moto)', () => {
  test('a part answered 500 twice is retried on its own and lands', async () => {
    const bytes = randomBytes(16 * MIB, 61)
    let failures = 0
    const { result, error, requests } = await throughProxy('retried.bin', bytes, (request) => {
      if (partNumberOf(request) === 2 && failures < 2) {
        failures++
        return { status: 500, body: '<Error><Code>InternalError</Code><Message>boom</Message></Error>' }
      }
      return FORWARD
    })
    expect(error).toBeUndefined()
    expect(result!.parts).toHaveLength(4)
    expect(attemptsOf(requests, 2)).toBe(3)
    for (const other of [1, 3, 4]) expect(attemptsOf(requests, other)).toBe(1)
    expect(await s3.storedSha256('retried.bin')).toBe(sha256Hex(bytes))
  })

  test('a dropped connection on a part is retried', async () => {
    const bytes = randomBytes(11 * MIB, 67)
    let dropped = false
    const { error, requests } = await throughProxy('dropped.bin', bytes, (request) => {
      if (partNumberOf(request) === 3 && !dropped) {
        dropped = true
        return 'drop'
      }
      return FORWARD
    })
    expect(error).toBeUndefined()
    expect(attemptsOf(requests, 3)).toBe(2)
    expect(await s3.storedSha256('dropped.bin')).toBe(sha256Hex(bytes))
  })

  test('abort cancels a part that hangs in flight, then AbortMultipartUpload runs: no upload left', async () => {
    const bytes = randomBytes(16 * MIB, 89)
    const controller = new AbortController()
    const reason = new Error('cancelled by the user')
    const proxy = await startProxy(s3.moto.endpoint, {
      action: (request) => (partNumberOf(request) === 2 ? 'hang' : FORWARD),
    })
    try {
      const started = Date.now()
      const promise = upload(s3.client(), {
        url: s3.objectUrl('hanging.bin', proxy.url),
        body: bytes,
        partSize: PART,
        concurrency: 2,
        signal: controller.signal,
        onProgress: ({ part }) => {
          if (part === 1) setTimeout(() => controller.abort(reason), 200)
        },
      })
      await expect(promise).rejects.toBe(reason)
      expect(Date.now() - started).toBeLessThan(20_000) // not waiting for the hung part
      expect(proxy.requests.at(-1)!.method).toBe('DELETE')
      expect(await s3.listUploads()).toEqual([])
    } finally {
      await proxy.stop()
    }
  })

  test('abort while the body stream stalls: the read is cancelled, the upload aborted, nothing hangs', async () => {
    const first = randomBytes(PART, 91)
    let cancelled: unknown
    let sent = false
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return new Promise<void>(() => {}) // stalls for ever
        sent = true
        controller.enqueue(first)
        controller.enqueue(first.slice(0, 1000))
      },
      cancel(reason) {
        cancelled = reason
      },
    })
    const controller = new AbortController()
    const reason = new Error('stop waiting')
    const promise = upload(s3.client(), {
      url: s3.objectUrl('stalled.bin'),
      body,
      partSize: PART,
      signal: controller.signal,
      onProgress: () => controller.abort(reason),
    })
    await expect(promise).rejects.toBe(reason)
    expect(cancelled).toBe(reason)
    expect(await s3.listUploads()).toEqual([])
  })

  test('no ETag in the part answers: ERR_UPLOAD_ETAG_HIDDEN names the CORS rule, and the upload is aborted', async () => {
    const bytes = randomBytes(11 * MIB, 71)
    const { error, requests } = await throughProxy('hidden.bin', bytes, (request) =>
      partNumberOf(request) ? { forward: true, hideHeaders: ['etag'] } : FORWARD,
    )
    expect(error).toBeInstanceOf(UploadError)
    expect(error).toMatchObject({ code: 'ERR_UPLOAD_ETAG_HIDDEN' })
    expect((error as Error).message).toContain('"ExposeHeaders": ["ETag"]')
    expect(requests.at(-1)!.method).toBe('DELETE')
    expect(await s3.listUploads()).toEqual([])
  })

  test('a refused part keeps the upload id; resuming sends only what is missing and completes', async () => {
    const bytes = randomBytes(16 * MIB, 73)
    const denied = '<Error><Code>AccessDenied</Code><Message>no</Message></Error>'
    const first = await throughProxy('refused.bin', bytes, (request) =>
      partNumberOf(request) === 3 ? { status: 403, body: denied } : FORWARD,
    )
    expect(first.error).toBeInstanceOf(UploadError)
    const { code, uploadId, cause } = first.error as UploadError
    expect(code).toBe('ERR_UPLOAD_PART_FAILED')
    expect((cause as { code: string }).code).toBe('AccessDenied')
    expect(await s3.listUploads()).toContain(uploadId)
    const second = await throughProxy('refused.bin', bytes, () => FORWARD, { uploadId })
    expect(second.error).toBeUndefined()
    const sent = second.requests.map(partNumberOf).filter((n) => n !== undefined)
    expect(sent).toContain(3)
    expect(sent.length).toBeLessThan(4)
    expect(await s3.storedSha256('refused.bin')).toBe(sha256Hex(bytes))
  })

  test('a completion that fails inside a 200 answer is ERR_UPLOAD_COMPLETE_FAILED with the upload id; resume completes', async () => {
    const bytes = randomBytes(12 * MIB, 79)
    const inside200 =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>'
    const first = await throughProxy('complete.bin', bytes, (request) =>
      request.method === 'POST' && !request.url.includes('?uploads') ? { status: 200, body: inside200 } : FORWARD,
    )
    expect(first.error).toMatchObject({ code: 'ERR_UPLOAD_COMPLETE_FAILED' })
    const { uploadId } = first.error as UploadError
    expect(uploadId).toBeTruthy()
    expect((first.error as Error).message).toContain('InternalError')
    const second = await throughProxy('complete.bin', bytes, () => FORWARD, { uploadId })
    expect(second.error).toBeUndefined()
    expect(second.requests.map(partNumberOf).filter((n) => n !== undefined)).toEqual([])
    expect(await s3.storedSha256('complete.bin')).toBe(sha256Hex(bytes))
  })
})
