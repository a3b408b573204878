// Streaming uploads: S3's aws-chunked encoding, where every chunk carries a signature chained from the
// request's (seed) signature, so a body of any size is signed as it is sent, in bounded memory.
import { chainedStringToSign } from '../core/canonical.js'
import {
  CHECKSUM_ALGORITHMS,
  checksumAlgorithm,
  checksumHeader,
  type ChecksumAlgorithm,
} from '../core/checksum-algorithms.js'
import { checksumState } from '../s3/checksum.js'
import {
  AMZ_DATE,
  CHAINED_PAYLOAD_ALGORITHM,
  CHAINED_TRAILER_ALGORITHM,
  DECODED_LENGTH_HEADER,
  EMPTY_SHA256,
  SHA256_HEX,
  STREAMING_PAYLOAD,
  STREAMING_PAYLOAD_TRAILER,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
  SCOPE_TERMINATOR,
  TRAILER_HEADER,
  TRAILER_SIGNATURE_HEADER,
} from '../core/constants.js'
import { SIGV4, signHeaders } from '../core/engine.js'
import type { CheckedParts, RequestParts, SignedParts } from '../core/types.js'
import { fail } from '../core/errors.js'
import { checkCredentials, isRecord, resolveOptions, type ResolvedOptions, type SignOptions } from '../core/options.js'
import { checkParts } from '../core/parts.js'
import { buildRequest, prepareRequest, type RequestLike } from '../core/request.js'
import { signingKey, type Credentials } from '../core/signing-key.js'
import { isBytes, toHex, utf8 } from '../core/encoding.js'
import { hmac, sha256Hex } from '../core/webcrypto.js'

// The payload hashes of the aws-chunked forms (defined with the other protocol literals).
export { STREAMING_PAYLOAD, STREAMING_PAYLOAD_TRAILER, STREAMING_UNSIGNED_PAYLOAD_TRAILER }
/**
 * Default chunk size: 64 KiB, as the AWS SDKs use.
 *
 * @example
 * const put = { method: 'PUT', url, body: file.stream() }
 * await signStream(put, { credentials, contentLength: file.size, chunkSize: 4 * DEFAULT_CHUNK_SIZE })
 */
export const DEFAULT_CHUNK_SIZE = 64 * 1024
/**
 * Smallest chunk S3 accepts (every chunk but the last must be at least 8 KiB).
 *
 * @example
 * const put = { method: 'PUT', url, body: file.stream() }
 * await signStream(put, { credentials, contentLength: file.size, chunkSize: MIN_CHUNK_SIZE })
 */
export const MIN_CHUNK_SIZE = 8 * 1024

/** Trailing checksums this module computes: every checksum of S3. */
export type { ChecksumAlgorithm }

const SIGNATURE_LENGTH = 64
const CRLF = '\r\n'

/** What chunk signing needs, all known once the seed signature exists. */
export interface ChunkSigningContext {
  /** The credentials that signed the seed request; each chunk is signed with their signing key. */
  credentials: Credentials
  /** `YYYYMMDDTHHMMSSZ`, the seed request's `x-amz-date`. */
  amzDate: string
  /** `YYYYMMDD/region/service/aws4_request`, the seed request's scope. */
  credentialScope: string
  /** Hex signature of the seed request (its Authorization header). */
  seedSignature: string
  /**
   * Bytes of data per chunk, at least 8 KiB.
   * @default 65536 (64 KiB)
   */
  chunkSize?: number
  /** Append a signed `x-amz-checksum-<algorithm>` trailer (the `-TRAILER` form). */
  checksum?: ChecksumAlgorithm
  /** When set, the stream fails unless exactly this many bytes go through (the signed decoded length). */
  expectedLength?: number
}

/** What the unsigned aws-chunked encoding needs: only the trailer's checksum. */
export interface UnsignedChunkContext {
  /** The `x-amz-checksum-<algorithm>` trailer to append (required: the trailer is this encoding's point). */
  checksum: ChecksumAlgorithm
  /**
   * Bytes of data per chunk, at least 8 KiB.
   * @default 65536 (64 KiB)
   */
  chunkSize?: number
  /** When set, the stream fails unless exactly this many bytes go through (the decoded length). */
  expectedLength?: number
}

function validChunkSize(chunkSize: unknown = DEFAULT_CHUNK_SIZE): number {
  if (typeof chunkSize !== 'number' || !Number.isSafeInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE) {
    fail('ERR_INVALID_OPTION', `Set options.chunkSize to a whole number of bytes, at least ${MIN_CHUNK_SIZE} (8 KiB)`)
  }
  return chunkSize
}

function validChecksum(checksum: unknown): ChecksumAlgorithm | undefined {
  return checksum === undefined ? undefined : checksumAlgorithm(checksum, 'options.checksum')
}

/** A byte count: a whole number from 0 (the caller says which option it is). */
function validLength(length: unknown, what: string): number {
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    fail('ERR_INVALID_OPTION', `Set ${what} to the body's length: a whole number of bytes`)
  }
  return length
}

/** Length on the wire of one chunk frame carrying `size` bytes of data (unsigned frames have no signature). */
const frameLength = (size: number, signed = true): number =>
  size.toString(16).length + (signed ? ';chunk-signature='.length + SIGNATURE_LENGTH : 0) + 2 + size + 2

/** How an aws-chunked body is framed, for `chunkedContentLength`. */
export interface ChunkedLengthOptions {
  /**
   * Bytes of data per chunk, at least 8 KiB.
   * @default 65536 (64 KiB)
   */
  chunkSize?: number
  /** The trailing checksum, when there is one. */
  checksum?: ChecksumAlgorithm
  /**
   * The `STREAMING-UNSIGNED-PAYLOAD-TRAILER` form: frames without signatures (needs `checksum`).
   * @default false
   */
  unsigned?: boolean
}

/**
 * The `content-length` of an aws-chunked body: the decoded length plus every chunk's framing, the final empty
 * chunk and, with a checksum, the trailer. `unsigned: true` is the `STREAMING-UNSIGNED-PAYLOAD-TRAILER` form.
 *
 * @example
 * chunkedContentLength(66560) // 66824 (the S3 documentation's example)
 * chunkedContentLength(66560, { checksum: 'crc32c' })
 * chunkedContentLength(66560, { checksum: 'crc64nvme', unsigned: true })
 */
export function chunkedContentLength(decodedLength: number, options: ChunkedLengthOptions = {}): number {
  validLength(decodedLength, 'the decoded content length (options.contentLength)')
  const given = isRecord(options) ? options : {}
  const chunkSize = validChunkSize(given.chunkSize)
  const checksum = validChecksum(given.checksum)
  const signed = given.unsigned !== true
  if (!signed && !checksum) fail('ERR_INVALID_OPTION', UNSIGNED_NEEDS_CHECKSUM)
  const full = Math.floor(decodedLength / chunkSize)
  const rest = decodedLength % chunkSize
  let length = full * frameLength(chunkSize, signed) + (rest ? frameLength(rest, signed) : 0)
  if (!checksum) return length + frameLength(0)
  // Final chunk without its closing CRLF, then `x-amz-checksum-<name>:<base64>\r\n`, (signed)
  // `x-amz-trailer-signature:<64 hex>\r\n`, and the empty line.
  length += frameLength(0, signed) - 2
  length += checksumHeader(checksum).length + 1 + CHECKSUM_ALGORITHMS[checksum].base64Length + 2
  if (signed) length += TRAILER_SIGNATURE_HEADER.length + 1 + SIGNATURE_LENGTH + 2
  return length + 2
}

const UNSIGNED_NEEDS_CHECKSUM = `Set options.checksum (e.g. "crc32"): an unsigned aws-chunked body (${STREAMING_UNSIGNED_PAYLOAD_TRAILER}) ends with a checksum trailer`
/** The credential scope of a seed request: `YYYYMMDD/region/service/aws4_request`. */
const CREDENTIAL_SCOPE = new RegExp(`^\\d{8}/[a-z0-9-]+/[a-z0-9-]+/${SCOPE_TERMINATOR}$`)

/** How the frames of an aws-chunked body are headed and its trailer closed: signed, or not. */
interface ChunkFraming {
  /** The frame's first line without CRLF: `<hex size>` or `<hex size>;chunk-signature=<sig>`. */
  head(data: Uint8Array<ArrayBuffer>): Promise<string>
  /** The lines after the trailer (each ending in CRLF): the trailer signature, or none. */
  afterTrailer(trailer: string): Promise<string>
}

/** Frames body bytes as aws-chunked (chunks of `chunkSize`, a final empty chunk, an optional trailer). */
function awsChunked(
  framing: ChunkFraming,
  chunkSize: number,
  checksum: ChecksumAlgorithm | undefined,
  expectedLength: number | undefined,
): TransformStream<Uint8Array, Uint8Array> {
  let buffer = new Uint8Array(chunkSize)
  let filled = 0
  let total = 0
  const state = checksum && checksumState(checksum)

  async function frame(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    const head = utf8((await framing.head(data)) + CRLF)
    const out = new Uint8Array(head.length + data.length + 2)
    out.set(head)
    out.set(data, head.length)
    out.set([13, 10], head.length + data.length)
    return out
  }

  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      if (!(chunk instanceof Uint8Array))
        fail('ERR_INVALID_REQUEST', 'A chunk-signed body must be a stream of Uint8Array chunks')
      total += chunk.length
      if (expectedLength !== undefined && total > expectedLength)
        fail(
          'ERR_STREAM_LENGTH',
          `The body is longer than the ${expectedLength} bytes that were signed: ` +
            'pass the exact length as options.contentLength',
        )
      if (state) state.update(chunk)
      let offset = 0
      while (offset < chunk.length) {
        const take = Math.min(chunkSize - filled, chunk.length - offset)
        buffer.set(chunk.subarray(offset, offset + take), filled)
        filled += take
        offset += take
        if (filled === chunkSize) {
          controller.enqueue(await frame(buffer))
          // The frame is a copy, so the buffer can be reused for the next chunk.
          filled = 0
        }
      }
    },
    async flush(controller) {
      if (expectedLength !== undefined && total !== expectedLength)
        fail(
          'ERR_STREAM_LENGTH',
          `The body has ${total} bytes but ${expectedLength} were signed: ` +
            'pass the exact length as options.contentLength',
        )
      if (filled) controller.enqueue(await frame(buffer.subarray(0, filled)))
      buffer = new Uint8Array(0)
      const last = await frame(new Uint8Array(0))
      if (!state) {
        controller.enqueue(last)
        return
      }
      const trailer = `${checksumHeader(checksum)}:${state.digest()}`
      const after = await framing.afterTrailer(trailer)
      controller.enqueue(last.subarray(0, last.length - 2))
      controller.enqueue(utf8(trailer + CRLF + after + CRLF))
    },
  })
}

/**
 * A `TransformStream` that turns body bytes into aws-chunked frames, each signed with a signature chained from
 * the seed (`AWS4-HMAC-SHA256-PAYLOAD`), ending with the signed empty chunk and, with `checksum`, a signed
 * trailer (`AWS4-HMAC-SHA256-TRAILER`). It holds at most one chunk of input plus the frame being sent.
 * Use it directly with a transport other than fetch; `signStream` sets it up for a Request.
 *
 * @example
 * const parts: RequestParts = { method: 'PUT', host: 'examplebucket.s3.amazonaws.com', path: '/big.bin' }
 * const signed = await signParts(parts, { credentials, payloadHash: STREAMING_PAYLOAD, signContentSha256: true })
 * const framed = file.stream().pipeThrough(chunkSigningStream({
 *   credentials, amzDate: signed.amzDate, credentialScope: signed.credentialScope, seedSignature: signed.signature,
 * }))
 */
export function chunkSigningStream(context: ChunkSigningContext): TransformStream<Uint8Array, Uint8Array> {
  if (!isRecord(context)) fail('ERR_INVALID_OPTION', 'Pass { credentials, amzDate, credentialScope, seedSignature }')
  const chunkSize = validChunkSize(context.chunkSize)
  const checksum = validChecksum(context.checksum)
  const credentials = checkCredentials(context.credentials)
  const { amzDate, credentialScope } = context
  const expectedLength =
    context.expectedLength === undefined ? undefined : validLength(context.expectedLength, 'expectedLength')
  if (typeof amzDate !== 'string' || !AMZ_DATE.test(amzDate))
    fail('ERR_INVALID_OPTION', "Set amzDate to the seed request's x-amz-date (YYYYMMDDTHHMMSSZ)")
  if (typeof credentialScope !== 'string' || !CREDENTIAL_SCOPE.test(credentialScope))
    fail('ERR_INVALID_OPTION', "Set credentialScope to the seed request's scope (YYYYMMDD/region/service/aws4_request)")
  if (typeof context.seedSignature !== 'string' || !SHA256_HEX.test(context.seedSignature))
    fail('ERR_INVALID_OPTION', 'seedSignature must be the 64-character hex signature of the seed request')
  const [date = '', region = '', service = ''] = credentialScope.split('/')
  const key = signingKey(credentials, date, region, service)
  let previous = context.seedSignature

  /** Signs the next link of the chain: each signature covers the previous one. */
  async function signLink(algorithm: string, hashes: string[]): Promise<string> {
    const stringToSign = chainedStringToSign(algorithm, amzDate, credentialScope, previous, hashes)
    previous = toHex(await hmac(await key, stringToSign))
    return previous
  }

  const framing: ChunkFraming = {
    async head(data) {
      // A chunk's signature covers the (empty) chunk headers and the chunk's data.
      const dataHash = data.length === 0 ? EMPTY_SHA256 : await sha256Hex(data)
      const signature = await signLink(CHAINED_PAYLOAD_ALGORITHM, [EMPTY_SHA256, dataHash])
      return data.length.toString(16) + ';chunk-signature=' + signature
    },
    async afterTrailer(trailer) {
      const signature = await signLink(CHAINED_TRAILER_ALGORITHM, [await sha256Hex(trailer + '\n')])
      return TRAILER_SIGNATURE_HEADER + ':' + signature + CRLF
    },
  }
  return awsChunked(framing, chunkSize, checksum, expectedLength)
}

/**
 * A `TransformStream` that turns body bytes into unsigned aws-chunked frames (`<hex size>\r\n<data>\r\n`) ending
 * with the empty chunk and an unsigned `x-amz-checksum-<algorithm>` trailer: the body of a
 * `STREAMING-UNSIGNED-PAYLOAD-TRAILER` request. `signStream` with `unsignedPayload: true` sets it up.
 *
 * @example
 * const framed = file.stream().pipeThrough(unsignedChunkStream({ checksum: 'crc64nvme' }))
 */
export function unsignedChunkStream(context: UnsignedChunkContext): TransformStream<Uint8Array, Uint8Array> {
  if (!isRecord(context)) fail('ERR_INVALID_OPTION', 'Pass { checksum, chunkSize?, expectedLength? }')
  const chunkSize = validChunkSize(context.chunkSize)
  const checksum = validChecksum(context.checksum) ?? fail('ERR_INVALID_OPTION', UNSIGNED_NEEDS_CHECKSUM)
  const expectedLength =
    context.expectedLength === undefined ? undefined : validLength(context.expectedLength, 'expectedLength')
  const framing: ChunkFraming = {
    head: (data) => Promise.resolve(data.length.toString(16)),
    afterTrailer: () => Promise.resolve(''),
  }
  return awsChunked(framing, chunkSize, checksum, expectedLength)
}

/**
 * Options of `signStream`: the usual signing options plus the body's length and chunking. `payloadHash` and
 * `signContentSha256` are not among them (the seed signs a `STREAMING-*` literal, always as a signed
 * `x-amz-content-sha256`; passing them throws `ERR_INVALID_OPTION`).
 */
// `checksum` here names the trailer's algorithm; the whole-body `checksum` option of SignOptions does not apply.
export interface StreamSignOptions extends Omit<SignOptions, 'checksum' | 'payloadHash' | 'signContentSha256'> {
  /** The body's length in bytes before encoding (`x-amz-decoded-content-length`); required, as S3 needs it up front. */
  contentLength: number
  /**
   * Bytes of data per chunk, at least 8 KiB.
   * @default 65536 (64 KiB)
   */
  chunkSize?: number
  /** Add a trailing checksum (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER` with `x-amz-trailer`): any of S3's
   * algorithms, `crc32`, `crc32c`, `crc64nvme`, `sha1` or `sha256`. */
  checksum?: ChecksumAlgorithm
  /**
   * `true` sends the chunks and the trailer unsigned (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`, what the AWS SDKs send
   * since 2025): only the seed request is signed. Needs `checksum`.
   * @default false
   */
  unsignedPayload?: boolean
  /**
   * Set and sign `content-length`. Browsers refuse to set it: pass false there.
   * @default true
   */
  setContentLength?: boolean
}

/** A chunk-signed request as parts: the signed seed plus the framed body to send. */
export interface SignedStreamParts extends SignedParts {
  /** The aws-chunked body; send it with the returned headers. */
  body: ReadableStream<Uint8Array>
}

function toStream(body: RequestParts['body'] | BodyInit | null | undefined): ReadableStream<Uint8Array> {
  if (body instanceof ReadableStream) return body as ReadableStream<Uint8Array>
  if (body === null || body === undefined) return new Response(new Uint8Array(0)).body!
  if (typeof body !== 'string' && !isBytes(body) && !(body instanceof Blob)) {
    fail('ERR_BODY_NOT_HASHABLE', 'Pass the body as a ReadableStream, bytes, a Blob or a string')
  }
  return new Response(body).body!
}

/**
 * Signs request parts for an aws-chunked upload and returns the seed signature's headers with the framed body.
 *
 * @example
 * const signed = await signStreamParts(
 *   { method: 'PUT', host: 'examplebucket.s3.amazonaws.com', path: '/big.bin', body: file.stream() },
 *   { credentials, region: 'us-east-1', contentLength: file.size },
 * )
 * // send signed.headers and signed.body with your HTTP client
 */
export async function signStreamParts(parts: RequestParts, options: StreamSignOptions): Promise<SignedStreamParts> {
  const plan = streamPlan(options)
  const checked = checkParts(parts)
  const resolved = await resolveStreamOptions(options, plan, checked.host, checked.path)
  return signChecked(checked, parts.body, plan, resolved)
}

/** The stream options checked: what the seed signature signs and how the body is framed. */
interface StreamPlan {
  contentLength: number
  chunkSize: number | undefined
  checksum: StreamSignOptions['checksum']
  setContentLength: boolean
  unsigned: boolean
  encodedLength: number
  payloadHash: string
}

function streamPlan(options: StreamSignOptions): StreamPlan {
  if (!isRecord(options)) fail('ERR_INVALID_OPTION', 'Pass options as an object: { credentials, contentLength }')
  const { contentLength, chunkSize, checksum, setContentLength = true } = options
  if (typeof setContentLength !== 'boolean') fail('ERR_INVALID_OPTION', 'Set options.setContentLength to true or false')
  for (const name of ['payloadHash', 'signContentSha256'] as const) {
    if ((options as SignOptions)[name] !== undefined)
      fail('ERR_INVALID_OPTION', `Remove options.${name}: a streamed upload signs a STREAMING-* payload hash itself`)
  }
  const unsigned = options.unsignedPayload === true
  const encodedLength = chunkedContentLength(contentLength, { chunkSize, checksum, unsigned })
  const payloadHash = unsigned
    ? STREAMING_UNSIGNED_PAYLOAD_TRAILER
    : checksum
      ? STREAMING_PAYLOAD_TRAILER
      : STREAMING_PAYLOAD
  return { contentLength, chunkSize, checksum, setContentLength, unsigned, encodedLength, payloadHash }
}

/** The options of the seed signature, resolved once: the seed and every chunk use the same credentials. The
 * stream's checksum goes in a trailer, never as the core `checksum` option. */
function resolveStreamOptions(options: StreamSignOptions, plan: StreamPlan, host: string, path: string) {
  const seed = { ...options, checksum: undefined, payloadHash: plan.payloadHash, signContentSha256: true }
  return resolveOptions(seed, host, path)
}

async function signChecked(
  checked: CheckedParts,
  body: RequestParts['body'],
  plan: StreamPlan,
  resolved: ResolvedOptions,
): Promise<SignedStreamParts> {
  const { contentLength, chunkSize, checksum } = plan
  const skip = /^(content-length|content-encoding|x-amz-decoded-content-length|x-amz-trailer)$/i
  const encoding = checked.headers.filter(([name]) => /^content-encoding$/i.test(name)).map(([, value]) => value.trim())
  const headers = checked.headers.filter(([name]) => !skip.test(name))
  headers.push([
    'content-encoding',
    ['aws-chunked', ...encoding.filter((value) => value && value !== 'aws-chunked')].join(','),
  ])
  if (plan.setContentLength) headers.push(['content-length', String(plan.encodedLength)])
  headers.push([DECODED_LENGTH_HEADER, String(contentLength)])
  if (checksum) headers.push([TRAILER_HEADER, checksumHeader(checksum)])
  const signed = await signHeaders({ ...checked, headers, body: null }, resolved, SIGV4)
  const framing = plan.unsigned
    ? unsignedChunkStream({ checksum: checksum!, chunkSize, expectedLength: contentLength })
    : chunkSigningStream({
        credentials: resolved.credentials,
        amzDate: signed.amzDate,
        credentialScope: signed.credentialScope,
        seedSignature: signed.signature,
        chunkSize,
        checksum,
        expectedLength: contentLength,
      })
  return { ...signed, body: toStream(body).pipeThrough(framing) }
}

/**
 * Signs a request for an aws-chunked upload (S3 `PutObject`/`UploadPart`) and returns a new `Request` whose body
 * is the chunk-signed stream. Sets `content-encoding: aws-chunked`, `x-amz-decoded-content-length`,
 * `x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]` (or, with `unsignedPayload`,
 * `STREAMING-UNSIGNED-PAYLOAD-TRAILER`), `x-amz-trailer` with a checksum, and `content-length`. The body is never
 * buffered whole: memory stays around two chunks whatever its size.
 *
 * @example
 * const request = await signStream(
 *   { method: 'PUT', url: 'https://my-bucket.s3.eu-west-1.amazonaws.com/video.mp4', body: file.stream() },
 *   { credentials, contentLength: file.size, checksum: 'crc32c' },
 * )
 * await fetch(request) // Node: fetch sends the stream; browsers need HTTP/2 and { setContentLength: false }
 */
export async function signStream(input: Request | RequestLike, options: StreamSignOptions): Promise<Request> {
  const plan = streamPlan(options)
  const prepared = await prepareRequest(input, (host, path) => resolveStreamOptions(options, plan, host, path))
  const signed = await signChecked(prepared.parts, prepared.body as RequestParts['body'], plan, prepared.resolved)
  const init: RequestInit & { duplex?: 'half' } = {
    ...prepared.init,
    method: signed.method,
    headers: new Headers(signed.headers),
    body: signed.body,
    duplex: 'half',
  }
  return buildRequest(prepared.source ?? prepared.href, init)
}
