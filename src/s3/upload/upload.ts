// Big uploads to S3 on AwsClient: a single PUT for small bodies, else a multipart upload with parts in parallel,
// progress, abort, resume from ListParts, and presigned part URLs for pages that hold no credentials.
import { AwsError } from '../../client/aws-error.js'
import { checksumAlgorithm, checksumHeader, type ChecksumAlgorithm } from '../../core/checksum-algorithms.js'
import { checksum } from '../checksum.js'
import { AwsClient, type AwsClientOptions, type AwsRequestInit } from '../../client/client.js'
import { combineCrc, type CombinableCrc } from '../crc-combine.js'
import { SigV4Error, type SigV4ErrorCode } from '../../core/errors.js'
import { md5Hex } from '../md5.js'
import { completeDocument, parseComplete, parseInitiate, parseListParts, type StoredPart } from '../xml.js'
import { isRecord } from '../../core/options.js'
import { headersOf, refuseRewrittenKey } from '../../core/request.js'
import { utf8 } from '../../core/webcrypto.js'

/** Bytes fetch can send (a view of an ArrayBuffer, not of a SharedArrayBuffer). */
type Bytes = Uint8Array<ArrayBuffer>

const MIB = 1024 * 1024
/** Default part size: 8 MiB, like the AWS SDKs. */
const DEFAULT_PART_SIZE = 8 * MIB
/** S3's smallest part (every part but the last). */
const MIN_PART_SIZE = 5 * MIB
/** S3's largest part. */
const MAX_PART_SIZE = 5 * 1024 * MIB
/** S3's most parts in one upload. */
const MAX_PARTS = 10_000
const DEFAULT_CONCURRENCY = 4
/** ListParts pages: S3's largest page. */
const LIST_PAGE_SIZE = 1000

/**
 * How S3 combines part checksums into the object's: `FULL_OBJECT`, the checksum of the whole object (CRC32,
 * CRC32C, CRC64NVME), or `COMPOSITE`, the checksum of the concatenated part checksums followed by `-<parts>`
 * (CRC32, CRC32C, SHA-1, SHA-256).
 */
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE'

/** A part as ListParts reports it (what {@link listUploadParts} returns, by part number). */
export type { StoredPart }

/** Which checksum types S3 supports for each algorithm, the default first. */
const CHECKSUM_TYPES: Record<ChecksumAlgorithm, readonly ChecksumType[]> = {
  crc32: ['FULL_OBJECT', 'COMPOSITE'],
  crc32c: ['FULL_OBJECT', 'COMPOSITE'],
  crc64nvme: ['FULL_OBJECT'],
  sha1: ['COMPOSITE'],
  sha256: ['COMPOSITE'],
}

/** The CORS rule a bucket needs so that pages can read part ETags (JSON form of the S3 console / PutBucketCors). */
const CORS_EXPOSE_ETAG = '"ExposeHeaders": ["ETag"] (XML: <ExposeHeader>ETag</ExposeHeader>)'

/** What `upload` sends: a Blob or File (sliced, never copied whole), bytes, a string (UTF-8) or a stream of bytes. */
export type UploadBody = Blob | ArrayBuffer | ArrayBufferView | string | ReadableStream<Uint8Array>

/** Progress of an upload, reported after each part is stored (or found stored, when resuming). */
export interface UploadProgress {
  /** Bytes stored so far. */
  loaded: number
  /** The body's size; unknown for a stream. */
  total?: number
  /** The part this report is about (1 for a single PUT). */
  part: number
  /** The multipart upload's id (none for a single PUT): keep it to resume after a crash. */
  uploadId?: string
}

/** One stored part. */
export interface UploadedPart {
  /** The part's number, 1 to 10,000: its place in the object. */
  partNumber: number
  /** As S3 sends it, quotes included. */
  etag: string
  /** Bytes in the part. */
  size: number
  /** The part's checksum (base64), with the `checksum` option. */
  checksum?: string
}

/** What `upload` resolves to. */
export interface UploadResult {
  /** The object's URL (S3's `Location` for a multipart upload). */
  location: string
  /** The object's ETag as S3 sends it, quotes included (`"<md5>-<parts>"` for a multipart upload). */
  etag: string
  /** The multipart upload's id; none for a single PUT. */
  uploadId?: string
  /** The parts, in order; empty for a single PUT. */
  parts: UploadedPart[]
  /**
   * With the `checksum` option: the object's checksum as S3 stores it (and has checked, when it sends it back):
   * of the whole object for a single PUT or `FULL_OBJECT`, `<checksum of the part checksums>-<parts>` for `COMPOSITE`.
   */
  checksum?: string
}

/** Options of {@link upload}. */
export interface UploadOptions {
  /** The object's URL, e.g. `https://bucket.s3.eu-west-1.amazonaws.com/videos/a.mp4`. */
  url: string | URL
  /** What to upload: a Blob/File (sliced, never read whole), bytes, a string, or a stream of unknown length. */
  body: UploadBody
  /** Bytes per part (default 8 MiB, at least 5 MiB); grown when the body would need more than 10,000 parts. */
  partSize?: number
  /** Parts in flight at once (default 4). A stream holds at most `concurrency × partSize` bytes. */
  concurrency?: number
  /** Cancels the parts in flight, then aborts the multipart upload (see `keepPartsOnAbort`); rejects with the reason. */
  signal?: AbortSignal
  /** Called after each part is stored. */
  onProgress?: (progress: UploadProgress) => void
  /**
   * Called once a new multipart upload is created, before any part is sent: keep the id to resume (or abort) even
   * when a pause or a crash comes before the first part is stored. Not called for a single PUT or a resume.
   */
  onCreate?: (upload: { uploadId: string }) => void
  /** Resume this multipart upload: the parts S3 already has (same size and ETag) are not sent again. */
  uploadId?: string
  /** On abort, leave the multipart upload and its parts in place, to resume later with `uploadId` (a pause). */
  keepPartsOnAbort?: boolean
  /** Headers of the object (content-type, cache-control, x-amz-meta-*, ...); a File's type is the default content-type. */
  headers?: HeadersInit
  /** Send each part's checksum (`x-amz-checksum-<algorithm>`, checked by S3) and the object's at completion. */
  checksum?: ChecksumAlgorithm
  /** How the object's checksum is made (default `FULL_OBJECT` for the CRCs, `COMPOSITE` for SHA-1 and SHA-256). */
  checksumType?: ChecksumType
}

// The checksum settings of one upload.
interface ChecksumPlan {
  algorithm: ChecksumAlgorithm
  type: ChecksumType
}

// FULL_OBJECT is offered for the CRCs only (CHECKSUM_TYPES), and those combine.
const isCombinable = (algorithm: ChecksumAlgorithm): algorithm is CombinableCrc => algorithm.startsWith('crc')

function checksumPlan(options: { checksum?: unknown; checksumType?: unknown }): ChecksumPlan | undefined {
  if (options.checksum === undefined) {
    if (options.checksumType !== undefined)
      throw new UploadError('ERR_INVALID_OPTION', 'options.checksumType needs options.checksum (the algorithm)')
    return undefined
  }
  const algorithm = checksumAlgorithm(options.checksum, 'options.checksum')
  const supported = CHECKSUM_TYPES[algorithm]
  const type = (options.checksumType ?? supported[0]) as ChecksumType
  if (!supported.includes(type))
    throw new UploadError(
      'ERR_INVALID_OPTION',
      `S3 supports checksumType ${supported.join(' or ')} for ${algorithm}, not ${JSON.stringify(options.checksumType)}`,
    )
  return { algorithm, type }
}

/** S3's name of an algorithm in `x-amz-checksum-algorithm`. */
const algorithmName = (algorithm: ChecksumAlgorithm): string => algorithm.toUpperCase()

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (character) => character.charCodeAt(0))
}

/**
 * The composite checksum S3 computes for a multipart upload: the checksum of the concatenated (decoded) part
 * checksums, base64, then `-` and the number of parts.
 *
 * @example
 * await compositeChecksum('crc32', [part1Checksum, part2Checksum]) // 'abCdEf==-2'
 */
export async function compositeChecksum(
  algorithm: ChecksumAlgorithm,
  partChecksums: readonly string[],
): Promise<string> {
  const decoded = partChecksums.map(fromBase64)
  const joined = new Uint8Array(decoded.reduce((length, bytes) => length + bytes.length, 0))
  let offset = 0
  for (const bytes of decoded) {
    joined.set(bytes, offset)
    offset += bytes.length
  }
  return `${await checksum(joined, algorithm)}-${partChecksums.length}`
}

/**
 * The error of a failed upload, with `uploadId` when the multipart upload is left in place: pass it back to
 * `upload` to resume, or to `abortUpload` to discard the stored parts.
 *
 * @example
 * try {
 *   await upload(client, { url, body: file })
 * } catch (error) {
 *   if (error instanceof UploadError && error.uploadId) await upload(client, { url, body: file, uploadId: error.uploadId })
 * }
 */
export class UploadError extends SigV4Error {
  /** The multipart upload this error leaves behind, if any. */
  readonly uploadId?: string

  /** An upload error with its code and message; `uploadId` is the multipart upload left in place, if any. */
  constructor(code: SigV4ErrorCode, message: string, cause?: unknown, uploadId?: string) {
    super(code, message, cause)
    this.name = 'UploadError'
    if (uploadId) this.uploadId = uploadId
  }
}

// A body cut into parts: Blobs are sliced, bytes viewed, streams read into one buffer per part.
interface PartSource {
  /** Size in bytes, when known. */
  readonly total?: number
  /** The next part (at most `size` bytes), or undefined at the end. */
  next(size: number): Promise<Blob | Bytes | undefined>
  /** Whether the body is finished (peeks at a stream). */
  atEnd(): Promise<boolean>
  /** Stops reading (a stream is cancelled). */
  cancel(reason: unknown): Promise<void>
}

function blobSource(blob: Blob): PartSource {
  let position = 0
  return {
    total: blob.size,
    next: (size) => {
      if (position >= blob.size) return Promise.resolve(undefined)
      const part = blob.slice(position, Math.min(blob.size, position + size))
      position += part.size
      return Promise.resolve(part)
    },
    atEnd: () => Promise.resolve(position >= blob.size),
    cancel: () => Promise.resolve(),
  }
}

function bytesSource(bytes: Bytes): PartSource {
  let position = 0
  return {
    total: bytes.length,
    next: (size) => {
      if (position >= bytes.length) return Promise.resolve(undefined)
      const part = bytes.subarray(position, Math.min(bytes.length, position + size))
      position += part.length
      return Promise.resolve(part)
    },
    atEnd: () => Promise.resolve(position >= bytes.length),
    cancel: () => Promise.resolve(),
  }
}

function streamSource(stream: ReadableStream<Uint8Array>): PartSource {
  let reader: ReadableStreamDefaultReader<Uint8Array>
  try {
    reader = stream.getReader()
  } catch (error) {
    throw new UploadError('ERR_UPLOAD_BODY', 'The body stream is locked or already read: pass a fresh stream', error)
  }
  // A chunk read past the end of the previous part.
  let leftover: Bytes | undefined
  let finished = false
  async function chunk(): Promise<Bytes | undefined> {
    if (leftover) {
      const taken = leftover
      leftover = undefined
      return taken
    }
    while (!finished) {
      let result: ReadableStreamReadResult<Uint8Array>
      try {
        result = await reader.read()
      } catch (error) {
        throw new UploadError('ERR_UPLOAD_BODY', 'Reading the body stream failed: see cause', error)
      }
      if (result.done) finished = true
      else if (!(result.value instanceof Uint8Array))
        throw new UploadError('ERR_UPLOAD_BODY', 'The body stream must yield Uint8Array chunks (not text)')
      else if (result.value.length) return result.value as Bytes
    }
    return undefined
  }
  return {
    async next(size) {
      // One buffer per part: memory is a part per slot, whatever the sizes of the stream's chunks.
      let part: Bytes
      try {
        part = new Uint8Array(size)
      } catch (error) {
        throw new UploadError(
          'ERR_UPLOAD_BODY',
          `This runtime cannot hold a part of ${size} bytes of the stream in memory: pass a smaller partSize`,
          error,
        )
      }
      let filled = 0
      while (filled < size) {
        const bytes = await chunk()
        if (!bytes) break
        const taken = Math.min(bytes.length, size - filled)
        part.set(bytes.subarray(0, taken), filled)
        filled += taken
        if (taken < bytes.length) leftover = bytes.subarray(taken)
      }
      if (filled === 0) return undefined
      return filled === size ? part : part.subarray(0, filled)
    },
    async atEnd() {
      leftover = await chunk()
      return !leftover
    },
    cancel: (reason) => reader.cancel(reason).catch(() => undefined),
  }
}

function partSource(body: UploadBody): PartSource {
  if (typeof body === 'string') return bytesSource(utf8(body))
  if (typeof Blob !== 'undefined' && body instanceof Blob) return blobSource(body)
  if (body instanceof ArrayBuffer) return bytesSource(new Uint8Array(body))
  if (ArrayBuffer.isView(body)) {
    const view = new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
    // fetch cannot send a view of a SharedArrayBuffer: that one is copied.
    return bytesSource(view.buffer instanceof ArrayBuffer ? (view as Bytes) : view.slice())
  }
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) return streamSource(body)
  throw new UploadError('ERR_UPLOAD_BODY', 'Pass the body as a Blob or File, bytes, a string or a ReadableStream')
}

const sizeOf = (part: Blob | Bytes): number => (part instanceof Uint8Array ? part.length : part.size)

async function bytesOf(part: Blob | Bytes): Promise<Bytes> {
  return part instanceof Uint8Array ? part : new Uint8Array(await part.arrayBuffer())
}

// The part size: the requested one, grown (in whole MiB) so that a known size fits in MAX_PARTS parts.
function choosePartSize(requested: number | undefined, total: number | undefined): number {
  const size = requested ?? DEFAULT_PART_SIZE
  if (!Number.isSafeInteger(size) || size <= 0)
    throw new UploadError('ERR_INVALID_OPTION', `options.partSize must be a whole number of bytes, not ${size}`)
  if (size < MIN_PART_SIZE)
    throw new UploadError(
      'ERR_UPLOAD_PART_TOO_SMALL',
      `options.partSize is ${size} bytes: S3 needs at least 5 MiB (${MIN_PART_SIZE}) per part but the last`,
    )
  if (size > MAX_PART_SIZE)
    throw new UploadError('ERR_INVALID_OPTION', `options.partSize is ${size} bytes: S3 takes at most 5 GiB per part`)
  const needed = total === undefined ? 0 : Math.ceil(Math.ceil(total / MAX_PARTS) / MIB) * MIB
  const chosen = Math.max(size, needed)
  if (chosen > MAX_PART_SIZE)
    throw new UploadError('ERR_UPLOAD_TOO_LARGE', `The body (${total} bytes) is larger than S3's 10,000 parts of 5 GiB`)
  return chosen
}

function checkConcurrency(value: number | undefined): number {
  const concurrency = value ?? DEFAULT_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UploadError('ERR_INVALID_OPTION', `options.concurrency must be a whole number >= 1, not ${concurrency}`)
  return concurrency
}

/** The object URL with S3 subresource parameters (`?uploads`, `?partNumber=1&uploadId=…`). */
function subresource(url: URL, parameters: Record<string, string>): URL {
  const result = new URL(url)
  for (const [name, value] of Object.entries(parameters)) result.searchParams.set(name, value)
  return result
}

function objectUrl(url: string | URL): URL {
  // Every upload path addresses an S3 object: its key is sent as written or not at all.
  if (typeof url === 'string') refuseRewrittenKey(url, true)
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

const toClient = (client: AwsClient | AwsClientOptions): AwsClient =>
  client instanceof AwsClient ? client : new AwsClient(client)

/** How {@link s3Request} treats an answer that arrives after the abort. */
interface LateAnswer<T> {
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
async function s3Request<T>(
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
async function refusal(response: Response): Promise<AwsError> {
  return AwsError.from(response)
}

function etagHidden(uploadId?: string): UploadError {
  return new UploadError(
    'ERR_UPLOAD_ETAG_HIDDEN',
    `S3 stored the data but its answer has no ETag header. In a browser, the bucket's CORS configuration must ` +
      `expose it: add ${CORS_EXPOSE_ETAG} to the CORS rule that allows this origin`,
    undefined,
    uploadId,
  )
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
 * const uploadId = await createUpload({ url, headers: { 'content-type': 'video/mp4' } }, client)
 */
export async function createUpload(
  options: CreateUploadOptions,
  client: AwsClient | AwsClientOptions,
): Promise<string> {
  checkedRecord(options, 'createUpload', '{ url, headers? }')
  const url = objectUrl(options.url)
  const aws = toClient(client)
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
    { late: (uploadId) => void abortUpload({ url, uploadId }, aws).catch(() => undefined) },
  )
}

/** The options record of a call, or a typed error that shows what to pass. */
function checkedRecord(options: unknown, call: string, shape: string): void {
  if (!isRecord(options)) throw new UploadError('ERR_INVALID_OPTION', `Pass ${call}() its options: ${shape}`)
}

function checkedSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal
  throw new UploadError('ERR_INVALID_OPTION', 'options.signal must be an AbortSignal (controller.signal)')
}

function checkedUploadId(uploadId: unknown, name = 'options.uploadId'): string {
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
 * const stored = await listUploadParts({ url, uploadId }, client)
 * stored.get(1)?.etag // '"9b2cf535f27731c974343645a3985328"'
 */
export async function listUploadParts(
  options: ListUploadPartsOptions,
  client: AwsClient | AwsClientOptions,
): Promise<Map<number, StoredPart>> {
  checkedRecord(options, 'listUploadParts', '{ url, uploadId }')
  const url = objectUrl(options.url)
  const uploadId = checkedUploadId(options.uploadId)
  const algorithm = options.checksum === undefined ? undefined : checksumAlgorithm(options.checksum, 'options.checksum')
  const signal = checkedSignal(options.signal)
  const aws = toClient(client)
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

function listingError(why: string, uploadId: string): UploadError {
  return new UploadError(
    'ERR_UPLOAD_RESPONSE',
    `The ListParts answer cannot be used (${why}): is the endpoint S3, and not a proxy that changes its answers?`,
    undefined,
    uploadId,
  )
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
 * const { location, etag } = await completeUpload({ url, uploadId, parts: [{ partNumber: 1, etag: '"…"' }] }, client)
 */
export async function completeUpload(
  options: CompleteUploadOptions,
  client: AwsClient | AwsClientOptions,
): Promise<{ location: string; etag: string; checksum?: string }> {
  checkedRecord(options, 'completeUpload', '{ url, uploadId, parts }')
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
    ;({ response, text } = await s3Request(toClient(client), subresource(url, { uploadId }), init, async (answer) => ({
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
 * await abortUpload({ url, uploadId }, client)
 */
export async function abortUpload(options: AbortUploadOptions, client: AwsClient | AwsClientOptions): Promise<void> {
  checkedRecord(options, 'abortUpload', '{ url, uploadId }')
  const url = objectUrl(options.url)
  const uploadId = checkedUploadId(options.uploadId)
  const response = await toClient(client).fetch(subresource(url, { uploadId }), { method: 'DELETE' })
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

// The default object headers: the caller's, plus a File's type as content-type.
function objectHeaders(options: UploadOptions): Headers {
  const headers = headersOf(options.headers)
  const { body } = options
  if (!headers.has('content-type') && typeof Blob !== 'undefined' && body instanceof Blob && body.type)
    headers.set('content-type', body.type)
  return headers
}

/** A caller's callback, run so that its failure is an `UploadError` (the multipart upload is then aborted). */
function runCallback<T>(name: string, callback: ((value: T) => void) | undefined, value: T): void {
  try {
    callback?.(value)
  } catch (error) {
    throw new UploadError('ERR_UPLOAD_CALLBACK', `options.${name} threw (see cause): the upload was stopped`, error)
  }
}

/** The options of `upload`, checked before any request is sent. */
interface CheckedUpload {
  url: URL
  concurrency: number
  checksum: ChecksumPlan | undefined
  signal: AbortSignal | undefined
  uploadId: string | undefined
}

function checkUploadOptions(options: UploadOptions): CheckedUpload {
  checkedRecord(options, 'upload', '{ url, body, ... }')
  const url = objectUrl(options.url)
  for (const name of ['onProgress', 'onCreate'] as const)
    if (options[name] !== undefined && typeof options[name] !== 'function')
      throw new UploadError('ERR_INVALID_OPTION', `options.${name} must be a function`)
  if (options.keepPartsOnAbort !== undefined && typeof options.keepPartsOnAbort !== 'boolean')
    throw new UploadError('ERR_INVALID_OPTION', 'options.keepPartsOnAbort must be true or false')
  objectHeaders(options)
  return {
    url,
    concurrency: checkConcurrency(options.concurrency),
    checksum: checksumPlan(options),
    signal: checkedSignal(options.signal),
    uploadId: options.uploadId === undefined ? undefined : checkedUploadId(options.uploadId),
  }
}

async function putObject(
  client: AwsClient,
  url: URL,
  data: Blob | Bytes,
  options: UploadOptions,
  plan: ChecksumPlan | undefined,
  signal: AbortSignal,
): Promise<UploadResult> {
  const headers = objectHeaders(options)
  let objectChecksum: string | undefined
  if (plan) {
    data = await bytesOf(data)
    objectChecksum = await checksum(data, plan.algorithm)
    headers.set(checksumHeader(plan.algorithm), objectChecksum)
  }
  const etag = await s3Request(client, url, { method: 'PUT', body: data, headers, signal }, async (response) => {
    if (!response.ok) {
      const error = await refusal(response)
      throw new UploadError('ERR_UPLOAD_REQUEST_FAILED', `S3 refused the PUT (${error.code}): ${error.message}`, error)
    }
    await response.body?.cancel()
    return response.headers.get('etag')
  })
  if (!etag) throw etagHidden()
  const size = sizeOf(data)
  runCallback('onProgress', options.onProgress, { loaded: size, total: size, part: 1 })
  return { location: url.href, etag, parts: [], ...(objectChecksum && { checksum: objectChecksum }) }
}

/**
 * Uploads a body to S3: a single PUT when it is smaller than one part, else a multipart upload
 * (CreateMultipartUpload, `concurrency` UploadPart calls in flight, CompleteMultipartUpload). Every request
 * goes through `client.fetch`, so its retries, clock-skew correction and credential refresh apply to each part
 * on its own. A Blob or File is sliced, never read whole; a stream of unknown length holds at most
 * `concurrency × partSize` bytes. `signal` cancels the parts in flight and aborts the multipart upload (unless
 * `keepPartsOnAbort`), then rejects with the signal's reason. With `uploadId`, the parts S3 already holds are
 * listed (ListParts) and those with the same size and ETag (MD5) are not sent again.
 *
 * With `checksum`, each part carries its `x-amz-checksum-<algorithm>` (S3 refuses a part whose bytes differ) and
 * the completion the object's checksum (`FULL_OBJECT`: the CRC of every byte, checked by S3; `COMPOSITE`: the
 * checksum of the part checksums, `-N`, compared with S3's answer); resumed parts are then matched by checksum.
 *
 * Every option is checked before the first request. No upload is left on S3 without its id in your hands: a part
 * that fails after the client's retries, or a failed completion, rejects with an `UploadError` that keeps
 * `uploadId` (resume with it, or `abortUpload` it); any other failure, a throwing `onCreate` or `onProgress`
 * (`ERR_UPLOAD_CALLBACK`) and an abort during CreateMultipartUpload abort the multipart upload, and when that
 * abort fails too the error is `ERR_UPLOAD_LEFT_BEHIND` with the `uploadId`. The object key is the URL's path as
 * written: a URL string whose path the URL parser would rewrite (`..`, `\`) is refused (`ERR_INVALID_URL`).
 * In a browser, the bucket's CORS rules must expose `ETag` (`ERR_UPLOAD_ETAG_HIDDEN` says so).
 *
 * @example
 * const client = new AwsClient({ credentials, region: 'eu-west-1', service: 's3' })
 * const { location, etag } = await upload(client, {
 *   url: `https://${bucket}.s3.eu-west-1.amazonaws.com/videos/${encodeURIComponent(file.name)}`,
 *   body: file,
 *   onProgress: ({ loaded, total }) => (bar.value = loaded / total!),
 * })
 */
export async function upload(client: AwsClient, options: UploadOptions): Promise<UploadResult> {
  if (!(client instanceof AwsClient))
    throw new UploadError('ERR_INVALID_OPTION', 'Pass an AwsClient as the first argument of upload()')
  const checked = checkUploadOptions(options)
  const { url, signal: userSignal } = checked
  const source = partSource(options.body)
  // One signal for every request of this upload: the caller's abort, or the first failure, stops them all.
  const controller = new AbortController()
  const forwardAbort = () => controller.abort(userSignal!.reason)
  if (userSignal?.aborted) {
    await source.cancel(userSignal.reason)
    throw userSignal.reason
  }
  userSignal?.addEventListener('abort', forwardAbort, { once: true })
  // A stream that stalls must not hold an aborted upload: cancelling it ends the pending read.
  const cancelSource = () => void source.cancel(controller.signal.reason)
  controller.signal.addEventListener('abort', cancelSource, { once: true })
  try {
    let partSize = choosePartSize(options.partSize, source.total)
    let stored = new Map<number, StoredPart>()
    if (checked.uploadId) {
      stored = await listUploadParts(
        { url, uploadId: checked.uploadId, checksum: checked.checksum?.algorithm, signal: controller.signal },
        client,
      )
      // A resumed upload keeps the part size it was started with: every stored part but the last has it
      // (listUploadParts has checked that none is over S3's 5 GiB).
      const largest = Math.max(0, ...[...stored.values()].map((part) => part.size))
      if (largest >= MIN_PART_SIZE) partSize = largest
    }
    const first = await source.next(partSize)
    if (!checked.uploadId && (!first || sizeOf(first) < partSize || (await source.atEnd())))
      return await putObject(client, url, first ?? new Uint8Array(0), options, checked.checksum, controller.signal)
    return await multipart(client, url, options, source, {
      first,
      partSize,
      concurrency: checked.concurrency,
      stored,
      controller,
      checksum: checked.checksum,
      uploadId: checked.uploadId,
    })
  } catch (error) {
    await source.cancel(error)
    throw userSignal?.aborted && !(error instanceof UploadError && error.code === 'ERR_UPLOAD_LEFT_BEHIND')
      ? userSignal.reason
      : error
  } finally {
    userSignal?.removeEventListener('abort', forwardAbort)
    controller.signal.removeEventListener('abort', cancelSource)
  }
}

interface MultipartPlan {
  first: Blob | Bytes | undefined
  partSize: number
  concurrency: number
  stored: Map<number, StoredPart>
  controller: AbortController
  checksum: ChecksumPlan | undefined
  /** The upload to resume, if any. */
  uploadId: string | undefined
}

/**
 * Discards a multipart upload after `failure`; when S3 cannot be told, the upload is handed back instead
 * (`ERR_UPLOAD_LEFT_BEHIND` with its id), so that no upload is left where nobody knows of it.
 */
async function discardAfter(failure: unknown, url: URL, uploadId: string, client: AwsClient): Promise<unknown> {
  try {
    await abortUpload({ url, uploadId }, client)
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

// The multipart path of `upload`: parts are read in order, at most `concurrency` held at once, and sent in parallel.
async function multipart(
  client: AwsClient,
  url: URL,
  options: UploadOptions,
  source: PartSource,
  plan: MultipartPlan,
): Promise<UploadResult> {
  const { partSize, concurrency, stored, controller, checksum: checksums } = plan
  const signal = controller.signal
  const createHeaders = objectHeaders(options)
  if (checksums) {
    createHeaders.set('x-amz-checksum-algorithm', algorithmName(checksums.algorithm))
    createHeaders.set('x-amz-checksum-type', checksums.type)
  }
  let uploadId = plan.uploadId
  if (uploadId === undefined) {
    uploadId = await createUpload({ url, headers: createHeaders, signal }, client)
    try {
      runCallback('onCreate', options.onCreate, { uploadId })
    } catch (error) {
      throw await discardAfter(error, url, uploadId, client)
    }
  }
  const done: UploadedPart[] = []
  let loaded = 0
  let failure: unknown
  const report = (part: UploadedPart) => {
    done.push(part)
    loaded += part.size
    runCallback('onProgress', options.onProgress, {
      loaded,
      ...(source.total !== undefined && { total: source.total }),
      part: part.partNumber,
      uploadId,
    })
  }

  // Whether S3 already holds these bytes as this part (a resumed upload): same size, and the same checksum
  // when S3 lists one, else the same MD5 as its ETag.
  const alreadyStored = (previous: StoredPart | undefined, bytes: Bytes, partChecksum: string | undefined) => {
    if (!previous || previous.size !== bytes.length) return false
    if (partChecksum && previous.checksum) return previous.checksum === partChecksum
    return previous.etag.replace(/"/g, '').toLowerCase() === md5Hex(bytes)
  }

  // Sends one part, unless S3 already holds the same bytes under that number.
  const sendPart = async (partNumber: number, data: Blob | Bytes, partChecksum?: string): Promise<void> => {
    const size = sizeOf(data)
    const previous = stored.get(partNumber)
    if (previous && previous.size === size) {
      const bytes = await bytesOf(data)
      if (alreadyStored(previous, bytes, partChecksum)) {
        report({ partNumber, etag: previous.etag, size, ...(partChecksum && { checksum: partChecksum }) })
        return
      }
      data = bytes
    }
    const headers: Record<string, string> = {}
    if (checksums && partChecksum) headers[checksumHeader(checksums.algorithm)] = partChecksum
    let etag: string | null
    try {
      etag = await s3Request(
        client,
        subresource(url, { partNumber: String(partNumber), uploadId }),
        { method: 'PUT', body: data, headers, signal },
        async (response) => {
          if (!response.ok) {
            const error = await refusal(response)
            throw new UploadError(
              'ERR_UPLOAD_PART_FAILED',
              `S3 refused part ${partNumber} (${error.code}: ${error.message}): resume with the uploadId, or abortUpload it`,
              error,
              uploadId,
            )
          }
          await response.body?.cancel()
          return response.headers.get('etag')
        },
      )
    } catch (error) {
      if (signal.aborted) throw signal.reason
      if (error instanceof UploadError) throw error
      throw new UploadError(
        'ERR_UPLOAD_PART_FAILED',
        `Part ${partNumber} failed after the client's retries: resume with the uploadId`,
        error,
        uploadId,
      )
    }
    if (!etag) throw etagHidden(uploadId)
    report({ partNumber, etag, size, ...(partChecksum && { checksum: partChecksum }) })
  }

  const inFlight = new Set<Promise<void>>()
  let data = plan.first
  let objectCrc: string | undefined
  try {
    for (let partNumber = 1; data; partNumber++) {
      if (partNumber > MAX_PARTS)
        throw new UploadError(
          'ERR_UPLOAD_TOO_LARGE',
          `The stream is longer than 10,000 parts of ${partSize} bytes: pass a larger partSize`,
        )
      let partChecksum: string | undefined
      if (checksums) {
        data = await bytesOf(data)
        partChecksum = await checksum(data, checksums.algorithm)
        // The object's CRC, extended part by part in order from each part's CRC (no second pass over the bytes).
        if (checksums.type === 'FULL_OBJECT' && isCombinable(checksums.algorithm))
          objectCrc =
            objectCrc === undefined
              ? partChecksum
              : combineCrc(checksums.algorithm, objectCrc, partChecksum, data.length)
      }
      const task: Promise<void> = sendPart(partNumber, data, partChecksum)
        .catch((error: unknown) => {
          failure ??= error
          controller.abort(error)
        })
        .finally(() => inFlight.delete(task))
      inFlight.add(task)
      // Wait for a free slot before reading the next part: that is what bounds the memory of a stream.
      while (inFlight.size >= concurrency) await Promise.race(inFlight)
      if (signal.aborted) break
      data = await source.next(partSize)
    }
    await Promise.all(inFlight)
    if (signal.aborted) throw failure ?? signal.reason
  } catch (error) {
    controller.abort(error)
    await Promise.all(inFlight)
    const userAborted = options.signal?.aborted === true
    const cause: unknown = userAborted ? options.signal!.reason : (failure ?? error)
    // Kept: an upload that can be resumed (a part failed, or the caller pauses). Discarded: an abort, and errors
    // that no resume can fix.
    const keep = userAborted
      ? options.keepPartsOnAbort === true
      : cause instanceof UploadError && cause.code === 'ERR_UPLOAD_PART_FAILED'
    throw keep ? cause : await discardAfter(cause, url, uploadId, client)
  }
  done.sort((a, b) => a.partNumber - b.partNumber)
  let objectChecksum: string | undefined
  if (checksums)
    objectChecksum =
      checksums.type === 'FULL_OBJECT'
        ? objectCrc
        : await compositeChecksum(
            checksums.algorithm,
            done.map((part) => part.checksum!),
          )
  const completed = await completeUpload(
    {
      url,
      uploadId,
      parts: done,
      signal,
      ...(checksums && {
        checksum: checksums.algorithm,
        checksumType: checksums.type,
        ...(checksums.type === 'FULL_OBJECT' && { objectChecksum }),
      }),
    },
    client,
  )
  // S3 checked the parts' checksums and, for FULL_OBJECT, ours of the object; a different one in its answer
  // means the object is not what was sent.
  if (objectChecksum && completed.checksum && completed.checksum !== objectChecksum)
    throw new UploadError(
      'ERR_UPLOAD_CHECKSUM_MISMATCH',
      `S3 stored the object with checksum ${completed.checksum}, not ${objectChecksum}: upload it again`,
    )
  return {
    location: completed.location,
    etag: completed.etag,
    uploadId,
    parts: done,
    ...(objectChecksum && { checksum: objectChecksum }),
  }
}

/** Options of {@link presignUpload}. */
export interface PresignUploadOptions {
  /** The object's URL. */
  url: string | URL
  /**
   * How many parts the page will upload (1 to 10,000): `Math.ceil(file.size / partSize)`. May be left out when
   * `size` and `partSize` are given.
   */
  parts?: number
  /**
   * The object's size in bytes, with `partSize`: each part URL then signs its part's `content-length`, so S3 refuses
   * a PUT of any other length (without them a part URL stores up to 5 GiB, whatever the page said it would send).
   */
  size?: number
  /** Bytes per part with `size` (at least 5 MiB unless there is one part, at most 5 GiB); the last part holds the rest. */
  partSize?: number
  /** Seconds each part URL stays valid (default 3600). */
  expiresIn?: number
  /** Headers of the object (content-type, x-amz-meta-*, ...), sent with CreateMultipartUpload. */
  headers?: HeadersInit
}

/** What {@link presignUpload} returns: the upload id and one presigned PUT URL per part. */
export interface PresignedUpload {
  /** The multipart upload the part URLs belong to: complete or abort it with this id. */
  uploadId: string
  /**
   * One presigned UploadPart URL per part: PUT the part's bytes to it with plain fetch. With `size`, `size` is the
   * part's length, signed into the URL (S3 refuses any other).
   */
  parts: { partNumber: number; url: string; size?: number }[]
}

// The length of each part with `size` and `partSize`, or `undefined` (only the count is known).
function partLengths(options: PresignUploadOptions): { count: number; lengths?: number[] } {
  const { size, partSize, parts } = options
  if (size === undefined && partSize === undefined) {
    if (!Number.isInteger(parts) || parts! < 1 || parts! > MAX_PARTS)
      throw new UploadError(
        'ERR_INVALID_OPTION',
        `options.parts must be a whole number of parts in 1..10000, not ${parts}`,
      )
    return { count: parts! }
  }
  if (!Number.isSafeInteger(size) || size! < 1)
    throw new UploadError('ERR_INVALID_OPTION', `options.size must be the object's size in bytes (>= 1), not ${size}`)
  if (!Number.isSafeInteger(partSize) || partSize! < 1 || partSize! > MAX_PART_SIZE)
    throw new UploadError('ERR_INVALID_OPTION', `options.partSize must be 1 byte to 5 GiB, not ${partSize}`)
  const count = Math.ceil(size! / partSize!)
  if (count > MAX_PARTS)
    throw new UploadError('ERR_UPLOAD_TOO_LARGE', `${size} bytes need more than 10,000 parts of ${partSize}`)
  if (count > 1 && partSize! < MIN_PART_SIZE)
    throw new UploadError('ERR_UPLOAD_PART_TOO_SMALL', `options.partSize must be at least 5 MiB when there are parts`)
  if (parts !== undefined && parts !== count)
    throw new UploadError('ERR_INVALID_OPTION', `options.parts is ${parts}, but ${size} bytes make ${count} parts`)
  const lengths = Array.from({ length: count }, (_, index) => Math.min(partSize!, size! - index * partSize!))
  return { count, lengths }
}

/**
 * For a server that holds the credentials (a Worker): starts a multipart upload and presigns one UploadPart URL
 * per part. The page PUTs each part to its URL with plain `fetch` (no credentials), reads the `ETag` of each
 * answer (the bucket's CORS rules must expose it), and sends the list back; the server then calls
 * `completeUpload` (or `abortUpload`). Pass `size` and `partSize` to bind each URL to its part's length: a page
 * that declared 1 MiB cannot store 5 GiB. Every option is checked (and one URL presigned) before
 * CreateMultipartUpload is sent; a failure after it aborts the upload (`ERR_UPLOAD_LEFT_BEHIND` with the
 * `uploadId` when that fails too).
 *
 * @example
 * // Worker
 * const { uploadId, parts } = await presignUpload({ url, size, partSize: 8 * 1024 * 1024, expiresIn: 900 }, client)
 * // page: const etag = (await fetch(parts[0].url, { method: 'PUT', body: file.slice(0, partSize) })).headers.get('etag')
 * // Worker, later
 * await completeUpload({ url, uploadId, parts: [{ partNumber: 1, etag }] }, client)
 */
export async function presignUpload(
  options: PresignUploadOptions,
  client: AwsClient | AwsClientOptions,
): Promise<PresignedUpload> {
  checkedRecord(options, 'presignUpload', '{ url, size, partSize } or { url, parts }')
  const { count, lengths } = partLengths(options)
  const aws = toClient(client)
  const url = objectUrl(options.url)
  const headers = options.headers === undefined ? undefined : headersOf(options.headers)
  const presignPart = (partNumber: number, uploadId: string) =>
    aws.presign(subresource(url, { partNumber: String(partNumber), uploadId }), {
      method: 'PUT',
      ...(lengths && { headers: { 'content-length': String(lengths[partNumber - 1]) } }),
      aws: { expiresIn: options.expiresIn ?? 3600 },
    })
  // A presign that refuses (expiresIn, credentials, region) does so now, before an upload exists on S3.
  await presignPart(count, 'check')
  const uploadId = await createUpload({ url, headers }, aws)
  const parts: PresignedUpload['parts'] = []
  try {
    for (let partNumber = 1; partNumber <= count; partNumber++) {
      const signed = await presignPart(partNumber, uploadId)
      parts.push({ partNumber, url: signed.href, ...(lengths && { size: lengths[partNumber - 1] }) })
    }
  } catch (error) {
    throw await discardAfter(error, url, uploadId, aws)
  }
  return { uploadId, parts }
}
