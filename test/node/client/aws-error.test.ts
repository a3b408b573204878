// AwsError.from: JSON (__type), XML (<Code>), headers, request ids, server time, signature-mismatch details.
import { expect, test } from 'vitest'
import { AwsError } from '../../../src/client/aws-error.js'
import { xmlText } from '../../../src/core/xml.js'

const respond = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers })

test('JSON body: __type with a namespace, message, x-amzn-requestid', async () => {
  const error = await AwsError.from(
    respond(
      400,
      JSON.stringify({
        __type: 'com.amazonaws.kinesis.v20131202#ResourceNotFoundException',
        message: 'Stream events not found',
      }),
      { 'x-amzn-requestid': 'abc-123' },
    ),
  )
  expect(error).toBeInstanceOf(AwsError)
  expect(error).toBeInstanceOf(Error)
  expect([error.name, error.code, error.message, error.status, error.requestId]).toEqual([
    'AwsError',
    'ResourceNotFoundException',
    'Stream events not found',
    400,
    'abc-123',
  ])
  expect(error.canonicalRequest).toBeUndefined()
})

test('JSON body with Code/Message spelling (e.g. Lambda)', async () => {
  const error = await AwsError.from(
    respond(429, JSON.stringify({ Type: 'User', Code: 'TooManyRequestsException', Message: 'Rate exceeded' })),
  )
  expect([error.code, error.message, error.status]).toEqual(['TooManyRequestsException', 'Rate exceeded', 429])
})

test('XML body: query-protocol ErrorResponse and S3 Error, entities decoded, RequestId from the body', async () => {
  const query = await AwsError.from(
    respond(
      403,
      '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: a &amp; b is not &lt;authorized&gt;</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
    ),
  )
  expect([query.code, query.message, query.requestId]).toEqual([
    'AccessDenied',
    'User: a & b is not <authorized>',
    'r-1',
  ])
  const s3 = await AwsError.from(
    respond(503, '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>', {
      'x-amz-request-id': 's3-req',
    }),
  )
  expect([s3.code, s3.status, s3.requestId]).toEqual(['SlowDown', 503, 's3-req'])
})

test('no body: code from x-amzn-errortype (suffix dropped), else Http<status>', async () => {
  const typed = await AwsError.from(
    respond(400, '', {
      'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/',
    }),
  )
  expect(typed.code).toBe('ThrottlingException')
  const bare = await AwsError.from(new Response(null, { status: 502, statusText: 'Bad Gateway' }))
  expect([bare.code, bare.message]).toEqual(['Http502', 'Bad Gateway'])
})

test('server time: Date header, S3 <ServerTime>, or the time in a "Signature expired" message', async () => {
  const fromHeader = await AwsError.from(respond(403, '', { date: 'Wed, 21 Oct 2026 07:28:00 GMT' }))
  expect(fromHeader.serverTime?.toISOString()).toBe('2026-10-21T07:28:00.000Z')
  const fromTag = await AwsError.from(
    respond(
      403,
      '<Error><Code>RequestTimeTooSkewed</Code><Message>m</Message><ServerTime>2026-10-21T07:28:00Z</ServerTime></Error>',
    ),
  )
  expect(fromTag.serverTime?.toISOString()).toBe('2026-10-21T07:28:00.000Z')
  const expired = JSON.stringify({
    __type: 'InvalidSignatureException',
    message: 'Signature expired: 20261021T070000Z is now earlier than 20261021T072300Z (20261021T072800Z - 5 min.)',
  })
  expect((await AwsError.from(respond(400, expired))).serverTime?.toISOString()).toBe('2026-10-21T07:28:00.000Z')
  const early = JSON.stringify({
    __type: 'InvalidSignatureException',
    message:
      'Signature not yet current: 20261021T080000Z is still later than 20261021T073300Z (20261021T072800Z + 5 min.)',
  })
  expect((await AwsError.from(respond(400, early))).serverTime?.toISOString()).toBe('2026-10-21T07:28:00.000Z')
  expect((await AwsError.from(respond(400, '{}'))).serverTime).toBeUndefined()
})

test("signature mismatch (JSON service): ours and the server's canonical request / string to sign side by side", async () => {
  const server = {
    canonical:
      'POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:kinesis.us-east-1.amazonaws.com\n\ncontent-type;host\nabc',
    sts: 'AWS4-HMAC-SHA256\n20261021T072800Z\n20261021/us-east-1/kinesis/aws4_request\ndef',
  }
  const message = `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${server.canonical}'\n\nThe String-to-Sign should have been\n'${server.sts}'\n`
  const ours = {
    canonicalRequest: 'POST\n/\n\nhost:kinesis.us-east-1.amazonaws.com\n\nhost\nabc',
    stringToSign: 'AWS4-HMAC-SHA256\n...',
  }
  const error = await AwsError.from(
    respond(400, JSON.stringify({ __type: 'InvalidSignatureException', message })),
    ours,
  )
  expect(error.code).toBe('InvalidSignatureException')
  expect(error.serverCanonicalRequest).toBe(server.canonical)
  expect(error.serverStringToSign).toBe(server.sts)
  expect(error.canonicalRequest).toBe(ours.canonicalRequest)
  expect(error.stringToSign).toBe(ours.stringToSign)
})

test('signature mismatch (S3 XML): server text from <CanonicalRequest> and <StringToSign>', async () => {
  const body =
    '<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><StringToSign>AWS4-HMAC-SHA256\n2026</StringToSign><CanonicalRequest>GET\n/k\n\nhost:b.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest></Error>'
  const error = await AwsError.from(respond(403, body), { canonicalRequest: 'mine', stringToSign: 'mine too' })
  expect([error.code, error.serverStringToSign, error.canonicalRequest]).toEqual([
    'SignatureDoesNotMatch',
    'AWS4-HMAC-SHA256\n2026',
    'mine',
  ])
  expect(error.serverCanonicalRequest).toContain('UNSIGNED-PAYLOAD')
})

test('xmlText: first element, numeric entities, absent tag', () => {
  expect(xmlText('<A><Code>x&#65;&#x42;&quot;</Code><Code>second</Code></A>', 'Code')).toBe('xAB"')
  expect(xmlText('<A/>', 'Code')).toBeUndefined()
  expect(xmlText('<Code></Code>', 'Code')).toBe('')
})
