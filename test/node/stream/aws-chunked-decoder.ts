// An independent aws-chunked decoder and verifier for the tests: node:crypto, no code from src/.
import { createHash, createHmac } from 'node:crypto'

export interface DecodedChunk {
  size: number
  signature: string
  data: Buffer
}

export interface DecodedBody {
  chunks: DecodedChunk[]
  data: Buffer
  trailers: Array<[string, string]>
}

/** Splits an aws-chunked body into its frames and trailers (throws on any framing error). */
export function decodeAwsChunked(body: Buffer): DecodedBody {
  const chunks: DecodedChunk[] = []
  const trailers: Array<[string, string]> = []
  let offset = 0
  const line = (): string => {
    const end = body.indexOf('\r\n', offset)
    if (end < 0) throw new Error(`no CRLF after offset ${offset}`)
    const text = body.subarray(offset, end).toString('latin1')
    offset = end + 2
    return text
  }
  for (;;) {
    const match = /^([0-9a-f]+);chunk-signature=([0-9a-f]{64})$/.exec(line())
    if (!match) throw new Error('bad chunk header')
    const size = parseInt(match[1]!, 16)
    const data = body.subarray(offset, offset + size)
    offset += size
    chunks.push({ size, signature: match[2]!, data })
    if (size === 0) break
    if (line() !== '') throw new Error('chunk data not followed by CRLF')
  }
  for (let text = line(); text !== ''; text = line()) {
    const colon = text.indexOf(':')
    trailers.push([text.slice(0, colon), text.slice(colon + 1)])
  }
  if (offset !== body.length) throw new Error(`${body.length - offset} bytes after the end`)
  return { chunks, data: Buffer.concat(chunks.map((chunk) => chunk.data)), trailers }
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

/** The SigV4 signing key, derived with node:crypto. */
export function nodeSigningKey(secret: string, scope: string): Buffer {
  let key: Buffer = Buffer.from('AWS4' + secret)
  for (const part of scope.split('/')) key = createHmac('sha256', key).update(part).digest()
  return key
}

/** Recomputes every chunk (and trailer) signature from the seed; returns the list of mismatches. */
export function verifyChunkSignatures(
  decoded: DecodedBody,
  context: { secret: string; amzDate: string; scope: string; seedSignature: string },
): string[] {
  const key = nodeSigningKey(context.secret, context.scope)
  const errors: string[] = []
  let previous = context.seedSignature
  for (const [index, chunk] of decoded.chunks.entries()) {
    const text = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      context.amzDate,
      context.scope,
      previous,
      sha256(''),
      sha256(chunk.data),
    ].join('\n')
    const expected = createHmac('sha256', key).update(text).digest('hex')
    if (expected !== chunk.signature) errors.push(`chunk ${index}: ${chunk.signature} != ${expected}`)
    previous = chunk.signature
  }
  const signatureTrailer = decoded.trailers.find(([name]) => name === 'x-amz-trailer-signature')
  if (signatureTrailer) {
    const canonical = decoded.trailers
      .filter(([name]) => name !== 'x-amz-trailer-signature')
      .map(([name, value]) => `${name}:${value}\n`)
      .join('')
    const text = ['AWS4-HMAC-SHA256-TRAILER', context.amzDate, context.scope, previous, sha256(canonical)].join('\n')
    const expected = createHmac('sha256', key).update(text).digest('hex')
    if (expected !== signatureTrailer[1]) errors.push(`trailer: ${signatureTrailer[1]} != ${expected}`)
  }
  return errors
}

/** A stream of `total` bytes from a repeating pattern, in pieces of `piece` bytes, generated as it is pulled. */
export function generatedStream(
  total: number,
  piece = 16384,
  onPull?: (pulled: number) => void,
): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) return controller.close()
        const size = Math.min(piece, total - sent)
        const bytes = new Uint8Array(size)
        for (let i = 0; i < size; i++) bytes[i] = (sent + i) % 251
        sent += size
        onPull?.(sent)
        controller.enqueue(bytes)
      },
    },
    { highWaterMark: 0 },
  )
}

/** The bytes `generatedStream(total)` produces. */
export function generatedBytes(total: number): Buffer {
  const bytes = Buffer.alloc(total)
  for (let i = 0; i < total; i++) bytes[i] = i % 251
  return bytes
}
