// The core signer against moto with signature checks on: moto recomputes every signature with botocore and
// answers 403 when it differs, so an accepted request proves our signature equals botocore's for that request.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { differentFrom } from '../../helpers/different.js'
import { presign, sign, type Credentials } from '../../../src/index.js'
import { BOOTSTRAP_IAM_ACTIONS, bootstrapIam, startMoto, xmlValue, type MotoServer } from '../../helpers/moto.js'

let moto: MotoServer
let longTerm: Credentials
let temporary: Credentials
let roleArn: string

const FORM = 'application/x-www-form-urlencoded; charset=utf-8'

// STS query API call (POST form), signed by our sign().
function stsRequest(
  params: Record<string, string>,
  credentials: Credentials,
  extraHeaders: Record<string, string> = {},
): Promise<Request> {
  return sign(
    {
      method: 'POST',
      url: moto.endpoint + '/',
      headers: { 'content-type': FORM, ...extraHeaders },
      body: new URLSearchParams({ ...params, Version: '2011-06-15' }).toString(),
    },
    { credentials, region: 'us-east-1', service: 'sts' },
  )
}

// Kinesis JSON API call, signed by our sign().
function kinesisRequest(
  operation: string,
  body: object,
  credentials: Credentials,
  extraHeaders: Record<string, string> = {},
): Promise<Request> {
  return sign(
    {
      method: 'POST',
      url: moto.endpoint + '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `Kinesis_20131202.${operation}`,
        ...extraHeaders,
      },
      body: JSON.stringify(body),
    },
    { credentials, region: 'us-east-1', service: 'kinesis' },
  )
}

async function kinesis<T = Record<string, unknown>>(operation: string, body: object): Promise<T> {
  const response = await fetch(await kinesisRequest(operation, body, temporary))
  const text = await response.text()
  expect(response.status, `${operation}: ${text}`).toBe(200)
  return JSON.parse(text) as T
}

// moto's refusal: status plus the <Code> of its XML error (IAM style, for STS and Kinesis alike).
async function refusal(response: Response): Promise<{ status: number; code: string; message: string }> {
  const text = await response.text()
  return { status: response.status, code: xmlValue(text, 'Code'), message: xmlValue(text, 'Message') }
}

const SIGNATURE_MISMATCH = {
  status: 403,
  code: 'SignatureDoesNotMatch',
  message: expect.stringContaining('signature we calculated does not match'),
}

beforeAll(async () => {
  moto = await startMoto({ authChecks: true, noAuthActions: BOOTSTRAP_IAM_ACTIONS })
  const iam = await bootstrapIam(moto.endpoint, { userName: 'signer-test', roleName: 'stream-writer' })
  longTerm = { accessKeyId: iam.accessKeyId, secretAccessKey: iam.secretAccessKey }
  roleArn = iam.roleArn
})

afterAll(() => moto?.stop())

describe('STS with long-term keys (signature checks on)', () => {
  test('the unauthenticated window is closed: an unsigned-key request is refused', async () => {
    const response = await fetch(
      await stsRequest(
        { Action: 'GetCallerIdentity' },
        { accessKeyId: 'AKIANOTAUSER0000000', secretAccessKey: 'nothing' },
      ),
    )
    expect(await refusal(response)).toMatchObject({ status: 403, code: 'InvalidClientTokenId' })
  })

  test('AssumeRole signed with the user key returns temporary ASIA… credentials', async () => {
    const response = await fetch(
      await stsRequest({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'moto-proof' }, longTerm),
    )
    const xml = await response.text()
    expect(response.status, xml).toBe(200)
    temporary = {
      accessKeyId: xmlValue(xml, 'AccessKeyId'),
      secretAccessKey: xmlValue(xml, 'SecretAccessKey'),
      sessionToken: xmlValue(xml, 'SessionToken'),
    }
    expect(temporary.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/)
    expect(temporary.secretAccessKey).toHaveLength(40)
    expect(temporary.sessionToken!.length).toBeGreaterThan(100)
    expect(xmlValue(xml, 'Arn')).toBe('arn:aws:sts::123456789012:assumed-role/stream-writer/moto-proof')
  })

  test('GetCallerIdentity signed with the temporary credentials (session token) names the assumed role', async () => {
    const response = await fetch(await stsRequest({ Action: 'GetCallerIdentity' }, temporary))
    const xml = await response.text()
    expect(response.status, xml).toBe(200)
    expect(xmlValue(xml, 'Arn')).toBe('arn:aws:sts::123456789012:assumed-role/stream-writer/moto-proof')
  })

  test('a wrong secret is refused with SignatureDoesNotMatch', async () => {
    const response = await fetch(
      await stsRequest(
        { Action: 'GetCallerIdentity' },
        { ...longTerm, secretAccessKey: differentFrom(longTerm.secretAccessKey) },
      ),
    )
    expect(await refusal(response)).toEqual(SIGNATURE_MISMATCH)
  })
})

describe('Kinesis with the temporary credentials (signature checks on)', () => {
  test('CreateStream, DescribeStream (ACTIVE), PutRecord, GetShardIterator, GetRecords: the record comes back intact', async () => {
    const StreamName = 'signed-events'
    await kinesis('CreateStream', { StreamName, ShardCount: 1 })
    let status = ''
    let shardId = ''
    for (let attempt = 0; attempt < 50 && status !== 'ACTIVE'; attempt++) {
      if (attempt) await new Promise((resolve) => setTimeout(resolve, 100))
      const { StreamDescription } = await kinesis<{
        StreamDescription: { StreamStatus: string; Shards: Array<{ ShardId: string }> }
      }>('DescribeStream', { StreamName })
      status = StreamDescription.StreamStatus
      shardId = StreamDescription.Shards[0]?.ShardId ?? ''
    }
    expect(status).toBe('ACTIVE')

    // Bytes that are not ASCII, not UTF-8 and include NUL: the payload hash covers the exact JSON body.
    const data = new Uint8Array([0, 1, 2, 0xff, 0xfe, ...new TextEncoder().encode('héllo ✓ signed')])
    const put = await kinesis<{ ShardId: string; SequenceNumber: string }>('PutRecord', {
      StreamName,
      PartitionKey: 'pk-ü',
      Data: toBase64(data),
    })
    expect(put.ShardId).toBe(shardId)
    expect(put.SequenceNumber).toMatch(/^\d+$/)

    const { ShardIterator } = await kinesis<{ ShardIterator: string }>('GetShardIterator', {
      StreamName,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    })
    expect(ShardIterator).toBeTruthy()
    const { Records } = await kinesis<{
      Records: Array<{ Data: string; PartitionKey: string; SequenceNumber: string }>
    }>('GetRecords', { ShardIterator, Limit: 10 })
    expect(Records).toHaveLength(1)
    expect(Records[0]!.SequenceNumber).toBe(put.SequenceNumber)
    expect(Records[0]!.PartitionKey).toBe('pk-ü')
    expect(fromBase64(Records[0]!.Data)).toEqual(data)
  })

  test('a wrong secret is refused with SignatureDoesNotMatch', async () => {
    const response = await fetch(
      await kinesisRequest(
        'ListStreams',
        {},
        { ...temporary, secretAccessKey: differentFrom(temporary.secretAccessKey) },
      ),
    )
    expect(await refusal(response)).toEqual(SIGNATURE_MISMATCH)
  })

  test('a body changed after signing is refused; the same signed request unchanged is accepted', async () => {
    const signed = await kinesisRequest('ListStreams', { Limit: 10 }, temporary)
    const original = signed.clone()
    const tampered = new Request(signed.url, {
      method: 'POST',
      headers: signed.headers,
      body: JSON.stringify({ Limit: 11 }),
    })
    expect(await refusal(await fetch(tampered))).toEqual(SIGNATURE_MISMATCH)
    const accepted = await fetch(original)
    expect(accepted.status, await accepted.clone().text()).toBe(200)
    expect((await accepted.json()).StreamNames).toContain('signed-events')
  })

  test('a changed signed header is refused; the same signed request unchanged is accepted', async () => {
    const signed = await kinesisRequest('ListStreams', {}, temporary, { 'x-request-tag': 'first' })
    expect(signed.headers.get('authorization')).toContain('x-request-tag')
    const body = await signed.clone().text()
    const headers = new Headers(signed.headers)
    headers.set('x-request-tag', 'second')
    expect(await refusal(await fetch(new Request(signed.url, { method: 'POST', headers, body })))).toEqual(
      SIGNATURE_MISMATCH,
    )
    const accepted = await fetch(signed)
    expect(accepted.status, await accepted.text()).toBe(200)
  })

  test('a wrong session token is refused (the token is checked, not only the signature)', async () => {
    const response = await fetch(
      await kinesisRequest(
        'ListStreams',
        {},
        { ...temporary, sessionToken: temporary.sessionToken!.slice(0, -4) + 'AAA=' },
      ),
    )
    expect(await refusal(response)).toMatchObject({ status: 403, code: 'InvalidClientTokenId' })
  })
})

describe('presigned URLs', () => {
  // moto 5.2 cannot verify any query-string signature: with no Authorization header it routes the request by
  // body/target only (never by Host), so a presigned STS GET lands in its S3 backend (ListBuckets), whose
  // authentication reads the Authorization header unconditionally: KeyError 'HTTP_AUTHORIZATION' -> 500.
  // A correct and a forged presigned URL therefore get the same answer. This test pins that limitation so a
  // moto upgrade that starts verifying presigned requests shows up here; presign itself is proved elsewhere.
  test('moto limitation: a presigned STS GetCallerIdentity never reaches STS, correct or forged', async () => {
    const url = await presign(`${moto.endpoint}/?Action=GetCallerIdentity&Version=2011-06-15`, {
      credentials: longTerm,
      region: 'us-east-1',
      service: 'sts',
      expiresIn: 300,
    })
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
    const forged = new URL(url)
    forged.searchParams.set('X-Amz-Signature', '0'.repeat(64))
    const [genuine, fake] = await Promise.all([fetch(url), fetch(forged)])
    const [genuineText, fakeText] = await Promise.all([genuine.text(), fake.text()])
    expect([genuine.status, fake.status]).toEqual([500, 500])
    expect(genuineText).not.toContain('GetCallerIdentityResponse')
    expect(genuineText).toBe(fakeText)
    // The traceback arrives on moto's stderr pipe shortly after the response.
    for (let wait = 0; wait < 20 && !moto.output().includes("KeyError: 'HTTP_AUTHORIZATION'"); wait++)
      await new Promise((resolve) => setTimeout(resolve, 50))
    expect(moto.output()).toContain("KeyError: 'HTTP_AUTHORIZATION'")
    expect(moto.output()).toMatch(/moto\/s3\/responses\.py.*\n.*(all_buckets|bucket_response)/)
  })
})

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}
