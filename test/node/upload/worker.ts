// The Worker of the workerd upload tests (bundled by ./workerd.test.ts for a neutral platform, run in Miniflare
// without nodejs_compat). It holds the credentials and:
// - POST /upload?key=K        uploads the request's body stream (length unknown to it) with upload();
// - POST /presign?key=K&parts=N  starts an upload and hands out presigned part URLs (presignUpload);
// - POST /complete?key=K      completes it from the page's { uploadId, parts } (completeUpload);
// - POST /abort?key=K         aborts it from { uploadId } (abortUpload).
import { AwsClient } from '../../../src/client.js'
import { abortUpload, completeUpload, presignUpload, upload } from '../../../src/s3.js'

interface Env {
  ENDPOINT: string
  BUCKET: string
  ACCESS_KEY_ID: string
  SECRET_ACCESS_KEY: string
}

const MIB = 1024 * 1024

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    const key = url.searchParams.get('key') ?? 'object'
    const objectUrl = `${env.ENDPOINT}/${env.BUCKET}/${key}`
    const client = new AwsClient({
      credentials: { accessKeyId: env.ACCESS_KEY_ID, secretAccessKey: env.SECRET_ACCESS_KEY },
      region: 'us-east-1',
      service: 's3',
    })
    try {
      switch (url.pathname) {
        case '/ping':
          return new Response('pong')
        case '/upload': {
          let progressEvents = 0
          const result = await upload(client, {
            url: objectUrl,
            body: request.body!,
            partSize: 5 * MIB,
            concurrency: 2,
            onProgress: () => progressEvents++,
          })
          return Response.json({ ...result, progressEvents })
        }
        case '/presign':
          return Response.json(
            await presignUpload(client, {
              url: objectUrl,
              parts: Number(url.searchParams.get('parts')),
              expiresIn: 600,
            }),
          )
        case '/complete': {
          const { uploadId, parts } = (await request.json()) as {
            uploadId: string
            parts: { partNumber: number; etag: string }[]
          }
          return Response.json(await completeUpload(client, { url: objectUrl, uploadId, parts }))
        }
        case '/abort': {
          const { uploadId } = (await request.json()) as { uploadId: string }
          await abortUpload(client, { url: objectUrl, uploadId })
          return Response.json({ aborted: uploadId })
        }
      }
      return new Response('not found', { status: 404 })
    } catch (error) {
      const { code, message, uploadId } = error as { code?: string; message?: string; uploadId?: string }
      return Response.json({ error: { code, message, uploadId } }, { status: 500 })
    }
  },
}
