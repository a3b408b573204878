// The verifying Worker example, run in workerd (Miniflare, no nodejs_compat) on 127.0.0.1: it accepts requests
// signed by boto3 (a real AWS SDK client), by this package's signer and presigned URLs, and refuses the rest.
import { spawnSync } from 'node:child_process'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { presign, sign } from '../../../src/index.js'
import { signStreamParts } from '../../../src/stream.js'
import { bundleExample } from '../stream/bundle.js'

const credentials = { accessKeyId: 'AKIDWORKER', secretAccessKey: 'worker/secret+key' }
let mf: Miniflare
let endpoint: string

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: await bundleExample('examples/verify-worker/worker.mjs', { platform: 'neutral' }),
    compatibilityDate: '2025-01-01',
    bindings: { ACCESS_KEYS: JSON.stringify({ [credentials.accessKeyId]: credentials.secretAccessKey }) },
    host: '127.0.0.1',
    port: 0,
  })
  endpoint = (await mf.ready).toString().replace(/\/$/, '')
})
afterAll(() => mf?.dispose())

function boto3(script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('python3', ['-c', script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

test('boto3 list_buckets (an AWS SDK, as the AWS CLI does it) is verified and answered', () => {
  const result = boto3(`
import os, boto3
s3 = boto3.client('s3', endpoint_url=os.environ['ENDPOINT'])
print([bucket['Name'] for bucket in s3.list_buckets()['Buckets']])
`)
  expect(result.stderr).toBe('')
  expect(result.stdout.trim()).toBe("['verified-akidworker']")
})

test('boto3 with a wrong secret is refused', () => {
  const result = boto3(`
import os, boto3, botocore.exceptions
s3 = boto3.client('s3', endpoint_url=os.environ['ENDPOINT'], aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'], aws_secret_access_key='wrong')
try:
    s3.list_buckets()
except botocore.exceptions.ClientError as error:
    print(error.response['Error']['Code'], error.response['ResponseMetadata']['HTTPStatusCode'])
`)
  expect(result.stdout.trim(), result.stderr).toBe('ERR_SIGNATURE_MISMATCH 403')
})

test('requests signed or presigned by this package are accepted; tampering and missing auth are refused', async () => {
  const options = { credentials, region: 'eu-west-1', service: 'execute-api' }
  const signed = await sign(
    {
      method: 'POST',
      url: `${endpoint}/orders?id=7`,
      headers: { 'content-type': 'application/json' },
      body: '{"qty":2}',
    },
    options,
  )
  const accepted = await fetch(signed.clone())
  expect(accepted.status).toBe(200)
  expect(await accepted.json()).toMatchObject({
    accessKeyId: 'AKIDWORKER',
    service: 'execute-api',
    region: 'eu-west-1',
    path: '/orders',
    body: '{"qty":2}',
  })

  const url = await presign(`${endpoint}/report`, { ...options, expiresIn: 60 })
  const viaUrl = await fetch(url)
  expect(viaUrl.status).toBe(200)
  expect(await viaUrl.json()).toMatchObject({ presigned: true, path: '/report' })

  const tampered = new Request(signed, { body: '{"qty":200}', duplex: 'half' } as RequestInit)
  const refused = await fetch(tampered)
  expect(refused.status).toBe(403)
  expect(await refused.text()).toContain('ERR_SIGNATURE_MISMATCH')

  const anonymous = await fetch(`${endpoint}/orders`)
  expect(anonymous.status).toBe(401)
  const otherService = await fetch(await sign({ url: `${endpoint}/` }, { ...options, service: 'kinesis' }))
  expect(await otherService.text()).toContain('ERR_SCOPE')
})

test('an aws-chunked upload is checked chunk by chunk in workerd: the body arrives decoded; a changed chunk is refused', async () => {
  const data = 'chunk data '.repeat(2000)
  const url = new URL(`${endpoint}/uploads/file.txt`)
  const signed = await signStreamParts(
    { method: 'PUT', host: url.host, path: url.pathname, body: new Response(data).body! },
    {
      credentials,
      region: 'eu-west-1',
      service: 's3',
      contentLength: data.length,
      chunkSize: 8192,
      checksum: 'crc32c',
    },
  )
  const framed = new Uint8Array(await new Response(signed.body).arrayBuffer())
  const headers = signed.headers.filter(([name]) => name !== 'host' && name !== 'content-length')
  const accepted = await fetch(url, { method: 'PUT', headers, body: framed })
  expect(accepted.status).toBe(200)
  expect(await accepted.json()).toMatchObject({ service: 's3', path: '/uploads/file.txt', body: data })

  const altered = framed.slice()
  altered[200]! ^= 1
  const refused = await fetch(url, { method: 'PUT', headers, body: altered })
  expect(refused.status).toBe(403)
  expect(await refused.text()).toContain('ERR_CHUNK_SIGNATURE')
})
