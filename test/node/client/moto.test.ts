// Against moto: AssumeRole credentials sign Kinesis calls that moto verifies; 1,200 records arrive complete and
// in order per shard. Cognito Identity and web identity run against a second moto without signature checks
// (with checks on, moto answers unsigned STS calls with 500).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AwsClient, AwsError } from '../../../src/client.js'
import { assumeRole, fromCognitoIdentityPool, fromWebIdentity } from '../../../src/credentials.js'
import { KinesisProducer } from '../../../src/kinesis.js'
import { bootstrapIam, BOOTSTRAP_IAM_ACTIONS, startMoto, type MotoServer } from '../../helpers/moto.js'

describe('moto with signature checks', () => {
  let moto: MotoServer
  let user: { accessKeyId: string; secretAccessKey: string; roleArn: string }
  beforeAll(async () => {
    moto = await startMoto({ authChecks: true, noAuthActions: BOOTSTRAP_IAM_ACTIONS })
    user = await bootstrapIam(moto.endpoint, { userName: 'producer', roleName: 'kinesis-writer' })
  })
  afterAll(() => moto?.stop())

  test('AssumeRole credentials sign accepted Kinesis calls; 1,200 records arrive complete and in order per shard', async () => {
    const credentials = assumeRole({
      credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
      roleArn: user.roleArn,
      roleSessionName: 'kinesis-test',
      durationSeconds: 900,
      endpoint: moto.endpoint + '/',
    })
    const temporary = await credentials()
    expect(temporary.accessKeyId).toMatch(/^ASIA/)
    expect(temporary.sessionToken).toBeTruthy()
    expect(+temporary.expiration! - Date.now()).toBeGreaterThan(800_000)

    const client = new AwsClient({ credentials, region: 'us-east-1', service: 'kinesis' })
    const kinesis = <T>(action: string, body: object) =>
      client.json<T>(moto.endpoint + '/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.' + action },
        body: JSON.stringify(body),
      })
    await kinesis('CreateStream', { StreamName: 'events', ShardCount: 3 })
    expect(
      client.lastSigning!.headers.some(
        ([name, value]) => name === 'x-amz-security-token' && value === temporary.sessionToken,
      ),
    ).toBe(true)

    const producer = new KinesisProducer({ client, streamName: 'events', endpoint: moto.endpoint + '/' })
    const records = Array.from({ length: 1200 }, (_, i) => ({
      data: JSON.stringify({ i }),
      partitionKey: 'user-' + (i % 10),
    }))
    const progress: number[] = []
    const result = await producer.putRecords(records, { onProgress: ({ sent }) => progress.push(sent) })
    expect(result.failed).toBe(0)
    expect(progress).toEqual([500, 1000, 1200])

    // Read every shard from the start and compare with what was sent to it, in order.
    const { Shards } = await kinesis<{ Shards: Array<{ ShardId: string }> }>('ListShards', { StreamName: 'events' })
    expect(Shards.length).toBe(3)
    let received = 0
    for (const { ShardId } of Shards) {
      let { ShardIterator } = await kinesis<{ ShardIterator: string }>('GetShardIterator', {
        StreamName: 'events',
        ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      })
      const got: number[] = []
      for (;;) {
        const page = await kinesis<{ Records: Array<{ Data: string }>; NextShardIterator: string }>('GetRecords', {
          ShardIterator,
          Limit: 1000,
        })
        got.push(...page.Records.map((record) => (JSON.parse(atob(record.Data)) as { i: number }).i))
        if (!page.Records.length) break
        ShardIterator = page.NextShardIterator
      }
      const expected = result.records.flatMap((record, i) => (record.shardId === ShardId ? [i] : []))
      expect(got).toEqual(expected)
      received += got.length
    }
    expect(received).toBe(1200)
  })

  test('moto checks signatures: a wrong secret is refused and parsed into an AwsError', async () => {
    const client = new AwsClient({
      credentials: { accessKeyId: user.accessKeyId, secretAccessKey: 'not-the-secret' },
      region: 'us-east-1',
      service: 'kinesis',
    })
    const response = await client.fetch(moto.endpoint + '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' },
      body: '{}',
    })
    expect(response.status).toBe(403)
    const error = await AwsError.from(response)
    expect(error.code).toBe('SignatureDoesNotMatch')
    expect(error.canonicalRequest).toBe(client.lastSigning!.canonicalRequest)
    expect(error.stringToSign).toContain('/us-east-1/kinesis/aws4_request')
  })
})

describe('moto without signature checks (unsigned identity calls)', () => {
  let moto: MotoServer
  beforeAll(async () => {
    moto = await startMoto({ authChecks: false })
  })
  afterAll(() => moto?.stop())

  test('Cognito Identity pool: unauthenticated and with logins, the identity id kept for the session', async () => {
    const admin = new AwsClient({
      credentials: { accessKeyId: 'AKIDADMIN', secretAccessKey: 'admin' },
      region: 'us-east-1',
      service: 'cognito-identity',
    })
    const { IdentityPoolId } = await admin.json<{ IdentityPoolId: string }>(moto.endpoint + '/', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityService.CreateIdentityPool',
      },
      body: JSON.stringify({ IdentityPoolName: 'demo', AllowUnauthenticatedIdentities: true }),
    })
    expect(IdentityPoolId).toMatch(/^us-east-1:/)
    const fetches: string[] = []
    const spy = (request: Request) => (fetches.push(request.headers.get('x-amz-target')!), fetch(request))
    const clock = { now: Date.now() }
    const guest = fromCognitoIdentityPool({
      identityPoolId: IdentityPoolId,
      endpoint: moto.endpoint + '/',
      fetch: spy,
      refresh: { now: () => clock.now },
    })
    const credentials = await guest()
    expect(credentials.accessKeyId).toBeTruthy()
    expect(credentials.secretAccessKey).toBeTruthy()
    expect(credentials.sessionToken).toBeTruthy()
    // moto's credentials live about 90 s, inside the default 5-minute margin: cached, then refreshed halfway
    // through their life (not on every call), with the same identity.
    expect(await guest()).toBe(credentials)
    clock.now += (credentials.expiration!.getTime() - clock.now) / 2 + 1000
    expect(await guest()).not.toBe(credentials)
    expect(fetches).toEqual([
      'AWSCognitoIdentityService.GetId',
      'AWSCognitoIdentityService.GetCredentialsForIdentity',
      'AWSCognitoIdentityService.GetCredentialsForIdentity',
    ])
    const member = fromCognitoIdentityPool({
      identityPoolId: IdentityPoolId,
      logins: { 'accounts.google.com': 'id-token' },
      endpoint: moto.endpoint + '/',
      fetch: spy,
    })
    expect((await member()).expiration!.getTime()).toBeGreaterThan(Date.now())
  })

  test('STS AssumeRoleWithWebIdentity, unsigned', async () => {
    const provider = fromWebIdentity({
      roleArn: 'arn:aws:iam::123456789012:role/web-users',
      webIdentityToken: () => Promise.resolve('eyJhbGciOiJSUzI1NiJ9.e30.signature'),
      roleSessionName: 'browser',
      endpoint: moto.endpoint + '/',
    })
    const credentials = await provider()
    expect(credentials.accessKeyId).toMatch(/^ASIA/)
    expect(credentials.sessionToken).toBeTruthy()
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now())
    expect(await provider()).toBe(credentials) // cached
  })
})
