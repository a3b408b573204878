// The upload benchmark (built and started by bench/upload.mjs). Without arguments: starts moto (signature checks on),
// then runs each contender in its own Node process, rounds alternating, and prints one JSON line with the results.
// With `child <contender> <job JSON>`: uploads one generated stream with that contender and prints its timing and
// peak RSS.
import { S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { AwsClient } from '../src/client.js'
import { upload } from '../src/s3.js'
import { BOOTSTRAP_IAM_ACTIONS, bootstrapIam, startMoto } from '../test/helpers/moto.js'

const MIB = 1024 * 1024
const BUCKET = 'bench'

interface Job {
  endpoint: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  key: string
  size: number
  partSize: number
  concurrency: number
  checksum: boolean
}

export const CONTENDERS = ['webcrypto-sigv4 upload', '@aws-sdk/lib-storage Upload'] as const
type Contender = (typeof CONTENDERS)[number]

// The same pseudo-random 1 MiB chunks for every contender (xorshift32, seeded by the chunk index).
function* chunks(size: number): Generator<Uint8Array<ArrayBuffer>> {
  for (let produced = 0, index = 1; produced < size; index++) {
    const length = Math.min(MIB, size - produced)
    const bytes = new Uint8Array(length)
    const words = new Uint32Array(bytes.buffer, 0, length >> 2)
    let state = index
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      words[i] = state >>> 0
    }
    produced += length
    yield bytes
  }
}

function webStream(size: number): ReadableStream<Uint8Array> {
  const source = chunks(size)
  return new ReadableStream({
    pull(controller) {
      const next = source.next()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
  })
}

async function child(contender: Contender, job: Job): Promise<void> {
  const url = `${job.endpoint}/${BUCKET}/${job.key}`
  const baselineRss = process.memoryUsage.rss()
  const started = performance.now()
  if (contender === 'webcrypto-sigv4 upload') {
    const client = new AwsClient({ credentials: job.credentials, region: 'us-east-1', service: 's3' })
    await upload(client, {
      url,
      body: webStream(job.size),
      partSize: job.partSize,
      concurrency: job.concurrency,
      ...(job.checksum && { checksum: 'crc32' as const }),
    })
  } else {
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
        Bucket: BUCKET,
        Key: job.key,
        Body: Readable.from(chunks(job.size)),
        ...(job.checksum && { ChecksumAlgorithm: 'CRC32' as const }),
      },
      partSize: job.partSize,
      queueSize: job.concurrency,
    }).done()
  }
  const seconds = (performance.now() - started) / 1000
  // ru_maxrss is in KiB on Linux.
  const peakRss = process.resourceUsage().maxRSS * 1024
  process.stdout.write(JSON.stringify({ seconds, baselineRss, peakRss }) + '\n')
}

function runChild(contender: Contender, job: Job): Promise<{ seconds: number; baselineRss: number; peakRss: number }> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), 'child', contender, JSON.stringify(job)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let output = ''
    process_.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    process_.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output.trim().split('\n').at(-1)!))
        : reject(new Error(`${contender} exited ${code}`)),
    )
  })
}

async function main(): Promise<void> {
  const [size, partSize, concurrency, rounds] = process.argv.slice(2).map(Number) as [number, number, number, number]
  const moto = await startMoto({ noAuthActions: BOOTSTRAP_IAM_ACTIONS })
  try {
    const iam = await bootstrapIam(moto.endpoint, { userName: 'bench', roleName: 'bench' })
    const credentials = { accessKeyId: iam.accessKeyId, secretAccessKey: iam.secretAccessKey }
    const client = new AwsClient({ credentials, region: 'us-east-1', service: 's3' })
    const created = await client.fetch(`${moto.endpoint}/${BUCKET}`, { method: 'PUT' })
    if (!created.ok) throw new Error(`CreateBucket: ${created.status}`)
    const expected = createHash('sha256')
    for (const bytes of chunks(size)) expected.update(bytes)
    const sha256 = expected.digest('hex')
    const results: {
      contender: Contender
      checksum: boolean
      seconds: number
      peakRss: number
      baselineRss: number
    }[] = []
    for (let round = 0; round < rounds; round++) {
      for (const checksum of [false, true]) {
        // Alternate who goes first, so a loaded machine does not favour one side.
        const order = round % 2 === 0 ? CONTENDERS : [...CONTENDERS].reverse()
        for (const contender of order) {
          const key = `${contender.replace(/\W+/g, '-')}-${checksum}.bin`
          const result = await runChild(contender, {
            endpoint: moto.endpoint,
            credentials,
            key,
            size,
            partSize,
            concurrency,
            checksum,
          })
          // Every upload is checked: the stored object must be the source.
          const stored = await client.fetch(`${moto.endpoint}/${BUCKET}/${key}`)
          const hash = createHash('sha256')
          const reader = stored.body!.getReader()
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) hash.update(chunk.value)
          if (hash.digest('hex') !== sha256) throw new Error(`${contender}: the stored object differs from the source`)
          results.push({ contender, checksum, ...result })
          process.stderr.write(
            `${contender}${checksum ? ' + CRC32' : ''}: ${result.seconds.toFixed(2)} s, peak RSS ${(result.peakRss / MIB).toFixed(0)} MiB\n`,
          )
        }
      }
    }
    process.stdout.write(JSON.stringify({ results }) + '\n')
  } finally {
    await moto.stop()
  }
}

if (process.argv[2] === 'child') await child(process.argv[3] as Contender, JSON.parse(process.argv[4]!) as Job)
else await main()
