// Region and service from AWS host names, table-driven: explicit options always win over this.

/** What a host name says about where a request goes; fields are absent when it says nothing. */
export interface InferredScope {
  /** The signing region the host names, e.g. `eu-west-1` (`us-east-1` for global endpoints). */
  region?: string
  /** The signing name of the service, which may differ from the host label (`email` signs as `ses`). */
  service?: string
}

// Host labels whose signing name differs from the label itself (`runtime.sagemaker` and the like need no entry:
// the label before the region is already the signing name).
// No prototype: a host label such as "constructor" must not find Object's members.
const SIGNING_NAMES = {
  __proto__: null,
  email: 'ses',
  transcribestreaming: 'transcribe',
  'bedrock-runtime': 'bedrock',
  'bedrock-agent-runtime': 'bedrock',
  'jobs.iot': 'iot-jobs-data',
  's3-accesspoint': 's3',
  's3-control': 's3',
  's3-website': 's3',
  // SigV4a hosts: S3 Multi-Region Access Points and EventBridge global endpoints (no region in the name).
  'accesspoint.s3-global': 's3',
  'endpoints.event': 'events',
} as unknown as Record<string, string | undefined>

/**
 * Infers the signing region and service from a host (and path, for IoT's `/mqtt`).
 *
 * @example
 * inferScope('kinesis.us-east-1.amazonaws.com') // { region: 'us-east-1', service: 'kinesis' }
 * inferScope('bucket.s3.dualstack.eu-west-1.amazonaws.com') // { region: 'eu-west-1', service: 's3' }
 * inferScope('abc.lambda-url.us-west-2.on.aws') // { region: 'us-west-2', service: 'lambda' }
 * inferScope('account.r2.cloudflarestorage.com') // { region: 'auto', service: 's3' }
 * inferScope('logs--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com') // { region: 'us-east-1', service: 's3express' }
 */
export function inferScope(host: string, path = '/'): InferredScope {
  const hostname = host.toLowerCase().replace(/:\d+$/, '')
  const special = /\.r2\.cloudflarestorage\.com$|\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(hostname)
  if (special) return special[1] ? { region: special[1], service: 'lambda' } : { region: 'auto', service: 's3' }
  const labels = /^(.+?)\.(amazonaws\.com(\.cn)?|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov)$/
    .exec(hostname)?.[1]!
    .split('.')
    .filter((label) => !/^(dualstack|fips)$/.test(label))
  if (!labels) return {}
  let at = labels.findIndex((label) => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(label))
  let region: string | undefined = labels[at]
  if (at < 0) {
    // Legacy S3 dash-region form: s3-us-west-2.amazonaws.com, bucket.s3-eu-west-1.amazonaws.com.
    const legacy = labels.find((label) => /^s3-[a-z]{2}-/.test(label))
    if (legacy) return { region: legacy.slice(3), service: 's3' }
    at = labels.length
  }
  let label = (labels[at - 1] ?? '').replace(/-fips$/, '')
  const twoLabels = labels[at - 2] + '.' + label
  if (SIGNING_NAMES[twoLabels]) label = twoLabels
  // <prefix>.iot.<region> is the IoT data plane; its WebSocket MQTT endpoint signs as the device gateway.
  else if (label === 'iot' && at > 1) label = path === '/mqtt' ? 'iotdevicegateway' : 'iotdata'
  // S3 Express One Zone: zonal hosts (s3express-<zone id>, with the --x-s3 bucket before) and s3express-control.
  if (/^s3express-/.test(label)) label = 's3express'
  const service = SIGNING_NAMES[label] ?? (label || undefined)
  // Global endpoints sign in us-east-1.
  region ??=
    service && !/-global$/.test(label) && /^(iam|sts|s3|route53|cloudfront|organizations|waf|shield)$/.test(service)
      ? 'us-east-1'
      : undefined
  return { region, service }
}
