// A fast local S3 sink for throughput figures: a Node http server on 127.0.0.1 that answers the calls of a multipart
// upload (CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload) and a single PUT with
// minimal XML, and discards every body while hashing it (SHA-256 per part, so a run can still be checked for content).
// It checks no signature: moto does that, in the correctness runs. aws-chunked bodies (a trailing checksum) are
// decoded before hashing, so what is hashed is the object's bytes whichever way a client framed them.
//
//   const sink = await startSink()
//   ... upload to `${sink.endpoint}/bucket/key` ...
//   sink.object('bucket/key') // { size, parts: [{ partNumber, size, sha256 }] } once completed
//   await sink.stop()
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { listen } from './loopback.js'

/** One part as the sink received it. */
export interface SinkPart {
  partNumber: number
  size: number
  sha256: string
}

/** An object the sink completed: its parts in order (one part for a single PUT). */
export interface SinkObject {
  size: number
  parts: SinkPart[]
}

export interface Sink {
  endpoint: string
  /** The completed object at `bucket/key`, if any. */
  object(path: string): SinkObject | undefined
  /** Requests answered so far, by kind (`create`, `part`, `complete`, `abort`, `put`, `other`). */
  counts: Record<string, number>
  stop(): Promise<void>
}

// Strips aws-chunked framing (`<hex size>[;chunk-signature=...]\r\n<bytes>\r\n ... 0\r\n<trailers>\r\n\r\n`) as the
// bytes arrive, handing each run of payload bytes on.
function dechunker(onBytes: (bytes: Uint8Array) => void): (chunk: Buffer) => void {
  let remaining = 0 // payload bytes left in the current chunk
  let header = '' // the chunk header being read
  let skipCrlf = 0 // the \r\n after a chunk's payload
  let done = false
  return (chunk) => {
    let at = 0
    while (at < chunk.length && !done) {
      if (remaining > 0) {
        const take = Math.min(remaining, chunk.length - at)
        onBytes(chunk.subarray(at, at + take))
        remaining -= take
        at += take
        if (remaining === 0) skipCrlf = 2
      } else if (skipCrlf > 0) {
        skipCrlf--
        at++
      } else {
        const end = chunk.indexOf(10, at)
        if (end < 0) {
          header += chunk.toString('latin1', at)
          return
        }
        header += chunk.toString('latin1', at, end)
        at = end + 1
        const size = parseInt(header.split(';')[0]!.trim(), 16)
        header = ''
        if (size === 0) done = true
        else remaining = size
      }
    }
  }
}

/** Options of the sink. */
export interface SinkOptions {
  /** Answer CORS for pages on other origins: preflights echo the asked headers; ETag and checksums are exposed. */
  cors?: boolean
}

const CORS_ANSWER = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, x-amz-checksum-crc32, x-amz-checksum-crc32c, x-amz-checksum-crc64nvme',
}

/** Starts the sink on a free port of 127.0.0.1. */
export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const uploads = new Map<string, { path: string; parts: Map<number, SinkPart> }>()
  const objects = new Map<string, SinkObject>()
  const counts: Record<string, number> = {}
  let next = 0
  const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1)

  // Reads the body, hashing its payload bytes; resolves with the size and SHA-256.
  const consume = (request: IncomingMessage): Promise<{ size: number; sha256: string }> =>
    new Promise((resolve, reject) => {
      const hash = createHash('sha256')
      let size = 0
      const take = (bytes: Uint8Array) => {
        size += bytes.length
        hash.update(bytes)
      }
      const chunked = /aws-chunked/.test(request.headers['content-encoding'] ?? '')
      const onData = chunked ? dechunker(take) : take
      request.on('data', onData)
      request.on('end', () => resolve({ size, sha256: hash.digest('hex') }))
      request.on('error', reject)
    })

  const xml = (response: ServerResponse, body: string): void => {
    response.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) })
    response.end(body)
  }
  const server = createServer((request, response) => {
    if (options.cors) {
      if (request.method === 'OPTIONS') {
        request.resume()
        response.writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, PUT, POST, DELETE, HEAD',
          'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
          'access-control-max-age': '600',
        })
        return response.end()
      }
      for (const [name, value] of Object.entries(CORS_ANSWER)) response.setHeader(name, value)
    }
    const url = new URL(request.url ?? '/', 'http://sink')
    const path = decodeURIComponent(url.pathname.slice(1))
    const uploadId = url.searchParams.get('uploadId')
    const handle = async () => {
      if (request.method === 'POST' && url.searchParams.has('uploads')) {
        count('create')
        request.resume()
        const id = `sink-${++next}`
        uploads.set(id, { path, parts: new Map() })
        const [bucket, ...key] = path.split('/')
        return xml(
          response,
          `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key.join('/')}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
        )
      }
      if (request.method === 'PUT' && uploadId) {
        count('part')
        const partNumber = Number(url.searchParams.get('partNumber'))
        const { size, sha256 } = await consume(request)
        const upload = uploads.get(uploadId)
        if (!upload) {
          response.writeHead(404, { 'content-type': 'application/xml' })
          return response.end('<Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>')
        }
        upload.parts.set(partNumber, { partNumber, size, sha256 })
        const headers: Record<string, string> = { etag: `"${sha256.slice(0, 32)}"`, 'content-length': '0' }
        for (const [name, value] of Object.entries(request.headers))
          if (name.startsWith('x-amz-checksum-') && typeof value === 'string') headers[name] = value
        response.writeHead(200, headers)
        return response.end()
      }
      if (request.method === 'POST' && uploadId) {
        count('complete')
        request.resume()
        await new Promise((resolve) => request.on('end', resolve))
        const upload = uploads.get(uploadId)
        if (!upload) {
          response.writeHead(404, { 'content-type': 'application/xml' })
          return response.end('<Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>')
        }
        uploads.delete(uploadId)
        const parts = [...upload.parts.values()].sort((a, b) => a.partNumber - b.partNumber)
        objects.set(upload.path, { size: parts.reduce((sum, part) => sum + part.size, 0), parts })
        const [bucket, ...key] = path.split('/')
        return xml(
          response,
          `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Location>http://sink/${path}</Location><Bucket>${bucket}</Bucket><Key>${key.join('/')}</Key><ETag>"${uploadId}-${parts.length}"</ETag></CompleteMultipartUploadResult>`,
        )
      }
      if (request.method === 'DELETE' && uploadId) {
        count('abort')
        request.resume()
        uploads.delete(uploadId)
        response.writeHead(204)
        return response.end()
      }
      if (request.method === 'PUT') {
        count('put')
        const { size, sha256 } = await consume(request)
        objects.set(path, { size, parts: [{ partNumber: 1, size, sha256 }] })
        response.writeHead(200, { etag: `"${sha256.slice(0, 32)}"`, 'content-length': '0' })
        return response.end()
      }
      count('other')
      request.resume()
      response.writeHead(200, { 'content-length': '0' })
      response.end()
    }
    handle().catch((error: unknown) => {
      response.writeHead(500)
      response.end(String(error))
    })
  })
  server.keepAliveTimeout = 60_000
  const listening = await listen(server)
  return { endpoint: listening.endpoint, object: (path) => objects.get(path), counts, stop: () => listening.close() }
}
