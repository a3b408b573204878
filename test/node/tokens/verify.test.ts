// Every kind of token is a presigned request this package's own verify() accepts with the right secret, for the
// token's service and region, and refuses with a wrong secret, changed parameters or an expired lifetime.
import { describe, expect, test } from 'vitest'
import {
  dsqlAuthToken,
  eksToken,
  elastiCacheAuthToken,
  memoryDbAuthToken,
  mskAuthToken,
  rdsAuthToken,
} from '../../../src/tokens.js'
import { verify, type VerifyResult } from '../../../src/verify.js'
import { CREDENTIALS, decodeToken, SECRET } from './cases.js'

const TIME = '2026-01-02T03:04:05Z'
const NOW = new Date(TIME).getTime() + 10_000

/** How a service would check a token: as a GET of its URL (EKS: with the cluster header). */
interface Presented {
  url: string
  headers?: Record<string, string>
  service: string
  region: string
  expiresIn: number
}

async function presented(credentials: (typeof CREDENTIALS)[number]['credentials']): Promise<Record<string, Presented>> {
  const options = { credentials, datetime: TIME }
  const rds = await rdsAuthToken(
    { hostname: 'db.abc.us-east-1.rds.amazonaws.com', port: 5432, username: 'app user', region: 'us-east-1' },
    options,
  )
  const dsql = await dsqlAuthToken({ hostname: 'abc.dsql.us-east-1.on.aws', region: 'us-east-1' }, options)
  const dsqlAdmin = await dsqlAuthToken(
    { hostname: 'abc.dsql.us-east-1.on.aws', region: 'us-east-1', admin: true },
    { ...options, expiresIn: 604_800 },
  )
  const eks = await eksToken({ clusterName: 'prod', region: 'eu-west-1' }, options)
  const cache = await elastiCacheAuthToken(
    { cacheName: 'my-cache', userId: 'u1', region: 'us-west-2', serverless: true },
    options,
  )
  const memory = await memoryDbAuthToken({ clusterName: 'my-cluster', userId: 'u1', region: 'eu-central-1' }, options)
  const msk = await mskAuthToken({ region: 'ap-south-1' }, options)
  // The broker drops User-Agent (added after signing) before it checks the signature.
  const mskUrl = decodeToken(msk.token).replace(/&User-Agent=[^&]*$/, '')
  expect(mskUrl).not.toBe(decodeToken(msk.token))
  return {
    rds: { url: `https://${rds}`, service: 'rds-db', region: 'us-east-1', expiresIn: 900 },
    dsql: { url: `https://${dsql}`, service: 'dsql', region: 'us-east-1', expiresIn: 900 },
    'dsql admin': { url: `https://${dsqlAdmin}`, service: 'dsql', region: 'us-east-1', expiresIn: 604_800 },
    eks: {
      url: decodeToken(eks.token.slice('k8s-aws-v1.'.length)),
      headers: { 'x-k8s-aws-id': 'prod' },
      service: 'sts',
      region: 'eu-west-1',
      expiresIn: 60,
    },
    elasticache: { url: `http://${cache}`, service: 'elasticache', region: 'us-west-2', expiresIn: 900 },
    memorydb: { url: `http://${memory}`, service: 'memorydb', region: 'eu-central-1', expiresIn: 900 },
    msk: { url: mskUrl, service: 'kafka-cluster', region: 'ap-south-1', expiresIn: 900 },
  }
}

function check(p: Presented, secret: string, now = NOW, url = p.url, headers = p.headers): Promise<VerifyResult> {
  return verify(new Request(url, headers ? { headers } : {}), {
    lookupSecret: () => secret,
    now,
    service: p.service,
    region: p.region,
  })
}

describe("tokens pass this package's verify()", () => {
  for (const { name, credentials } of CREDENTIALS) {
    test(`with ${name}: accepted with the right secret, refused with a wrong one, changed or expired`, async () => {
      const all = await presented(credentials)
      expect(Object.keys(all)).toHaveLength(7)
      for (const [kind, p] of Object.entries(all)) {
        const accepted = await check(p, SECRET)
        expect(accepted, kind).toMatchObject({ ok: true, service: p.service, region: p.region, presigned: true })
        if (credentials.sessionToken) expect(accepted.ok && accepted.sessionToken).toBe(credentials.sessionToken)
        expect(await check(p, `${SECRET}x`), kind).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' })
        const changed = p.url.replace('X-Amz-Expires=', 'X-Amz-Expires=1')
        expect(await check(p, SECRET, NOW, changed), kind).toMatchObject({ ok: false })
        const late = new Date(TIME).getTime() + (p.expiresIn + 1) * 1000
        expect(await check(p, SECRET, late), kind).toMatchObject({ ok: false, code: 'ERR_EXPIRED' })
      }
      // EKS signs the cluster name: another cluster's header is refused.
      const eks = all['eks']!
      expect(await check(eks, SECRET, NOW, eks.url, { 'x-k8s-aws-id': 'other' })).toMatchObject({
        ok: false,
        code: 'ERR_SIGNATURE_MISMATCH',
      })
    })
  }
})
