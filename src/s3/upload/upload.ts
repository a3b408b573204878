// upload(): a single PUT for small bodies, else a multipart upload with parts in parallel, progress, abort and
// resume from ListParts. The S3 calls are in calls.ts, the part sources in sources.ts.
import { AwsClient, type AwsRequestOptions } from '../../client/client.js'
import { checksumHeader } from '../../core/checksum-algorithms.js'
import { headersOf } from '../../core/request.js'
import { checksum } from '../checksum.js'
import { combineCrc } from '../crc-combine.js'
import { md5Hex } from '../md5.js'
import type { StoredPart } from '../xml.js'
import {
  checkedRecord,
  checkedSignal,
  checkedUploadId,
  completeUpload,
  createUpload,
  listUploadParts,
  objectUrl,
  discardAfter,
  refusal,
  s3Request,
  subresource,
} from './calls.js'
import { algorithmName, checksumPlan, compositeChecksum, isCombinable, type ChecksumPlan } from './checksums.js'
import { etagHidden, UploadError } from './errors.js'
import { bytesOf, partSource, sizeOf, type PartSource } from './sources.js'
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_PART_SIZE,
  MAX_PART_SIZE,
  MAX_PARTS,
  MIB,
  MIN_PART_SIZE,
  type Bytes,
  type UploadedPart,
  type UploadOptions,
  type UploadResult,
} from './types.js'

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
  /** Per-request signing options of the PUTs: `{ unsignedPayload: true }` when the checksum protects the body. */
  aws: AwsRequestOptions | undefined
  signal: AbortSignal | undefined
  uploadId: string | undefined
}

const PAYLOAD_SIGNINGS = ['auto', 'sha256', 'unsigned-with-checksum'] as const

/**
 * Whether the PUTs sign UNSIGNED-PAYLOAD (the signed x-amz-checksum-<algorithm> header protects the body, TLS its
 * secrecy) or the body's SHA-256. `auto` signs unsigned only over https with a checksum; nothing is ever sent
 * unsigned without a checksum.
 */
function payloadSigningOf(given: unknown, url: URL, plan: ChecksumPlan | undefined): AwsRequestOptions | undefined {
  if (given !== undefined && !PAYLOAD_SIGNINGS.includes(given as never))
    throw new UploadError(
      'ERR_INVALID_OPTION',
      // The value is not quoted: it may be anything (a BigInt or a cycle would make JSON.stringify throw).
      `Set options.payloadSigning to ${PAYLOAD_SIGNINGS.map((name) => `'${name}'`).join(', ')} or leave it out`,
    )
  if (given === 'unsigned-with-checksum' && !plan)
    throw new UploadError(
      'ERR_INVALID_OPTION',
      "options.payloadSigning 'unsigned-with-checksum' needs options.checksum: without one nothing would protect the body",
    )
  const unsigned =
    given === 'unsigned-with-checksum' || ((given ?? 'auto') === 'auto' && !!plan && url.protocol === 'https:')
  return unsigned ? { unsignedPayload: true } : undefined
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
  const plan = checksumPlan(options)
  return {
    url,
    concurrency: checkConcurrency(options.concurrency),
    checksum: plan,
    aws: payloadSigningOf(options.payloadSigning, url, plan),
    signal: checkedSignal(options.signal),
    uploadId: options.uploadId === undefined ? undefined : checkedUploadId(options.uploadId),
  }
}

async function putObject(
  client: AwsClient,
  url: URL,
  data: Blob | Bytes,
  options: UploadOptions,
  checked: CheckedUpload,
  signal: AbortSignal,
): Promise<UploadResult> {
  const headers = objectHeaders(options)
  const plan = checked.checksum
  let objectChecksum: string | undefined
  if (plan) {
    // A Blob is read for its checksum only, chunk by chunk, and then sent as it is.
    objectChecksum = await checksum(data, plan.algorithm)
    headers.set(checksumHeader(plan.algorithm), objectChecksum)
  }
  const init = { method: 'PUT', body: data, headers, signal, ...(checked.aws && { aws: checked.aws }) }
  const etag = await s3Request(client, url, init, async (response) => {
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
 * const bar = document.querySelector('progress')!
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
      stored = await listUploadParts(client, {
        url,
        uploadId: checked.uploadId,
        checksum: checked.checksum?.algorithm,
        signal: controller.signal,
      })
      // A resumed upload keeps the part size it was started with: every stored part but the last has it
      // (listUploadParts has checked that none is over S3's 5 GiB).
      const largest = Math.max(0, ...[...stored.values()].map((part) => part.size))
      if (largest >= MIN_PART_SIZE) partSize = largest
    }
    let first = await source.next(partSize)
    if (!checked.uploadId && (!first || sizeOf(first) < partSize || (await source.atEnd())))
      return await putObject(client, url, first ?? new Uint8Array(0), options, checked, controller.signal)
    const plan: MultipartPlan = {
      first,
      partSize,
      concurrency: checked.concurrency,
      stored,
      controller,
      checksum: checked.checksum,
      aws: checked.aws,
      uploadId: checked.uploadId,
    }
    // The first part is handed on, not kept here for the whole upload: each part is held by its PUT only.
    first = undefined
    return await multipart(client, url, options, source, plan)
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
  aws: AwsRequestOptions | undefined
  /** The upload to resume, if any. */
  uploadId: string | undefined
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
    uploadId = await createUpload(client, { url, headers: createHeaders, signal })
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
        // The part as it is held (one buffer, or a Blob slice): every attempt of the client re-sends it.
        { method: 'PUT', body: data, headers, signal, ...(plan.aws && { aws: plan.aws }) },
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
  plan.first = undefined
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
        // A Blob slice is read for its checksum only (chunk by chunk), then sent as the slice.
        partChecksum = await checksum(data, checksums.algorithm)
        // The object's CRC, extended part by part in order from each part's CRC (no second pass over the bytes).
        if (checksums.type === 'FULL_OBJECT' && isCombinable(checksums.algorithm))
          objectCrc =
            objectCrc === undefined
              ? partChecksum
              : combineCrc(checksums.algorithm, objectCrc, partChecksum, sizeOf(data))
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
  const completed = await completeUpload(client, {
    url,
    uploadId,
    parts: done,
    signal,
    ...(checksums && {
      checksum: checksums.algorithm,
      checksumType: checksums.type,
      ...(checksums.type === 'FULL_OBJECT' && { objectChecksum }),
    }),
  })
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
