// Shared inputs of the token tests: credentials with and without a session token, frozen signing times, and the
// python reference (botocore_tokens.py: botocore's token methods, awscli's EKS TokenGenerator, botocore's presigner).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Credentials } from '../../../src/index.js'

export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
/** Without a session token, and with one that needs encoding (`/`, `+`, `=`), as STS tokens do. */
export const CREDENTIALS: Array<{ name: string; credentials: Credentials }> = [
  { name: 'long-term keys', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET } },
  {
    name: 'a session token',
    credentials: {
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: SECRET,
      sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+7tA/example+token==',
    },
  },
]
/** Frozen signing times (ISO, seconds). */
export const TIMES = ['2026-01-02T03:04:05Z', '2024-02-29T23:59:59Z']

export interface ReferenceJob {
  kind: 'rds' | 'dsql' | 'dsql-admin' | 'eks' | 'presign' | 'msk'
  params: Record<string, unknown>
  credentials: Credentials
  time: string
  expires?: number
}

/** Runs the python reference over a batch of jobs; one answer per job, in order. */
export function reference(jobs: ReferenceJob[]): string[] {
  const script = fileURLToPath(new URL('./botocore_tokens.py', import.meta.url))
  const input = jobs.map((job) => ({
    kind: job.kind,
    params: job.params,
    access_key: job.credentials.accessKeyId,
    secret_key: job.credentials.secretAccessKey,
    token: job.credentials.sessionToken ?? null,
    time: job.time,
    expires: job.expires ?? null,
  }))
  const run = spawnSync('python3', [script], { input: JSON.stringify(input), encoding: 'utf8', timeout: 120_000 })
  if (run.status !== 0) throw new Error(`botocore_tokens.py failed (python3 with botocore and awscli): ${run.stderr}`)
  const answers = JSON.parse(run.stdout) as Array<{ token?: string; error?: string }>
  return answers.map((answer, i) => {
    if (answer.token === undefined) throw new Error(`reference job ${i} (${jobs[i]!.kind}): ${answer.error}`)
    return answer.token
  })
}

/** The URL inside an EKS or MSK token (base64url without padding). */
export const decodeToken = (token: string): string => Buffer.from(token, 'base64url').toString('utf8')
