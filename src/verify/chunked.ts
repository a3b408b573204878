// Checking an aws-chunked body (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) as the app reads it: each chunk's
// signature is chained from the seed signature, a chunk's bytes are handed on only once its signature holds, and
// the stream errors (a typed SigV4Error) at the first bad signature, framing or trailer. Memory: one chunk.
import { chainedStringToSign } from '../core/canonical.js'
import {
  CHAINED_PAYLOAD_ALGORITHM,
  CHAINED_TRAILER_ALGORITHM,
  EMPTY_SHA256,
  SHA256_HEX,
  TRAILER_SIGNATURE_HEADER,
} from '../core/constants.js'
import { crc32, crc32c, crcBase64 } from '../core/crc32.js'
import { SigV4Error, type SigV4ErrorCode } from '../core/errors.js'
import { quote } from './text.js'
import { fromHex } from '../core/encoding.js'
import { hmac, sha256Hex } from '../core/webcrypto.js'

/**
 * Largest chunk accepted: a chunk is held whole while its signature is checked.
 *
 * @example
 * const size = parseInt('1000001', 16) // a chunk header's hex size
 * if (size > MAX_CHUNK_BYTES) throw new SigV4Error('ERR_CHUNK_FRAMING', 'chunk too large')
 */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024
/**
 * Most trailing headers accepted after the last chunk.
 *
 * @example
 * const trailerNames = (request.headers.get('x-amz-trailer') ?? '').split(',')
 * trailerNames.length <= MAX_TRAILERS
 */
export const MAX_TRAILERS = 8

// "<hex size>;chunk-signature=<64 hex>": 8 hex digits cover MAX_CHUNK_BYTES.
const CHUNK_HEADER = /^([0-9a-f]{1,8});chunk-signature=([0-9a-f]{64})$/
const TRAILER_LINE = /^([!#$%&'*+.^_`|~0-9a-z-]+):([\x21-\x7e]*)$/
const MAX_LINE_BYTES = 256
const CR = 13
const LF = 10
const CHECKSUMS: Record<string, (bytes: Uint8Array, previous: number) => number> = {
  'x-amz-checksum-crc32': crc32,
  'x-amz-checksum-crc32c': crc32c,
}

/** What checking the chunks needs, all known once the seed request has verified. */
export interface ChunkCheck {
  /** The request's signing key. */
  key: CryptoKey
  amzDate: string
  /** `YYYYMMDD/region/service/aws4_request`. */
  scope: string
  /** The seed request's signature. */
  seedSignature: string
  /** The signed `x-amz-decoded-content-length`: exactly this many bytes must come through. */
  decodedLength: number
  /** The trailing header names the signed `x-amz-trailer` announced (lower-case), or undefined without trailer. */
  trailerNames?: string[]
}

/**
 * The string to sign of one chunk: chained from the previous signature (the seed for the first chunk).
 *
 * @example
 * // The first chunk of AWS's example upload (64 KiB of 'a'), chained from its seed request's signature
 * const scope = '20130524/us-east-1/s3/aws4_request'
 * const seedSignature = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9'
 * const chunkBytes = new Uint8Array(65536).fill(0x61)
 * await chunkStringToSign('20130524T000000Z', scope, seedSignature, chunkBytes)
 */
export async function chunkStringToSign(
  amzDate: string,
  scope: string,
  previousSignature: string,
  chunk: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const chunkHash = chunk.length ? await sha256Hex(chunk) : EMPTY_SHA256
  return chainedStringToSign(CHAINED_PAYLOAD_ALGORITHM, amzDate, scope, previousSignature, [EMPTY_SHA256, chunkHash])
}

/**
 * The string to sign of the trailing headers (`name:value\n` each), chained from the last chunk's signature.
 *
 * @example
 * const amzDate = '20130524T000000Z'
 * const scope = '20130524/us-east-1/s3/aws4_request'
 * declare const lastChunkSignature: string // the signature of the final, empty chunk
 * await trailerStringToSign(amzDate, scope, lastChunkSignature, [['x-amz-checksum-crc32c', 'sOO8/Q==']])
 */
export async function trailerStringToSign(
  amzDate: string,
  scope: string,
  previousSignature: string,
  trailers: ReadonlyArray<readonly [string, string]>,
): Promise<string> {
  const canonical = trailers.map(([name, value]) => `${name}:${value}\n`).join('')
  return chainedStringToSign(CHAINED_TRAILER_ALGORITHM, amzDate, scope, previousSignature, [await sha256Hex(canonical)])
}

function stop(code: SigV4ErrorCode, message: string): never {
  throw new SigV4Error(code, message)
}

/** Reads an aws-chunked byte stream by lines and by exact lengths, holding no more than it was asked for. */
class FrameReader {
  /** Read but not yet taken, in order; `buffered` is their total length. */
  private pieces: Uint8Array[] = []
  private buffered = 0
  private ended = false

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** Reads one more piece; false at the end of the stream. */
  private async more(): Promise<boolean> {
    if (this.ended) return false
    const { done, value } = await this.reader.read()
    if (done) {
      this.ended = true
      return false
    }
    if (!(value instanceof Uint8Array)) stop('ERR_CHUNK_FRAMING', 'The body stream must yield Uint8Array chunks')
    if (value.length) {
      this.pieces.push(value)
      this.buffered += value.length
    }
    return true
  }

  /** Exactly `length` bytes, or undefined when the stream ends first. */
  async take(length: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
    while (this.buffered < length) if (!(await this.more())) return undefined
    const taken = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      const head = this.pieces[0]!
      const count = Math.min(head.length, length - filled)
      taken.set(head.subarray(0, count), filled)
      filled += count
      if (count === head.length) this.pieces.shift()
      else this.pieces[0] = head.subarray(count)
    }
    this.buffered -= length
    return taken
  }

  /** The first piece, merged with the next ones until it holds `size` bytes or all there is. */
  private head(size: number): Uint8Array {
    while (this.pieces.length > 1 && this.pieces[0]!.length < size) {
      const [first, second] = this.pieces as [Uint8Array, Uint8Array]
      const merged = new Uint8Array(first.length + second.length)
      merged.set(first)
      merged.set(second, first.length)
      this.pieces.splice(0, 2, merged)
    }
    return this.pieces[0] ?? new Uint8Array(0)
  }

  /** The next line without its CRLF (Latin-1), or undefined when the stream ends first. */
  async line(): Promise<string | undefined> {
    const window = MAX_LINE_BYTES + 2
    for (;;) {
      const head = this.head(window)
      const limit = Math.min(head.length, window)
      for (let index = 0; index + 1 < limit; index++) {
        if (head[index] === CR && head[index + 1] === LF) {
          const text = String.fromCharCode(...head.subarray(0, index))
          await this.take(index + 2)
          return text
        }
      }
      if (head.length >= window)
        stop('ERR_CHUNK_FRAMING', `A chunk header or trailer line is over ${MAX_LINE_BYTES} bytes`)
      if (!(await this.more())) return undefined
    }
  }

  /** Whether nothing follows. */
  async atEnd(): Promise<boolean> {
    while (!this.buffered) if (!(await this.more())) return true
    return false
  }

  cancel(reason: unknown): Promise<void> {
    return this.reader.cancel(reason).catch(() => {})
  }
}

/** Names in one comparable string, whatever their order. */
const sortedList = (names: readonly string[]): string => [...names].sort().join(',')

function sameSignature(expected: ArrayBuffer, claimed: string): boolean {
  const a = new Uint8Array(expected)
  const b = fromHex(claimed)
  let difference = a.length ^ b.length
  for (let i = 0; i < a.length && i < b.length; i++) difference |= a[i]! ^ b[i]!
  return difference === 0
}

/**
 * The decoded body of an aws-chunked request, checked as it is read: every chunk's signature (chained from the
 * seed), the framing, the total length against the signed decoded length and, with a trailer, the trailing headers'
 * names, signature and CRC checksum. A chunk's bytes are handed on only after its signature holds; at the first
 * fault the stream errors with a `SigV4Error` (`ERR_CHUNK_SIGNATURE`, `ERR_CHUNK_FRAMING`, `ERR_CHUNK_CHECKSUM`)
 * and the source is cancelled. Nothing is read before the app pulls.
 *
 * @example
 * declare const key: CryptoKey // the signing key the seed request verified with
 * const body = verifiedChunkStream(request.body!, {
 *   key,
 *   amzDate: '20130524T000000Z',
 *   scope: '20130524/us-east-1/s3/aws4_request',
 *   seedSignature: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
 *   decodedLength: Number(request.headers.get('x-amz-decoded-content-length')),
 * })
 * await new Response(body).arrayBuffer() // rejects with ERR_CHUNK_SIGNATURE if a chunk was altered
 */
export function verifiedChunkStream(source: ReadableStream<Uint8Array>, check: ChunkCheck): ReadableStream<Uint8Array> {
  const { key, amzDate, scope, decodedLength, trailerNames } = check
  const frames = new FrameReader(source.getReader())
  let previous = check.seedSignature
  let received = 0
  // The first announced trailer whose checksum this module computes: checked against the decoded bytes.
  const checksumName = trailerNames?.find((name) => name in CHECKSUMS)
  const checksum = checksumName === undefined ? undefined : ([checksumName, CHECKSUMS[checksumName]!] as const)
  let crc = 0

  async function nextChunk(): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const header = await frames.line()
    if (header === undefined) stop('ERR_CHUNK_FRAMING', 'The body ends before its last (empty) chunk')
    const match = CHUNK_HEADER.exec(header)
    if (!match) stop('ERR_CHUNK_FRAMING', `Expected "<hex size>;chunk-signature=<signature>", got ${quote(header)}`)
    const size = parseInt(match[1]!, 16)
    if (size > MAX_CHUNK_BYTES) stop('ERR_CHUNK_FRAMING', `A chunk of ${size} bytes is over ${MAX_CHUNK_BYTES}`)
    if (received + size > decodedLength)
      stop('ERR_CHUNK_FRAMING', `The chunks carry more than the ${decodedLength} bytes of x-amz-decoded-content-length`)
    const data = await frames.take(size)
    if (!data) stop('ERR_CHUNK_FRAMING', 'The body ends inside a chunk')
    const expected = await hmac(key, await chunkStringToSign(amzDate, scope, previous, data))
    if (!sameSignature(expected, match[2]!))
      stop('ERR_CHUNK_SIGNATURE', `The signature of the chunk at decoded byte ${received} does not match`)
    previous = match[2]!
    received += size
    if (checksum) crc = checksum[1](data, crc)
    if (size > 0 || !trailerNames) {
      const end = await frames.take(2)
      if (!end || end[0] !== CR || end[1] !== LF) stop('ERR_CHUNK_FRAMING', 'A chunk is not followed by CRLF')
    }
    return size > 0 ? data : undefined
  }

  async function checkTrailer(): Promise<void> {
    const trailers: Array<[string, string]> = []
    let signature: string | undefined
    for (let line = await frames.line(); line !== ''; line = await frames.line()) {
      if (line === undefined) stop('ERR_CHUNK_FRAMING', 'The body ends inside its trailer')
      const match = TRAILER_LINE.exec(line)
      if (!match) stop('ERR_CHUNK_FRAMING', `A trailer line is not "name:value": ${quote(line)}`)
      if (match[1] === TRAILER_SIGNATURE_HEADER) signature = match[2]
      else trailers.push([match[1]!, match[2]!])
      if (trailers.length > MAX_TRAILERS) stop('ERR_CHUNK_FRAMING', `More than ${MAX_TRAILERS} trailing headers`)
    }
    const sent = trailers.map(([name]) => name)
    if (sortedList(sent) !== sortedList(trailerNames!))
      stop('ERR_CHUNK_FRAMING', 'The trailing headers are not the ones the signed x-amz-trailer announced')
    if (!signature || !SHA256_HEX.test(signature))
      stop('ERR_CHUNK_FRAMING', `The trailer has no ${TRAILER_SIGNATURE_HEADER} of 64 hex characters`)
    const expected = await hmac(key, await trailerStringToSign(amzDate, scope, previous, trailers))
    if (!sameSignature(expected, signature)) stop('ERR_CHUNK_SIGNATURE', 'The trailer signature does not match')
    if (checksum) {
      const value = trailers.find(([name]) => name === checksum[0])![1]
      if (value !== crcBase64(crc)) stop('ERR_CHUNK_CHECKSUM', `The body does not match its ${checksum[0]} trailer`)
    }
  }

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const data = await nextChunk()
          if (data) return controller.enqueue(data)
          if (received !== decodedLength)
            stop(
              'ERR_CHUNK_FRAMING',
              `The body has ${received} bytes, x-amz-decoded-content-length says ${decodedLength}`,
            )
          if (trailerNames) await checkTrailer()
          if (!(await frames.atEnd())) stop('ERR_CHUNK_FRAMING', 'Bytes follow the end of the aws-chunked body')
          controller.close()
        } catch (error) {
          const typed =
            error instanceof SigV4Error
              ? error
              : new SigV4Error('ERR_CHUNK_FRAMING', 'The aws-chunked body could not be read', error)
          await frames.cancel(typed)
          controller.error(typed)
        }
      },
      cancel(reason) {
        return frames.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
}
