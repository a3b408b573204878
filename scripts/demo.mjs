#!/usr/bin/env node
// `npm run demo`: the whole demo on 127.0.0.1 with no AWS account.
//   moto (signature checks on) behind a small CORS front → IAM user + role + stream → the Worker under
//   `wrangler dev --env dev` with the user's keys, serving the built page too → the page under Vite as well.
//   Prints both URLs; Ctrl-C stops everything. Ports, processes and moto: scripts/local-servers.mjs, the module
//   the tests use too.
// Without moto it says how to install it and falls back to kinesalite (no signature checks) plus a stand-in STS.
// `npm run demo -- --aws`: no emulator; the Worker uses wrangler.toml's [env.dev] vars and .dev.vars (real AWS).
// The end-to-end test imports `startStack` from here, so it runs exactly what `npm run demo` runs.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  BOOTSTRAP_IAM_ACTIONS,
  bootstrapIam,
  freePort,
  killGroup,
  listen,
  once,
  serve,
  sleep,
  startMoto,
  unauthenticatedAction,
  unauthenticatedAuthorization,
} from './local-servers.mjs'
import { OFFLINE_ENV } from './offline-env.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TMP = ROOT + '.tmp/demo/'
const OFFLINE = OFFLINE_ENV
// The stream, the bucket and its CORS rules are created inside moto's unauthenticated window (right after the IAM
// setup), so starting the demo needs no signer: everything after it is signed by the Worker and the page, and
// checked by moto. (CreateStream, CreateBucket, PutBucketCors: one action each.)
const SETUP_ACTIONS = BOOTSTRAP_IAM_ACTIONS + 3
const REGION = 'us-east-1'
const STREAM = 'kinesis-demo'
/** The bucket of the page's "Upload a file" card; the Worker's session policy allows writing under UPLOAD_PREFIX only. */
export const BUCKET = 'webcrypto-sigv4-demo'
export const UPLOAD_PREFIX = 'uploads/'
/**
 * Response headers a page may read: the bucket's CORS rule exposes them (AWS), and the CORS front exposes the
 * same ones (moto does not apply bucket CORS rules with its checks on). upload() needs ETag.
 */
export const EXPOSED_HEADERS = ['ETag', 'x-amz-request-id', 'x-amzn-requestid', 'x-amz-version-id', 'date']
export const MOTO_HINT =
  'moto is not installed: for real signature checks run  pip install "moto[server]"  (Python 3), then npm run demo again.'

/**
 * Starts the local stack and returns its addresses and a `stop()` that ends every process it started.
 * `live: false` turns off Vite's file watching and hot reload (tests: a page must never reload mid-flow).
 * @param {{ emulator?: 'auto' | 'moto' | 'kinesalite' | 'aws', log?: (line: string) => void, live?: boolean }} [options]
 */
export async function startStack({ emulator = 'auto', log = (line) => console.log(line), live = true } = {}) {
  const stops = []
  let stopping = false
  const stop = once(async () => {
    stopping = true
    for (const step of stops.reverse()) await step().catch(() => {})
  })
  try {
    mkdirSync(TMP, { recursive: true })
    const vars = {}
    let kinesisEndpoint
    /** Only with moto: kinesalite has no S3, so the page's upload card says it needs moto. */
    let s3Endpoint
    /** Only with moto: where the presigned part URLs point (a moto without signature checks). */
    let presignEndpoint
    let used = emulator
    if (emulator === 'auto' || emulator === 'moto') {
      const available =
        emulator === 'moto' ||
        spawnSync('python3', ['-c', 'import moto.server, flask'], { stdio: 'ignore' }).status === 0
      used = available ? 'moto' : 'kinesalite'
      if (!available) log(`\n  ! ${MOTO_HINT}\n  ! Falling back to kinesalite, which does NOT check signatures.\n`)
    }
    let keys
    /** Sends a signal to the moto that checks signatures (S3, Kinesis, STS): tests play a hung server with SIGSTOP. */
    let signalMoto
    if (used === 'moto') {
      const moto = await startMoto({ authChecks: true, noAuthActions: SETUP_ACTIONS })
      // Continued before it is stopped, so that a stopped (SIGSTOP) moto can end.
      stops.push(() => moto.stop())
      stops.push(async () => killGroup(moto.pid, 'SIGCONT'))
      signalMoto = (signal) => killGroup(moto.pid, signal)
      log(`  moto (signature checks on)  ${moto.endpoint}`)
      // Said at once: without moto, every S3, Kinesis and STS request of the page fails.
      void moto.exited.then(({ code, signal }) => {
        if (stopping) return
        log(
          `\n  !! moto exited (${signal ?? `code ${code}`}): S3, Kinesis and STS no longer answer. Its last output:\n` +
            moto
              .output()
              .trim()
              .split('\n')
              .slice(-5)
              .map((line) => `     ${line}`)
              .join('\n') +
            '\n  !! Press Ctrl-C and run npm run demo again.\n',
        )
      })
      const iam = await bootstrapIam(moto.endpoint, {
        userName: 'kinesis-demo-worker',
        roleName: 'kinesis-demo-writer',
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'kinesis:*', 's3:*'], Resource: '*' }],
        },
      })
      keys = { AWS_ACCESS_KEY_ID: iam.accessKeyId, AWS_SECRET_ACCESS_KEY: iam.secretAccessKey }
      await createStream(moto.endpoint)
      await createBucket(moto.endpoint)
      const front = await corsFront(moto.endpoint, { exposeHeaders: EXPOSED_HEADERS })
      stops.push(() => front.close())
      kinesisEndpoint = front.endpoint
      log(`  CORS front for moto          ${front.endpoint}`)
      s3Endpoint = front.endpoint
      // The presigned-part path (the upload card's toggle) goes to a second moto WITHOUT signature checks: with
      // checks on, moto answers every presigned (query-signed) request with 500. Same bucket name, same CORS front.
      const presignMoto = await startMoto({ authChecks: false })
      stops.push(() => presignMoto.stop())
      await createBucket(presignMoto.endpoint)
      const presignFront = await corsFront(presignMoto.endpoint, { exposeHeaders: EXPOSED_HEADERS })
      stops.push(() => presignFront.close())
      presignEndpoint = presignFront.endpoint
      log(`  moto for presigned parts (NO signature checks)  ${presignFront.endpoint}`)
      Object.assign(vars, {
        STS_ENDPOINT: moto.endpoint + '/',
        ROLE_ARN: iam.roleArn,
        S3_PRESIGN_ENDPOINT: presignEndpoint + '/',
      })
    } else if (used === 'kinesalite') {
      const kinesalite = await startKinesalite()
      stops.push(() => kinesalite.close())
      const sts = await standInSts()
      stops.push(() => sts.close())
      kinesisEndpoint = kinesalite.endpoint
      keys = { AWS_ACCESS_KEY_ID: 'AKIDLOCALKINESALITE', AWS_SECRET_ACCESS_KEY: 'local-only-not-checked' }
      Object.assign(vars, {
        STS_ENDPOINT: sts.endpoint + '/',
        ROLE_ARN: 'arn:aws:iam::000000000000:role/kinesis-demo-writer',
      })
      log(`  kinesalite (NO signature checks)  ${kinesalite.endpoint}`)
    }
    if (used !== 'aws')
      Object.assign(vars, {
        AWS_REGION: REGION,
        STREAM_NAME: STREAM,
        KINESIS_ENDPOINT: kinesisEndpoint + '/',
        ALLOW_READ_BACK: 'true',
        LOCAL_EMULATOR: used,
      })
    if (s3Endpoint) Object.assign(vars, { S3_ENDPOINT: s3Endpoint + '/', S3_BUCKET: BUCKET, UPLOAD_PREFIX })

    const vitePort = await freePort()
    const pageOrigin = `http://127.0.0.1:${vitePort}`
    vars.ALLOWED_ORIGINS = `${pageOrigin},http://localhost:${vitePort}`
    const worker = await startWorker(vars, keys)
    stops.push(() => worker.stop())
    log(`  Worker (wrangler dev)        ${worker.endpoint}`)

    const { createServer: createVite } = await import('vite')
    const vite = await createVite({
      configFile: ROOT + 'demo/vite.config.ts',
      logLevel: 'warn',
      server: { port: vitePort, strictPort: true, host: '127.0.0.1', ...(!live && { hmr: false, watch: null }) },
    })
    await vite.listen()
    stops.push(() => vite.close())

    const query = new URLSearchParams({ worker: worker.endpoint })
    if (used !== 'aws') {
      query.set('region', REGION)
      query.set('stream', STREAM)
      query.set('endpoint', kinesisEndpoint + '/')
    }
    if (used !== 'aws') query.set('emulator', used)
    const url = `${pageOrigin}/?${query}`
    // The page as `wrangler deploy` ships it: built into demo/dist, served by the Worker, settings from GET /config.
    const workerPageUrl = worker.endpoint + '/'
    return {
      url,
      workerPageUrl,
      pageOrigin,
      workerUrl: worker.endpoint,
      // The Worker's log (its refusals, with their references): for tests and debugging.
      workerOutput: worker.output,
      kinesisEndpoint,
      s3Endpoint,
      presignEndpoint,
      bucket: s3Endpoint ? BUCKET : undefined,
      emulator: used,
      signalMoto,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

function createStream(endpoint) {
  return unauthenticatedAction(endpoint, {
    service: 'kinesis',
    region: REGION,
    target: 'Kinesis_20131202.CreateStream',
    json: { StreamName: STREAM, ShardCount: 1 },
  })
}

/** CreateBucket and PutBucketCors (a rule that exposes ETag, as upload() in a browser needs), unauthenticated. */
async function createBucket(endpoint) {
  const headers = {
    authorization: unauthenticatedAuthorization('s3', REGION),
    'x-amz-date': '19700101T000000Z',
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  }
  const steps = [
    ['CreateBucket', `${endpoint}/${BUCKET}`, undefined],
    ['PutBucketCors', `${endpoint}/${BUCKET}?cors`, bucketCorsXml()],
  ]
  for (const [action, url, body] of steps) {
    const response = await fetch(url, { method: 'PUT', headers, body })
    const text = await response.text()
    if (!response.ok) throw new Error(`s3 ${action} failed with ${response.status}: ${text.slice(0, 500)}`)
  }
}

/** The bucket's CORS rules: any origin may PUT/POST/GET/DELETE with any header, and read EXPOSED_HEADERS. */
export function bucketCorsXml() {
  const methods = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'].map((method) => `<AllowedMethod>${method}</AllowedMethod>`)
  const exposed = EXPOSED_HEADERS.map((header) => `<ExposeHeader>${header}</ExposeHeader>`)
  return (
    '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>' +
    methods.join('') +
    '<AllowedHeader>*</AllowedHeader>' +
    exposed.join('') +
    '<MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>'
  )
}

/**
 * A CORS front for moto, which answers preflights with 500 when its signature checks are on: it answers
 * OPTIONS itself and passes every other request through unchanged (method, path, headers with Host, body).
 * `exposeHeaders` are the response headers the page may read (the bucket's CORS rule, for S3).
 * @param {string} target
 * @param {{ exposeHeaders?: string[] }} [options]
 */
export function corsFront(target, { exposeHeaders = ['x-amzn-requestid', 'x-amz-request-id', 'date'] } = {}) {
  const upstream = new URL(target)
  return serve((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, HEAD',
        // `*` does not cover Authorization: echo what the browser asks for.
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
        'access-control-max-age': '600',
        vary: 'Origin',
      })
      return res.end()
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        setHost: false,
      },
      (answer) => {
        const headers = { ...answer.headers }
        if (req.headers.origin) {
          headers['access-control-allow-origin'] = req.headers.origin
          headers['access-control-expose-headers'] = exposeHeaders.join(', ')
        }
        res.writeHead(answer.statusCode ?? 502, headers)
        answer.pipe(res)
      },
    )
    forward.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' })
      res.end(`CORS front: moto did not answer: ${error.message}`)
    })
    req.pipe(forward)
  })
}

async function startKinesalite() {
  const { createRequire } = await import('node:module')
  const kinesalite = createRequire(import.meta.url)('kinesalite')
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 })
  const front = await listen(server)
  // kinesalite checks no signature at all.
  await createStream(front.endpoint)
  await sleep(200)
  return front
}

// Without moto there is no STS: this stand-in answers AssumeRole with made-up keys (kinesalite accepts any).
function standInSts() {
  return serve((req, res) => {
    req.resume()
    req.on('end', () => {
      const id = 'ASIA' + Math.random().toString(36).slice(2, 18).toUpperCase().padEnd(16, 'X')
      const expiration = new Date(Date.now() + 900_000).toISOString()
      res.writeHead(200, { 'content-type': 'text/xml' })
      res.end(
        `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>${id}</AccessKeyId><SecretAccessKey>local-${id}</SecretAccessKey>` +
          `<SessionToken>local-session-${id}</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`,
      )
    })
  })
}

async function startWorker(vars, keys) {
  const port = await freePort()
  const inspectorPort = await freePort()
  const args = [
    'wrangler',
    'dev',
    // wrangler.toml's [env.dev]: read-back on, no Turnstile, a looser rate limit (the top level is production's).
    '--env',
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
    '--inspector-ip',
    '127.0.0.1',
  ]
  args.push('--persist-to', TMP + 'wrangler-state', '--show-interactive-dev-session=false', '--log-level', 'warn')
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`)
  let envFile
  if (keys) {
    // Local moto keys only; deleted on stop. (Real keys live in .dev.vars or `wrangler secret put`.)
    envFile = TMP + `worker-${port}.env`
    writeFileSync(
      envFile,
      Object.entries(keys)
        .map(([name, value]) => `${name}=${value}`)
        .join('\n') + '\n',
      { mode: 0o600 },
    )
    args.push('--env-file', envFile)
  }
  const child = spawn('npx', args, {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, ...OFFLINE },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk) => (output = (output + chunk).slice(-6000))
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const endpoint = `http://127.0.0.1:${port}`
  const stop = once(async () => {
    if (envFile) rmSync(envFile, { force: true })
    if (child.exitCode !== null || child.signalCode !== null) return
    killGroup(child.pid, 'SIGTERM')
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
    // workerd may outlive wrangler for a moment: make sure the whole group is gone.
    killGroup(child.pid, 'SIGKILL')
  })
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`wrangler dev exited (${child.exitCode}) before answering:\n${output}`)
    }
    try {
      const response = await fetch(endpoint + '/config', {
        signal: AbortSignal.timeout(2000),
      })
      if (response.ok) return { endpoint, stop, output: () => output }
    } catch {
      // Not listening yet: try again below.
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`wrangler dev did not answer on ${endpoint} within 90 s:\n${output}`)
    }
    await sleep(250)
  }
}

async function main() {
  const argv = process.argv.slice(2)
  const emulator = argv.includes('--aws')
    ? 'aws'
    : argv.includes('--kinesalite') || process.env.DEMO_EMULATOR === 'kinesalite'
      ? 'kinesalite'
      : 'auto'
  console.log('Starting the demo on 127.0.0.1 …')
  let stack
  let stopping = false
  const shutdown = async (signal) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping everything the demo started …`)
    await stack?.stop()
    console.log('Stopped.')
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  stack = await startStack({ emulator })
  if (stopping) return stack.stop()
  const line = '─'.repeat(72)
  console.log(`\n${line}`)
  if (stack.emulator === 'kinesalite')
    console.log(
      '  !! kinesalite does NOT check signatures: install moto for the real thing (pip install "moto[server]")',
    )
  console.log(`  Demo ready: ${stack.url}`)
  console.log(`  The page as deployed (built, served by the Worker): ${stack.workerPageUrl}`)
  console.log(`  Press Ctrl-C to stop everything.`)
  console.log(line)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
