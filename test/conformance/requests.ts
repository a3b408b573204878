// Runtime-neutral checks of the fetch-level API: presign expiry bounds, wss: URLs, where the session token goes,
// and the S3 rules. Each signature is also recomputed with the parts API, so the URL or Request and the
// canonical request it came from must agree.
import { equal, ok, rejectsWith } from './assert.js'
import { sha256, streamOf, utf8 } from './bytes.js'
import type { Check, Lib } from './suite.js'
import { VECTOR_CREDENTIALS } from './fixtures.js'

const SECRET = VECTOR_CREDENTIALS.secretAccessKey
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }
const token = 'FQoGZXIvYXdzE+token/with=chars'
const datetime = '2015-08-30T12:36:00Z'
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

const signedHeadersOf = (authorization: string | null) =>
  /SignedHeaders=([^,]+),/.exec(authorization ?? '')?.[1]?.split(';') ?? []
const signatureOf = (authorization: string | null) => /Signature=([0-9a-f]{64})$/.exec(authorization ?? '')?.[1]
const canonicalQueryOf = (canonical: string) => canonical.split('\n')[2]!

export function requestChecks(lib: Lib): Check[] {
  return [
    {
      name: 'sign: a signed header named __proto__ is carried by the returned Request',
      run: async () => {
        const signed = await lib.sign(
          {
            url: 'https://sts.amazonaws.com/',
            headers: [
              ['__proto__', 'x'],
              ['x-a', '1'],
            ],
          },
          { credentials, datetime },
        )
        ok(signed.headers.get('authorization')!.includes('SignedHeaders=__proto__;host;x-a;x-amz-date,'), 'signed')
        equal(signed.headers.get('__proto__'), 'x', '__proto__ header')
        equal(signed.headers.get('x-a'), '1', 'x-a header')
      },
    },
    {
      name: 'presign: expiresIn 1 and 604800 are accepted, 3600 by default; 0, 604801 and 1.5 are refused',
      run: async () => {
        const url = 'https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15'
        for (const expiresIn of [1, 604800]) {
          const signed = await lib.presign(url, { credentials, datetime, expiresIn })
          equal(signed.searchParams.get('X-Amz-Expires'), String(expiresIn), 'X-Amz-Expires')
        }
        equal(
          (await lib.presign(url, { credentials, datetime })).searchParams.get('X-Amz-Expires'),
          '3600',
          'default X-Amz-Expires',
        )
        for (const expiresIn of [0, 604801, 1.5, -1]) {
          await rejectsWith(
            () => lib.presign(url, { credentials, datetime, expiresIn }),
            'ERR_INVALID_EXPIRES',
            `expiresIn ${expiresIn}`,
          )
        }
      },
    },
    {
      name: 'presign: the URL carries the signature of the parts it was made from',
      run: async () => {
        const options = { credentials, datetime, expiresIn: 900 }
        const url = await lib.presign(
          'https://sts.amazonaws.com/a%20b?Action=GetCallerIdentity&Version=2011-06-15',
          options,
        )
        const parts = await lib.presignParts(
          {
            method: 'GET',
            host: 'sts.amazonaws.com',
            path: '/a%20b',
            query: 'Action=GetCallerIdentity&Version=2011-06-15',
          },
          options,
        )
        equal(url.searchParams.get('X-Amz-Signature'), parts.signature, 'X-Amz-Signature')
        equal(url.search.slice(1), parts.query, 'query')
        equal(
          url.searchParams.get('X-Amz-Credential'),
          'AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request',
          'X-Amz-Credential',
        )
        equal(url.searchParams.get('Action'), 'GetCallerIdentity', 'the original query is kept')
        ok(parts.canonicalRequest.endsWith('\n' + EMPTY), 'a presigned non-S3 URL signs the empty payload hash')
        const input = new URL('https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15')
        const fromObject = await lib.presign(input, options)
        ok(fromObject !== input, 'a URL object given is not the one returned')
        equal(input.search, '?Action=GetCallerIdentity&Version=2011-06-15', 'a URL object given is left unchanged')
      },
    },
    {
      name: 'presign: a wss: URL stays wss:, keeps its port and query, and is signed like its parts',
      run: async () => {
        const url =
          'wss://transcribestreaming.us-east-1.amazonaws.com:8443/stream-transcription-websocket?language-code=en-US&media-encoding=pcm&sample-rate=16000'
        const options = { credentials, datetime, expiresIn: 300 }
        const signed = await lib.presign(url, options)
        equal(signed.protocol, 'wss:', 'protocol')
        equal(signed.host, 'transcribestreaming.us-east-1.amazonaws.com:8443', 'host')
        equal(signed.searchParams.get('sample-rate'), '16000', 'the original query is kept')
        equal(
          signed.searchParams.get('X-Amz-Credential'),
          'AKIDEXAMPLE/20150830/us-east-1/transcribe/aws4_request',
          'scope inferred from the host',
        )
        const parts = await lib.presignParts(
          {
            method: 'GET',
            host: 'transcribestreaming.us-east-1.amazonaws.com:8443',
            path: '/stream-transcription-websocket',
            query: 'language-code=en-US&media-encoding=pcm&sample-rate=16000',
          },
          { ...options, region: 'us-east-1', service: 'transcribe' },
        )
        ok(
          parts.canonicalRequest.includes('\nhost:transcribestreaming.us-east-1.amazonaws.com:8443\n'),
          'the port is in the signed host',
        )
        equal(signed.searchParams.get('X-Amz-Signature'), parts.signature, 'X-Amz-Signature')
      },
    },
    {
      name: 'session token, signed: x-amz-security-token is a signed header, X-Amz-Security-Token a signed query parameter',
      run: async () => {
        const options = { credentials: { ...credentials, sessionToken: token }, datetime }
        const request = await lib.sign(
          { url: 'https://sts.amazonaws.com/', headers: { 'x-amz-security-token': 'stale' } },
          options,
        )
        equal(
          request.headers.get('x-amz-security-token'),
          token,
          'x-amz-security-token header (a stale one is replaced)',
        )
        ok(
          signedHeadersOf(request.headers.get('authorization')).includes('x-amz-security-token'),
          'x-amz-security-token is signed',
        )
        const parts = await lib.presignParts({ method: 'GET', host: 'sts.amazonaws.com', path: '/' }, options)
        ok(
          canonicalQueryOf(parts.canonicalRequest).includes(
            'X-Amz-Security-Token=FQoGZXIvYXdzE%2Btoken%2Fwith%3Dchars',
          ),
          'the token is in the canonical query',
        )
        const url = await lib.presign('https://sts.amazonaws.com/', options)
        equal(url.searchParams.get('X-Amz-Security-Token'), token, 'X-Amz-Security-Token in the URL')
        equal(url.searchParams.get('X-Amz-Signature'), parts.signature, 'X-Amz-Signature')
      },
    },
    {
      name: 'session token, appended after signing: signSessionToken false, and IoT MQTT over wss: by itself',
      run: async () => {
        const options = { credentials: { ...credentials, sessionToken: token }, datetime }
        const request = await lib.sign({ url: 'https://sts.amazonaws.com/' }, { ...options, signSessionToken: false })
        equal(request.headers.get('x-amz-security-token'), token, 'x-amz-security-token header is sent')
        ok(
          !signedHeadersOf(request.headers.get('authorization')).includes('x-amz-security-token'),
          'x-amz-security-token is not signed',
        )
        const unsigned = await lib.signParts(
          { method: 'GET', host: 'sts.amazonaws.com', path: '/' },
          { credentials, datetime },
        )
        equal(
          signatureOf(request.headers.get('authorization')),
          unsigned.signature,
          'signature equals the one without a token',
        )

        const mqtt = await lib.presign('wss://a1b2c3-ats.iot.eu-west-1.amazonaws.com/mqtt', options)
        equal(mqtt.protocol, 'wss:', 'protocol')
        equal(
          mqtt.searchParams.get('X-Amz-Credential'),
          'AKIDEXAMPLE/20150830/eu-west-1/iotdevicegateway/aws4_request',
          'IoT MQTT signs as iotdevicegateway',
        )
        equal(mqtt.searchParams.get('X-Amz-Security-Token'), token, 'X-Amz-Security-Token in the URL')
        const names = [...mqtt.searchParams.keys()]
        ok(
          names.indexOf('X-Amz-Security-Token') > names.indexOf('X-Amz-SignedHeaders'),
          `the token comes after the signed parameters: ${names.join(',')}`,
        )
        const parts = await lib.presignParts(
          { method: 'GET', host: 'a1b2c3-ats.iot.eu-west-1.amazonaws.com', path: '/mqtt' },
          options,
        )
        ok(!parts.canonicalRequest.includes('X-Amz-Security-Token'), 'the token is not in the canonical request')
        equal(mqtt.searchParams.get('X-Amz-Signature'), parts.signature, 'X-Amz-Signature')
      },
    },
    {
      name: 'S3: x-amz-content-sha256 is the body hash and signed; the path is neither normalised nor encoded again',
      run: async () => {
        const body = utf8('hello S3')
        const request = await lib.sign(
          { method: 'PUT', url: 'https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b//c.txt', body },
          { credentials, datetime },
        )
        equal(request.headers.get('x-amz-content-sha256'), await sha256(body), 'x-amz-content-sha256')
        const authorization = request.headers.get('authorization')
        ok(
          authorization?.includes('Credential=AKIDEXAMPLE/20150830/eu-west-1/s3/aws4_request,'),
          `scope inferred from the bucket host: ${authorization}`,
        )
        ok(signedHeadersOf(authorization).includes('x-amz-content-sha256'), 'x-amz-content-sha256 is signed')
        equal(new URL(request.url).pathname, '/a%20b//c.txt', 'the wire path')
        const parts = { method: 'PUT', host: 'my-bucket.s3.eu-west-1.amazonaws.com', path: '/a%20b//c.txt', body }
        const s3 = await lib.signParts(parts, { credentials, datetime })
        equal(s3.canonicalRequest.split('\n')[1], '/a%20b//c.txt', 'S3 canonical path')
        equal(signatureOf(authorization), s3.signature, 'signature')
        const other = await lib.signParts(
          { ...parts, path: '/a%20b/./c' },
          { credentials, datetime, region: 'us-east-1', service: 'execute-api' },
        )
        equal(other.canonicalRequest.split('\n')[1], '/a%2520b/c', 'other services: normalised and encoded once more')
      },
    },
    {
      name: 'S3: presigned URLs and stream bodies sign UNSIGNED-PAYLOAD',
      run: async () => {
        const url = await lib.presign('https://my-bucket.s3.us-west-2.amazonaws.com/report.pdf', {
          credentials,
          datetime,
          expiresIn: 600,
        })
        ok(
          !url.searchParams.has('X-Amz-Content-Sha256') && !url.searchParams.has('x-amz-content-sha256'),
          'no content hash parameter',
        )
        const parts = await lib.presignParts(
          { method: 'GET', host: 'my-bucket.s3.us-west-2.amazonaws.com', path: '/report.pdf' },
          { credentials, datetime, expiresIn: 600 },
        )
        ok(
          parts.canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD'),
          'presigned S3 canonical request ends with UNSIGNED-PAYLOAD',
        )
        equal(url.searchParams.get('X-Amz-Signature'), parts.signature, 'X-Amz-Signature')
        const request = await lib.sign(
          { method: 'PUT', url: 'https://my-bucket.s3.us-west-2.amazonaws.com/k', body: utf8('bytes') },
          { credentials, datetime, unsignedPayload: true },
        )
        equal(request.headers.get('x-amz-content-sha256'), 'UNSIGNED-PAYLOAD', 'unsignedPayload on S3')
        equal(await request.text(), 'bytes', 'the body is still sent')
        const stream = await lib.signParts(
          { method: 'PUT', host: 'my-bucket.s3.us-west-2.amazonaws.com', path: '/k', body: streamOf('x') },
          { credentials, datetime },
        )
        equal(stream.payloadHash, 'UNSIGNED-PAYLOAD', 'a stream body on S3 is UNSIGNED-PAYLOAD by itself')
      },
    },
  ]
}
