// The S3 calls of a multipart upload (CreateMultipartUpload, ListParts, CompleteMultipartUpload,
// AbortMultipartUpload), each on AwsClient and usable alone, and the request plumbing they share with upload().
import { AwsError } from '../../client/aws-error.js'
import { AwsClient, type AwsClientOptions, type AwsRequestInit } from '../../client/client.js'
import { checksumAlgorithm, checksumHeader, type ChecksumAlgorithm } from '../../core/checksum-algorithms.js'
import { isRecord } from '../../core/options.js'
import { headersOf, refuseRewrittenKey } from '../../core/request.js'
import { serviceRules } from '../../core/rules.js'
import { completeDocument, parseComplete, parseInitiate, parseListParts, type StoredPart } from '../xml.js'
import { listingError, UploadError } from './errors.js'
import { LIST_PAGE_SIZE, MAX_PART_SIZE, MAX_PARTS, type ChecksumType } from './types.js'

/** The object URL with S3 subresource parameters (`?uploads`, `?partNumber=1&uploadId=…`). */
export function subresource(url: URL, parameters: Record<string, string>): URL {
  const result = new URL(url)
  for (const [name, value] of Object.entries(parameters)) result.searchParams.set(name, value)
  return result
}

export function objectUrl(url: string | URL): URL {
  // Every upload path addresses an S3 object: its key is sent as written or not at all.
  if (typeof url === 'string') refuseRewrittenKey(url, serviceRules('s3'))
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (error) {
    throw new UploadError(
      'ERR_INVALID_URL',
      "Pass the object's absolute URL (https://bucket.s3.region.amazonaws.com/key)",
      error,
    )
  }
  if (!/^https?:$/.test(parsed.protocol))
    throw new UploadError('ERR_INVALID_URL', `The object URL must be http(s), not ${parsed.protocol}`)
  if (parsed.username || parsed.password)
    throw new UploadError('ERR_INVALID_URL', 'Remove the user name and password from the object URL')
  if (parsed.pathname === '/' || parsed.pathname === '')
    throw new UploadError('ERR_INVALID_URL', 'The URL names no object key: add the key to its path')
  return parsed
}

/**
 * The client of an upload-family call, and its options checked as a record. Every call takes `(client, options)`:
 * options given first (or a client given second) are refused with the order to use, not read as client options.
 */
export function clientOf(
  client: AwsClient | AwsClientOptions,
  options: unknown,
  call: string,
  shape: string,
): AwsClient {
  if (options instanceof AwsClient || !isRecord(client) || (!(client instanceof AwsClient) && 'url' in client))
    throw new UploadError('ERR_INVALID_OPTION', `Pass the client first: ${call}(client, ${shape})`)
  checkedRecord(options, call, shape)
  return client instanceof AwsClient ? client : new AwsClient(client)
}

/** How {@link s3Request} treats an answer that arrives after the abort. */
export interface LateAnswer<T> {
  /** Called with what `read` made of an answer that came after the abort; without it, the request is cancelled. */
  late?: (value: T) => void
}

/*
 * One request of an upload through `client.fetch`, its answer read by `read` within the same abort scope, so an abort
 * during the body read is prompt too. The request gets a signal of its own, aborted when `init.signal` is: the
 * Requests AwsClient builds listen to that one, so the upload's signal holds a listener per request in flight, not
 * one per request ever made (undici drops a Request's listener only when the Request is garbage collected).
 * Settles as soon as `init.signal` aborts, whatever happens underneath: in Node (undici) a Request follows its parent
 * signal through a WeakRef, so once that Request is collected an abort no longer reaches the request in flight
 * (test/node/upload/faults.test.ts hangs a part to show it). With `late`, the request is not cancelled on abort:
 * its answer is still read, and handed to `late` (CreateMultipartUpload: an upload made after all is aborted).
 */
export async function s3Request<T>(
  client: AwsClient,
  url: URL,
  init: AwsRequestInit,
  read: (response: Response) => Promise<T>,
  { late }: LateAnswer<T> = {},
): Promise<T> {
  const signal = init.signal
  if (!signal) return read(await client.fetch(url, init))
  signal.throwIfAborted()
  const own = new AbortController()
  let onAbort = () => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      if (!late) own.abort(signal.reason)
      // The abort reason is whatever the caller chose (often a DOMException), and is what upload() rejects with.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  const answered = client.fetch(url, { ...init, signal: own.signal }).then(read)
  try {
    return await Promise.race([answered, aborted])
  } catch (error) {
    answered
      .then(
        (value) => late?.(value),
        () => undefined,
      )
      .catch(() => undefined)
    throw error
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

// The answer of a refused request as an AwsError (the body is read).
export async function refusal(response: Response): Promise<AwsError> {
  return AwsError.from(response)
}

/** What {@link createUpload} needs: the object's URL and its headers. */
export interface CreateUploadOptions {
  /** The object's URL, e.g. `https://bucket.s3.eu-west-1.amazonaws.com/videos/a.mp4`. */
  url: string | URL
  /** Headers of the object (content-type, x-amz-meta-*, ...). */
  headers?: HeadersInit
  /** Cancels the request. */
  signal?: AbortSignal
}

/**
 * CreateMultipartUpload: starts a multipart upload of an object and returns its upload id.
 *
 * @example
 * const uploadId = await createUpload(client, { url, headers: { 'content-type': 'video/mp4' } })
 */
export async function createUpload(
  client: AwsClient | AwsClientOptions,
  options: CreateUploadOptions,
): Promise<string> {
  const aws = clientOf(client, options, 'createUpload', '{ url, headers? }')
  const url = objectUrl(options.url)
  const headers = options.headers === undefined ? undefined : headersOf(options.headers)
  // Sent whatever the signal says once it is on its way: an upload S3 makes after an abort is still learnt of, and
  // aborted, instead of left behind with no one told its id.
  return s3Request(
    aws,
    subresource(url, { uploads: '' }),
    { method: 'POST', headers, signal: checkedSignal(options.signal) },
    async (response) => {
      if (!response.ok) {
        const error = await refusal(response)
        throw new UploadError(
          'ERR_UPLOAD_REQUEST_FAILED',
          `S3 refused CreateMultipartUpload (${error.code}): ${error.message}`,
          error,
        )
      }
      const uploadId = parseInitiate(await response.text())
      if (!uploadId)
        throw new UploadError(
          'ERR_UPLOAD_RESPONSE',
          'The CreateMultipartUpload answer has no UploadId: is the URL an S3 object?',
        )
      return uploadId
    },
    { late: (uploadId) => void abortUpload(aws, { url, uploadId }).catch(() => undefined) },
  )
}

/** The options record of a call, or a typed error that shows what to pass. */
export function checkedRecord(options: unknown, call: string, shape: string): void {
  if (!isRecord(options))
    throw new UploadError('ERR_INVALID_OPTION', `Pass ${call}() its options: ${call}(client, ${shape})`)
}

export function checkedSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal
  throw new UploadError('ERR_INVALID_OPTION', 'options.signal must be an AbortSignal (controller.signal)')
}

export function checkedUploadId(uploadId: unknown, name = 'options.uploadId'): string {
  if (typeof uploadId === 'string' && uploadId !== '') return uploadId
  throw new UploadError('ERR_INVALID_OPTION', `${name} must be the UploadId S3 gave (a non-empty string)`)
}

/** What {@link listUploadParts} needs. */
export interface ListUploadPartsOptions {
  /** The object's URL. */
  url: string | URL
  /** The multipart upload to list (from CreateMultipartUpload). */
  uploadId: string
  /** Read the parts' checksums of this algorithm too. */
  checksum?: ChecksumAlgorithm
  /** Cancels the listing. */
  signal?: AbortSignal
}

/**
 * ListParts, every page: the parts S3 holds for a multipart upload, by part number.
 *
 * @example
 * const stored = await listUploadParts(client, { url, uploadId })
 * stored.get(1)?.etag // '"9b2cf535f27731c974343645a3985328"'
 */
export async function listUploadParts(
  client: AwsClient | AwsClientOptions,
  options: ListUploadPartsOptions,
): Promise<Map<number, StoredPart>> {
  const aws = clientOf(client, options, 'listUploadParts', '{ url, uploadId }')
  const url = objectUrl(options.url)
  const uploadId = checkedUploadId(options.uploadId)
  const algorithm = options.checksum === undefined ? undefined : checksumAlgorithm(options.checksum, 'options.checksum')
  const signal = checkedSignal(options.signal)
  const parts = new Map<number, StoredPart>()
  // The marker must move forward, page by page: a store (or a proxy) that repeats a page would be asked forever.
  let marker = 0
  let listed = 0
  for (;;) {
    const parameters: Record<string, string> = { uploadId, 'max-parts': String(LIST_PAGE_SIZE) }
    if (marker) parameters['part-number-marker'] = String(marker)
    const page = await s3Request(aws, subresource(url, parameters), { signal }, async (response) => {
      if (!response.ok) {
        const error = await refusal(response)
        if (error.code === 'NoSuchUpload')
          throw new UploadError(
            'ERR_UPLOAD_NOT_FOUND',
            `S3 has no upload ${uploadId} for this object (completed, aborted or expired): upload again without uploadId`,
            error,
          )
        throw new UploadError(
          'ERR_UPLOAD_REQUEST_FAILED',
          `S3 refused ListParts (${error.code}): ${error.message}`,
          error,
          uploadId,
        )
      }
      return parseListParts(await response.text(), algorithm)
    })
    if (!page) throw listingError('the answer is not a ListPartsResult', uploadId)
    for (const part of page.parts) {
      checkListedPart(part, uploadId)
      parts.set(part.partNumber, part)
    }
    listed += page.parts.length
    if (listed > MAX_PARTS) throw listingError(`it lists more than ${MAX_PARTS} parts`, uploadId)
    if (page.nextPartNumberMarker === undefined) return parts
    const next = Number(page.nextPartNumberMarker)
    const highest = Math.max(marker, ...page.parts.map((part) => part.partNumber))
    if (!page.parts.length || !Number.isInteger(next) || next <= marker || next < highest || next > MAX_PARTS)
      throw listingError(
        `page after part ${marker} says more parts follow after ${JSON.stringify(page.nextPartNumberMarker)}: ` +
          'the listing does not move forward',
        uploadId,
      )
    marker = next
  }
}

// A listed part as S3 can hold it: numbered 1..10,000, at most 5 GiB (a resume adopts its size as the part size).
function checkListedPart(part: StoredPart, uploadId: string): void {
  if (part.partNumber < 1 || part.partNumber > MAX_PARTS)
    throw listingError(`part number ${part.partNumber} is outside 1..${MAX_PARTS}`, uploadId)
  if (part.size < 0 || part.size > MAX_PART_SIZE)
    throw listingError(`part ${part.partNumber} has a size of ${part.size} bytes, outside S3's 0..5 GiB`, uploadId)
}

/** What {@link completeUpload} needs: the upload and its parts (any order). */
export interface CompleteUploadOptions {
  /** The object's URL. */
  url: string | URL
  /** The multipart upload to complete. */
  uploadId: string
  /** Each part's number and ETag, and its checksum when the upload was created with a checksum algorithm. */
  parts: readonly { partNumber: number; etag: string; checksum?: string }[]
  /** The upload's checksum algorithm and type (as given to CreateMultipartUpload). */
  checksum?: ChecksumAlgorithm
  /** `COMPOSITE` (checksum of the part checksums) or `FULL_OBJECT` (a CRC of the whole object). */
  checksumType?: ChecksumType
  /** For `FULL_OBJECT`: the whole object's checksum, for S3 to check. */
  objectChecksum?: string
  /** Cancels the request. */
  signal?: AbortSignal
}

/**
 * CompleteMultipartUpload: joins the parts into the object. S3 can refuse with a 200 answer that holds an error:
 * that is read as the failure it is. Failures are `UploadError`s that keep `uploadId` (retry or abort).
 *
 * @example
 * const { location, etag } = await completeUpload(client, { url, uploadId, parts: [{ partNumber: 1, etag: '"…"' }] })
 */
export async function completeUpload(
  client: AwsClient | AwsClientOptions,
  options: CompleteUploadOptions,
): Promise<{ location: string; etag: string; checksum?: string }> {
  const aws = clientOf(client, options, 'completeUpload', '{ url, uploadId, parts }')
  const url = objectUrl(options.url)
  const uploadId = checkedUploadId(options.uploadId)
  const algorithm = options.checksum === undefined ? undefined : checksumAlgorithm(options.checksum, 'options.checksum')
  const signal = checkedSignal(options.signal)
  const headers: Record<string, string> = { 'content-type': 'application/xml' }
  if (algorithm && options.checksumType) headers['x-amz-checksum-type'] = String(options.checksumType)
  if (algorithm && options.objectChecksum) headers[checksumHeader(algorithm)] = String(options.objectChecksum)
  checkCompletedParts(options.parts, uploadId)
  const init = { method: 'POST', headers: headersOf(headers), body: completeDocument(options.parts, algorithm), signal }
  let response: Response
  let text: string
  try {
    ;({ response, text } = await s3Request(aws, subresource(url, { uploadId }), init, async (answer) => ({
      response: answer,
      text: await answer.text(),
    })))
  } catch (error) {
    if (signal?.aborted) throw error
    throw new UploadError(
      'ERR_UPLOAD_COMPLETE_FAILED',
      `CompleteMultipartUpload failed (see cause): retry it, or resume with the uploadId`,
      error,
      uploadId,
    )
  }
  const completed = response.ok ? parseComplete(text, algorithm) : undefined
  if (completed) return { ...completed, location: completed.location || url.href }
  // A refusal, or a 200 whose body is an <Error> (S3 sends that when the completion fails after it has begun).
  const error = await AwsError.from(new Response(text, { status: response.status, headers: response.headers }))
  if (error.code === 'EntityTooSmall')
    throw new UploadError(
      'ERR_UPLOAD_PART_TOO_SMALL',
      `S3 refused the parts: every part but the last must be at least 5 MiB (${error.message})`,
      error,
      uploadId,
    )
  throw new UploadError(
    'ERR_UPLOAD_COMPLETE_FAILED',
    `S3 did not complete upload ${uploadId} (${error.code}: ${error.message}): resume with this uploadId, or abortUpload it`,
    error,
    uploadId,
  )
}

/** What {@link abortUpload} needs. */
export interface AbortUploadOptions {
  /** The object's URL. */
  url: string | URL
  /** The multipart upload to abort. */
  uploadId: string
}

/**
 * AbortMultipartUpload: discards a multipart upload and its stored parts. An upload that is already gone counts
 * as aborted.
 *
 * @example
 * await abortUpload(client, { url, uploadId })
 */
export async function abortUpload(client: AwsClient | AwsClientOptions, options: AbortUploadOptions): Promise<void> {
  const aws = clientOf(client, options, 'abortUpload', '{ url, uploadId }')
  const url = objectUrl(options.url)
  const uploadId = checkedUploadId(options.uploadId)
  const response = await aws.fetch(subresource(url, { uploadId }), { method: 'DELETE' })
  if (response.ok) {
    await response.body?.cancel()
    return
  }
  const error = await refusal(response)
  if (error.code === 'NoSuchUpload') return
  throw new UploadError(
    'ERR_UPLOAD_REQUEST_FAILED',
    `S3 refused AbortMultipartUpload (${error.code}): ${error.message}`,
    error,
    uploadId,
  )
}

// The parts a completion lists: 1..10,000 of them, each numbered 1..10,000 once, with an ETag.
function checkCompletedParts(parts: unknown, uploadId: string): void {
  if (!Array.isArray(parts) || parts.length < 1 || parts.length > MAX_PARTS)
    throw new UploadError(
      'ERR_INVALID_OPTION',
      `CompleteMultipartUpload needs options.parts: a list of 1..${MAX_PARTS} parts`,
      undefined,
      uploadId,
    )
  const seen = new Set<number>()
  for (const part of parts as unknown[]) {
    const partNumber = isRecord(part) ? part.partNumber : undefined
    if (typeof partNumber !== 'number' || !Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS)
      throw new UploadError(
        'ERR_INVALID_OPTION',
        `Each part needs a partNumber in 1..${MAX_PARTS}`,
        undefined,
        uploadId,
      )
    if (seen.has(partNumber))
      throw new UploadError('ERR_INVALID_OPTION', `Part ${partNumber} is listed twice`, undefined, uploadId)
    seen.add(partNumber)
    if (typeof (part as { etag?: unknown }).etag !== 'string')
      throw new UploadError('ERR_INVALID_OPTION', `Part ${partNumber} needs its etag (a string)`, undefined, uploadId)
  }
}

/**
 * Discards a multipart upload after `failure`; when S3 cannot be told, the upload is handed back instead
 * (`ERR_UPLOAD_LEFT_BEHIND` with its id), so that no upload is left where nobody knows of it.
 */
export async function discardAfter(failure: unknown, url: URL, uploadId: string, client: AwsClient): Promise<unknown> {
  try {
    await abortUpload(client, { url, uploadId })
    return failure
  } catch (abortError) {
    const first = failure instanceof Error ? failure.message : String(failure)
    return new UploadError(
      'ERR_UPLOAD_LEFT_BEHIND',
      `The upload stopped (${first}) and AbortMultipartUpload failed too (${(abortError as Error).message}): ` +
        `upload ${uploadId} and its parts are still on S3; resume it with this uploadId, or abortUpload it later`,
      failure,
      uploadId,
    )
  }
}
