// An in-process S3 for the attack tests: AwsClient's `fetch` option points at it, so every request the client
// would send is recorded (method, decoded path, query) and answered as S3 would, or as a test chooses.
import { AwsClient } from '../../../src/client.js'

export const BUCKET_HOST = 'bucket.s3.us-east-1.amazonaws.com'
export const credentials = {
  accessKeyId: 'AKIDEXAMPLEATTACK',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYATTACKKEY',
}

export interface Sent {
  method: string
  /** The path as S3 reads it: percent-decoded (S3's object key is the decoded path). */
  key: string
  query: URLSearchParams
  request: Request
}

/** An answer of the fake: a Response, or undefined for S3's usual one. */
export type Answer = (sent: Sent, index: number) => Response | undefined | Promise<Response | undefined>

const xml = (body: string, status = 200) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>${body}`, {
    status,
    headers: { 'content-type': 'application/xml' },
  })

/** The answers of a working S3: Create gives UploadId `u-1`, parts get ETags, ListParts is empty, the rest succeed. */
export function s3Answer(sent: Sent): Response {
  const { method, query } = sent
  if (method === 'POST' && query.has('uploads'))
    return xml('<InitiateMultipartUploadResult><UploadId>u-1</UploadId></InitiateMultipartUploadResult>')
  if (method === 'POST' && query.has('uploadId'))
    return xml(
      '<CompleteMultipartUploadResult><Location>x</Location><ETag>"e-1"</ETag></CompleteMultipartUploadResult>',
    )
  if (method === 'GET' && query.has('uploadId'))
    return xml('<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>')
  if (method === 'DELETE') return new Response(null, { status: 204 })
  return new Response(null, { status: 200, headers: { etag: '"e"' } })
}

export interface RecordingS3 {
  sent: Sent[]
  client: (options?: Partial<ConstructorParameters<typeof AwsClient>[0]>) => AwsClient
}

export function recordingS3(answer: Answer = () => undefined): RecordingS3 {
  const sent: Sent[] = []
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const entry = { method: request.method, key: decodeURIComponent(url.pathname), query: url.searchParams, request }
    sent.push(entry)
    await request.arrayBuffer()
    return (await answer(entry, sent.length - 1)) ?? s3Answer(entry)
  }
  return {
    sent,
    client: (options = {}) =>
      new AwsClient({ credentials, region: 'us-east-1', service: 's3', retries: 0, fetch, ...options }),
  }
}
