// Starts moto's server on 127.0.0.1 (a free port) with signature checks on after `setup` requests,
// and creates an IAM user with full access; stops it with `stop()`.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

export interface Moto {
  endpoint: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  stop: () => void
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

const iam = (endpoint: string, params: Record<string, string>): Promise<string> =>
  fetch(endpoint + '/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDSETUP/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00',
    },
    body: new URLSearchParams({ ...params, Version: '2010-05-08' }),
  }).then((response) => response.text())

/** Starts moto; requests beyond the setup ones (IAM user, key, policy, plus `extraUnauthenticated`) are checked. */
export async function startMoto(extraUnauthenticated = 0): Promise<Moto> {
  const port = await freePort()
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: String(3 + extraUnauthenticated) },
    stdio: 'ignore',
  })
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM')
  }
  const endpoint = `http://127.0.0.1:${port}`
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await fetch(endpoint + '/moto-api/')
        break
      } catch (error) {
        if (attempt > 100) throw error
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    await iam(endpoint, { Action: 'CreateUser', UserName: 'tester' })
    const key = await iam(endpoint, { Action: 'CreateAccessKey', UserName: 'tester' })
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    })
    await iam(endpoint, { Action: 'PutUserPolicy', UserName: 'tester', PolicyName: 'all', PolicyDocument: policy })
    const accessKeyId = /<AccessKeyId>([^<]+)</.exec(key)?.[1]
    const secretAccessKey = /<SecretAccessKey>([^<]+)</.exec(key)?.[1]
    if (!accessKeyId || !secretAccessKey) throw new Error('moto did not return an access key: ' + key)
    return { endpoint, credentials: { accessKeyId, secretAccessKey }, stop }
  } catch (error) {
    stop()
    throw error
  }
}
