// A fake S3 for the upload card's tests: multipart uploads in memory (Create, UploadPart, ListParts, Complete,
// Abort) and single PUTs, with part PUTs that a test can hold, and the ETag header that a test can hide (as a
// bucket whose CORS rules do not expose it). It checks that every request is SigV4-signed for s3 with the
// session token the fake Worker handed out.
import { createHash } from 'node:crypto'
import { TEMPORARY } from './fake-aws.js'

export const S3 = 'http://127.0.0.1:4568/'
export const BUCKET = 'demo-bucket'

interface StoredUpload {
  key: string
  parts: Map<number, { bytes: Uint8Array; etag: string; checksum: string }>
}

export interface FakeS3 {
  fetch: (request: Request) => Promise<Response>
  /** `METHOD ?subresource` of every request, e.g. `PUT partNumber=1`. */
  calls: string[]
  /** The part number of every UploadPart request, in order of arrival. */
  partsSent: number[]
  uploads: Map<string, StoredUpload>
  objects: Map<string, Uint8Array>
  /** While set, part PUTs wait for it. */
  hold?: Promise<void>
  /** Answer without the ETag header (a browser hides it when the bucket's CORS rules do not expose it). */
  hideEtag: boolean
  /** The fetch rejects, as a browser's does for a refused connection. */
  down: boolean
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest()
const md5Hex = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex')
const xml = (body: string, status = 200) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>${body}`, {
    status,
    headers: { 'content-type': 'application/xml' },
  })

export function fakeS3(): FakeS3 {
  let nextId = 1
  const fake: FakeS3 = {
    calls: [],
    partsSent: [],
    uploads: new Map(),
    objects: new Map(),
    hideEtag: false,
    down: false,
    async fetch(request) {
      if (fake.down) throw new TypeError('Failed to fetch')
      const url = new URL(request.url)
      const query = url.searchParams
      fake.calls.push(`${request.method} ${[...query.keys()].join('&')}`.trim())
      const authorization = request.headers.get('authorization') ?? ''
      if (
        !authorization.includes(`Credential=${TEMPORARY.accessKeyId}/`) ||
        !authorization.includes('/s3/aws4_request') ||
        request.headers.get('x-amz-security-token') !== TEMPORARY.sessionToken
      )
        return xml('<Error><Code>AccessDenied</Code><Message>not signed for s3</Message></Error>', 403)
      const key = decodeURIComponent(url.pathname.slice(`/${BUCKET}/`.length))
      const uploadId = query.get('uploadId') ?? ''
      const etagHeaders = (etag: string): Record<string, string> => (fake.hideEtag ? {} : { etag })
      if (request.method === 'POST' && query.has('uploads')) {
        const id = `upload-${nextId++}`
        fake.uploads.set(id, { key, parts: new Map() })
        return xml(`<InitiateMultipartUploadResult><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`)
      }
      const stored = fake.uploads.get(uploadId)
      if (uploadId && !stored) return xml('<Error><Code>NoSuchUpload</Code><Message>gone</Message></Error>', 404)
      if (request.method === 'PUT' && stored) {
        fake.partsSent.push(Number(query.get('partNumber')))
        const bytes = new Uint8Array(await request.arrayBuffer())
        await fake.hold
        const etag = `"${md5Hex(bytes)}"`
        const checksum = sha256(bytes).toString('base64')
        stored.parts.set(Number(query.get('partNumber')), { bytes, etag, checksum })
        return new Response(null, { headers: { ...etagHeaders(etag), 'x-amz-checksum-sha256': checksum } })
      }
      if (request.method === 'GET' && stored) {
        const parts = [...stored.parts]
          .sort(([a], [b]) => a - b)
          .map(
            ([number, part]) =>
              `<Part><PartNumber>${number}</PartNumber><ETag>${part.etag}</ETag><Size>${part.bytes.length}</Size><ChecksumSHA256>${part.checksum}</ChecksumSHA256></Part>`,
          )
        return xml(`<ListPartsResult><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`)
      }
      if (request.method === 'POST' && stored) {
        const parts = [...stored.parts].sort(([a], [b]) => a - b).map(([, part]) => part)
        const object = Buffer.concat(parts.map((part) => part.bytes))
        fake.objects.set(stored.key, object)
        fake.uploads.delete(uploadId)
        const composite = `${sha256(Buffer.concat(parts.map((part) => Buffer.from(part.checksum, 'base64')))).toString('base64')}-${parts.length}`
        return xml(
          `<CompleteMultipartUploadResult><Location>${request.url.split('?')[0]}</Location><Key>${stored.key}</Key><ETag>"${md5Hex(object)}-${parts.length}"</ETag><ChecksumSHA256>${composite}</ChecksumSHA256><ChecksumType>COMPOSITE</ChecksumType></CompleteMultipartUploadResult>`,
        )
      }
      if (request.method === 'DELETE' && stored) {
        fake.uploads.delete(uploadId)
        return new Response(null, { status: 204 })
      }
      if (request.method === 'PUT') {
        const bytes = new Uint8Array(await request.arrayBuffer())
        fake.objects.set(key, bytes)
        return new Response(null, {
          headers: { ...etagHeaders(`"${md5Hex(bytes)}"`), 'x-amz-checksum-sha256': sha256(bytes).toString('base64') },
        })
      }
      return xml('<Error><Code>NotImplemented</Code><Message>fake S3</Message></Error>', 501)
    },
  }
  return fake
}

/** The composite SHA-256 S3 reports for these parts (computed here with node:crypto, not by the library). */
export function compositeSha256(bytes: Uint8Array, partSize: number): string {
  const digests: Buffer[] = []
  for (let start = 0; start < bytes.length; start += partSize)
    digests.push(sha256(bytes.subarray(start, start + partSize)))
  return `${sha256(Buffer.concat(digests)).toString('base64')}-${digests.length}`
}
