// webcrypto-sigv4/tokens in every runtime: each kind of token byte-equal to the stored botocore / awscli output
// (test/vectors/tokens.json), with and without a session token, and bad input refused with typed errors.
// Web-platform APIs only, no test globals, no Node built-ins.
import type * as Tokens from '../../src/tokens.js'
import vectors from '../vectors/tokens.json' with { type: 'json' }
import { equal, rejectsWith } from './assert.js'
import type { Check } from './suite.js'

export type TokensLib = typeof Tokens

type TokenFunction = (params: never, options: never) => Promise<string | { token: string; expiration: Date }>

interface TokenVector {
  name: string
  fn: keyof TokensLib
  params: Record<string, unknown>
  credentials: number
  datetime: string
  expiresIn?: number
  expiration?: string
  token: string
}

/** The token checks. */
export function tokenChecks(lib: TokensLib): Check[] {
  const checks: Check[] = (vectors.cases as TokenVector[]).map((vector) => ({
    name: `tokens: ${vector.fn} ${vector.name} is byte-equal to botocore / awscli`,
    async run() {
      const options: Record<string, unknown> = {
        credentials: vectors.credentials[vector.credentials],
        datetime: vector.datetime,
      }
      if (vector.expiresIn !== undefined) options['expiresIn'] = vector.expiresIn
      const make = lib[vector.fn] as TokenFunction
      const result = await make(vector.params as never, options as never)
      if (typeof result === 'string') {
        equal(result, vector.token, 'token')
      } else {
        equal(result.token, vector.token, 'token')
        equal(result.expiration.toISOString(), vector.expiration, 'expiration')
      }
    },
  }))
  const credentials = vectors.credentials[0]!
  const rds = { hostname: 'db.abc.us-east-1.rds.amazonaws.com', port: 5432, username: 'app', region: 'us-east-1' }
  checks.push({
    name: 'tokens: bad params and lifetimes are refused with typed errors',
    async run() {
      await rejectsWith(() => lib.rdsAuthToken({ ...rds, port: 70_000 }, { credentials }), 'ERR_INVALID_TOKEN_PARAMS')
      await rejectsWith(() => lib.rdsAuthToken({ ...rds, username: '' }, { credentials }), 'ERR_INVALID_TOKEN_PARAMS')
      await rejectsWith(
        () => lib.rdsAuthToken({ ...rds, hostname: 'https://db.example.com' }, { credentials }),
        'ERR_INVALID_TOKEN_PARAMS',
      )
      await rejectsWith(() => lib.rdsAuthToken(rds, { credentials, expiresIn: 901 }), 'ERR_INVALID_EXPIRES')
      await rejectsWith(
        () =>
          lib.dsqlAuthToken(
            { hostname: 'a.dsql.us-east-1.on.aws', region: 'us-east-1' },
            { credentials, expiresIn: 604_801 },
          ),
        'ERR_INVALID_EXPIRES',
      )
    },
  })
  return checks
}
