// Byte-equal to the AWS CLI's own code at a frozen time, with and without a session token: botocore's
// generate_db_auth_token (RDS), generate_db_connect_auth_token / generate_db_connect_admin_auth_token (DSQL),
// awscli's EKS TokenGenerator, and botocore's generic presigner for ElastiCache and MemoryDB (their IAM guides
// presign `connect` by hand; botocore has no method for them) and for MSK (with the User-Agent and base64url steps
// the MSK signers add; aws-msk-iam-sasl-signer-python, not installed here, presigns with botocore's SigV4QueryAuth).
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  dsqlAuthToken,
  eksToken,
  elastiCacheAuthToken,
  memoryDbAuthToken,
  mskAuthToken,
  rdsAuthToken,
} from '../../../src/tokens.js'
import { CREDENTIALS, reference, TIMES, type ReferenceJob } from './cases.js'

/** User names as people write them, and the characters that need encoding. */
const USERS = [
  'app',
  'iam_user',
  'db-admin',
  'a b',
  'user@example.com',
  'ü+/=?&%',
  ...fc.sample(
    fc.string({ minLength: 1, maxLength: 24 }).filter((s) => !/\p{Cc}/u.test(s)),
    { seed: 23, numRuns: 20 },
  ),
]

interface Case {
  job: ReferenceJob
  ours: () => Promise<string>
}

function cases(): Case[] {
  const list: Case[] = []
  for (const { credentials } of CREDENTIALS) {
    for (const time of TIMES) {
      const options = { credentials, datetime: time }
      USERS.forEach((username, i) => {
        const params = {
          hostname:
            i % 2 ? 'mydb.cluster-abc123.eu-west-1.rds.amazonaws.com' : 'db-1.abc123.us-east-1.rds.amazonaws.com',
          port: [5432, 3306, 1, 65535][i % 4]!,
          username,
          region: i % 2 ? 'eu-west-1' : 'us-east-1',
        }
        list.push({ job: { kind: 'rds', params, credentials, time }, ours: () => rdsAuthToken(params, options) })
      })
      for (const [hostname, region] of [
        ['abc123def456ghi789jkl0mnop.dsql.us-east-1.on.aws', 'us-east-1'],
        ['xyz.dsql.ap-northeast-1.on.aws', 'ap-northeast-1'],
      ] as const) {
        for (const expiresIn of [undefined, 1, 3600, 604_800]) {
          for (const admin of [false, true]) {
            const job: ReferenceJob = {
              kind: admin ? 'dsql-admin' : 'dsql',
              params: { hostname, region },
              credentials,
              time,
              ...(expiresIn === undefined ? {} : { expires: expiresIn }),
            }
            const opts = expiresIn === undefined ? options : { ...options, expiresIn }
            list.push({ job, ours: () => dsqlAuthToken({ hostname, region, admin }, opts) })
          }
        }
      }
      for (const region of [
        'us-east-1',
        'eu-west-1',
        'cn-north-1',
        'us-gov-west-1',
        'us-iso-east-1',
        'us-isob-east-1',
        'eusc-de-east-1',
      ]) {
        for (const clusterName of ['prod', 'my-cluster_2', 'a'.repeat(100)]) {
          list.push({
            job: { kind: 'eks', params: { clusterName, region }, credentials, time },
            ours: async () => (await eksToken({ clusterName, region }, options)).token,
          })
        }
      }
      for (const userId of ['app-user', 'default', 'u s+e/r']) {
        for (const serverless of [false, true]) {
          const query = [
            ['Action', 'connect'],
            ['User', userId],
            ...(serverless ? [['ResourceType', 'ServerlessCache']] : []),
          ]
          const params = { service: 'elasticache', region: 'us-west-2', host: 'my-cache-01', scheme: 'http', query }
          list.push({
            job: { kind: 'presign', params, credentials, time },
            ours: () =>
              elastiCacheAuthToken({ cacheName: 'my-cache-01', userId, region: 'us-west-2', serverless }, options),
          })
        }
        const params = {
          service: 'memorydb',
          region: 'eu-central-1',
          host: 'my-cluster',
          scheme: 'http',
          query: [
            ['Action', 'connect'],
            ['User', userId],
          ],
        }
        list.push({
          job: { kind: 'presign', params, credentials, time, expires: 300 },
          ours: () =>
            memoryDbAuthToken(
              { clusterName: 'my-cluster', userId, region: 'eu-central-1' },
              { ...options, expiresIn: 300 },
            ),
        })
      }
      for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
        for (const [userAgent, expiresIn] of [
          ['aws-msk-iam-sasl-signer-python/1.0.1', undefined],
          ['my app/1.0', 300],
        ] as const) {
          const job: ReferenceJob = { kind: 'msk', params: { region, userAgent }, credentials, time }
          if (expiresIn !== undefined) job.expires = expiresIn
          const opts = expiresIn === undefined ? options : { ...options, expiresIn }
          list.push({ job, ours: async () => (await mskAuthToken({ region, userAgent }, opts)).token })
        }
      }
    }
  }
  return list
}

/** What each reference job kind is. */
const LABELS: Record<ReferenceJob['kind'], string> = {
  rds: 'rdsAuthToken = botocore generate_db_auth_token',
  dsql: 'dsqlAuthToken = botocore generate_db_connect_auth_token',
  'dsql-admin': 'dsqlAuthToken({ admin: true }) = botocore generate_db_connect_admin_auth_token',
  eks: 'eksToken = awscli TokenGenerator',
  presign: "elastiCacheAuthToken and memoryDbAuthToken = botocore's presigner",
  msk: "mskAuthToken = botocore's presigner + the MSK signers' steps",
}

describe('tokens are byte-equal to botocore / awscli at a frozen time', () => {
  const all = cases()
  const answers = reference(all.map((c) => c.job))

  for (const kind of ['rds', 'dsql', 'dsql-admin', 'eks', 'presign', 'msk'] as const) {
    const mine = all.map((c, i) => ({ c, expected: answers[i]! })).filter(({ c }) => c.job.kind === kind)
    const withToken = mine.filter(({ c }) => c.job.credentials.sessionToken !== undefined).length
    test(`${LABELS[kind]}: ${mine.length} tokens (${withToken} with a session token)`, async () => {
      expect(withToken).toBeGreaterThan(0)
      expect(mine.length - withToken).toBeGreaterThan(0)
      for (const { c, expected } of mine) expect(await c.ours(), JSON.stringify(c.job.params)).toBe(expected)
    })
  }
})
