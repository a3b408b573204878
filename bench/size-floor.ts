// A measuring stick, not part of the package: the smallest SigV4 header signer we could write that still signs
// real requests correctly (test/node/size/size-floor.test.ts checks it against the official vectors). It has what
// every signer needs and nothing else: session tokens, the S3 rules, canonical query and headers, and the signing
// key cached as a CryptoKey. It has no host inference, no presigning, no input checks, no typed errors, and takes
// only string or byte bodies. `npm run size` bundles it like the package's entries: its size is the floor under
// any budget for `sign`, and what the package adds on top of it is the price of those features.
const encoder = new TextEncoder()
const subtle = (): SubtleCrypto => crypto.subtle
let hexTable: string[] | undefined

function hex(buffer: ArrayBuffer): string {
  hexTable ??= Array.from({ length: 256 }, (_, byte) => (byte | 256).toString(16).slice(1))
  let out = ''
  for (const byte of new Uint8Array(buffer)) out += hexTable[byte]
  return out
}

const sha256 = async (data: string | Uint8Array<ArrayBuffer>): Promise<string> =>
  hex(await subtle().digest('SHA-256', typeof data === 'string' ? encoder.encode(data) : data))
const importKey = (raw: BufferSource): Promise<CryptoKey> =>
  subtle().importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
const hmac = async (key: CryptoKey | BufferSource, text: string): Promise<ArrayBuffer> =>
  subtle().sign('HMAC', key instanceof CryptoKey ? key : await importKey(key), encoder.encode(text))

// Keyed by a hash of the secret, never the secret itself.
const keys = new Map<string, Promise<CryptoKey>>()
async function signingKey(secret: string, scope: string[]): Promise<CryptoKey> {
  const id = (await sha256(secret)) + '/' + scope.join('/')
  let key = keys.get(id)
  if (!key) {
    if (keys.size > 63) keys.clear()
    keys.set(
      id,
      (key = scope
        .reduce<Promise<BufferSource>>(
          async (parent, part) => hmac(await parent, part),
          Promise.resolve(encoder.encode('AWS4' + secret)),
        )
        .then(importKey)),
    )
  }
  return key
}

const encode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (char) => '%' + char.charCodeAt(0).toString(16).toUpperCase())
const decode = (text: string): string =>
  text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })

/** Signs `{ method, url, headers, body }` into a new `Request` (see the file comment for what it leaves out). */
export async function signFloor(
  input: { method?: string; url: string; headers?: HeadersInit; body?: string | Uint8Array<ArrayBuffer> | null },
  options: {
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
    region: string
    service: string
    datetime?: string
  },
): Promise<Request> {
  const { accessKeyId, secretAccessKey, sessionToken } = options.credentials
  const s3 = /^s3(-object-lambda|-outposts|express)?$/.test(options.service)
  const url = new URL(input.url)
  const method = input.method ?? 'GET'
  const headers = new Headers(input.headers)
  const date = new Date(options.datetime ?? Date.now()).toISOString().replace(/[-:]|\.\d+/g, '')
  const payloadHash = await sha256(input.body ?? '')
  headers.set('x-amz-date', date)
  if (s3) headers.set('x-amz-content-sha256', payloadHash)
  if (sessionToken) headers.set('x-amz-security-token', sessionToken)
  headers.delete('authorization')
  const canonicalHeaders: Array<[string, string]> = [['host', url.host]]
  for (const [name, value] of headers)
    if (!/^(user-agent|expect|x-amzn-trace-id)$/.test(name))
      canonicalHeaders.push([name, value.trim().replace(/\s+/g, ' ')])
  canonicalHeaders.sort(([a], [b]) => (a < b ? -1 : 1))
  const signedHeaders = canonicalHeaders.map(([name]) => name).join(';')
  const query = url.search
    .slice(1)
    .split('&')
    .filter(Boolean)
    .map((pair) =>
      pair
        .split('=')
        .map((part) => encode(decode(part)))
        .concat('')
        .slice(0, 2)
        .join('\0'),
    )
    .sort()
    .join('&')
    .replace(/\0/g, '=')
  // The URL parser already resolved dot segments; merging repeated slashes completes the normalisation.
  const path = s3 ? url.pathname : encode(url.pathname.replace(/\/+/g, '/')).replace(/%2F/g, '/')
  const scope = [date.slice(0, 8), options.region, options.service, 'aws4_request']
  const canonicalRequest = [
    method,
    path,
    query,
    canonicalHeaders.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    payloadHash,
  ].join('\n')
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope.join('/'), await sha256(canonicalRequest)].join('\n')
  const signature = hex(await hmac(await signingKey(secretAccessKey, scope), stringToSign))
  headers.set(
    'authorization',
    `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope.join('/')}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  )
  return new Request(url, { method, headers, body: input.body })
}
