// webcrypto-sigv4/s3: what S3 needs beyond signing a request: checksums, presigned POST forms, S3 Express sessions
// and multipart uploads.
export type { ByteSource, ChecksumAlgorithm } from './core/checksum-algorithms.js'
export { checksum, type ChecksumInput } from './s3/checksum.js'
export type { S3ErrorCode } from './s3/errors.js'
export { fromS3ExpressSession, type S3ExpressSession, type S3ExpressSessionOptions } from './s3/express.js'
export {
  presignPost,
  type PostCondition,
  type PresignedPost,
  type PresignPostInput,
  type PresignPostOptions,
} from './s3/presign-post.js'
export {
  presignWithChecksum,
  signWithChecksum,
  type PresignWithChecksumOptions,
  type SignWithChecksumOptions,
} from './s3/with-checksum.js'
export {
  abortUpload,
  completeUpload,
  createUpload,
  listUploadParts,
  type AbortUploadOptions,
  type CompleteUploadOptions,
  type CreateUploadOptions,
  type ListUploadPartsOptions,
} from './s3/upload/calls.js'
export { compositeChecksum } from './s3/upload/checksums.js'
export { UploadError } from './s3/upload/errors.js'
export { presignUpload, type PresignedUpload, type PresignUploadOptions } from './s3/upload/presign.js'
export type {
  ChecksumType,
  StoredPart,
  UploadBody,
  UploadedPart,
  UploadOptions,
  UploadProgress,
  UploadResult,
} from './s3/upload/types.js'
export { upload } from './s3/upload/upload.js'
