// The pieces of one signature, timed alone by bench/profile/components.mjs (in workerd and Chromium, where the signer's own
// JavaScript is most of the gap to the WebCrypto floor). Each case does one operation; nothing runs on import.
import { canonicalHeaders } from '../../src/core/canonical.js'
import { SIGV4, presignQuery, signHeaders } from '../../src/core/engine.js'
import { presign, presignParts, sign } from '../../src/index.js'
import { amzDate, checkCredentials, resolveOptions, resolvePresignOptions } from '../../src/core/options.js'
import { checkParts } from '../../src/core/parts.js'
import { prepareRequest } from '../../src/core/request.js'
import { uriEncode } from '../../src/core/encoding.js'
import { AwsClient } from 'aws4fetch'

const token = 'IQoJb3JpZ2luX2VjE' + 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/'.repeat(22)
const credentials = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: token,
}
const host = 'kinesis.us-east-1.amazonaws.com'
const url = `https://${host}/`
const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' }
const body = JSON.stringify({ StreamName: 'clickstream', PartitionKey: 'user-0042', Data: 'QUJD'.repeat(36) })
const kinesis = { credentials, region: 'us-east-1', service: 'kinesis' }
const s3 = { credentials, region: 'us-east-1', service: 's3' }
const s3Host = 'examplebucket.s3.us-east-1.amazonaws.com'
const s3Path = '/photos/2026/holiday%20cat.jpg'

/** One operation per case, by name (the signer's public entries first, then the steps inside them). */
export function components(): Record<string, () => unknown> {
  const parts = checkParts({ method: 'POST', host, path: '/', headers: Object.entries(headers), body })
  const s3Parts = checkParts({ method: 'GET', host: s3Host, path: s3Path })
  // The engine steps take options resolved once; resolving is timed on its own below.
  const kinesisResolved = resolveOptions(kinesis, host, '/')
  const s3Resolved = resolvePresignOptions(s3, s3Host, s3Path)
  const headerList: Array<[string, string]> = [
    ['host', host],
    ['content-type', headers['content-type']],
    ['x-amz-date', '20260101T000000Z'],
    ['x-amz-security-token', token],
    ['x-amz-target', headers['x-amz-target']],
  ]
  const aws4fetch = new AwsClient({ ...credentials, region: 'us-east-1', service: 'kinesis' })
  const signedHeaders = {
    ...headers,
    'x-amz-date': '20260101T000000Z',
    'x-amz-security-token': token,
    authorization: `AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=${'0'.repeat(64)}`,
  }
  const bodyBytes = new TextEncoder().encode(body)
  const encoder = new TextEncoder()
  const subtle = crypto.subtle
  const floorKey = subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const canonicalHead = 'POST\n/\n\n' + headerList.map(([name, value]) => `${name}:${value}\n`).join('')
  return {
    'WebCrypto floor (digest, digest, HMAC)': async () => {
      const payload = await subtle.digest('SHA-256', encoder.encode(body))
      const request = await subtle.digest('SHA-256', encoder.encode(canonicalHead + payload.byteLength))
      return subtle.sign('HMAC', await floorKey, encoder.encode('AWS4-HMAC-SHA256\n' + request.byteLength))
    },
    'sign()': () => sign({ method: 'POST', url, headers, body }, kinesis),
    'aws4fetch AwsClient.sign()': () => aws4fetch.sign(url, { method: 'POST', headers, body }),
    'the signed Request alone (bytes body)': () =>
      new Request(url, { method: 'POST', headers: signedHeaders, body: bodyBytes }),
    'the signed Request alone (string body)': () => new Request(url, { method: 'POST', headers: signedHeaders, body }),
    'aws4fetch AwsClient.sign(signQuery)': () =>
      aws4fetch.sign(`https://${s3Host}${s3Path}`, { method: 'GET', aws: { signQuery: true, service: 's3' } }),
    'presign()': () => presign(`https://${s3Host}${s3Path}`, s3),
    'presignParts()': () => presignParts({ method: 'GET', host: s3Host, path: s3Path }, s3),
    'prepareRequest()': () =>
      prepareRequest({ method: 'POST', url, headers, body }, (host, path) => resolveOptions(kinesis, host, path)),
    'signHeaders()': async () => signHeaders(parts, await kinesisResolved, SIGV4),
    'presignQuery()': async () => presignQuery(s3Parts, await s3Resolved, SIGV4),
    'resolveOptions()': () => resolveOptions(kinesis, host, '/'),
    'checkCredentials()': () => checkCredentials(credentials),
    'amzDate()': () => amzDate(),
    'uriEncode(token)': () => uriEncode(token),
    'canonicalHeaders()': () => canonicalHeaders(headerList),
    'new Headers()': () => new Headers(headers),
    'new URL()': () => new URL(url),
  }
}
