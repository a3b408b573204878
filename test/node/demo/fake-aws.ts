// A fake Worker + Kinesis for the page tests: a fetch that answers /credentials, /config and the Kinesis JSON
// API in memory, and checks that each Kinesis call is SigV4-signed with the session token it handed out.
import { signParts } from '../../../src/index.js'

export const WORKER = 'http://127.0.0.1:8787'
export const KINESIS = 'http://127.0.0.1:4567/'
export const TEMPORARY = {
  accessKeyId: 'ASIAFAKETEMPORARY01',
  secretAccessKey: 'fake/temporary+secret',
  sessionToken: 'FAKE-SESSION-TOKEN-0123456789abcdef',
}

export interface FakeAws {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  calls: string[]
  records: Array<{ SequenceNumber: string; PartitionKey: string; Data: string }>
  /** Seconds the handed-out credentials last. */
  lifetime: number
  now: () => number
  /** Answer every Kinesis call with this error instead. */
  kinesisError?: { status: number; body: string; type: string }
  /** Components that do not answer at all (the fetch rejects, as a browser's does for a refused connection). */
  down: Set<'worker' | 'cognito' | 'kinesis'>
  /** When set, GET /config names this site key and POST /credentials wants a token from `turnstileTokens`. */
  turnstileSiteKey?: string
  turnstileTokens: Set<string>
  /** The Turnstile tokens POST /credentials received. */
  tokensSeen: string[]
  /** GET /config's `readBack` (default true). */
  readBack: boolean
  /** GET /config's `localEmulator`. */
  localEmulator?: string
  /** GET /config's `upload` (the upload card's bucket). */
  upload?: { bucket: string; prefix: string; s3Endpoint: string }
}

export function fakeAws(now: () => number = Date.now): FakeAws {
  const fake: FakeAws = {
    calls: [],
    records: [],
    lifetime: 900,
    now,
    down: new Set(),
    turnstileTokens: new Set(),
    tokensSeen: [],
    readBack: true,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      const url = new URL(request.url)
      const component =
        url.origin === WORKER ? 'worker' : url.host.startsWith('cognito-identity.') ? 'cognito' : 'kinesis'
      if (fake.down.has(component)) throw new TypeError('Failed to fetch')
      if (url.origin === WORKER) {
        fake.calls.push(`worker ${request.method} ${url.pathname}`)
        if (url.pathname === '/config')
          return json({
            region: 'us-east-1',
            streamName: 'events',
            kinesisEndpoint: KINESIS,
            readBack: fake.readBack,
            ...(fake.turnstileSiteKey && { turnstileSiteKey: fake.turnstileSiteKey }),
            ...(fake.localEmulator && { localEmulator: fake.localEmulator }),
            ...(fake.upload && { upload: fake.upload }),
          })
        if (fake.turnstileSiteKey) {
          const token = request.headers.get('cf-turnstile-response') ?? ''
          fake.tokensSeen.push(token)
          if (!fake.turnstileTokens.delete(token))
            return json({ error: 'turnstile_failed', message: 'The human check failed.', ref: 'ref-1' }, 403)
        }
        return json({ ...TEMPORARY, expiration: new Date(fake.now() + fake.lifetime * 1000).toISOString() })
      }
      if (url.host === 'cognito-identity.eu-west-1.amazonaws.com') {
        const action = request.headers.get('x-amz-target')!
        const params = JSON.parse(await request.text()) as { IdentityPoolId: string; IdentityId?: string }
        fake.calls.push(`cognito ${action.split('.')[1]}`)
        if (action.endsWith('.GetId'))
          return json({ IdentityId: `eu-west-1:identity-for-${params.IdentityPoolId.split(':')[1]!}` })
        return json({
          IdentityId: params.IdentityId,
          Credentials: {
            AccessKeyId: TEMPORARY.accessKeyId,
            SecretKey: TEMPORARY.secretAccessKey,
            SessionToken: TEMPORARY.sessionToken,
            Expiration: Math.floor(fake.now() / 1000) + 3600,
          },
        })
      }
      const target = request.headers.get('x-amz-target')!.split('.')[1]!
      fake.calls.push(`kinesis ${target}`)
      const body = await request.text()
      if (request.headers.get('x-amz-security-token') !== TEMPORARY.sessionToken)
        return json(
          { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
          400,
        )
      if (!(await signatureMatches(request, body)))
        return json(
          {
            __type: 'InvalidSignatureException',
            message: 'The request signature we calculated does not match the signature you provided.',
          },
          400,
        )
      if (fake.kinesisError)
        return new Response(fake.kinesisError.body, {
          status: fake.kinesisError.status,
          headers: { 'content-type': fake.kinesisError.type },
        })
      const params = JSON.parse(body) as KinesisParams
      const put = (data: string, key: string) => {
        const record = { SequenceNumber: String(49_000_000_000 + fake.records.length), PartitionKey: key, Data: data }
        fake.records.push(record)
        return { ShardId: 'shardId-000000000000', SequenceNumber: record.SequenceNumber }
      }
      switch (target) {
        case 'PutRecord':
          return json(put(params.Data, params.PartitionKey))
        case 'PutRecords':
          return json({
            FailedRecordCount: 0,
            Records: params.Records.map((record) => put(record.Data, record.PartitionKey)),
          })
        case 'GetShardIterator':
          return json({ ShardIterator: 'at:' + params.StartingSequenceNumber })
        case 'GetRecords': {
          const from = params.ShardIterator.slice(3)
          const records = fake.records
            .filter((record) => BigInt(record.SequenceNumber) >= BigInt(from))
            .slice(0, params.Limit)
          return json({
            Records: records,
            NextShardIterator: 'at:' + String(BigInt(records.at(-1)?.SequenceNumber ?? from) + 1n),
            MillisBehindLatest: 0,
          })
        }
      }
      return json({ __type: 'UnknownOperationException' }, 400)
    },
  }
  return fake
}

/** The fields of the Kinesis calls the fake answers. */
interface KinesisParams {
  Data: string
  PartitionKey: string
  Records: Array<{ Data: string; PartitionKey: string }>
  StartingSequenceNumber: string
  ShardIterator: string
  Limit: number
}

// Recomputes the signature with the handed-out secret from what arrived.
async function signatureMatches(request: Request, body: string): Promise<boolean> {
  const authorization = request.headers.get('authorization') ?? ''
  const names = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? []
  const amzDate = request.headers.get('x-amz-date') ?? ''
  const url = new URL(request.url)
  const expected = await signParts(
    {
      method: request.method,
      host: url.host,
      path: url.pathname,
      headers: names
        .filter((name) => name !== 'host')
        .map((name) => [name, request.headers.get(name) ?? ''] as [string, string]),
      body,
    },
    {
      credentials: TEMPORARY,
      region: 'us-east-1',
      service: 'kinesis',
      datetime: amzDate.replace(/(....)(..)(..)T(..)(..)(..)Z/, '$1-$2-$3T$4:$5:$6Z'),
    },
  )
  return expected.headers.find(([name]) => name === 'authorization')?.[1] === authorization
}

let requestNumber = 0
function json(value: unknown, status = 200): Response {
  requestNumber++
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `fake-request-${requestNumber}` },
  })
}
