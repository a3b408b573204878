#!/usr/bin/env node
// `npm run demo`: the whole demo on 127.0.0.1 with no AWS account.
//   moto (signature checks on) behind a small CORS front → IAM user + role + stream → the Worker under
//   `wrangler dev` with the user's keys → the page under Vite. Prints the URL; Ctrl-C stops everything.
// Without moto it says how to install it and falls back to kinesalite (no signature checks) plus a stand-in STS.
// `npm run demo -- --aws`: no emulator; the Worker uses wrangler.toml's vars and .dev.vars (real AWS).
// The end-to-end test imports `startStack` from here, so it runs exactly what `npm run demo` runs.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TMP = ROOT + '.tmp/demo/'
const OFFLINE = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  DO_NOT_TRACK: '1',
  NO_COLOR: '1',
}
const REGION = 'us-east-1'
const STREAM = 'kinesis-demo'
export const MOTO_HINT =
  'moto is not installed: for real signature checks run  pip install "moto[server]"  (Python 3), then npm run demo again.'

/**
 * Starts the local stack and returns its addresses and a `stop()` that ends every process it started.
 * `live: false` turns off Vite's file watching and hot reload (tests: a page must never reload mid-flow).
 * @param {{ emulator?: 'auto' | 'moto' | 'kinesalite' | 'aws', log?: (line: string) => void, live?: boolean }} [options]
 */
export async function startStack({ emulator = 'auto', log = (line) => console.log(line), live = true } = {}) {
  const stops = []
  const stop = once(async () => {
    for (const step of stops.reverse()) await step().catch(() => {})
  })
  try {
    mkdirSync(TMP, { recursive: true })
    const vars = {}
    let kinesisEndpoint
    let used = emulator
    if (emulator === 'auto' || emulator === 'moto') {
      const available =
        emulator === 'moto' ||
        spawnSync('python3', ['-c', 'import moto.server, flask'], { stdio: 'ignore' }).status === 0
      used = available ? 'moto' : 'kinesalite'
      if (!available) log(`\n  ! ${MOTO_HINT}\n  ! Falling back to kinesalite, which does NOT check signatures.\n`)
    }
    let keys
    if (used === 'moto') {
      const { startMoto, bootstrapIam, BOOTSTRAP_IAM_ACTIONS } = await loadMotoHelper()
      const moto = await startMoto({ authChecks: true, noAuthActions: BOOTSTRAP_IAM_ACTIONS })
      stops.push(() => moto.stop())
      log(`  moto (signature checks on)  ${moto.endpoint}`)
      const iam = await bootstrapIam(moto.endpoint, {
        userName: 'kinesis-demo-worker',
        roleName: 'kinesis-demo-writer',
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'kinesis:*'], Resource: '*' }],
        },
      })
      keys = { AWS_ACCESS_KEY_ID: iam.accessKeyId, AWS_SECRET_ACCESS_KEY: iam.secretAccessKey }
      await createStream(moto.endpoint, { accessKeyId: iam.accessKeyId, secretAccessKey: iam.secretAccessKey })
      const front = await corsFront(moto.endpoint)
      stops.push(() => front.close())
      kinesisEndpoint = front.endpoint
      log(`  CORS front for moto          ${front.endpoint}`)
      Object.assign(vars, { STS_ENDPOINT: moto.endpoint + '/', ROLE_ARN: iam.roleArn })
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
      })

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
    if (used === 'kinesalite') query.set('emulator', 'kinesalite')
    const url = `${pageOrigin}/?${query}`
    return { url, pageOrigin, workerUrl: worker.endpoint, kinesisEndpoint, emulator: used, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

// test/helpers/moto.ts is TypeScript: bundle it (with the library it signs with) for plain Node.
async function loadMotoHelper() {
  const { build } = await import('esbuild')
  const outfile = TMP + 'moto-helper.mjs'
  await build({
    entryPoints: [ROOT + 'test/helpers/moto.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  })
  // The helper finds its Python wrapper next to itself.
  const { copyFileSync } = await import('node:fs')
  copyFileSync(ROOT + 'test/helpers/moto_server.py', TMP + 'moto_server.py')
  return import(pathToFileURL(outfile).href + '?' + Date.now())
}

async function createStream(endpoint, credentials) {
  const { sign } = await loadSigner()
  const call = async (target, body) => {
    const request = await sign(
      {
        method: 'POST',
        url: endpoint + '/',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.' + target },
        body: JSON.stringify(body),
      },
      { credentials, region: REGION, service: 'kinesis' },
    )
    const response = await fetch(request)
    const text = await response.text()
    if (!response.ok) throw new Error(`Kinesis ${target} failed (${response.status}): ${text.slice(0, 300)}`)
    return text ? JSON.parse(text) : {}
  }
  await call('CreateStream', { StreamName: STREAM, ShardCount: 1 })
  for (let attempt = 0; attempt < 50; attempt++) {
    const { StreamDescriptionSummary: summary } = await call('DescribeStreamSummary', { StreamName: STREAM })
    if (summary.StreamStatus === 'ACTIVE') return
    await sleep(100)
  }
  throw new Error(`The stream ${STREAM} did not become ACTIVE`)
}

let signer
async function loadSigner() {
  if (!signer) {
    const { build } = await import('esbuild')
    const outfile = TMP + 'signer.mjs'
    await build({
      entryPoints: [ROOT + 'src/index.ts'],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      target: 'es2022',
      outfile,
      logLevel: 'warning',
    })
    signer = await import(pathToFileURL(outfile).href + '?' + Date.now())
  }
  return signer
}

/**
 * A CORS front for moto, which answers preflights with 500 when its signature checks are on: it answers
 * OPTIONS itself and passes every other request through unchanged (method, path, headers with Host, body).
 */
export function corsFront(target) {
  const upstream = new URL(target)
  const server = createServer((req, res) => {
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
          headers['access-control-expose-headers'] = 'x-amzn-requestid, x-amz-request-id, date'
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
  return listen(server)
}

async function startKinesalite() {
  const { createRequire } = await import('node:module')
  const kinesalite = createRequire(import.meta.url)('kinesalite')
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 })
  const front = await listen(server)
  // kinesalite checks nothing about the signature, so any signer can create the stream.
  const { sign } = await loadSigner()
  const request = await sign(
    {
      method: 'POST',
      url: front.endpoint + '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.CreateStream' },
      body: JSON.stringify({ StreamName: STREAM, ShardCount: 1 }),
    },
    { credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' }, region: REGION, service: 'kinesis' },
  )
  const response = await fetch(request)
  if (!response.ok) throw new Error(`kinesalite CreateStream failed: ${await response.text()}`)
  await sleep(200)
  return front
}

// Without moto there is no STS: this stand-in answers AssumeRole with made-up keys (kinesalite accepts any).
function standInSts() {
  return listen(
    createServer((req, res) => {
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
    }),
  )
}

async function startWorker(vars, keys) {
  const port = await freePort()
  const inspectorPort = await freePort()
  const args = [
    'wrangler',
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
        headers: { origin: endpoint },
        signal: AbortSignal.timeout(2000),
      })
      if (response.ok) return { endpoint, stop, output: () => output }
    } catch {}
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`wrangler dev did not answer on ${endpoint} within 90 s:\n${output}`)
    }
    await sleep(250)
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal)
  } catch {}
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.()
            server.close(() => done())
          }),
      })
    })
  })
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function once(run) {
  let result
  return () => (result ??= run())
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

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
  console.log(`  (the Worker also serves the built page itself at ${stack.workerUrl}/)`)
  console.log(`  Press Ctrl-C to stop everything.`)
  console.log(line)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
