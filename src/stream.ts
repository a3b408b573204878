// Streaming uploads: S3's aws-chunked encoding, where every chunk carries a signature chained from the
export {
  DEFAULT_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  STREAMING_PAYLOAD,
  STREAMING_PAYLOAD_TRAILER,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
  chunkSigningStream,
  chunkedContentLength,
  signStream,
  signStreamParts,
  unsignedChunkStream,
  type ChecksumAlgorithm,
  type ChunkSigningContext,
  type ChunkedLengthOptions,
  type SignedStreamParts,
  type StreamSignOptions,
  type UnsignedChunkContext,
} from './stream/chunked.js'
