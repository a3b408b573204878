// verify() accepts what botocore and @smithy/signature-v4 sign: header and presigned, S3 and other services,
// with and without a session token, given as a fetch Request (the way Workers, Deno, Bun and Node servers see it).
import { describe, expect, test } from 'vitest'
import { verify } from '../../../src/verify.js'
import { botocoreSign, credentials, lookupSecret, SIGNED_AT, smithySign, toRequest, type Spec } from './signers.js'

const now = new Date(Date.parse(SIGNED_AT) + 60_000)

const specs: Spec[] = [
  {
    kind: 'header',
    method: 'GET',
    url: 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08',
    service: 'iam',
    region: 'us-east-1',
  },
  {
    kind: 'header',
    method: 'POST',
    url: 'https://kinesis.eu-west-1.amazonaws.com/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' },
    body: '{"Limit":5}',
    service: 'kinesis',
    region: 'eu-west-1',
  },
  {
    kind: 'header',
    method: 'POST',
    url: 'https://api.example.test/prod/items/a%20b?x=1&y=%2A',
    headers: { 'content-type': 'application/json', 'x-custom': '  spaced   value ' },
    body: '{"é":"ü"}',
    service: 'execute-api',
    region: 'ap-south-1',
    token: 'session/token+with=chars',
  },
  {
    kind: 's3-header',
    method: 'PUT',
    url: 'https://bucket.s3.us-west-2.amazonaws.com/dir/file%20name.txt',
    headers: { 'content-type': 'text/plain' },
    body: 'hello s3',
    service: 's3',
    region: 'us-west-2',
  },
  {
    kind: 'query',
    method: 'GET',
    url: 'https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15',
    service: 'sts',
    region: 'us-east-1',
    expires: 900,
  },
  {
    kind: 'query',
    method: 'GET',
    url: 'https://execute-api.example.test/v1/thing?b=2&a=1',
    service: 'execute-api',
    region: 'eu-central-1',
    token: 'tok',
  },
  {
    kind: 's3-query',
    method: 'GET',
    url: 'https://bucket.s3.eu-west-1.amazonaws.com/photos/cat.jpg?versionId=3',
    service: 's3',
    region: 'eu-west-1',
    expires: 600,
  },
]

describe('botocore-signed requests', () => {
  const signed = botocoreSign(specs)
  for (const [index, spec] of specs.entries()) {
    test(`${spec.kind} ${spec.method} ${spec.service}${spec.token ? ' with token' : ''}`, async () => {
      const result = await verify(toRequest(signed[index]!), { lookupSecret, now })
      expect(result, JSON.stringify(signed[index])).toMatchObject({
        ok: true,
        accessKeyId: credentials.accessKeyId,
        region: spec.region,
        service: spec.service,
        presigned: spec.kind.endsWith('query'),
      })
      if (spec.token) expect(result).toMatchObject({ sessionToken: spec.token })
      if (result.ok) expect(result.signedHeaders).toContain('host')
    })
  }
})

describe('@smithy/signature-v4-signed requests', () => {
  for (const spec of specs) {
    test(`${spec.kind} ${spec.method} ${spec.service}${spec.token ? ' with token' : ''}`, async () => {
      const wire = await smithySign(spec)
      const result = await verify(toRequest(wire), { lookupSecret, now })
      expect(result, JSON.stringify(wire)).toMatchObject({
        ok: true,
        accessKeyId: credentials.accessKeyId,
        region: spec.region,
        service: spec.service,
      })
    })
  }
})

test('the request body can still be read after verification', async () => {
  const [wire] = botocoreSign([specs[1]!])
  const request = toRequest(wire!)
  expect((await verify(request, { lookupSecret, now })).ok).toBe(true)
  expect(await request.text()).toBe('{"Limit":5}')
})
