// A Cloudflare Worker that accepts only SigV4-signed requests: from the AWS CLI, an AWS SDK, curl --aws-sigv4
// or this package's own signer. Keys live in the ACCESS_KEYS secret as JSON: {"AKID...": "secret", ...}.
//
//   wrangler secret put ACCESS_KEYS      # {"AKIDEXAMPLE":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
//   wrangler dev
//   curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user 'AKIDEXAMPLE:wJalrX...' http://127.0.0.1:8787/hello
//   AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrX... aws s3api list-buckets --endpoint-url http://127.0.0.1:8787
import { verify } from 'webcrypto-sigv4/verify'

// Which reasons a client may see: everything else about the failure stays in the logs.
const STATUS = {
  ERR_NO_AUTH: 401,
  ERR_MALFORMED_AUTH: 400,
  ERR_DATE_SKEW: 403,
  ERR_EXPIRED: 403,
  ERR_SCOPE: 403,
  ERR_UNKNOWN_KEY: 403,
  ERR_MULTIPLE_AUTH: 400,
  ERR_BODY_TOO_LARGE: 413,
}

export default {
  async fetch(request, env) {
    const keys = JSON.parse(env.ACCESS_KEYS ?? '{}')
    const result = await verify(request, {
      lookupSecret: (accessKeyId) => keys[accessKeyId],
      // Accept requests signed for these services only (an S3-compatible client signs as "s3").
      service: ['execute-api', 's3'],
    })
    if (!result.ok) {
      console.log(`refused: ${result.code}: ${result.message}`)
      return new Response(`<Error><Code>${result.code}</Code></Error>`, {
        status: STATUS[result.code] ?? 403,
        headers: { 'content-type': 'application/xml' },
      })
    }
    const url = new URL(request.url)
    // `aws s3api list-buckets`: answer in S3's format so the CLI and SDKs can parse it.
    if (result.service === 's3' && request.method === 'GET' && url.pathname === '/') {
      return new Response(
        `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${result.accessKeyId}</ID></Owner><Buckets><Bucket><Name>verified-${result.accessKeyId.toLowerCase()}</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`,
        { headers: { 'content-type': 'application/xml' } },
      )
    }
    // For an aws-chunked upload, result.body is the decoded body, checked chunk by chunk as it is read: a bad
    // chunk makes the read fail with a typed code, and the upload must then be refused.
    let body
    try {
      body = await new Response(result.body ?? request.body).text()
    } catch (error) {
      console.log(`refused body: ${error.code}: ${error.message}`)
      return new Response(`<Error><Code>${error.code}</Code></Error>`, {
        status: 403,
        headers: { 'content-type': 'application/xml' },
      })
    }
    return Response.json({
      accessKeyId: result.accessKeyId,
      service: result.service,
      region: result.region,
      signedHeaders: result.signedHeaders,
      presigned: result.presigned,
      method: request.method,
      path: result.path,
      body,
    })
  },
}
