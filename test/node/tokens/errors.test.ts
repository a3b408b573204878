// Bad input gets a typed SigV4Error with a stable code, before any credentials are read; no message holds a
// secret, a session token or the value that was refused.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { SigV4Error, type SigV4ErrorCode } from '../../../src/index.js'
import {
  dsqlAuthToken,
  eksToken,
  elastiCacheAuthToken,
  memoryDbAuthToken,
  mskAuthToken,
  rdsAuthToken,
} from '../../../src/tokens.js'
import { CREDENTIALS, SECRET } from './cases.js'

const credentials = CREDENTIALS[1]!.credentials
const RDS = { hostname: 'db.abc.us-east-1.rds.amazonaws.com', port: 5432, username: 'app', region: 'us-east-1' }
const DSQL = { hostname: 'abc.dsql.us-east-1.on.aws', region: 'us-east-1' }

async function refusal(make: () => Promise<unknown>): Promise<SigV4Error> {
  const error = await make().then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(SigV4Error)
  const { message } = error as SigV4Error
  for (const secret of [SECRET, credentials.sessionToken!, 'SECRETVALUE']) expect(message).not.toContain(secret)
  return error as SigV4Error
}

const cases: Array<[string, SigV4ErrorCode, () => Promise<unknown>]> = [
  ['RDS port 0', 'ERR_INVALID_TOKEN_PARAMS', () => rdsAuthToken({ ...RDS, port: 0 }, { credentials })],
  ['RDS port 65536', 'ERR_INVALID_TOKEN_PARAMS', () => rdsAuthToken({ ...RDS, port: 65_536 }, { credentials })],
  ['RDS port 5432.5', 'ERR_INVALID_TOKEN_PARAMS', () => rdsAuthToken({ ...RDS, port: 5432.5 }, { credentials })],
  [
    'RDS port as a string',
    'ERR_INVALID_TOKEN_PARAMS',
    () => rdsAuthToken({ ...RDS, port: '5432' as unknown as number }, { credentials }),
  ],
  ['RDS empty username', 'ERR_INVALID_TOKEN_PARAMS', () => rdsAuthToken({ ...RDS, username: '' }, { credentials })],
  [
    'RDS username with a line break',
    'ERR_INVALID_TOKEN_PARAMS',
    () => rdsAuthToken({ ...RDS, username: 'SECRETVALUE\n' }, { credentials }),
  ],
  [
    'RDS hostname with a scheme',
    'ERR_INVALID_TOKEN_PARAMS',
    () => rdsAuthToken({ ...RDS, hostname: 'https://SECRETVALUE.rds.amazonaws.com' }, { credentials }),
  ],
  [
    'RDS hostname with a path',
    'ERR_INVALID_TOKEN_PARAMS',
    () => rdsAuthToken({ ...RDS, hostname: 'db.rds.amazonaws.com/SECRETVALUE' }, { credentials }),
  ],
  [
    'RDS hostname with a port',
    'ERR_INVALID_TOKEN_PARAMS',
    () => rdsAuthToken({ ...RDS, hostname: 'db.rds.amazonaws.com:5432' }, { credentials }),
  ],
  [
    'RDS hostname with user info',
    'ERR_INVALID_TOKEN_PARAMS',
    () => rdsAuthToken({ ...RDS, hostname: 'SECRETVALUE@db.rds.amazonaws.com' }, { credentials }),
  ],
  ['RDS empty hostname', 'ERR_INVALID_TOKEN_PARAMS', () => rdsAuthToken({ ...RDS, hostname: '' }, { credentials })],
  ['RDS no region', 'ERR_REGION_REQUIRED', () => rdsAuthToken({ ...RDS, region: '' }, { credentials })],
  ['RDS bad region', 'ERR_INVALID_TOKEN_PARAMS', () => rdsAuthToken({ ...RDS, region: 'US East' }, { credentials })],
  ['RDS 901 s', 'ERR_INVALID_EXPIRES', () => rdsAuthToken(RDS, { credentials, expiresIn: 901 })],
  ['RDS 0 s', 'ERR_INVALID_EXPIRES', () => rdsAuthToken(RDS, { credentials, expiresIn: 0 })],
  ['RDS params not an object', 'ERR_INVALID_TOKEN_PARAMS', () => rdsAuthToken(null as never, { credentials })],
  ['RDS options not an object', 'ERR_INVALID_OPTION', () => rdsAuthToken(RDS, null as never)],
  ['RDS no credentials', 'ERR_CREDENTIALS_MISSING', () => rdsAuthToken(RDS, {} as never)],
  ['RDS bad datetime', 'ERR_INVALID_DATETIME', () => rdsAuthToken(RDS, { credentials, datetime: 'yesterday' })],
  [
    'DSQL hostname with a port',
    'ERR_INVALID_TOKEN_PARAMS',
    () => dsqlAuthToken({ ...DSQL, hostname: 'abc.dsql.us-east-1.on.aws:5432' }, { credentials }),
  ],
  [
    'DSQL hostname with a scheme',
    'ERR_INVALID_TOKEN_PARAMS',
    () => dsqlAuthToken({ ...DSQL, hostname: 'postgres://abc.dsql.us-east-1.on.aws' }, { credentials }),
  ],
  ['DSQL 604801 s', 'ERR_INVALID_EXPIRES', () => dsqlAuthToken(DSQL, { credentials, expiresIn: 604_801 })],
  [
    'DSQL admin not a boolean',
    'ERR_INVALID_TOKEN_PARAMS',
    () => dsqlAuthToken({ ...DSQL, admin: 'yes' as never }, { credentials }),
  ],
  [
    'EKS empty cluster name',
    'ERR_INVALID_TOKEN_PARAMS',
    () => eksToken({ clusterName: '', region: 'us-east-1' }, { credentials }),
  ],
  [
    'EKS 901 s',
    'ERR_INVALID_EXPIRES',
    () => eksToken({ clusterName: 'c', region: 'us-east-1' }, { credentials, expiresIn: 901 }),
  ],
  [
    'ElastiCache empty user id',
    'ERR_INVALID_TOKEN_PARAMS',
    () => elastiCacheAuthToken({ cacheName: 'c', userId: '', region: 'us-east-1' }, { credentials }),
  ],
  [
    'ElastiCache endpoint with a port for a name',
    'ERR_INVALID_TOKEN_PARAMS',
    () =>
      elastiCacheAuthToken(
        { cacheName: 'c.serverless.use1.cache.amazonaws.com:6379', userId: 'u', region: 'us-east-1' },
        { credentials },
      ),
  ],
  [
    'ElastiCache 901 s',
    'ERR_INVALID_EXPIRES',
    () => elastiCacheAuthToken({ cacheName: 'c', userId: 'u', region: 'us-east-1' }, { credentials, expiresIn: 901 }),
  ],
  [
    'MemoryDB empty user id',
    'ERR_INVALID_TOKEN_PARAMS',
    () => memoryDbAuthToken({ clusterName: 'c', userId: '', region: 'us-east-1' }, { credentials }),
  ],
  [
    'MemoryDB name with a path',
    'ERR_INVALID_TOKEN_PARAMS',
    () => memoryDbAuthToken({ clusterName: 'c/x', userId: 'u', region: 'us-east-1' }, { credentials }),
  ],
  ['MSK no region', 'ERR_REGION_REQUIRED', () => mskAuthToken({} as never, { credentials })],
  ['MSK 901 s', 'ERR_INVALID_EXPIRES', () => mskAuthToken({ region: 'us-east-1' }, { credentials, expiresIn: 901 })],
  [
    'MSK empty User-Agent',
    'ERR_INVALID_TOKEN_PARAMS',
    () => mskAuthToken({ region: 'us-east-1', userAgent: '' }, { credentials }),
  ],
]

describe('typed errors for bad input', () => {
  for (const [name, code, make] of cases) {
    test(`${name}: ${code}`, async () => {
      expect((await refusal(make)).code).toBe(code)
    })
  }

  test('bad params are refused before the credentials provider is called', async () => {
    let calls = 0
    const provider = () => {
      calls++
      return credentials
    }
    await refusal(() => rdsAuthToken({ ...RDS, port: 0 }, { credentials: provider }))
    await refusal(() => rdsAuthToken(RDS, { credentials: provider, expiresIn: 901 }))
    expect(calls).toBe(0)
    await rdsAuthToken(RDS, { credentials: provider })
    expect(calls).toBe(1)
  })

  test('any params: a token or a SigV4Error whose message holds no secret, token or given value', async () => {
    const text = fc.oneof(fc.string(), fc.constantFrom('SECRETVALUE', 'https://SECRETVALUE/', 'SECRETVALUE:1'))
    const value = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined))
    const params = fc.record(
      { hostname: value, port: value, username: value, region: value, admin: value },
      { requiredKeys: [] },
    )
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        try {
          expect(typeof (await rdsAuthToken(p as never, { credentials }))).toBe('string')
          expect(typeof (await dsqlAuthToken(p as never, { credentials }))).toBe('string')
        } catch (error) {
          expect(error).toBeInstanceOf(SigV4Error)
          const { message } = error as SigV4Error
          for (const secret of [SECRET, credentials.sessionToken!, 'SECRETVALUE']) expect(message).not.toContain(secret)
        }
      }),
      { seed: 23, numRuns: 300 },
    )
  })
})
