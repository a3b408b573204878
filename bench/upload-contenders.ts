// The two uploaders of the upload benchmarks, configured alike in Node (bench/upload-bench.ts) and in Chromium
// (bench/upload-chromium-page.ts): upload() and @aws-sdk/lib-storage, same part size, concurrency and checksum.
import { S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { AwsClient } from '../src/client.js'
import { upload, type UploadBody } from '../src/s3.js'

export interface UploadJob {
  endpoint: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  bucket: string
  key: string
  partSize: number
  concurrency: number
  checksum: boolean
}

/** upload(), with CRC32 signed as UNSIGNED-PAYLOAD + the signed checksum (the default over https; asked for here). */
export async function sigv4Upload(body: UploadBody, job: UploadJob): Promise<void> {
  const client = new AwsClient({ credentials: job.credentials, region: 'us-east-1', service: 's3' })
  await upload(client, {
    url: `${job.endpoint}/${job.bucket}/${job.key}`,
    body,
    partSize: job.partSize,
    concurrency: job.concurrency,
    ...(job.checksum && { checksum: 'crc32' as const, payloadSigning: 'unsigned-with-checksum' as const }),
  })
}

/** lib-storage's Upload on an S3Client, with its CRC32 when asked (the SDK then signs UNSIGNED-PAYLOAD too). */
export async function libStorageUpload(
  body: ConstructorParameters<typeof Upload>[0]['params']['Body'],
  job: UploadJob,
): Promise<void> {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: job.endpoint,
    forcePathStyle: true,
    credentials: job.credentials,
    requestChecksumCalculation: job.checksum ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED',
  })
  await new Upload({
    client,
    params: {
      Bucket: job.bucket,
      Key: job.key,
      Body: body,
      ...(job.checksum && { ChecksumAlgorithm: 'CRC32' as const }),
    },
    partSize: job.partSize,
    queueSize: job.concurrency,
  }).done()
}
