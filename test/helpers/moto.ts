// Starts moto (a local AWS that really verifies SigV4 signatures) for Node tests, and sets up IAM in it.
//
// How moto counts actions for INITIAL_NO_AUTH_ACTION_COUNT (moto 5.2, moto/core/authorization.py,
// ActionAuthenticatorMixin._authenticate_and_authorize_action):
// - One global counter per server process, shared by every service and account. It starts at 0.
// - Each request that is dispatched to a service action (IAM, STS, Kinesis, ...: `call_action`, and S3's
//   handlers) goes through the check once. While counter < INITIAL_NO_AUTH_ACTION_COUNT the request is NOT
//   authenticated (its signature, even its Authorization header, is ignored) and the counter goes up by one,
//   whether the action then succeeds or fails. From then on every action is authenticated: the access key
//   must exist (IAM user key, or STS temporary key with its matching x-amz-security-token), the signature is
//   recomputed with botocore's SigV4Auth over the headers named in SignedHeaders, and IAM policies are applied.
// - Requests that reach no action are not counted: /moto-api/* (e.g. the readiness probe below), CORS
//   preflights, unroutable requests.
// - Unset (the default) means infinity: never authenticated. POST /moto-api/reset-auth with a number as the
//   body sets a new limit and resets the counter to 0.
// So: give `noAuthActions` = the number of actions your setup sends before the signed part of the test
// (bootstrapIam sends BOOTSTRAP_IAM_ACTIONS of them), and send them before anything else.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { sign } from '../../src/index.js'

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  port: number
  /** Stops the server (its whole process group). Safe to call twice. */
  stop(): Promise<void>
  /** The last 64 KB moto printed (request log, tracebacks): for diagnosing a refusal. */
  output(): string
}

/** Options of `startMoto`. */
export interface MotoOptions {
  /** Verify signatures and IAM policies (default true). */
  authChecks?: boolean
  /** With authChecks: how many actions are let through unauthenticated first (default BOOTSTRAP_IAM_ACTIONS). */
  noAuthActions?: number
}

/** Number of moto actions `bootstrapIam` sends (CreateUser, PutUserPolicy, CreateAccessKey, CreateRole, PutRolePolicy). */
export const BOOTSTRAP_IAM_ACTIONS = 5

/** moto's default account, used for every request that names no other. */
export const MOTO_ACCOUNT_ID = '123456789012'

const INSTALL_HINT = 'moto with its server extras is needed for this test: pip install "moto[server]" (Python 3)'
const WRAPPER = fileURLToPath(new URL('./moto_server.py', import.meta.url))
const running = new Set<ChildProcess>()

// A test that fails (or a worker that exits) never leaves moto behind: the group is killed on exit, and the
// Python wrapper also exits when our end of its stdin pipe closes.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL')
})

/**
 * Starts `python3 -m moto.server -H 127.0.0.1 -p <free port>` in its own process group and waits until it
 * answers. With `authChecks` (default) every action after the first `noAuthActions` must be correctly signed.
 * Throws (never skips) when python3 or moto is missing.
 *
 * @example
 * const moto = await startMoto({ noAuthActions: BOOTSTRAP_IAM_ACTIONS })
 * afterAll(() => moto.stop())
 * const { accessKeyId, secretAccessKey, roleArn } = await bootstrapIam(moto.endpoint, { userName: 'alice', roleName: 'writer' })
 */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const authChecks = options.authChecks ?? true
  const noAuthActions = options.noAuthActions ?? BOOTSTRAP_IAM_ACTIONS
  if (!Number.isInteger(noAuthActions) || noAuthActions < 0)
    throw new Error(`noAuthActions must be a whole number >= 0, not ${noAuthActions}`)
  let lastError: unknown
  // A free port can be taken by someone else before moto binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(await freePort(), authChecks, noAuthActions)
    } catch (error) {
      lastError = error
      if (!(error instanceof PortTakenError)) throw error
    }
  }
  throw lastError
}

class PortTakenError extends Error {}

async function launch(port: number, authChecks: boolean, noAuthActions: number): Promise<MotoServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, MOTO_PORT: String(port), PYTHONUNBUFFERED: '1' }
  delete env.INITIAL_NO_AUTH_ACTION_COUNT
  delete env.MOTO_ACCOUNT_ID
  if (authChecks) env.INITIAL_NO_AUTH_ACTION_COUNT = String(noAuthActions)
  const child = spawn('python3', [WRAPPER, '-H', '127.0.0.1', '-p', String(port)], {
    detached: true, // its own process group, so stop() reaches every process it starts
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65536)
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }))
    child.once('exit', (code) => resolve({ code }))
  })
  running.add(child)
  // A test that forgets stop() must not keep its worker alive: the exit hook above still kills the group.
  child.unref()
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as unknown as { unref?: () => void }).unref?.()
  const endpoint = `http://127.0.0.1:${port}`
  const stop = once(async () => {
    running.delete(child)
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
    killGroup(child, 'SIGTERM')
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
    child.stdin!.destroy()
  })

  const deadline = Date.now() + 20_000
  for (;;) {
    const early = await Promise.race([exited, sleep(100).then(() => undefined)])
    if (early) {
      running.delete(child)
      if (early.error && (early.error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error(`python3 was not found on PATH. ${INSTALL_HINT}`)
      if (/Address already in use/i.test(output)) throw new PortTakenError(`port ${port} is taken`)
      if (/No module named|ImportError|ModuleNotFoundError/.test(output))
        throw new Error(`moto could not start: ${INSTALL_HINT}\n${output.slice(-4000)}`)
      throw new Error(
        `moto exited with code ${early.code} before answering (${INSTALL_HINT} if it is missing)\n${output.slice(-4000)}`,
      )
    }
    try {
      // /moto-api/* reaches no action, so probing does not use up the unauthenticated window.
      const probe = await fetch(`${endpoint}/moto-api/reset-auth`, { signal: AbortSignal.timeout(1000) })
      await probe.arrayBuffer()
      return { endpoint, port, stop, output: () => output }
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`moto did not answer on ${endpoint} within 20 s\n${output.slice(-4000)}`)
      }
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
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

function once<T>(run: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined
  return () => (result ??= run())
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Options of `bootstrapIam`. */
export interface BootstrapIamOptions {
  userName: string
  roleName: string
  /** Permissions policy (JSON document) of both the user and the role. Default: allow every action. */
  policy?: object
}

/** What `bootstrapIam` created. */
export interface IamBootstrap {
  /** The user's long-term access key (`AKIA…`). */
  accessKeyId: string
  secretAccessKey: string
  userArn: string
  /** A role whose trust policy lets the user assume it. */
  roleArn: string
}

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }

/**
 * Creates an IAM user with an access key and a policy, and a role the user may assume, using exactly
 * BOOTSTRAP_IAM_ACTIONS moto actions. Call it first, inside the unauthenticated window (`noAuthActions`).
 *
 * @example
 * const moto = await startMoto()
 * const iam = await bootstrapIam(moto.endpoint, { userName: 'alice', roleName: 'writer' })
 * const credentials = { accessKeyId: iam.accessKeyId, secretAccessKey: iam.secretAccessKey }
 */
export async function bootstrapIam(endpoint: string, options: BootstrapIamOptions): Promise<IamBootstrap> {
  const { userName, roleName } = options
  const policy = JSON.stringify(options.policy ?? ALLOW_ALL)
  const userArn = xmlValue(await iamAction(endpoint, { Action: 'CreateUser', UserName: userName }), 'Arn')
  await iamAction(endpoint, {
    Action: 'PutUserPolicy',
    UserName: userName,
    PolicyName: 'bootstrap',
    PolicyDocument: policy,
  })
  const key = await iamAction(endpoint, { Action: 'CreateAccessKey', UserName: userName })
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: userArn }, Action: 'sts:AssumeRole' }],
  })
  const roleArn = xmlValue(
    await iamAction(endpoint, { Action: 'CreateRole', RoleName: roleName, AssumeRolePolicyDocument: trust }),
    'Arn',
  )
  await iamAction(endpoint, {
    Action: 'PutRolePolicy',
    RoleName: roleName,
    PolicyName: 'bootstrap',
    PolicyDocument: policy,
  })
  return {
    accessKeyId: xmlValue(key, 'AccessKeyId'),
    secretAccessKey: xmlValue(key, 'SecretAccessKey'),
    userArn,
    roleArn,
  }
}

// Signed with placeholder keys: moto ignores the signature inside the window but routes by the credential scope.
async function iamAction(endpoint: string, params: Record<string, string>): Promise<string> {
  const request = await sign(
    {
      method: 'POST',
      url: endpoint + '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
    },
    {
      credentials: { accessKeyId: 'AKIDBOOTSTRAP', secretAccessKey: 'bootstrap' },
      region: 'us-east-1',
      service: 'iam',
    },
  )
  const response = await fetch(request)
  const text = await response.text()
  if (response.status !== 200) {
    throw new Error(
      `IAM ${params.Action} failed with ${response.status} (was it sent after the first noAuthActions actions?): ${text.slice(0, 500)}`,
    )
  }
  return text
}

/**
 * The text of the first `<tag>` element in an XML answer (moto's query APIs answer XML); throws when absent.
 *
 * @example
 * xmlValue('<Credentials><AccessKeyId>ASIA…</AccessKeyId></Credentials>', 'AccessKeyId') // 'ASIA…'
 */
export function xmlValue(xml: string, tag: string): string {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)
  if (!match) throw new Error(`<${tag}> not found in: ${xml.slice(0, 500)}`)
  return match[1]!.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!,
  )
}
