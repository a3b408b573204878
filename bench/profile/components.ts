// The pieces of one signature, timed alone by bench/profile/components.mjs (in workerd and Chromium, where the signer's own
// JavaScript is most of the gap to the WebCrypto floor). Each case does one operation; nothing runs on import.
import { canonicalHeaders } from '../../src/core/canonical.js'
import { SIGV4, presignQuery, signHeaders } from '../../src/core/engine.js'
import { presign, presignParts, sign } from '../../src/index.js'
import { amzDate, checkCredentials, resolveOptions, resolvePresignOptions } from '../../src/core/options.js'
import { checkParts } from '../../src/core/parts.js'
import { prepareRequest } from '../../src/core/request.js'
import { uriEncode } from '../../src/core/encoding.js'

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
  return {
    'sign()': () => sign({ method: 'POST', url, headers, body }, kinesis),
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
