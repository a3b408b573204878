// Issue 26, items 4 and 5: every failure of /s3 and AwsClient is a SigV4Error (none is a raw TypeError, RangeError
// or URIError), no error quotes a password or a session token, and AwsError redacts S3 Express session tokens as it
// does STS ones.
import { inspect } from 'node:util'
import fc from 'fast-check'
import { expect, test } from 'vitest'
import { AwsError, REDACTED } from '../../../src/client/aws-error.js'
import { SigV4Error } from '../../../src/core/errors.js'
import { presignPost, presignWithChecksum, signWithChecksum } from '../../../src/s3.js'
import { completeUpload, createUpload, presignUpload, upload } from '../../../src/s3.js'
import { BUCKET_HOST, credentials, recordingS3 } from './recording-s3.js'

const url = `https://${BUCKET_HOST}/uploads/alice/a.bin`
const bad = { 'bad name': 'x' }
const everything = (error: unknown) =>
  inspect(error, { depth: 6 }) + String((error as Error)?.stack) + String((error as Error)?.cause)

async function typed(run: () => unknown): Promise<SigV4Error> {
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (caught: unknown) => caught,
    )
  expect(error).toBeInstanceOf(SigV4Error)
  return error as SigV4Error
}

test.each([
  [
    'signWithChecksum, bad header',
    () =>
      signWithChecksum(
        { url, method: 'PUT', body: 'x', headers: bad },
        { credentials, checksum: { algorithm: 'crc32' } },
      ),
  ],
  [
    'presignWithChecksum, bad header',
    () =>
      presignWithChecksum(
        { url, method: 'PUT', body: 'x', headers: bad },
        { credentials, checksum: { algorithm: 'crc32' } },
      ),
  ],
  [
    'signWithChecksum, no request',
    () => signWithChecksum(null as never, { credentials, checksum: { algorithm: 'crc32' } }),
  ],
  ['upload, bad header', () => upload(recordingS3().client(), { url, body: 'x', headers: bad })],
  ['upload, no options', () => upload(recordingS3().client(), null as never)],
  [
    'upload, onProgress not a function',
    () => upload(recordingS3().client(), { url, body: 'x', onProgress: 5 as never }),
  ],
  ['upload, signal not a signal', () => upload(recordingS3().client(), { url, body: 'x', signal: {} as never })],
  ['presignUpload, bad header', () => presignUpload(recordingS3().client(), { url, parts: 1, headers: bad })],
  ['createUpload, bad header', () => createUpload(recordingS3().client(), { url, headers: bad })],
  [
    'completeUpload, parts not a list',
    () => completeUpload(recordingS3().client(), { url, uploadId: 'u', parts: 5 as never }),
  ],
  [
    'presignPost, path-style bucket %E0',
    () => presignPost({ url: 'https://s3.us-east-1.amazonaws.com/%E0', key: 'k' }, { credentials }),
  ],
  ['client.fetch, header name with a space', () => recordingS3().client().fetch(url, { headers: bad })],
  ['client.sign, header name with a space', () => recordingS3().client().sign(url, { headers: bad })],
  ['client.json, header name with a space', () => recordingS3().client().json(url, { headers: bad })],
  ['client.fetch, GET with a body', () => recordingS3().client().fetch(url, { body: 'x' })],
  ['client.sign, GET with a body', () => recordingS3().client().sign(url, { body: 'x' })],
  [
    'client.fetch, redirect "nope"',
    () =>
      recordingS3()
        .client()
        .fetch(url, { redirect: 'nope' as never }),
  ],
  [
    'client.json, redirect "nope"',
    () =>
      recordingS3()
        .client()
        .json(url, { redirect: 'nope' as never }),
  ],
  [
    'client.fetch, not a URL',
    () =>
      recordingS3()
        .client()
        .fetch(42 as never),
  ],
  [
    'client.json, a 2xx answer that is not JSON',
    () =>
      recordingS3(() => new Response('<ListBucketResult/>'))
        .client()
        .json(url),
  ],
])('%s: a SigV4Error', async (_, run) => {
  await typed(run)
})

test('a user:password URL: typed, and the password is in no message, stack or cause', async () => {
  await fc.assert(
    fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9]{12,24}$/), async (password) => {
      const secretUrl = `https://user:${password}@${BUCKET_HOST}/k`
      const client = recordingS3().client()
      for (const run of [
        () => client.fetch(secretUrl),
        () => client.sign(secretUrl),
        () => client.json(secretUrl),
        () => client.presign(secretUrl),
        () => upload(client, { url: secretUrl, body: 'x' }),
      ]) {
        const error = await typed(run)
        expect(everything(error)).not.toContain(password)
      }
    }),
    { numRuns: 20 },
  )
})

test('entities that name no character in an UploadId or ETag are kept as written, not thrown on', async () => {
  const s3 = recordingS3((sent) => {
    if (sent.query.has('uploads'))
      return new Response(
        '<InitiateMultipartUploadResult><UploadId>u&#x110000;&#xD800;</UploadId></InitiateMultipartUploadResult>',
      )
    if (sent.method === 'POST')
      return new Response('<CompleteMultipartUploadResult><ETag>"e&#x110000;"</ETag></CompleteMultipartUploadResult>')
    return undefined
  })
  expect(await createUpload(s3.client(), { url })).toBe('u&#x110000;&#xD800;')
  const done = await completeUpload(s3.client(), { url, uploadId: 'u', parts: [{ partNumber: 1, etag: '"e"' }] })
  expect(done.etag).toBe('"e&#x110000;"')
})

test('AwsError redacts S3 Express session tokens: header lines and query parameters, ours and the server’s', async () => {
  await fc.assert(
    fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9+/]{40,80}$/), async (token) => {
      const canonical = `GET\n/k\nX-Amz-S3session-Token=${token}\nhost:${BUCKET_HOST}\nx-amz-s3session-token:${token}\n\nhost\nUNSIGNED-PAYLOAD`
      const body =
        `<Error><Code>SignatureDoesNotMatch</Code><Message>bad X-Amz-S3session-Token=${token}</Message>` +
        `<CanonicalRequest>${canonical}</CanonicalRequest><StringToSign>s</StringToSign></Error>`
      const error = await AwsError.from(new Response(body, { status: 403 }), {
        canonicalRequest: canonical,
        stringToSign: 's',
      })
      expect(error.serverCanonicalRequest).toContain(`x-amz-s3session-token:${REDACTED}`)
      expect(error.canonicalRequest).toContain(`X-Amz-S3session-Token=${REDACTED}`)
      expect(everything(error) + JSON.stringify(error)).not.toContain(token)
    }),
    { numRuns: 50 },
  )
})
