// The values every `@example` in src/ may use without declaring them (scripts/check-examples.mjs puts this file
// beside each extracted example). Anything else an example uses it declares, or imports from a subpath. Keep it
// small: a name here is a name no example has to explain.

/** Signing credentials, as a Worker or a Cognito identity pool would give them. */
declare const credentials: import('webcrypto-sigv4').Credentials
/** The parts of `credentials`, for examples that spell them out. */
declare const accessKeyId: string
declare const secretAccessKey: string
declare const sessionToken: string
/** A Worker's environment: the AWS key pair as secrets, the region as a var (other names: declare your own `env`). */
declare const env: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_REGION: string }
/** A request that arrived at a server or a Worker, and a response that came back from AWS. */
declare const request: Request
declare const response: Response
/** The secret of an access key id, for `verify()`. */
declare const lookupSecret: import('webcrypto-sigv4/verify').VerifyOptions['lookupSecret']
/** A client that signs with `credentials`. */
declare const client: import('webcrypto-sigv4/client').AwsClient
/** An S3 bucket name, and an object URL in it (`https://<bucket>.s3.<region>.amazonaws.com/<key>`). */
declare const bucket: string
declare const url: string
/** A file the user picked. */
declare const file: File
/** A multipart upload's id. */
declare const uploadId: string
/** Your session check, in a Worker that hands out access: the signed-in user, or null. */
declare function authenticate(request: Request): Promise<{ id: string } | null>
