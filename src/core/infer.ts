// Region and service from AWS host names, as data: explicit options always win over this. The rule is to infer only
// what is known right and to say nothing otherwise (the caller then asks for `options.service`): a wrong guess
// signs for the wrong scope, and AWS answers with a signature mismatch that names nothing useful.
import { OTHER_NAME, SAME_NAME } from './service-table.js'

/** What a host name says about where a request goes; fields are absent when it says nothing. */
export interface InferredScope {
  /** The signing region the host names, e.g. `eu-west-1` (`us-east-1` for global endpoints). */
  region?: string
  /** The signing name of the service, which may differ from the host label (`email` signs as `ses`). */
  service?: string
}

/**
 * Host forms botocore's table (service-table.ts) does not have: the service's host label(s) = signing name. These
 * may have the customer's own labels (bucket, API id, account, ...) before them; a name from botocore's table must be
 * the whole host part before the region (`x.kinesis.us-east-1.amazonaws.com` says nothing). Transcribe's streaming
 * endpoints are not in botocore.
 */
const HOST_FORMS = pairs(
  ' s3=s3 s3-accesspoint=s3 s3-control=s3 s3-website=s3 s3-object-lambda=s3-object-lambda s3-outposts=s3-outposts' +
    ' execute-api=execute-api appsync-api=appsync appsync-realtime-api=appsync kinesisvideo=kinesisvideo' +
    ' jobs.iot=iot-jobs-data accesspoint.s3-global=s3 endpoints.event=events transcribestreaming=transcribe ',
)

/** A space-separated `key=value` list as a map. */
function pairs(list: string): Map<string, string> {
  return new Map(
    list
      .trim()
      .split(' ')
      .map((pair) => pair.split('=') as [string, string]),
  )
}

/** Hosts that name the region before the service, with what the customer's label must look like. */
const REGION_FIRST = {
  __proto__: null,
  // OpenSearch Service domains: search-<domain>-<id>.<region>.es.amazonaws.com, vpc-... inside a VPC.
  es: /^(search|vpc)-[a-z0-9-]+$/,
  // OpenSearch Serverless collections: <collection id>.<region>.aoss.amazonaws.com.
  aoss: /^[a-z0-9]+$/,
} as unknown as Record<string, RegExp | undefined>

/** `us-east-1`, `us-gov-west-1`, `cn-north-1`, `eu-isoe-west-1`, ... */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/

/** botocore's endpoint prefix -> signing name, built when this module loads (only when a scope is inferred). */
const SIGNING_NAMES = new Map([...pairs(SAME_NAME.replace(/[^ ]+/g, '$&=$&')), ...pairs(OTHER_NAME)])

/**
 * The signing name of the labels before the region: the longest known suffix, customer labels allowed before it
 * only for HOST_FORMS.
 */
function serviceOf(labels: string[], path: string): string | undefined {
  const last = (labels[labels.length - 1] ?? '').replace(/-fips$/, '')
  if (!labels.length || !labels.every((label) => /^[a-z0-9-]+$/.test(label))) return undefined
  // S3 Express One Zone: zonal hosts (s3express-<zone id>, with the --x-s3 bucket before) and s3express-control.
  if (/^s3express-/.test(last)) return 's3express'
  // The IoT data plane: <account prefix>-ats.iot.<region> (and data.iot / data-ats.iot). Its only WebSocket
  // endpoint is /mqtt (MQTT over wss), which signs as the device gateway; the HTTPS data plane has no /mqtt route.
  // Other *.iot hosts (credentials.iot, legacy non-ATS prefixes, tunneling) say nothing.
  if (last === 'iot' && labels.length === 2 && /^(data|[a-z0-9]+-ats)$/.test(labels[0]!))
    return path === '/mqtt' ? 'iotdevicegateway' : 'iotdata'
  for (let count = Math.min(labels.length, 3); count > 0; count--) {
    const key = [...labels.slice(labels.length - count, -1), last].join('.')
    const name = HOST_FORMS.get(key) ?? (count === labels.length ? SIGNING_NAMES.get(key) : undefined)
    if (name) return name
  }
  return undefined
}

/**
 * The signing region and service a host (and path, for IoT's `/mqtt`) names, from botocore's endpoint prefixes and
 * the customer-prefixed host forms (S3 and S3 Express, API Gateway, AppSync, OpenSearch, Lambda function URLs, DSQL,
 * Kinesis Video, IoT); no service for a host it does not know. Synchronous, with the table: the public, lazily
 * loaded form is `inferScope` (core/scope.ts).
 *
 * @example
 * hostScope('kinesis.us-east-1.amazonaws.com') // { region: 'us-east-1', service: 'kinesis' }
 * hostScope('bucket.s3.dualstack.eu-west-1.amazonaws.com') // { region: 'eu-west-1', service: 's3' }
 * hostScope('abc123.us-east-1.aoss.amazonaws.com') // { region: 'us-east-1', service: 'aoss' }
 * hostScope('abc.lambda-url.us-west-2.on.aws') // { region: 'us-west-2', service: 'lambda' }
 * hostScope('account.r2.cloudflarestorage.com') // { region: 'auto', service: 's3' }
 * hostScope('mydb.cluster-abc.us-east-1.rds.amazonaws.com') // { region: 'us-east-1' }: no service
 */
export function hostScope(host: string, path = '/'): InferredScope {
  const hostname = host.toLowerCase().replace(/:\d+$/, '')
  if (/\.r2\.cloudflarestorage\.com$/.test(hostname)) return { region: 'auto', service: 's3' }
  // Lambda function URLs and Aurora DSQL clusters: <id>.lambda-url.<region>.on.aws, <id>.dsql.<region>.on.aws.
  const onAws = /^[a-z0-9-]+\.(lambda-url|dsql)\.([a-z0-9-]+)\.on\.aws$/.exec(hostname)
  if (onAws && REGION.test(onAws[2]!)) return { region: onAws[2], service: onAws[1] === 'dsql' ? 'dsql' : 'lambda' }
  const labels = /^(.+?)\.(amazonaws\.com(\.cn)?|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov)$/
    .exec(hostname)?.[1]!
    .split('.')
    .filter((label) => !/^(dualstack|fips)$/.test(label))
  if (!labels) return {}
  // VPC interface endpoints: [bucket.]vpce-<id>.<service host>.<region>.vpce.amazonaws.com.
  const names = labels[labels.length - 1] === 'vpce' ? labels.slice(0, -1).filter((l) => !/^vpce-/.test(l)) : labels
  const end = names.length
  if (end > 1 && REGION.test(names[end - 2]!)) {
    // <customer label>.<region>.<service>: OpenSearch domains and collections; RDS, Redshift and the like are
    // database hosts, not HTTP APIs (their IAM tokens are signed for rds-db and such, with the service given).
    const form = REGION_FIRST[names[end - 1]!]
    const known = end === 3 && form?.test(names[0]!)
    return known ? { region: names[1], service: names[2] } : { region: names[end - 2] }
  }
  if (REGION.test(names[end - 1]!)) return { region: names[end - 1], service: serviceOf(names.slice(0, -1), path) }
  // Legacy S3 dash-region form: s3-us-west-2.amazonaws.com, bucket.s3-eu-west-1.amazonaws.com.
  const legacy = /^s3-([a-z]{2}(-[a-z]+)+-\d+)$/.exec(names[end - 1]!)
  if (legacy) return { region: legacy[1], service: 's3' }
  const service = serviceOf(names, path)
  // Global endpoints sign in us-east-1; SigV4a hosts (-global, endpoints.event) have no region.
  const global = /^(iam|sts|s3|route53|cloudfront|organizations|waf|shield)$/.test(service ?? '')
  return { region: global && !/-global$/.test(names[end - 1]!) ? 'us-east-1' : undefined, service }
}
