// The upload benchmark (built and started by bench/upload.mjs). Without arguments: starts a fast local S3 sink
// (test/helpers/s3-sink.ts, for the throughput figures) and moto (signature checks on, for the correctness run), then
// runs each contender in its own Node process, rounds alternating, and prints one JSON line with the results.
// With `child <contender> <job JSON>`: uploads one generated stream with that contender and prints its timing and
// peak RSS.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { AwsClient } from '../src/client.js'
import { BOOTSTRAP_IAM_ACTIONS, bootstrapIam, startMoto } from '../test/helpers/moto.js'
import { startSink } from '../test/helpers/s3-sink.js'
import { chunks, parts } from './generated.js'
import { libStorageUpload, sigv4Upload } from './upload-contenders.js'

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

export const CEILING = 'fetch PUTs (server ceiling)'
export const HTTP_CEILING = 'node:http PUTs (server ceiling)'
export const MINE = 'webcrypto-sigv4 upload'
export const THEIRS = '@aws-sdk/lib-storage Upload'
type Contender = typeof CEILING | typeof HTTP_CEILING | typeof MINE | typeof THEIRS

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

// One PUT by node:http (what the AWS SDK's Node handler uses), with a keep-alive agent.
const agent = new Agent({ keepAlive: true })
function httpPut(url: string, body: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'PUT', agent, headers: { 'content-length': body.length } }, (answer) => {
      answer.resume()
      answer.on('end', () => (answer.statusCode === 200 ? resolve() : reject(new Error(`PUT: ${answer.statusCode}`))))
    })
    request.on('error', reject)
    request.end(body)
  })
}

// The server's ceiling: plain PUTs of the same parts at the same concurrency, no signing, no checksum, by fetch (the
// transport upload() has in Node) or by node:http (lib-storage's).
async function ceiling(job: Job, transport: 'fetch' | 'http'): Promise<void> {
  const inFlight = new Set<Promise<void>>()
  let partNumber = 0
  for (const part of parts(job.size, job.partSize)) {
    const url = `${job.endpoint}/${BUCKET}/${job.key}?partNumber=${++partNumber}`
    const sent =
      transport === 'http'
        ? httpPut(url, part)
        : fetch(url, { method: 'PUT', body: part }).then(async (response) => {
            await response.body?.cancel()
            if (!response.ok) throw new Error(`ceiling PUT: ${response.status}`)
          })
    const task: Promise<void> = sent.finally(() => inFlight.delete(task))
    inFlight.add(task)
    while (inFlight.size >= job.concurrency) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
}

async function warmUp(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/warm-up`)
  await response.arrayBuffer()
  await new Promise<void>((resolve, reject) =>
    httpRequest(`${endpoint}/warm-up`, { agent }, (answer) => answer.resume().on('end', resolve))
      .on('error', reject)
      .end(),
  )
}

async function child(contender: Contender, job: Job): Promise<void> {
  // Node sets up its fetch (undici) on the first request: in every child, fetch and node:http each send one small
  // request first, so that "over start" counts the upload, not a transport's one-time setup.
  await warmUp(job.endpoint)
  const baselineRss = process.memoryUsage.rss()
  const started = performance.now()
  if (contender === CEILING) await ceiling(job, 'fetch')
  else if (contender === HTTP_CEILING) await ceiling(job, 'http')
  else if (contender === MINE) await sigv4Upload(webStream(job.size), { ...job, bucket: BUCKET })
  else await libStorageUpload(Readable.from(chunks(job.size)), { ...job, bucket: BUCKET })
  const seconds = (performance.now() - started) / 1000
  const peakRss = peakRssOfThisProcess()
  process.stdout.write(JSON.stringify({ seconds, baselineRss, peakRss }) + '\n')
}

/**
 * The process's own peak RSS: VmHWM of /proc/self/status (Linux), in bytes. Not ru_maxrss: Linux carries that over
 * fork and exec, so a child would report its parent's RSS at spawn time whenever that was higher (here, the parent
 * runs the sink).
 */
function peakRssOfThisProcess(): number {
  const status = readFileSync('/proc/self/status', 'utf8')
  const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)
  if (!kib) throw new Error('no VmHWM in /proc/self/status: this bench measures memory on Linux only')
  return Number(kib[1]) * 1024
}

interface Timing {
  seconds: number
  baselineRss: number
  peakRss: number
}

function runChild(contender: Contender, job: Job): Promise<Timing> {
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
        ? resolve(JSON.parse(output.trim().split('\n').at(-1)!) as Timing)
        : reject(new Error(`${contender} exited ${code}`)),
    )
  })
}

const sha256Of = (bytes: Iterable<Uint8Array>) => {
  const hash = createHash('sha256')
  for (const piece of bytes) hash.update(piece)
  return hash.digest('hex')
}

export interface Result extends Timing {
  contender: Contender
  checksum: boolean
  size: number
  server: 'sink' | 'moto'
}

interface Plan {
  size: number
  partSize: number
  concurrency: number
  rounds: number
  /** Sizes (bytes) of the extra one-round runs that show whether memory grows with the object. */
  growthSizes: number[]
  /** Whether to run the correctness pass on moto. */
  moto: boolean
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2]!) as Plan
  const { partSize, concurrency } = plan
  const results: Result[] = []
  const log = (result: Result) => {
    results.push(result)
    process.stderr.write(
      `[${result.server}, ${result.size / MIB} MiB] ${result.contender}${result.checksum ? ' + CRC32' : ''}: ` +
        `${result.seconds.toFixed(2)} s, peak RSS ${(result.peakRss / MIB).toFixed(0)} MiB ` +
        `(+${((result.peakRss - result.baselineRss) / MIB).toFixed(0)})\n`,
    )
  }

  // Throughput and memory: the sink, which checks no signature but hashes every part it receives.
  const sink = await startSink()
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
  try {
    const run = async (contender: Contender, checksum: boolean, size: number) => {
      const key = `${contender.replace(/\W+/g, '-')}-${checksum}-${size}.bin`
      const job = { endpoint: sink.endpoint, credentials, key, size, partSize, concurrency, checksum }
      const timing = await runChild(contender, job)
      if (contender !== CEILING && contender !== HTTP_CEILING) {
        // The sink hashed each part: they must be the source's parts, in order.
        const expected = Array.from(parts(size, partSize), (part) => sha256Of([part]))
        const stored = sink.object(`${BUCKET}/${key}`)?.parts.map((part) => part.sha256)
        if (JSON.stringify(stored) !== JSON.stringify(expected))
          throw new Error(`${contender}: the sink received other bytes than the source's`)
      }
      log({ contender, checksum, size, server: 'sink', ...timing })
    }
    for (let round = 0; round < plan.rounds; round++) {
      for (const contender of (round % 2 === 0 ? [CEILING, HTTP_CEILING] : [HTTP_CEILING, CEILING]) as Contender[])
        await run(contender, false, plan.size)
      for (const checksum of [false, true]) {
        // Alternate who goes first, so a loaded machine does not favour one side.
        const order: Contender[] = round % 2 === 0 ? [MINE, THEIRS] : [THEIRS, MINE]
        for (const contender of order) await run(contender, checksum, plan.size)
      }
    }
    for (const size of plan.growthSizes)
      for (const checksum of [false, true])
        for (const contender of [MINE, THEIRS] as const) await run(contender, checksum, size)
  } finally {
    await sink.stop()
  }

  // Correctness: moto with signature checks on, every stored object compared with the source by SHA-256.
  if (!plan.moto) {
    process.stdout.write(JSON.stringify({ results }) + '\n')
    return
  }
  const moto = await startMoto({ noAuthActions: BOOTSTRAP_IAM_ACTIONS })
  try {
    const iam = await bootstrapIam(moto.endpoint, { userName: 'bench', roleName: 'bench' })
    const keys = { accessKeyId: iam.accessKeyId, secretAccessKey: iam.secretAccessKey }
    const client = new AwsClient({ credentials: keys, region: 'us-east-1', service: 's3' })
    const created = await client.fetch(`${moto.endpoint}/${BUCKET}`, { method: 'PUT' })
    if (!created.ok) throw new Error(`CreateBucket: ${created.status}`)
    const sha256 = sha256Of(chunks(plan.size))
    for (const checksum of [false, true]) {
      for (const contender of [MINE, THEIRS] as const) {
        const key = `${contender.replace(/\W+/g, '-')}-${checksum}.bin`
        const job = {
          endpoint: moto.endpoint,
          credentials: keys,
          key,
          size: plan.size,
          partSize,
          concurrency,
          checksum,
        }
        const timing = await runChild(contender, job)
        const stored = await client.fetch(`${moto.endpoint}/${BUCKET}/${key}`)
        const hash = createHash('sha256')
        const reader = stored.body!.getReader()
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) hash.update(chunk.value)
        if (hash.digest('hex') !== sha256)
          throw new Error(`${contender}: the object moto stored differs from the source`)
        log({ contender, checksum, size: plan.size, server: 'moto', ...timing })
      }
    }
  } finally {
    await moto.stop()
  }
  process.stdout.write(JSON.stringify({ results }) + '\n')
}

if (process.argv[2] === 'child') await child(process.argv[3] as Contender, JSON.parse(process.argv[4]!) as Job)
else await main()
