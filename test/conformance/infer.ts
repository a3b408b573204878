// Host inference in every runtime (issue 23): the public inferScope loads its chunk (a dynamic import) and names
// botocore's signing name or none, sign signs for that scope, and a host that does not say refuses with
// ERR_SERVICE_REQUIRED and a message naming the option. The whole botocore list is checked in Node
// (test/node/core/infer-botocore.test.ts); this is a sample of each host form.
import { AssertionError, equal, ok, rejectsWith } from './assert.js'
import type { Check, Lib } from './suite.js'

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const datetime = '2015-08-30T12:36:00Z'

/** Host, path, and the region / service inferred (undefined: none). */
const CASES: Array<[host: string, path: string, region: string | undefined, service: string | undefined]> = [
  ['kinesis.us-east-1.amazonaws.com', '/', 'us-east-1', 'kinesis'],
  ['email.eu-west-1.amazonaws.com', '/', 'eu-west-1', 'ses'],
  ['bedrock-agent-runtime.us-west-2.amazonaws.com', '/', 'us-west-2', 'bedrock'],
  ['streams.dynamodb.eu-central-1.amazonaws.com', '/', 'eu-central-1', 'dynamodb'],
  ['runtime.sagemaker.us-east-1.amazonaws.com', '/', 'us-east-1', 'sagemaker'],
  ['data.iotevents.us-east-1.amazonaws.com', '/', 'us-east-1', 'ioteventsdata'],
  ['kinesis.cn-north-1.amazonaws.com.cn', '/', 'cn-north-1', 'kinesis'],
  ['abc123.us-east-1.aoss.amazonaws.com', '/idx/_search', 'us-east-1', 'aoss'],
  ['search-dom-abc.eu-west-1.es.amazonaws.com', '/_search', 'eu-west-1', 'es'],
  ['xyz.appsync-api.us-east-1.amazonaws.com', '/graphql', 'us-east-1', 'appsync'],
  ['abc123.execute-api.us-east-1.amazonaws.com', '/prod', 'us-east-1', 'execute-api'],
  ['abcdefghij.lambda-url.us-west-2.on.aws', '/', 'us-west-2', 'lambda'],
  ['abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws', '/', 'us-east-1', 'dsql'],
  ['bucket.s3.eu-west-3.amazonaws.com', '/key', 'eu-west-3', 's3'],
  ['s-1234abcd.kinesisvideo.us-west-2.amazonaws.com', '/getMedia', 'us-west-2', 'kinesisvideo'],
  ['abc123-ats.iot.us-east-1.amazonaws.com', '/topics/t', 'us-east-1', 'iotdata'],
  ['abc123-ats.iot.us-east-1.amazonaws.com', '/mqtt', 'us-east-1', 'iotdevicegateway'],
  ['mydb.cluster-abc.us-east-1.rds.amazonaws.com', '/', 'us-east-1', undefined],
  ['no-such-service.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  ['constructor.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  ['example.com', '/', undefined, undefined],
]

export function inferenceChecks(lib: Lib): Check[] {
  return [
    {
      name: `inferScope: ${CASES.length} host forms, the right signing name or none`,
      run: async () => {
        for (const [host, path, region, service] of CASES) {
          const scope = await lib.inferScope(host, path)
          equal(scope.region, region, `${host}${path} region`)
          equal(scope.service, service, `${host}${path} service`)
        }
      },
    },
    {
      name: 'sign signs for the inferred scope; a host that does not tell refuses with ERR_SERVICE_REQUIRED',
      run: async () => {
        for (const [host, path, region, service] of CASES) {
          const url = `https://${host}${path}`
          if (!region) continue
          if (!service) {
            await rejectsWith(() => lib.sign({ url }, { credentials, datetime }), 'ERR_SERVICE_REQUIRED', url)
            const error = await lib.sign({ url }, { credentials, datetime }).catch((caught: unknown) => caught)
            ok(/Set options\.service/.test((error as Error).message), `${url}: the message names options.service`)
            continue
          }
          const signed = await lib.sign({ url }, { credentials, datetime })
          const authorization = signed.headers.get('authorization') ?? ''
          ok(authorization.includes(`/20150830/${region}/${service}/aws4_request`), `${url}: ${authorization}`)
        }
      },
    },
    {
      name: 'OpenSearch Serverless (inferred aoss) signs x-amz-content-sha256, as S3 does',
      run: async () => {
        const signed = await lib.sign({ url: 'https://abc123.us-east-1.aoss.amazonaws.com/idx/_doc' }, { credentials })
        const hash = signed.headers.get('x-amz-content-sha256')
        if (hash !== 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
          throw new AssertionError(`x-amz-content-sha256: ${hash}`)
        ok(/SignedHeaders=[^,]*x-amz-content-sha256/.test(signed.headers.get('authorization') ?? ''), 'signed')
      },
    },
  ]
}
