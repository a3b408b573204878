// Issue 26, item 1: a key under a per-user prefix never reaches another key. Keys made of every mix of `.`, `..`,
// `%2e`, `/`, `\`, spaces, tabs and unicode go through each S3 path (sign, presign, AwsClient fetch and sign, and the
// upload calls) to a recording S3: each call either refuses with a SigV4Error or sends (and returns) only the key as
// written, percent-decoding aside. Nothing else counts.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { SigV4Error } from '../../../src/core/errors.js'
import { presign, sign } from '../../../src/index.js'
import { abortUpload, completeUpload, createUpload, listUploadParts, presignUpload, upload } from '../../../src/s3.js'
import { BUCKET_HOST, credentials, recordingS3 } from './recording-s3.js'

const PREFIX = '/uploads/alice/'
const SEGMENTS = ['a', 'b', '.', '..', '%2e', '%2E', '.%2e', '/', '\\', 'é', '😀', ' ', '\t', '%20', '\n']
const keyArbitrary = fc
  .array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''))

type Call = (url: string, s3: ReturnType<typeof recordingS3>) => Promise<Array<string | URL>>
const signOptions = { credentials, region: 'us-east-1', service: 's3' }
// Each call, and the URLs it hands back for someone to send (a presigned URL, a signed Request's URL).
const CALLS: Record<string, Call> = {
  sign: async (url) => [(await sign({ url, method: 'PUT', body: 'x' }, signOptions)).url],
  presign: async (url) => [await presign(url, signOptions)],
  'AwsClient.fetch': async (url, s3) => (await s3.client().fetch(url, { method: 'PUT', body: 'x' }), []),
  'AwsClient.sign': async (url, s3) => [(await s3.client().sign(url, { method: 'PUT', body: 'x' })).url],
  'AwsClient.presign': async (url, s3) => [await s3.client().presign(url)],
  upload: async (url, s3) => (await upload(s3.client(), { url, body: 'hello' }), []),
  createUpload: async (url, s3) => (await createUpload(s3.client(), { url }), []),
  listUploadParts: async (url, s3) => (await listUploadParts(s3.client(), { url, uploadId: 'u-1' }), []),
  completeUpload: async (url, s3) => (
    await completeUpload(s3.client(), { url, uploadId: 'u-1', parts: [{ partNumber: 1, etag: '"e"' }] }),
    []
  ),
  abortUpload: async (url, s3) => (await abortUpload(s3.client(), { url, uploadId: 'u-1' }), []),
  presignUpload: async (url, s3) =>
    (await presignUpload(s3.client(), { url, size: 10, partSize: 10 })).parts.map((part) => part.url),
}

const decodedPath = (url: string | URL) => decodeURIComponent(new URL(url).pathname)

describe('no S3 call reaches a key other than the one given', () => {
  const totals = { cases: 0, refused: 0, sent: 0, wrongKey: 0, untyped: 0 }

  test.each(Object.keys(CALLS))('%s', async (name) => {
    const call = CALLS[name]!
    await fc.assert(
      fc.asyncProperty(keyArbitrary, async (key) => {
        const s3 = recordingS3()
        const url = `https://${BUCKET_HOST}${PREFIX}${key}`
        const given = decodeURIComponent(PREFIX + key)
        let handedBack: Array<string | URL> = []
        let error: unknown
        try {
          handedBack = await call(url, s3)
        } catch (caught) {
          error = caught
        }
        totals.cases++
        const reached = [...s3.sent.map((sent) => sent.key), ...handedBack.map(decodedPath)]
        const wrong = reached.filter((reachedKey) => reachedKey !== given)
        totals.wrongKey += wrong.length
        totals.sent += reached.length
        if (error !== undefined) {
          totals.refused++
          if (!(error instanceof SigV4Error)) totals.untyped++
          expect(error).toBeInstanceOf(SigV4Error)
          expect((error as SigV4Error).code).toBe('ERR_INVALID_URL')
        } else {
          expect(reached.length).toBeGreaterThan(0)
        }
        expect(wrong, `${name} with key ${JSON.stringify(key)}`).toEqual([])
      }),
      { numRuns: 150 },
    )
  })

  test('the figures (every call above): no wrong key, no untyped error', () => {
    console.log(`key fuzz: ${JSON.stringify(totals)}`)
    expect(totals.cases).toBe(150 * Object.keys(CALLS).length)
    // Both outcomes happen: the alphabet makes keys the parser keeps and keys it would rewrite.
    expect(totals.refused).toBeGreaterThan(0)
    expect(totals.sent).toBeGreaterThan(0)
    expect(totals.wrongKey).toBe(0)
    expect(totals.untyped).toBe(0)
  })

  test('the attack of the issue: uploads/alice/../../users/victim/avatar.png is refused by every call, nothing sent', async () => {
    const url = `https://${BUCKET_HOST}/uploads/alice/../../users/victim/avatar.png`
    for (const [name, call] of Object.entries(CALLS)) {
      const s3 = recordingS3()
      const error = await call(url, s3).then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(error, name).toBeInstanceOf(SigV4Error)
      expect((error as SigV4Error).code, name).toBe('ERR_INVALID_URL')
      expect(s3.sent, name).toEqual([])
    }
  })

  test('a key with dots inside segments (a..b, .hidden, ...) is sent as written', async () => {
    for (const key of ['a..b', '.hidden', '...', 'x/..y/z.', '%2e%2e%2eq']) {
      const s3 = recordingS3()
      await upload(s3.client(), { url: `https://${BUCKET_HOST}${PREFIX}${key}`, body: 'hello' })
      expect(s3.sent.map((sent) => sent.key)).toEqual([decodeURIComponent(PREFIX + key)])
    }
  })
})
