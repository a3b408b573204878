// The upload family's public types and S3's multipart limits.
import type { ChecksumAlgorithm, ChecksumType } from '../../core/checksum-algorithms.js'
import type { StoredPart } from '../xml.js'

/** Bytes fetch can send (a view of an ArrayBuffer, not of a SharedArrayBuffer). */
export type Bytes = Uint8Array<ArrayBuffer>

export const MIB = 1024 * 1024
/** Default part size: 8 MiB, like the AWS SDKs. */
export const DEFAULT_PART_SIZE = 8 * MIB
/** S3's smallest part (every part but the last). */
export const MIN_PART_SIZE = 5 * MIB
/** S3's largest part. */
export const MAX_PART_SIZE = 5 * 1024 * MIB
/** S3's most parts in one upload. */
export const MAX_PARTS = 10_000
export const DEFAULT_CONCURRENCY = 4
/** ListParts pages: S3's largest page. */
export const LIST_PAGE_SIZE = 1000

export type { ChecksumType }

/** A part as ListParts reports it (what {@link listUploadParts} returns, by part number). */
export type { StoredPart }

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
  /**
   * Bytes per part, at least 5 MiB; grown when the body would need more than 10,000 parts.
   * @default 8388608 (8 MiB)
   */
  partSize?: number
  /**
   * Parts in flight at once. A stream holds at most `concurrency × partSize` bytes.
   * @default 4
   */
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
  /**
   * On abort, leave the multipart upload and its parts in place, to resume later with `uploadId` (a pause).
   * @default false
   */
  keepPartsOnAbort?: boolean
  /**
   * Headers of the object (content-type, cache-control, x-amz-meta-*, ...); without a content-type, a File's type is
   * sent as one.
   */
  headers?: HeadersInit
  /** Send each part's checksum (`x-amz-checksum-<algorithm>`, checked by S3) and the object's at completion. */
  checksum?: ChecksumAlgorithm
  /**
   * What each PUT signs as its payload hash. `'auto'`: with a `checksum` over https, `UNSIGNED-PAYLOAD` with the part's
   * `x-amz-checksum-<algorithm>` header signed (S3 refuses bytes that differ from the checksum; TLS keeps them
   * secret), as the AWS SDKs do by default, so no SHA-256 pass over the body; else (no checksum, or plain http) the
   * body's SHA-256. `'sha256'`: always the SHA-256. `'unsigned-with-checksum'`: unsigned with the signed checksum even
   * over http (needs `checksum`). Nothing is ever sent unsigned without a checksum. Other values: `ERR_INVALID_OPTION`.
   * @default 'auto'
   */
  payloadSigning?: 'auto' | 'sha256' | 'unsigned-with-checksum'
  /**
   * How the object's checksum is made.
   * @default 'FULL_OBJECT' for the CRCs, 'COMPOSITE' for SHA-1 and SHA-256
   */
  checksumType?: ChecksumType
}
