// Region/service inference from host names: one table, one row per host form.
import { expect, test } from 'vitest'
import { hostScope } from '../../../src/core/infer.js'

const TABLE: Array<[host: string, path: string, region: string | undefined, service: string | undefined]> = [
  // Regional endpoints, China, GovCloud, ports
  ['kinesis.us-east-1.amazonaws.com', '/', 'us-east-1', 'kinesis'],
  ['dynamodb.eu-central-1.amazonaws.com:443', '/', 'eu-central-1', 'dynamodb'],
  ['kinesis.cn-north-1.amazonaws.com.cn', '/', 'cn-north-1', 'kinesis'],
  ['sts.us-gov-west-1.amazonaws.com', '/', 'us-gov-west-1', 'sts'],
  ['cognito-identity.ap-southeast-2.amazonaws.com', '/', 'ap-southeast-2', 'cognito-identity'],
  ['KINESIS.US-WEST-2.AMAZONAWS.COM', '/', 'us-west-2', 'kinesis'],
  // Global endpoints sign in us-east-1
  ['sts.amazonaws.com', '/', 'us-east-1', 'sts'],
  ['iam.amazonaws.com', '/', 'us-east-1', 'iam'],
  // Signing names that differ from the host label
  ['email.eu-west-1.amazonaws.com', '/', 'eu-west-1', 'ses'],
  ['runtime.sagemaker.us-east-1.amazonaws.com', '/', 'us-east-1', 'sagemaker'],
  ['streams.dynamodb.us-east-1.amazonaws.com', '/', 'us-east-1', 'dynamodb'],
  ['bedrock-runtime.us-east-1.amazonaws.com', '/', 'us-east-1', 'bedrock'],
  ['transcribestreaming.us-east-1.amazonaws.com:8443', '/stream-transcription-websocket', 'us-east-1', 'transcribe'],
  // Dualstack and FIPS
  ['s3.dualstack.eu-west-1.amazonaws.com', '/bucket/key', 'eu-west-1', 's3'],
  ['kinesis-fips.us-east-1.amazonaws.com', '/', 'us-east-1', 'kinesis'],
  ['dynamodb.us-east-1.api.aws', '/', 'us-east-1', 'dynamodb'],
  ['bucket.s3-fips.dualstack.us-east-1.amazonaws.com', '/key', 'us-east-1', 's3'],
  ['fips.kinesis.us-west-2.amazonaws.com', '/', 'us-west-2', 'kinesis'],
  // S3: path style, virtual host (dotted buckets too), legacy dash-region, global, access points
  ['s3.us-west-2.amazonaws.com', '/my-bucket/a.txt', 'us-west-2', 's3'],
  ['my-bucket.s3.us-west-2.amazonaws.com', '/a.txt', 'us-west-2', 's3'],
  ['my.dotted.bucket.s3.eu-west-3.amazonaws.com', '/a.txt', 'eu-west-3', 's3'],
  ['my-bucket.s3-eu-west-1.amazonaws.com', '/a.txt', 'eu-west-1', 's3'],
  ['s3-us-west-2.amazonaws.com', '/b/k', 'us-west-2', 's3'],
  ['my-bucket.s3.amazonaws.com', '/a.txt', 'us-east-1', 's3'],
  ['s3.amazonaws.com', '/my-bucket/a.txt', 'us-east-1', 's3'],
  ['ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com', '/k', 'us-east-1', 's3'],
  // API Gateway
  ['abc123.execute-api.us-east-1.amazonaws.com', '/prod/items', 'us-east-1', 'execute-api'],
  // Lambda function URLs
  ['abcdefghij.lambda-url.us-west-2.on.aws', '/', 'us-west-2', 'lambda'],
  ['lambda.eu-north-1.amazonaws.com', '/2015-03-31/functions', 'eu-north-1', 'lambda'],
  // IoT: control plane, data plane, jobs, and the MQTT-over-WebSocket device gateway
  ['iot.us-east-1.amazonaws.com', '/things', 'us-east-1', 'iot'],
  ['abc123-ats.iot.us-east-1.amazonaws.com', '/things/t/shadow', 'us-east-1', 'iotdata'],
  ['data-ats.iot.eu-west-1.amazonaws.com', '/topics/x', 'eu-west-1', 'iotdata'],
  ['abc123.jobs.iot.us-east-1.amazonaws.com', '/things/t/jobs', 'us-east-1', 'iot-jobs-data'],
  ['abc123-ats.iot.us-east-1.amazonaws.com', '/mqtt', 'us-east-1', 'iotdevicegateway'],
  // Cloudflare R2 (account, bucket virtual host, jurisdiction)
  ['0123456789abcdef.r2.cloudflarestorage.com', '/bucket/key', 'auto', 's3'],
  ['bucket.0123456789abcdef.r2.cloudflarestorage.com', '/key', 'auto', 's3'],
  ['0123456789abcdef.eu.r2.cloudflarestorage.com', '/bucket/key', 'auto', 's3'],
  // SigV4a hosts: no region in the name, the service still known
  ['mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com', '/k', undefined, 's3'],
  ['abcde.veo.endpoints.event.amazonaws.com', '/', undefined, 'events'],
  // Customer-prefixed hosts (issue 23): OpenSearch Serverless and Service, AppSync, DSQL, Kinesis Video, S3 forms
  ['abc123.us-east-1.aoss.amazonaws.com', '/_search', 'us-east-1', 'aoss'],
  ['search-dom-abc.us-east-1.es.amazonaws.com', '/_search', 'us-east-1', 'es'],
  ['vpc-dom-abc.eu-west-1.es.amazonaws.com', '/', 'eu-west-1', 'es'],
  ['xyz.appsync-api.us-east-1.amazonaws.com', '/graphql', 'us-east-1', 'appsync'],
  ['xyz.appsync-realtime-api.us-east-1.amazonaws.com', '/graphql', 'us-east-1', 'appsync'],
  ['appsync.us-east-1.amazonaws.com', '/v1/apis', 'us-east-1', 'appsync'],
  ['abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws', '/', 'us-east-1', 'dsql'],
  ['s-1234abcd.kinesisvideo.us-west-2.amazonaws.com', '/getMedia', 'us-west-2', 'kinesisvideo'],
  ['r-1234abcd.kinesisvideo.us-west-2.amazonaws.com', '/', 'us-west-2', 'kinesisvideo'],
  ['123456789012.s3-control.us-east-1.amazonaws.com', '/v20180820/jobs', 'us-east-1', 's3'],
  ['ap-123456789012.s3-object-lambda.us-east-1.amazonaws.com', '/k', 'us-east-1', 's3-object-lambda'],
  ['bucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com', '/k', 'us-east-1', 's3'],
  // Endpoint prefixes from botocore whose signing name differs
  ['bedrock-agent.us-east-1.amazonaws.com', '/', 'us-east-1', 'bedrock'],
  ['bedrock-data-automation-runtime.us-east-1.amazonaws.com', '/', 'us-east-1', 'bedrock'],
  ['bedrock.us-east-1.amazonaws.com', '/', 'us-east-1', 'bedrock'],
  ['meetings-chime.us-east-1.amazonaws.com', '/', 'us-east-1', 'chime'],
  ['cloudhsmv2.us-east-1.amazonaws.com', '/', 'us-east-1', 'cloudhsm'],
  ['ivsrealtime.us-east-1.amazonaws.com', '/', 'us-east-1', 'ivs'],
  ['mail-manager.us-east-1.amazonaws.com', '/', 'us-east-1', 'ses'],
  ['data.iotevents.us-east-1.amazonaws.com', '/', 'us-east-1', 'ioteventsdata'],
  ['data.jobs.iot.us-east-1.amazonaws.com', '/', 'us-east-1', 'iot-jobs-data'],
  ['controlplane.payment-cryptography.us-east-1.amazonaws.com', '/', 'us-east-1', 'payment-cryptography'],
  ['data.iot.us-east-1.amazonaws.com', '/topics/x', 'us-east-1', 'iotdata'],
  // Refused: the host does not say which service signs it (the caller sets options.service)
  ['mydb.cluster-abc.us-east-1.rds.amazonaws.com', '/', 'us-east-1', undefined],
  ['wg.123456789012.us-east-1.redshift-serverless.amazonaws.com', '/', 'us-east-1', undefined],
  ['dom-abc.us-east-1.es.amazonaws.com', '/', 'us-east-1', undefined],
  ['x.kinesis.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  ['abc.iot.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  ['c2abcdef.credentials.iot.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  ['api.tunneling.iot.us-east-1.amazonaws.com', '/tunnels', 'us-east-1', undefined],
  ['codecatalyst.global.api.aws', '/', undefined, undefined],
  ['no-such-service.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  ['abc.lambda-url.nowhere.on.aws', '/', undefined, undefined],
  ['abc.other.us-east-1.on.aws', '/', undefined, undefined],
  // Labels that are names of Object members find nothing
  ['constructor.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  ['x.__proto__.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  ['x.us-east-1.__proto__.amazonaws.com', '/', 'us-east-1', undefined],
  ['toString.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  // Labels that would match across the table's separators find nothing
  ['s3 kinesis.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  ['email=ses.us-east-1.amazonaws.com', '/', 'us-east-1', undefined],
  // Hosts that say nothing
  ['127.0.0.1:4566', '/', undefined, undefined],
  ['example.com', '/', undefined, undefined],
  ['localhost', '/', undefined, undefined],
]

test.each(TABLE)('%s %s -> %s / %s', (host, path, region, service) => {
  const scope = hostScope(host, path)
  expect([scope.region, scope.service]).toEqual([region, service])
})
