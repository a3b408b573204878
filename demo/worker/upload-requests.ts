// The bodies of POST /uploads, /uploads/complete and /uploads/abort, checked field by field. The Worker signs
// with its own keys what these name, so nothing the page sends may choose where in the bucket it goes: the key
// is the Worker's prefix plus a random id plus a reduced file name, and a key sent back must have that shape.

/** The largest file the demo hands out part URLs for. */
export const MAX_PRESIGNED_UPLOAD_BYTES = 1024 * 1024 * 1024
/** The most part URLs one POST /uploads hands out (and the most parts /uploads/complete takes). */
export const MAX_PRESIGNED_PARTS = 100
/** S3's smallest part but the last: the demo's presigned parts are this size, grown to stay within MAX_PRESIGNED_PARTS. */
export const PRESIGNED_PART_SIZE = 5 * 1024 * 1024
/** The longest request body the routes read. */
export const MAX_UPLOAD_REQUEST_BYTES = 64 * 1024

const MIB = 1024 * 1024
const MAX_NAME_LENGTH = 100
/** What may follow the prefix in a key this Worker made: `<8 hex>-<safe name>`, no `/`, no leading dot. */
const KEY_NAME = /^[0-9a-f]{8}-[A-Za-z0-9_][\w.-]{0,99}$/
/** S3 upload ids are URL-safe base64-like text. */
const UPLOAD_ID = /^[\w.~+/=-]{1,1024}$/
/** An ETag as S3 sends it: hex (or hex-N for multipart), quoted or not. */
const ETAG = /^"?[\w-]{1,128}"?$/

/** Why a body was refused: the field and what was wrong (for the log; the caller gets a generic text). */
export class UploadRequestError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`)
    this.name = 'UploadRequestError'
  }
}

export interface CreateRequest {
  key: string
  size: number
  partSize: number
  partCount: number
}

export interface CompleteRequest {
  key: string
  uploadId: string
  parts: { partNumber: number; etag: string }[]
}

export interface AbortRequest {
  key: string
  uploadId: string
}

/**
 * A file name reduced to safe characters, without any path: `../../etc/passwd` → `passwd`.
 *
 * @example
 * safeFileName('My photo (1).jpg') // 'My-photo-1-.jpg'
 */
export function safeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? ''
  const reduced = base
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, MAX_NAME_LENGTH)
  return reduced || 'file'
}

/**
 * The part size for a file: PRESIGNED_PART_SIZE, grown in whole MiB to stay within MAX_PRESIGNED_PARTS.
 *
 * @example
 * presignedPartSize(12 * 1024 * 1024) // 5242880
 */
export function presignedPartSize(size: number): number {
  const needed = Math.ceil(Math.ceil(size / MAX_PRESIGNED_PARTS) / MIB) * MIB
  return Math.max(PRESIGNED_PART_SIZE, needed)
}

function record(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new UploadRequestError('body', 'not a JSON object')
  return body as Record<string, unknown>
}

function checkKey(value: unknown, prefix: string): string {
  if (typeof value !== 'string') throw new UploadRequestError('key', 'not a string')
  if (!value.startsWith(prefix)) throw new UploadRequestError('key', 'not under the upload prefix')
  if (!KEY_NAME.test(value.slice(prefix.length)))
    throw new UploadRequestError('key', 'not a key this Worker hands out (prefix + id + name, no path)')
  return value
}

function checkUploadId(value: unknown): string {
  if (typeof value !== 'string' || !UPLOAD_ID.test(value)) throw new UploadRequestError('uploadId', 'malformed')
  return value
}

/**
 * POST /uploads `{ name, size }`: the key the file goes to (`prefix` + random id + safe name) and its parts.
 *
 * @example
 * parseCreate({ name: 'a.bin', size: 12 * 1024 * 1024 }, 'uploads/', () => '0123abcd')
 * // { key: 'uploads/0123abcd-a.bin', size: 12582912, partSize: 5242880, partCount: 3 }
 */
export function parseCreate(body: unknown, prefix: string, id: () => string): CreateRequest {
  const fields = record(body)
  if (typeof fields.name !== 'string' || fields.name.length === 0 || fields.name.length > 1024)
    throw new UploadRequestError('name', 'not a file name of 1..1024 characters')
  const size = fields.size
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > MAX_PRESIGNED_UPLOAD_BYTES)
    throw new UploadRequestError('size', `not a whole number of bytes in 1..${MAX_PRESIGNED_UPLOAD_BYTES}`)
  const partSize = presignedPartSize(size)
  return { key: `${prefix}${id()}-${safeFileName(fields.name)}`, size, partSize, partCount: Math.ceil(size / partSize) }
}

/**
 * POST /uploads/complete `{ key, uploadId, parts: [{ partNumber, etag }] }`.
 *
 * @example
 * parseComplete({ key: 'uploads/0123abcd-a.bin', uploadId: 'u1', parts: [{ partNumber: 1, etag: '"e1"' }] }, 'uploads/')
 */
export function parseComplete(body: unknown, prefix: string): CompleteRequest {
  const fields = record(body)
  const key = checkKey(fields.key, prefix)
  const uploadId = checkUploadId(fields.uploadId)
  const list = fields.parts
  if (!Array.isArray(list) || list.length < 1 || list.length > MAX_PRESIGNED_PARTS)
    throw new UploadRequestError('parts', `not a list of 1..${MAX_PRESIGNED_PARTS} parts`)
  const seen = new Set<number>()
  const parts = list.map((item: unknown, index) => {
    const part = record(item)
    const partNumber = part.partNumber
    if (
      typeof partNumber !== 'number' ||
      !Number.isInteger(partNumber) ||
      partNumber < 1 ||
      partNumber > MAX_PRESIGNED_PARTS
    )
      throw new UploadRequestError(`parts[${index}].partNumber`, `not a whole number in 1..${MAX_PRESIGNED_PARTS}`)
    if (seen.has(partNumber)) throw new UploadRequestError(`parts[${index}].partNumber`, 'given twice')
    seen.add(partNumber)
    if (typeof part.etag !== 'string' || !ETAG.test(part.etag))
      throw new UploadRequestError(`parts[${index}].etag`, 'not an ETag')
    return { partNumber, etag: part.etag }
  })
  return { key, uploadId, parts }
}

/**
 * POST /uploads/abort `{ key, uploadId }`.
 *
 * @example
 * parseAbort({ key: 'uploads/0123abcd-a.bin', uploadId: 'u1' }, 'uploads/')
 */
export function parseAbort(body: unknown, prefix: string): AbortRequest {
  const fields = record(body)
  return { key: checkKey(fields.key, prefix), uploadId: checkUploadId(fields.uploadId) }
}
