// The refreshing cache (single flight, failures, expiry) and the request shapes of the network providers.
import { afterEach, expect, test } from 'vitest'
import { AwsClient } from '../../../src/client.js'
import {
  assumeRole,
  fromCognitoIdentityPool,
  fromStatic,
  fromWebIdentity,
  refreshing,
  type TemporaryCredentials,
} from '../../../src/credentials.js'
import { startFaultServer, type FaultServer } from '../../helpers/fault-server.js'

const servers: FaultServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop()
})

const keyOf = (request: Request) => /Credential=([^/]+)\//.exec(request.headers.get('authorization')!)![1]!

// A provider that hands out numbered keys after a short delay, valid `lifetime` ms from the fake clock.
function numberedProvider(clock: { now: number }, lifetime: number) {
  const provider = async (): Promise<TemporaryCredentials> => {
    const n = ++provider.calls
    await new Promise((resolve) => setTimeout(resolve, 20))
    return { accessKeyId: 'AKID' + n, secretAccessKey: 'secret' + n, expiration: new Date(clock.now + lifetime) }
  }
  provider.calls = 0
  return provider
}

test('fromStatic returns the keys it was given', async () => {
  const keys = { accessKeyId: 'AKID', secretAccessKey: 's' }
  expect(await fromStatic(keys)()).toBe(keys)
})

test('single flight: 1,000 concurrent signs make one provider call, and again one call per refresh', async () => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') }
  const provider = numberedProvider(clock, 3600_000)
  const client = new AwsClient({
    credentials: refreshing(provider, { now: () => clock.now }),
    region: 'us-east-1',
    service: 'kinesis',
  })
  const signAll = () =>
    Promise.all(Array.from({ length: 1000 }, (_, i) => client.sign(`https://kinesis.us-east-1.amazonaws.com/?i=${i}`)))
  const first = await signAll()
  expect(provider.calls).toBe(1)
  expect(new Set(first.map(keyOf))).toEqual(new Set(['AKID1']))
  // Inside the 5-minute margin: the next burst triggers exactly one refresh and all of it uses the new keys.
  clock.now += 3600_000 - 299_000
  const second = await signAll()
  expect(provider.calls).toBe(2)
  expect(new Set(second.map(keyOf))).toEqual(new Set(['AKID2']))
})

test('a failed refresh rejects every waiter; the next call tries again', async () => {
  let calls = 0
  const credentials = refreshing(async () => {
    calls++
    await new Promise((resolve) => setTimeout(resolve, 10))
    if (calls === 1) throw new Error('identity service down')
    return { accessKeyId: 'AKID', secretAccessKey: 's' }
  })
  const results = await Promise.allSettled(Array.from({ length: 50 }, () => credentials()))
  expect(calls).toBe(1)
  expect(
    results.every(
      (result) => result.status === 'rejected' && (result.reason as Error).message === 'identity service down',
    ),
  ).toBe(true)
  expect((await credentials()).accessKeyId).toBe('AKID')
  expect(calls).toBe(2)
  // Without an expiration they are kept for good.
  await credentials()
  expect(calls).toBe(2)
})

test('the client reports a failing provider as ERR_CREDENTIALS_PROVIDER with the cause', async () => {
  const client = new AwsClient({
    credentials: refreshing(async () => Promise.reject(new Error('nope'))),
    region: 'us-east-1',
    service: 's3',
  })
  await expect(client.sign('https://b.s3.amazonaws.com/k')).rejects.toMatchObject({
    code: 'ERR_CREDENTIALS_PROVIDER',
    cause: { message: 'nope' },
  })
})

test('expired credentials are never used: a provider answering expired keys is refused', async () => {
  const clock = { now: 1_000_000 }
  const credentials = refreshing(
    () => Promise.resolve({ accessKeyId: 'OLD', secretAccessKey: 's', expiration: new Date(clock.now - 1) }),
    { now: () => clock.now },
  )
  await expect(credentials()).rejects.toMatchObject({ code: 'ERR_CREDENTIALS_EXPIRED' })
})

test('credentials expiring mid-run: every signature of a long run uses keys valid at that moment', async () => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') }
  const lifetime = 900_000 // 15 minutes, refreshed 60 s before the end
  const provider = numberedProvider(clock, lifetime)
  const issued = new Map<string, number>() // key id -> expiration
  const tracked = async () => {
    const credentials = await provider()
    issued.set(credentials.accessKeyId, +credentials.expiration!)
    return credentials
  }
  const client = new AwsClient({
    credentials: refreshing(tracked, { marginSeconds: 60, now: () => clock.now }),
    region: 'us-east-1',
    service: 'sqs',
  })
  const used: string[] = []
  // One hour in 20-second steps, with a few concurrent signs at each step.
  for (let step = 0; step < 180; step++) {
    const requests = await Promise.all(
      [1, 2, 3].map(() =>
        client.sign('https://sqs.us-east-1.amazonaws.com/', { aws: { datetime: new Date(clock.now) } }),
      ),
    )
    for (const request of requests) {
      const key = keyOf(request)
      expect(issued.get(key)! - clock.now).toBeGreaterThan(0)
      used.push(key)
    }
    clock.now += 20_000
  }
  // 3600 s / (900 s - 60 s margin) -> 5 sets of keys, each fetched once.
  expect(provider.calls).toBe(5)
  expect(new Set(used).size).toBe(5)
})

test('Cognito: GetId once per provider (identity kept), logins sent with both calls, unsigned, credentials refreshed', async () => {
  const clock = { now: Date.now() }
  // Shorter than twice the 300 s margin: refreshed halfway through their 200 s, not on every call.
  let expirationSeconds = Math.floor(clock.now / 1000) + 200
  const server = await startFaultServer((request) => {
    const target = request.headers['x-amz-target']
    if (target === 'AWSCognitoIdentityService.GetId')
      return { status: 200, body: JSON.stringify({ IdentityId: 'eu-west-1:identity-1' }) }
    const body = JSON.parse(request.body) as { IdentityId: string }
    return {
      status: 200,
      body: JSON.stringify({
        IdentityId: body.IdentityId,
        Credentials: {
          AccessKeyId: 'ASIA' + body.IdentityId.length,
          SecretKey: 'sk',
          SessionToken: 'token',
          Expiration: expirationSeconds,
        },
      }),
    }
  })
  servers.push(server)
  const provider = fromCognitoIdentityPool({
    identityPoolId: 'eu-west-1:pool',
    logins: { 'accounts.google.com': 'id-token' },
    endpoint: server.url + '/',
    refresh: { now: () => clock.now },
  })
  const first = await provider()
  expect(first).toMatchObject({ accessKeyId: 'ASIA20', secretAccessKey: 'sk', sessionToken: 'token' })
  expect(+first.expiration!).toBe(expirationSeconds * 1000)
  await provider() // cached
  expirationSeconds += 3600
  clock.now += 101_000 // past half of their life
  expect(+(await provider()).expiration!).toBe(expirationSeconds * 1000)
  await provider() // cached again
  const targets = server.requests.map((request) => request.headers['x-amz-target'])
  expect(targets).toEqual([
    'AWSCognitoIdentityService.GetId',
    'AWSCognitoIdentityService.GetCredentialsForIdentity',
    'AWSCognitoIdentityService.GetCredentialsForIdentity',
  ])
  for (const request of server.requests) {
    expect(request.headers.authorization).toBeUndefined()
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1')
    expect((JSON.parse(request.body) as { Logins: unknown }).Logins).toEqual({ 'accounts.google.com': 'id-token' })
  }
  expect((JSON.parse(server.requests[0]!.body) as { IdentityPoolId: string }).IdentityPoolId).toBe('eu-west-1:pool')
})

test('Cognito: a failed GetId is asked again on the next call; AWS errors surface as AwsError', async () => {
  const server = await startFaultServer((_, index) =>
    index === 0
      ? {
          status: 400,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({ __type: 'ResourceNotFoundException', message: 'IdentityPool not found' }),
        }
      : index === 1
        ? { status: 200, body: JSON.stringify({ IdentityId: 'id' }) }
        : {
            status: 200,
            body: JSON.stringify({
              Credentials: {
                AccessKeyId: 'A',
                SecretKey: 'S',
                SessionToken: 'T',
                Expiration: Date.now() / 1000 + 3600,
              },
            }),
          },
  )
  servers.push(server)
  const provider = fromCognitoIdentityPool({ identityPoolId: 'us-east-1:x', endpoint: server.url })
  await expect(provider()).rejects.toMatchObject({ name: 'AwsError', code: 'ResourceNotFoundException', status: 400 })
  expect((await provider()).accessKeyId).toBe('A')
})

test('web identity: unsigned AssumeRoleWithWebIdentity with the token from a function, XML credentials parsed', async () => {
  const server = await startFaultServer(() => ({
    status: 200,
    body: '<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>s/k+e=</SecretAccessKey><SessionToken>tok&amp;en</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>',
  }))
  servers.push(server)
  const credentials = await fromWebIdentity({
    roleArn: 'arn:aws:iam::123456789012:role/web',
    webIdentityToken: () => Promise.resolve('jwt.token'),
    durationSeconds: 900,
    endpoint: server.url,
  })()
  expect(credentials).toEqual({
    accessKeyId: 'ASIAWEB',
    secretAccessKey: 's/k+e=',
    sessionToken: 'tok&en',
    expiration: new Date('2099-01-01T00:00:00Z'),
  })
  const [request] = server.requests
  expect(request!.headers.authorization).toBeUndefined()
  expect(Object.fromEntries(new URLSearchParams(request!.body))).toEqual({
    Action: 'AssumeRoleWithWebIdentity',
    RoleArn: 'arn:aws:iam::123456789012:role/web',
    RoleSessionName: 'webcrypto-sigv4',
    WebIdentityToken: 'jwt.token',
    DurationSeconds: '900',
    Version: '2011-06-15',
  })
})

test('assumeRole: signed with the base credentials (sts, region), policy object sent as JSON, throttling retried', async () => {
  const server = await startFaultServer((_, index) =>
    index === 0
      ? {
          status: 400,
          body: '<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>',
        }
      : {
          status: 200,
          body: '<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>',
        },
  )
  servers.push(server)
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'kinesis:PutRecord*', Resource: '*' }],
  }
  const provider = assumeRole({
    credentials: { accessKeyId: 'AKIABASE', secretAccessKey: 'base' },
    roleArn: 'arn:aws:iam::123456789012:role/r',
    roleSessionName: 'worker',
    policy,
    region: 'eu-west-1',
    endpoint: server.url,
  })
  expect((await provider()).accessKeyId).toBe('ASIAROLE')
  expect(server.requests).toHaveLength(2)
  const request = server.requests[1]!
  expect(request.headers.authorization).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIABASE\/\d{8}\/eu-west-1\/sts\/aws4_request, /,
  )
  const params = Object.fromEntries(new URLSearchParams(request.body))
  expect(params).toEqual({
    Action: 'AssumeRole',
    RoleArn: 'arn:aws:iam::123456789012:role/r',
    RoleSessionName: 'worker',
    Policy: JSON.stringify(policy),
    Version: '2011-06-15',
  })
})
