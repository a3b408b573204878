// Runtime-neutral helpers over the AWS vector data: no file system, no Node built-ins.

export interface VectorCase {
  name: string
  files: Record<string, string>
}

export interface VectorContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string }
  expiration_in_seconds: number
  normalize: boolean
  region: string
  service: string
  sign_body: boolean
  timestamp: string
  omit_session_token?: boolean
}

export interface RawRequest {
  method: string
  path: string
  query: string
  headers: Array<[string, string]>
  body: string
}

/** Parses a vector's request.txt: request line, `Name:value` lines (indented lines continue a value), body. */
export function parseRawRequest(text: string): RawRequest {
  const [head, ...rest] = text.split('\n\n')
  const lines = head!.split('\n')
  const requestLine = lines.shift()!
  const method = requestLine.slice(0, requestLine.indexOf(' '))
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' '))
  const question = target.indexOf('?')
  const headers: Array<[string, string]> = []
  for (const line of lines) {
    if (/^\s/.test(line) && headers.length) headers[headers.length - 1]![1] += '\n' + line
    else if (line) {
      const colon = line.indexOf(':')
      headers.push([line.slice(0, colon), line.slice(colon + 1)])
    }
  }
  return {
    method,
    path: question < 0 ? target : target.slice(0, question),
    query: question < 0 ? '' : target.slice(question + 1),
    headers,
    body: rest.join('\n\n'),
  }
}

/** The signing options a vector case describes, in this library's terms. */
export function vectorOptions(context: VectorContext, token = true) {
  return {
    credentials: {
      accessKeyId: context.credentials.access_key_id,
      secretAccessKey: context.credentials.secret_access_key,
      ...(token && context.credentials.token ? { sessionToken: context.credentials.token } : {}),
    },
    region: context.region,
    service: context.service,
    datetime: context.timestamp,
    normalizePath: context.normalize,
    signContentSha256: context.sign_body,
    signSessionToken: !context.omit_session_token,
    expiresIn: context.expiration_in_seconds,
  }
}

/** A vector case ready to sign: its context, the request as parts (host from its Host header) and the options. */
export function prepareVector(vector: VectorCase) {
  const context = JSON.parse(vector.files['context.json']!) as VectorContext
  const raw = parseRawRequest(vector.files['request.txt']!)
  const host = raw.headers.find(([name]) => name.toLowerCase() === 'host')![1]
  return { context, parts: { ...raw, host, body: raw.body || null }, options: vectorOptions(context) }
}

/** The query of a vector's query-signed-request.txt (its request line, between `?` and ` HTTP/1.1`). */
export function presignedQuery(vector: VectorCase): string {
  const target = vector.files['query-signed-request.txt']!.split('\n')[0]!
  return target.slice(target.indexOf('?') + 1, target.lastIndexOf(' '))
}
