// Shared setup of the upload tests: moto S3 with signature checks on, an IAM user's client, a bucket, and a
// proxy in front of moto that can fail chosen requests, hide the ETag header (as CORS does) or answer CORS.
import { createHash } from 'node:crypto'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { AwsClient } from '../../../src/client.js'
import { serve } from '../../helpers/loopback.js'
import { BOOTSTRAP_IAM_ACTIONS, bootstrapIam, startMoto, type MotoServer } from '../../helpers/moto.js'
import type { Credentials } from '../../../src/index.js'

export interface S3Setup {
  moto: MotoServer
  credentials: Credentials
  bucket: string
  /** A client signing for moto's S3 (us-east-1). */
  client: (options?: Partial<ConstructorParameters<typeof AwsClient>[0]>) => AwsClient
  /** Path-style URL of an object, through `endpoint` (default moto itself). */
  objectUrl: (key: string, endpoint?: string) => string
  /** SHA-256 hex of the stored object (GetObject). */
  storedSha256: (key: string) => Promise<string>
  /** Upload ids of the bucket's multipart uploads in progress (ListMultipartUploads). */
  listUploads: () => Promise<string[]>
}

/** Starts moto with checks on, creates an IAM user and a bucket (signed). */
export async function startS3(bucket = 'uploads'): Promise<S3Setup> {
  const moto = await startMoto({ noAuthActions: BOOTSTRAP_IAM_ACTIONS })
  const iam = await bootstrapIam(moto.endpoint, { userName: 'uploader', roleName: 'uploads' })
  const credentials = { accessKeyId: iam.accessKeyId, secretAccessKey: iam.secretAccessKey }
  const client = (options = {}) =>
    new AwsClient({ credentials, region: 'us-east-1', service: 's3', retryDelay: 10, ...options })
  const created = await client().fetch(`${moto.endpoint}/${bucket}`, { method: 'PUT' })
  if (!created.ok) throw new Error(`CreateBucket: ${created.status} ${await created.text()}`)
  const objectUrl = (key: string, endpoint = moto.endpoint) => `${endpoint}/${bucket}/${key}`
  return {
    moto,
    credentials,
    bucket,
    client,
    objectUrl,
    async storedSha256(key) {
      const response = await client().fetch(objectUrl(key))
      if (!response.ok) throw new Error(`GetObject ${key}: ${response.status} ${await response.text()}`)
      const hash = createHash('sha256')
      const reader = response.body!.getReader()
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) hash.update(chunk.value)
      return hash.digest('hex')
    },
    async listUploads() {
      const response = await client().fetch(`${moto.endpoint}/${bucket}?uploads=`)
      const text = await response.text()
      if (!response.ok) throw new Error(`ListMultipartUploads: ${response.status} ${text}`)
      return [...text.matchAll(/<UploadId>([^<]*)<\/UploadId>/g)].map((match) => match[1]!)
    },
  }
}

/** Deterministic pseudo-random bytes (xorshift32), so sources are reproducible and not compressible. */
export function randomBytes(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length)
  const words = new Uint32Array(bytes.buffer, 0, length >> 2)
  let state = seed >>> 0 || 1
  for (let i = 0; i < words.length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    words[i] = state >>> 0
  }
  for (let i = words.length * 4; i < length; i++) bytes[i] = i & 255
  return bytes
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  method: string
  /** Path and query. */
  url: string
  headers: IncomingMessage['headers']
  /** Body size in bytes. */
  size: number
  /** The body as text, for requests other than PUT (the XML documents). */
  text?: string
}

/** What the proxy does with a request: forward it (optionally dropping response headers), answer it, drop the connection or never answer. */
export type ProxyAction =
  | { forward: true; hideHeaders?: string[] }
  | { status: number; body?: string; headers?: Record<string, string> }
  | 'drop'
  | 'hang'

export interface S3Proxy {
  url: string
  requests: ProxiedRequest[]
  stop(): Promise<void>
}

/** Options of the proxy. */
export interface ProxyOptions {
  /** Decides per request (index counts every request, preflights excluded). Default: forward. */
  action?: (request: ProxiedRequest, index: number) => ProxyAction
  /** Answer CORS: preflights echo the asked headers, answers carry Allow-Origin and expose these headers. */
  cors?: { exposeHeaders: string[] }
}

/**
 * A proxy on 127.0.0.1 in front of moto. Request bodies are read before deciding (the decision may look at their
 * size) and forwarded with the Host header they came with, so signatures made for the proxy's address check out.
 */
export async function startProxy(target: string, options: ProxyOptions = {}): Promise<S3Proxy> {
  const requests: ProxiedRequest[] = []
  const targetUrl = new URL(target)
  const corsHeaders = (origin: string | undefined): Record<string, string> =>
    options.cors
      ? {
          'access-control-allow-origin': origin ?? '*',
          'access-control-expose-headers': options.cors.exposeHeaders.join(', '),
        }
      : {}
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin
    if (options.cors && req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': origin ?? '*',
        'access-control-allow-methods': 'GET, PUT, POST, DELETE, HEAD',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '600',
      })
      res.end()
      return
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const seen: ProxiedRequest = {
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      size: body.length,
      ...(req.method !== 'PUT' && { text: body.toString() }),
    }
    requests.push(seen)
    const action = options.action?.(seen, requests.length - 1) ?? { forward: true }
    if (action === 'drop') {
      req.socket.destroy()
      return
    }
    if (action === 'hang') return // never answered: stop() closes the connection
    if (!('forward' in action)) {
      res.writeHead(action.status, { ...corsHeaders(origin), ...action.headers })
      res.end(action.body ?? '')
      return
    }
    const headers = { ...req.headers }
    delete headers.origin
    delete headers.referer
    const upstream = httpRequest({
      host: targetUrl.hostname,
      port: targetUrl.port,
      method: req.method,
      path: req.url,
      headers,
    })
    upstream.on('response', (answer) => {
      const out: Record<string, string | string[]> = {}
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || name.startsWith('access-control-')) continue
        if (action.hideHeaders?.includes(name)) continue
        out[name] = value
      }
      res.writeHead(answer.statusCode ?? 502, { ...out, ...corsHeaders(origin) })
      answer.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    upstream.end(body)
  }
  // serve() closes every connection on stop, a hung one included.
  const listening = await serve((req, res) => void handle(req, res).catch(() => res.destroy()))
  let stopped: Promise<void> | undefined
  return {
    url: listening.endpoint,
    requests,
    stop: () => (stopped ??= listening.close()),
  }
}

/** The part number of an UploadPart request, or undefined for any other request. */
export function partNumberOf(request: ProxiedRequest): number | undefined {
  if (request.method !== 'PUT') return undefined
  const value = new URL(request.url, 'http://x').searchParams.get('partNumber')
  return value === null ? undefined : Number(value)
}
