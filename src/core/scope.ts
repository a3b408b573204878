// The public host inference. The inference module (core/infer.ts with botocore's endpoint prefix table, a few KB)
// is imported on first use: a bundler that splits chunks (Vite, Rollup, Rolldown, webpack, esbuild --splitting)
// leaves it out of the code that loads first, so an app that always passes `region` and `service` never loads it.
import type { InferredScope } from './infer.js'

export type { InferredScope }

/** The inference module once loaded (import() would resolve it again on every call). */
let infer: typeof import('./infer.js') | undefined

/**
 * Infers the signing region and service from a host (and path, for IoT's `/mqtt`): botocore's endpoint prefixes
 * (`email` signs as `ses`, `bedrock-agent` as `bedrock`) and the customer-prefixed host forms (S3 and S3 Express,
 * API Gateway, AppSync, OpenSearch Service and Serverless, Lambda function URLs, DSQL, Kinesis Video, IoT). Only
 * what is known right: a host it does not know (or an RDS or Redshift database host) gives no service, and `sign`
 * then asks for `options.service` (ERR_SERVICE_REQUIRED).
 *
 * @example
 * await inferScope('kinesis.us-east-1.amazonaws.com') // { region: 'us-east-1', service: 'kinesis' }
 * await inferScope('bucket.s3.dualstack.eu-west-1.amazonaws.com') // { region: 'eu-west-1', service: 's3' }
 * await inferScope('abc123.us-east-1.aoss.amazonaws.com') // { region: 'us-east-1', service: 'aoss' }
 * await inferScope('abc.lambda-url.us-west-2.on.aws') // { region: 'us-west-2', service: 'lambda' }
 * await inferScope('account.r2.cloudflarestorage.com') // { region: 'auto', service: 's3' }
 * await inferScope('mydb.cluster-abc.us-east-1.rds.amazonaws.com') // { region: 'us-east-1' }: no service
 */
export async function inferScope(host: string, path = '/'): Promise<InferredScope> {
  infer ??= await import('./infer.js')
  return infer.hostScope(host, path)
}
