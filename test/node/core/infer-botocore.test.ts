// Issue 23, part 1: host inference never signs for the wrong scope. Every botocore service's regional host
// ({endpointPrefix}.{region}.{dns suffix}) either gets botocore's signing name or is refused with
// ERR_SERVICE_REQUIRED, through resolveScope (the one place a scope is inferred) and through sign. botocore's
// models are read here by python3, apart from scripts/service-table.mjs, so the table is checked against the data
// and not against itself.
import { execFileSync } from 'node:child_process'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { resolveScope } from '../../../src/core/options.js'
import { hostScope } from '../../../src/core/infer.js'
import { inferScope, sign, SigV4Error } from '../../../src/index.js'

const PYTHON = String.raw`
import botocore, glob, gzip, json, os
data = os.path.join(os.path.dirname(botocore.__file__), 'data')
out = []
for service in sorted(os.listdir(data)):
    folder = os.path.join(data, service)
    if not os.path.isdir(folder):
        continue
    version = sorted(os.listdir(folder))[-1]
    model = (glob.glob(os.path.join(folder, version, 'service-2.json*')) or [None])[0]
    if model is None:
        continue
    with (gzip.open if model.endswith('.gz') else open)(model, 'rb') as f:
        meta = json.load(f)['metadata']
    out.append([service, meta['endpointPrefix'], meta.get('signingName') or meta['endpointPrefix']])
print(json.dumps(out))
`

/** [service, endpointPrefix, signingName] of every botocore service model on the image. */
const SERVICES = JSON.parse(execFileSync('python3', ['-c', PYTHON], { encoding: 'utf8' })) as Array<
  [service: string, prefix: string, signingName: string]
>

/**
 * The services inference refuses, each for a reason: CodeCatalyst takes bearer tokens only, Import/Export is
 * SigV2 only, and IoT Secure Tunneling's signing name `IoTSecuredTunneling` is not a scope name the signer takes.
 */
const REFUSED = ['codecatalyst', 'importexport', 'iotsecuretunneling']

const REGIONS: Array<[region: string, suffix: string]> = [
  ['us-west-2', 'amazonaws.com'],
  ['eu-central-1', 'amazonaws.com'],
  ['cn-north-1', 'amazonaws.com.cn'],
  ['us-gov-west-1', 'amazonaws.com'],
]

type Outcome = { service: string } | { refused: string }

async function outcome(host: string): Promise<Outcome> {
  try {
    const scope = await resolveScope({}, host, '/')
    return { service: scope.service }
  } catch (error) {
    if (error instanceof SigV4Error) return { refused: error.code }
    throw error
  }
}

describe('every botocore service: the right signing name or a refusal, never another name', () => {
  test('botocore on the image has its services (the checks below run over all of them)', () => {
    expect(SERVICES.length).toBeGreaterThanOrEqual(400)
  })

  test.each(REGIONS)('{endpointPrefix}.%s.%s', async (region, suffix) => {
    const inferred: string[] = []
    const refused: string[] = []
    const wrong: string[] = []
    for (const [service, prefix, signingName] of SERVICES) {
      const host = `${prefix}.${region}.${suffix}`
      const result = await outcome(host)
      if ('service' in result) {
        if (result.service === signingName) inferred.push(service)
        else wrong.push(`${host}: ${result.service}, botocore signs as ${signingName}`)
      } else if (result.refused === 'ERR_SERVICE_REQUIRED') refused.push(service)
      else wrong.push(`${host}: ${result.refused}`)
      // The region is the host's own.
      expect(hostScope(host).region).toBe(region)
    }
    expect(wrong).toEqual([])
    expect(refused).toEqual(REFUSED)
    expect(inferred.length).toBe(SERVICES.length - REFUSED.length)
  })

  test('the public inferScope (lazy, async) answers as the table does', async () => {
    for (const [, prefix] of SERVICES) {
      const host = `${prefix}.ap-southeast-2.amazonaws.com`
      expect(await inferScope(host)).toEqual(hostScope(host))
    }
  })

  test('the services the issue names infer right', async () => {
    const want = Object.fromEntries(SERVICES.map(([service, , name]) => [service, name]))
    for (const service of [
      'bedrock',
      'bedrock-runtime',
      'bedrock-agent',
      'bedrock-agent-runtime',
      'bedrock-data-automation',
      'bedrock-data-automation-runtime',
      'dynamodbstreams',
      'ses',
      'sesv2',
      'mailmanager',
      'sagemaker-runtime',
      'chime-sdk-meetings',
      'cloudhsmv2',
      'ivs-realtime',
      'iotevents-data',
    ]) {
      const prefix = SERVICES.find(([name]) => name === service)![1]
      expect(await outcome(`${prefix}.us-east-1.amazonaws.com`), service).toEqual({ service: want[service] })
    }
  })

  test('a refused host says which option to set, through sign too', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }
    for (const url of [
      'https://codecatalyst.us-east-1.amazonaws.com/',
      'https://mydb.cluster-abc.us-east-1.rds.amazonaws.com/',
      'https://no-such-service.us-east-1.amazonaws.com/',
    ]) {
      const error = await sign({ url }, { credentials }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(SigV4Error)
      expect((error as SigV4Error).code).toBe('ERR_SERVICE_REQUIRED')
      expect((error as SigV4Error).message).toMatch(/Set options\.service/)
    }
    // With the service given the same hosts sign (the region still comes from the host).
    const signed = await sign(
      { url: 'https://mydb.cluster-abc.us-east-1.rds.amazonaws.com/' },
      { credentials, service: 'rds-db' },
    )
    expect(signed.headers.get('authorization')).toMatch(/\/us-east-1\/rds-db\/aws4_request/)
  })
})

describe('customer-prefixed hosts', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' }
  test.each([
    ['https://abc123.us-east-1.aoss.amazonaws.com/idx/_search', 'us-east-1/aoss'],
    ['https://search-dom-abc.eu-west-1.es.amazonaws.com/_search', 'eu-west-1/es'],
    ['https://vpc-dom-abc.eu-west-1.es.amazonaws.com/_search', 'eu-west-1/es'],
    ['https://xyz.appsync-api.us-east-1.amazonaws.com/graphql', 'us-east-1/appsync'],
    ['https://xyz.appsync-realtime-api.us-east-1.amazonaws.com/graphql', 'us-east-1/appsync'],
    ['https://abc123.execute-api.us-east-1.amazonaws.com/prod/items', 'us-east-1/execute-api'],
    ['https://abcdefghij.lambda-url.us-west-2.on.aws/', 'us-west-2/lambda'],
    ['https://abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws/', 'us-east-1/dsql'],
    ['https://bucket.s3.us-east-1.amazonaws.com/key', 'us-east-1/s3'],
    ['https://logs--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com/k', 'us-east-1/s3express'],
    ['https://s-1234abcd.kinesisvideo.us-west-2.amazonaws.com/getMedia', 'us-west-2/kinesisvideo'],
    ['https://abc123-ats.iot.us-east-1.amazonaws.com/topics/t', 'us-east-1/iotdata'],
    ['https://abc123-ats.iot.us-east-1.amazonaws.com/mqtt', 'us-east-1/iotdevicegateway'],
  ])('%s signs for %s', async (url, scope) => {
    const signed = await sign({ url, method: 'POST', body: '{}' }, { credentials })
    expect(signed.headers.get('authorization')).toContain(`/${scope}/aws4_request`)
  })

  test('OpenSearch Serverless gets x-amz-content-sha256 signed, as S3 does; es does not need it', async () => {
    const aoss = await sign({ url: 'https://abc123.us-east-1.aoss.amazonaws.com/idx/_doc' }, { credentials })
    expect(aoss.headers.get('x-amz-content-sha256')).toMatch(/^[0-9a-f]{64}$/)
    expect(aoss.headers.get('authorization')).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/)
    const es = await sign({ url: 'https://search-dom-abc.eu-west-1.es.amazonaws.com/_search' }, { credentials })
    expect(es.headers.get('x-amz-content-sha256')).toBeNull()
  })
})

describe('any host: what inference names is a signing name from botocore or a known host form', () => {
  const names = new Set([
    ...SERVICES.map(([, , name]) => name),
    's3-object-lambda',
    's3-outposts',
    's3express',
    'iotdevicegateway',
    'events',
  ])
  const label = fc.oneof(
    fc.constantFrom(...SERVICES.flatMap(([, prefix]) => prefix.split('.')), 'vpce', 'fips', 'dualstack', 'ats'),
    fc.stringMatching(/^[a-z0-9-]{1,12}$/),
    fc.constantFrom('us-east-1', 'eu-west-1', 'constructor', '__proto__', 'on', 'aws', 's3-us-west-2'),
  )
  const suffix = fc.constantFrom('amazonaws.com', 'amazonaws.com.cn', 'api.aws', 'on.aws', 'example.com')
  test('never a name outside that set (refusing is always allowed)', () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), suffix, fc.constantFrom('/', '/mqtt'), (l, s, p) => {
        const { service } = hostScope(`${l.join('.')}.${s}`, p)
        expect(service === undefined || names.has(service), `${l.join('.')}.${s}: ${service}`).toBe(true)
      }),
      { numRuns: 3000 },
    )
  })
})
