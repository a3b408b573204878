// The same tokens as AWS's JavaScript signers at a frozen time (fake Date): @aws-sdk/rds-signer,
// @aws-sdk/dsql-signer and aws-msk-iam-sasl-signer-js. They write the query sorted by name (smithy's formatUrl) and
// this package in botocore's order (see botocore.test.ts), so a token is compared as its host, path and the raw
// `name=value` pairs of its query, each exactly as written, in any order: the signature among them.
import { DsqlSigner } from '@aws-sdk/dsql-signer'
import { Signer } from '@aws-sdk/rds-signer'
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { dsqlAuthToken, mskAuthToken, rdsAuthToken } from '../../../src/tokens.js'
import { CREDENTIALS, decodeToken, TIMES } from './cases.js'

/** `host/path` and the sorted raw pairs of a token without scheme (`host:port/?a=1&b=2`). */
function shape(token: string): { base: string; pairs: string[] } {
  const at = token.indexOf('?')
  expect(at).toBeGreaterThan(0)
  return {
    base: token.slice(0, at),
    pairs: token
      .slice(at + 1)
      .split('&')
      .sort(),
  }
}

function expectSameToken(ours: string, theirs: string): void {
  expect(shape(ours)).toEqual(shape(theirs))
  expect(ours).toContain('X-Amz-Signature=')
  expect(ours.length).toBe(theirs.length)
}

afterEach(() => vi.useRealTimers())

async function frozen<T>(time: string, make: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date(time))
  try {
    return await make()
  } finally {
    vi.useRealTimers()
  }
}

const RDS = [
  { hostname: 'db-1.abc123.us-east-1.rds.amazonaws.com', port: 5432, username: 'app', region: 'us-east-1' },
  { hostname: 'mydb.cluster-abc.eu-west-1.rds.amazonaws.com', port: 3306, username: 'a b@c/d+e', region: 'eu-west-1' },
  { hostname: 'proxy.proxy-xyz.ap-south-1.rds.amazonaws.com', port: 65535, username: 'ü', region: 'ap-south-1' },
  // 443 is signed as part of the host, as the SDK does (botocore drops it from the signed host: docs/tokens.md).
  { hostname: 'db-2.abc123.us-west-2.rds.amazonaws.com', port: 443, username: 'app', region: 'us-west-2' },
]

describe('@aws-sdk/rds-signer', () => {
  for (const { name, credentials } of CREDENTIALS) {
    test(`${RDS.length * TIMES.length} tokens with ${name}`, async () => {
      for (const time of TIMES) {
        for (const params of RDS) {
          const theirs = await frozen(time, () => new Signer({ ...params, credentials }).getAuthToken())
          expectSameToken(await rdsAuthToken(params, { credentials, datetime: time }), theirs)
        }
      }
    })
  }
})

describe('@aws-sdk/dsql-signer', () => {
  const hosts = [
    ['abc123def456ghi789jkl0mnop.dsql.us-east-1.on.aws', 'us-east-1'],
    ['xyz.dsql.eu-west-2.on.aws', 'eu-west-2'],
  ] as const
  for (const { name, credentials } of CREDENTIALS) {
    test(`${hosts.length * TIMES.length * 3 * 2} tokens with ${name} (DbConnect and DbConnectAdmin)`, async () => {
      for (const time of TIMES) {
        for (const [hostname, region] of hosts) {
          for (const expiresIn of [900, 60, 604_800]) {
            const signer = new DsqlSigner({ hostname, region, credentials, expiresIn })
            const connect = await frozen(time, () => signer.getDbConnectAuthToken())
            const admin = await frozen(time, () => signer.getDbConnectAdminAuthToken())
            const options = { credentials, datetime: time, expiresIn }
            expectSameToken(await dsqlAuthToken({ hostname, region }, options), connect)
            expectSameToken(await dsqlAuthToken({ hostname, region, admin: true }, options), admin)
            expect(connect).not.toBe(admin)
          }
        }
      }
    })
  }
})

describe('aws-msk-iam-sasl-signer-js', () => {
  const regions = ['us-east-1', 'eu-central-1', 'ap-southeast-2']
  for (const { name, credentials } of CREDENTIALS) {
    test(`${regions.length * TIMES.length} tokens with ${name}: the same URL, User-Agent and expiry`, async () => {
      for (const time of TIMES) {
        for (const region of regions) {
          const theirs = await frozen(time, () =>
            generateAuthTokenFromCredentialsProvider({
              region,
              awsCredentialsProvider: () => Promise.resolve(credentials),
            }),
          )
          const ours = await mskAuthToken(
            { region, userAgent: 'aws-msk-iam-sasl-signer-js/1.0.3' },
            { credentials, datetime: time },
          )
          // base64url without padding, both.
          expect(ours.token).toMatch(/^[A-Za-z0-9_-]+$/)
          expect(theirs.token).toMatch(/^[A-Za-z0-9_-]+$/)
          const [oursUrl, theirsUrl] = [decodeToken(ours.token), decodeToken(theirs.token)]
          expect(oursUrl.startsWith(`https://kafka.${region}.amazonaws.com/?`)).toBe(true)
          expectSameToken(oursUrl.slice('https://'.length), theirsUrl.slice('https://'.length))
          expect(ours.expiration.getTime()).toBe(theirs.expiryTime)
          expect(ours.expiration.getTime()).toBe(new Date(time).getTime() + 900_000)
        }
      }
    })
  }
})
