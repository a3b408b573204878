// Issue 26, items 2 and 3 and the abort listeners: no multipart upload is left on S3 without its id in the caller's
// hands, a ListParts answer that does not move forward (or lists what S3 cannot hold) ends in a typed error after a
// bounded number of requests, and an upload's signal holds a listener per request in flight, not per request made.
import { expect, test } from 'vitest'
import { SigV4Error } from '../../../src/core/errors.js'
import { listUploadParts, presignUpload, upload, UploadError } from '../../../src/s3.js'
import { BUCKET_HOST, recordingS3, type Sent } from './recording-s3.js'

const MIB = 1024 * 1024
const url = `https://${BUCKET_HOST}/uploads/alice/big.bin`
const twoParts = () => new Uint8Array(6 * MIB)
const isAbort = (sent: Sent) => sent.method === 'DELETE' && sent.query.get('uploadId') === 'u-1'
const xml = (body: string) => new Response(body, { status: 200, headers: { 'content-type': 'application/xml' } })

async function failure(run: () => Promise<unknown>): Promise<UploadError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(SigV4Error)
  return error as UploadError
}

test('onCreate throws: ERR_UPLOAD_CALLBACK, its error as cause, and the new upload is aborted', async () => {
  const s3 = recordingS3()
  const thrown = new Error('the database is down')
  const error = await failure(() =>
    upload(s3.client(), {
      url,
      body: twoParts(),
      partSize: 5 * MIB,
      onCreate: () => {
        throw thrown
      },
    }),
  )
  expect(error.code).toBe('ERR_UPLOAD_CALLBACK')
  expect(error.cause).toBe(thrown)
  expect(s3.sent.filter(isAbort)).toHaveLength(1)
  expect(s3.sent.filter((sent) => sent.query.has('partNumber'))).toEqual([])
})

test('onProgress throws: the upload stops, typed, and is aborted', async () => {
  const s3 = recordingS3()
  const error = await failure(() =>
    upload(s3.client(), {
      url,
      body: twoParts(),
      partSize: 5 * MIB,
      onProgress: () => {
        throw new Error('render failed')
      },
    }),
  )
  expect(error.code).toBe('ERR_UPLOAD_CALLBACK')
  expect(s3.sent.filter(isAbort)).toHaveLength(1)
})

test('when the abort fails too, the error is ERR_UPLOAD_LEFT_BEHIND and names the upload', async () => {
  const s3 = recordingS3((sent) =>
    sent.method === 'DELETE'
      ? new Response('<Error><Code>AccessDenied</Code><Message>no</Message></Error>', { status: 403 })
      : undefined,
  )
  const error = await failure(() =>
    upload(s3.client(), {
      url,
      body: twoParts(),
      partSize: 5 * MIB,
      onCreate: () => {
        throw new Error('x')
      },
    }),
  )
  expect(error.code).toBe('ERR_UPLOAD_LEFT_BEHIND')
  expect(error.uploadId).toBe('u-1')
  expect((error.cause as UploadError).code).toBe('ERR_UPLOAD_CALLBACK')
})

test('a user abort whose AbortMultipartUpload fails hands the upload back instead of losing it', async () => {
  const controller = new AbortController()
  const s3 = recordingS3((sent) => {
    if (sent.query.has('partNumber')) controller.abort(new Error('user cancelled'))
    if (sent.method === 'DELETE') return new Response(null, { status: 503 })
    return undefined
  })
  const error = await failure(() =>
    upload(s3.client(), { url, body: twoParts(), partSize: 5 * MIB, signal: controller.signal }),
  )
  expect(error.code).toBe('ERR_UPLOAD_LEFT_BEHIND')
  expect(error.uploadId).toBe('u-1')
})

test('presignUpload checks its presign before CreateMultipartUpload: expiresIn 0 sends nothing', async () => {
  const s3 = recordingS3()
  const error = await failure(() => presignUpload(s3.client(), { url, size: 10, partSize: 10, expiresIn: 0 }))
  expect(error.code).toBe('ERR_INVALID_EXPIRES')
  expect(s3.sent).toEqual([])
  // And any option that cannot be used, before any request.
  for (const options of [
    { url, parts: 0 },
    { url, size: 12 * MIB, partSize: 1 * MIB },
    { url, size: 10, partSize: 10, headers: { 'bad name': 'x' } },
    { url, size: 10, partSize: 10, parts: 2 },
  ])
    await failure(() => presignUpload(s3.client(), options))
  expect(s3.sent).toEqual([])
})

test('presignUpload: a presign that fails after CreateMultipartUpload aborts the upload', async () => {
  const s3 = recordingS3()
  let calls = 0
  const credentials = () => {
    // The check before CreateMultipartUpload and the first part succeed; the second part's presign fails.
    if (++calls > 3) throw new Error('provider down')
    return { accessKeyId: 'AKIDEXAMPLEATTACK', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYATTACKKEY' }
  }
  const error = await failure(() =>
    presignUpload(s3.client({ credentials }), { url, size: 12 * MIB, partSize: 5 * MIB }),
  )
  expect(error.code).toBe('ERR_UPLOAD_LEFT_BEHIND')
  expect(error.uploadId).toBe('u-1')
  const recovered = recordingS3()
  let count = 0
  const flaky = () => {
    if (++count === 3) throw new Error('provider down once')
    return { accessKeyId: 'AKIDEXAMPLEATTACK', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYATTACKKEY' }
  }
  const second = await failure(() =>
    presignUpload(recovered.client({ credentials: flaky }), { url, size: 12 * MIB, partSize: 5 * MIB }),
  )
  expect(second.code).toBe('ERR_CREDENTIALS_PROVIDER')
  expect(recovered.sent.filter(isAbort)).toHaveLength(1)
})

test('the signal aborts while CreateMultipartUpload is in flight: prompt rejection, and the late upload is aborted', async () => {
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  const s3 = recordingS3(async (sent) => {
    if (sent.query.has('uploads')) await held
    return undefined
  })
  const controller = new AbortController()
  const reason = new Error('user left the page')
  const pending = upload(s3.client(), { url, body: twoParts(), partSize: 5 * MIB, signal: controller.signal })
  await new Promise((resolve) => setTimeout(resolve, 20))
  controller.abort(reason)
  await expect(pending).rejects.toBe(reason)
  expect(s3.sent.filter(isAbort)).toHaveLength(0)
  release()
  await expect.poll(() => s3.sent.filter(isAbort).length).toBe(1)
  expect(s3.sent.filter((sent) => sent.query.has('partNumber'))).toEqual([])
})

// A ListParts page: parts 1..n of `size` bytes, truncated with `next` as the marker when given.
function listPage(parts: number[], size: number, next?: string) {
  const body = parts
    .map((n) => `<Part><PartNumber>${n}</PartNumber><ETag>"e${n}"</ETag><Size>${size}</Size></Part>`)
    .join('')
  const tail =
    next === undefined
      ? '<IsTruncated>false</IsTruncated>'
      : `<IsTruncated>true</IsTruncated><NextPartNumberMarker>${next}</NextPartNumberMarker>`
  return xml(`<ListPartsResult>${tail}${body}</ListPartsResult>`)
}

// The listing settles within two seconds, or the test fails instead of hanging (the bug it guards against).
const settled = <T>(promise: Promise<T>) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('never settled')), 2000))])

test.each([
  ['a page that repeats itself', () => listPage([1], 5 * MIB, '1')],
  ['a marker that goes back', (index: number) => listPage([index + 2], 5 * MIB, '1')],
  ['an empty page that says more follow', (index: number) => listPage([], 5 * MIB, String(index + 1))],
  ['a marker that is not a number', () => listPage([1], 5 * MIB, 'abc')],
  ['a marker past 10,000', () => listPage([1], 5 * MIB, '10001')],
  ['a part of 10 GiB', () => listPage([1], 10 * 1024 * MIB)],
  ['a part number past 10,000', () => listPage([10_001], 5 * MIB)],
  [
    '10,001 parts',
    () =>
      listPage(
        Array.from({ length: 10_001 }, (_, i) => (i % 10_000) + 1),
        1,
      ),
  ],
])('ListParts with %s: ERR_UPLOAD_RESPONSE after at most two requests', async (_, page) => {
  const s3 = recordingS3((sent, index) => (sent.method === 'GET' ? page(index) : undefined))
  const error = await failure(() => settled(listUploadParts(s3.client(), { url, uploadId: 'u-1' })))
  expect(error.code).toBe('ERR_UPLOAD_RESPONSE')
  expect(error.uploadId).toBe('u-1')
  expect(s3.sent.length).toBeLessThanOrEqual(2)
})

test('a resumed upload refuses a listed part of 10 GiB instead of allocating it', async () => {
  const s3 = recordingS3((sent) => (sent.method === 'GET' ? listPage([1], 10 * 1024 * MIB) : undefined))
  const stream = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(MIB)) })
  const error = await failure(() => settled(upload(s3.client(), { url, body: stream, uploadId: 'u-1' })))
  expect(error.code).toBe('ERR_UPLOAD_RESPONSE')
  expect(s3.sent.filter((sent) => sent.method === 'PUT')).toEqual([])
})

test('ListParts that advance normally are followed to the end', async () => {
  const s3 = recordingS3((sent, index) =>
    sent.method === 'GET'
      ? listPage([index * 2 + 1, index * 2 + 2], 5 * MIB, index < 2 ? String(index * 2 + 2) : undefined)
      : undefined,
  )
  const parts = await listUploadParts(s3.client(), { url, uploadId: 'u-1' })
  expect([...parts.keys()]).toEqual([1, 2, 3, 4, 5, 6])
  expect(s3.sent.map((sent) => sent.query.get('part-number-marker'))).toEqual([null, '2', '4'])
})

test("an upload's signal holds a listener per request in flight, not one per request made", async () => {
  // Net abort listeners per signal, counted through the prototype methods that undici and upload() both use.
  const net = new Map<AbortSignal, number>()
  // The originals, called back with each signal as `this` (apply), and put back at the end.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { addEventListener, removeEventListener } = AbortSignal.prototype
  const warnings: Error[] = []
  const onWarning = (warning: Error) => warnings.push(warning)
  process.on('warning', onWarning)
  AbortSignal.prototype.addEventListener = function (this: AbortSignal, ...args: Parameters<typeof addEventListener>) {
    if (args[0] === 'abort') net.set(this, (net.get(this) ?? 0) + 1)
    return addEventListener.apply(this, args)
  } as typeof addEventListener
  AbortSignal.prototype.removeEventListener = function (
    this: AbortSignal,
    ...args: Parameters<typeof removeEventListener>
  ) {
    if (args[0] === 'abort') net.set(this, (net.get(this) ?? 0) - 1)
    return removeEventListener.apply(this, args)
  } as typeof removeEventListener
  try {
    const s3 = recordingS3()
    const controller = new AbortController()
    const parts = 14
    await upload(s3.client(), {
      url,
      body: new Uint8Array(parts * 5 * MIB),
      partSize: 5 * MIB,
      signal: controller.signal,
    })
    expect(s3.sent.filter((sent) => sent.query.has('partNumber'))).toHaveLength(parts)
    // Each request has a signal of its own, so no one signal collects a listener per request.
    expect(Math.max(...net.values())).toBeLessThan(parts)
    expect(net.get(controller.signal) ?? 0).toBe(0)
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([])
  } finally {
    AbortSignal.prototype.addEventListener = addEventListener
    AbortSignal.prototype.removeEventListener = removeEventListener
    process.off('warning', onWarning)
  }
})
