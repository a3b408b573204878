// The one helper for local servers, shared by `npm run demo` (scripts/demo.mjs), bench/ and the tests (through
// test/helpers/loopback.ts and test/helpers/moto.ts): free ports, loopback servers (`listen`, `serve`,
// `servePage`), process groups, and moto (a local AWS that really verifies SigV4 signatures) with its IAM set up.
// Plain JavaScript with no import from src/, so `npm run demo` runs it as it is.
//
// How moto counts actions for INITIAL_NO_AUTH_ACTION_COUNT (moto 5.2, moto/core/authorization.py,
// ActionAuthenticatorMixin._authenticate_and_authorize_action):
// - One global counter per server process, shared by every service and account. It starts at 0.
// - Each request that is dispatched to a service action (IAM, STS, Kinesis, ...: `call_action`, and S3's
//   handlers) goes through the check once. While counter < INITIAL_NO_AUTH_ACTION_COUNT the request is NOT
//   authenticated (its signature is ignored; only the credential scope in Authorization routes it to a service)
//   and the counter goes up by one, whether the action then succeeds or fails. From then on every action is
//   authenticated: the access key must exist (IAM user key, or STS temporary key with its matching
//   x-amz-security-token), the signature is recomputed with botocore's SigV4Auth over the headers named in
//   SignedHeaders, and IAM policies are applied.
// - Requests that reach no action are not counted: /moto-api/* (e.g. the readiness probe below), CORS
//   preflights, unroutable requests.
// - Unset (the default) means infinity: never authenticated. POST /moto-api/reset-auth with a number as the
//   body sets a new limit and resets the counter to 0.
// So: give `noAuthActions` = the number of actions your setup sends before the signed part of the test
// (bootstrapIam sends BOOTSTRAP_IAM_ACTIONS of them), and send them before anything else.
import { spawn } from 'node:child_process'
import { createServer as createHttpServer } from 'node:http'
import { createServer } from 'node:net'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Number of moto actions `bootstrapIam` sends (CreateUser, PutUserPolicy, CreateAccessKey, CreateRole, PutRolePolicy). */
export const BOOTSTRAP_IAM_ACTIONS = 5

/** moto's default account, used for every request that names no other. */
export const MOTO_ACCOUNT_ID = '123456789012'

/** What to tell a user without moto. */
export const MOTO_INSTALL_HINT = 'moto with its server extras is needed: pip install "moto[server]" (Python 3)'

const WRAPPER = fileURLToPath(new URL('./moto_server.py', import.meta.url))
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }
const running = new Set()

// A test that fails (or a process that exits) never leaves moto behind: the group is killed on exit, and the
// Python wrapper also exits when our end of its stdin pipe closes.
process.once('exit', () => {
  for (const child of running) killGroup(child.pid, 'SIGKILL')
})

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** Sends `signal` to the process group led by `pid` (started with `detached: true`); quiet when it is gone. */
export function killGroup(pid, signal) {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    // already gone
  }
}

/** `run` at most once: later calls get the first call's promise. */
export function once(run) {
  let result
  return () => (result ??= run())
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Listens on a free port of 127.0.0.1; `close()` also ends open connections. */
export function listen(server) {
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

/** Answers every request with `handler` on a free port of 127.0.0.1; `close()` also ends open connections. */
export function serve(handler) {
  return listen(createHttpServer(handler))
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
}

/**
 * A page for a browser test on 127.0.0.1 (a secure context over plain http, so the page has crypto.subtle):
 * `files` maps a path to its body, or `load(path)` returns the body of a path (or undefined). `/` is
 * `/index.html`; the content type follows the extension; anything else is 404.
 */
export function servePage(files = {}, load = () => undefined) {
  return serve(async (request, response) => {
    let path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    if (path === '/') path = '/index.html'
    try {
      const body = files[path] ?? (await load(path))
      if (body === undefined) return response.writeHead(404).end()
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' }).end(body)
    } catch {
      response.writeHead(404).end()
    }
  })
}

class PortTakenError extends Error {}

/**
 * Starts `python3 -m moto.server -H 127.0.0.1 -p <free port>` in its own process group and waits until it
 * answers. With `authChecks` (default) every action after the first `noAuthActions` must be correctly signed.
 * Throws (never skips) when python3 or moto is missing.
 */
export async function startMoto(options = {}) {
  const authChecks = options.authChecks ?? true
  const noAuthActions = options.noAuthActions ?? BOOTSTRAP_IAM_ACTIONS
  if (!Number.isInteger(noAuthActions) || noAuthActions < 0)
    throw new Error(`noAuthActions must be a whole number >= 0, not ${noAuthActions}`)
  let lastError
  // A free port can be taken by someone else before moto binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launchMoto(await freePort(), authChecks, noAuthActions)
    } catch (error) {
      lastError = error
      if (!(error instanceof PortTakenError)) throw error
    }
  }
  throw lastError
}

async function launchMoto(port, authChecks, noAuthActions) {
  const env = { ...process.env, MOTO_PORT: String(port), PYTHONUNBUFFERED: '1' }
  delete env.INITIAL_NO_AUTH_ACTION_COUNT
  delete env.MOTO_ACCOUNT_ID
  if (authChecks) env.INITIAL_NO_AUTH_ACTION_COUNT = String(noAuthActions)
  const child = spawn('python3', [WRAPPER, '-H', '127.0.0.1', '-p', String(port)], {
    detached: true, // its own process group, so stop() reaches every process it starts
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk) => {
    output = (output + chunk.toString()).slice(-65536)
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }))
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  running.add(child)
  // A caller that forgets stop() must not be kept alive: the exit hook above still kills the group.
  child.unref()
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream.unref?.()
  const endpoint = `http://127.0.0.1:${port}`
  const stop = once(async () => {
    running.delete(child)
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
    killGroup(child.pid, 'SIGTERM')
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
    child.stdin.destroy()
  })

  const deadline = Date.now() + 20_000
  for (;;) {
    const early = await Promise.race([exited, sleep(100).then(() => undefined)])
    if (early) {
      running.delete(child)
      if (early.error?.code === 'ENOENT') throw new Error(`python3 was not found on PATH. ${MOTO_INSTALL_HINT}`)
      if (/Address already in use/i.test(output)) throw new PortTakenError(`port ${port} is taken`)
      if (/No module named|ImportError|ModuleNotFoundError/.test(output))
        throw new Error(`moto could not start: ${MOTO_INSTALL_HINT}\n${output.slice(-4000)}`)
      throw new Error(
        `moto exited with code ${early.code} before answering (${MOTO_INSTALL_HINT} if it is missing)\n${output.slice(-4000)}`,
      )
    }
    try {
      // /moto-api/* reaches no action, so probing does not use up the unauthenticated window.
      const probe = await fetch(`${endpoint}/moto-api/reset-auth`, { signal: AbortSignal.timeout(1000) })
      await probe.arrayBuffer()
      // `pid` leads moto's process group: tests stop (SIGSTOP) and continue (SIGCONT) it to play a hung server.
      // `exited` settles when moto ends, whoever ended it ({ code, signal }).
      return { endpoint, port, pid: child.pid, stop, exited, output: () => output }
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`moto did not answer on ${endpoint} within 20 s\n${output.slice(-4000)}`)
      }
    }
  }
}

/**
 * An Authorization header that only names a credential scope: enough for moto to route an action to `service`
 * inside its unauthenticated window (where it ignores signatures) and for kinesalite (which checks none). It is
 * refused everywhere a signature is checked, by design.
 */
export function unauthenticatedAuthorization(service, region = 'us-east-1') {
  const scope = `19700101/${region}/${service}/aws4_request`
  return `AWS4-HMAC-SHA256 Credential=AKIDUNSIGNED/${scope}, SignedHeaders=host, Signature=${'0'.repeat(64)}`
}

/**
 * One action inside moto's unauthenticated window (or against kinesalite): a query-API form (`params`) or a
 * JSON API (`target` + `json`). Resolves to the answer's text; throws with the answer on a non-2xx status.
 */
export async function unauthenticatedAction(endpoint, { service, region = 'us-east-1', params, target, json }) {
  const headers = { authorization: unauthenticatedAuthorization(service, region), 'x-amz-date': '19700101T000000Z' }
  let body
  if (params) {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8'
    body = new URLSearchParams(params).toString()
  } else {
    headers['content-type'] = 'application/x-amz-json-1.1'
    headers['x-amz-target'] = target
    body = JSON.stringify(json)
  }
  const response = await fetch(endpoint + '/', { method: 'POST', headers, body })
  const text = await response.text()
  const action = params?.Action ?? target
  if (!response.ok)
    throw new Error(
      `${service} ${action} failed with ${response.status} (was it sent after the first noAuthActions actions?): ${text.slice(0, 500)}`,
    )
  return text
}

/**
 * Creates an IAM user with an access key and a policy, and a role the user may assume, using exactly
 * BOOTSTRAP_IAM_ACTIONS moto actions. Call it first, inside the unauthenticated window (`noAuthActions`).
 */
export async function bootstrapIam(endpoint, options) {
  const { userName, roleName } = options
  const policy = JSON.stringify(options.policy ?? ALLOW_ALL)
  const iam = (params) =>
    unauthenticatedAction(endpoint, { service: 'iam', params: { ...params, Version: '2010-05-08' } })
  const userArn = xmlValue(await iam({ Action: 'CreateUser', UserName: userName }), 'Arn')
  await iam({ Action: 'PutUserPolicy', UserName: userName, PolicyName: 'bootstrap', PolicyDocument: policy })
  const key = await iam({ Action: 'CreateAccessKey', UserName: userName })
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: userArn }, Action: 'sts:AssumeRole' }],
  })
  const roleArn = xmlValue(
    await iam({ Action: 'CreateRole', RoleName: roleName, AssumeRolePolicyDocument: trust }),
    'Arn',
  )
  await iam({ Action: 'PutRolePolicy', RoleName: roleName, PolicyName: 'bootstrap', PolicyDocument: policy })
  return {
    accessKeyId: xmlValue(key, 'AccessKeyId'),
    secretAccessKey: xmlValue(key, 'SecretAccessKey'),
    userArn,
    roleArn,
  }
}

const XML_ENTITIES = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }

/** The text of the first `<tag>` element in an XML answer (moto's query APIs answer XML); throws when absent. */
export function xmlValue(xml, tag) {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)
  if (!match) throw new Error(`<${tag}> not found in: ${xml.slice(0, 500)}`)
  return match[1].replace(/&(lt|gt|quot|apos|amp);/g, (_, name) => XML_ENTITIES[name])
}
