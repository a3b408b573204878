// Region and service from AWS host names, table-driven: explicit options always win over this.

/** What a host name says about where a request goes; fields are absent when it says nothing. */
export interface InferredScope {
  region?: string
  service?: string
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/

// Host labels whose signing name differs from the label itself.
const SIGNING_NAMES: Record<string, string> = {
  email: 'ses',
  transcribestreaming: 'transcribe',
  'runtime.sagemaker': 'sagemaker',
  'runtime.lex': 'lex',
  'bedrock-runtime': 'bedrock',
  'bedrock-agent-runtime': 'bedrock',
  'streams.dynamodb': 'dynamodb',
  'jobs.iot': 'iot-jobs-data',
  's3-accesspoint': 's3',
  's3-control': 's3',
  's3-website': 's3',
}

// Global endpoints sign in us-east-1.
const GLOBAL_SERVICES = /^(iam|sts|s3|route53|cloudfront|organizations|waf|globalaccelerator|shield)$/

/**
 * Infers the signing region and service from a host (and path, for IoT's `/mqtt`).
 *
 * @example
 * inferScope('kinesis.us-east-1.amazonaws.com') // { region: 'us-east-1', service: 'kinesis' }
 * inferScope('bucket.s3.dualstack.eu-west-1.amazonaws.com') // { region: 'eu-west-1', service: 's3' }
 * inferScope('abc.lambda-url.us-west-2.on.aws') // { region: 'us-west-2', service: 'lambda' }
 * inferScope('account.r2.cloudflarestorage.com') // { region: 'auto', service: 's3' }
 */
export function inferScope(host: string, path = '/'): InferredScope {
  const hostname = host.toLowerCase().replace(/:\d+$/, '')
  if (hostname.endsWith('.r2.cloudflarestorage.com')) return { region: 'auto', service: 's3' }
  const lambdaUrl = /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(hostname)
  if (lambdaUrl) return { region: lambdaUrl[1], service: 'lambda' }
  const match = /^(.+?)\.(?:amazonaws\.com(?:\.cn)?|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov)$/.exec(hostname)
  if (!match) return {}
  const labels = match[1]!.split('.').filter((label) => label !== 'dualstack' && label !== 'fips')
  let regionIndex = labels.findIndex((label) => REGION.test(label))
  let region = labels[regionIndex]
  if (regionIndex < 0) {
    // Legacy S3 dash-region form: s3-us-west-2.amazonaws.com, bucket.s3-eu-west-1.amazonaws.com.
    const legacy = labels.findIndex((label) => /^s3-[a-z]{2}-/.test(label))
    if (legacy >= 0) return { region: labels[legacy]!.slice(3), service: 's3' }
    regionIndex = labels.length
  }
  let label = (labels[regionIndex - 1] ?? '').replace(/-fips$/, '')
  const twoLabels = labels[regionIndex - 2] + '.' + label
  if (SIGNING_NAMES[twoLabels]) label = twoLabels
  // <prefix>.iot.<region> is the IoT data plane; its WebSocket MQTT endpoint signs as the device gateway.
  else if (label === 'iot' && regionIndex > 1) label = path === '/mqtt' ? 'iotdevicegateway' : 'iotdata'
  const service = SIGNING_NAMES[label] ?? (label || undefined)
  if (!region && service && GLOBAL_SERVICES.test(service)) region = 'us-east-1'
  return { region, service }
}
