// verify() runs unchanged in Deno and Bun: botocore-signed requests (and tampered copies) are checked there.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { beforeAll, expect, test } from 'vitest'
import { botocoreSign, credentials, SIGNED_AT } from './signers.js'

const root = resolve(import.meta.dirname, '../../..')
let file: string

beforeAll(async () => {
  const signed = botocoreSign([
    {
      kind: 'header',
      method: 'POST',
      url: 'https://api.example.test/v1/items?q=1',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      service: 'execute-api',
      region: 'us-east-1',
    },
    {
      kind: 's3-query',
      method: 'GET',
      url: 'https://bucket.s3.us-east-1.amazonaws.com/file.txt',
      service: 's3',
      region: 'us-east-1',
      expires: 60,
    },
  ])
  const tampered = { ...signed[0]!, body: '{"a":2}' }
  const cases = {
    now: Date.parse(SIGNED_AT) + 10_000,
    secret: credentials.secretAccessKey,
    requests: [...signed, tampered],
  }
  const bundled = await build({
    entryPoints: [join(root, 'test/node/verify/runtime-check.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    define: { CASES: JSON.stringify(cases) },
  })
  file = join(mkdtempSync(join(tmpdir(), 'sigv4-verify-')), 'check.mjs')
  writeFileSync(file, bundled.outputFiles[0]!.text)
})

const offline = { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', DO_NOT_TRACK: '1', NO_COLOR: '1' }
const expected = JSON.stringify(['ok', 'ok', 'ERR_SIGNATURE_MISMATCH'])

for (const [runtime, args] of [
  ['deno', ['run', '--quiet', '--no-prompt']],
  ['bun', ['run']],
] as const) {
  test(`${runtime}: accepts botocore's requests and refuses the tampered one`, () => {
    const result = spawnSync(join(root, 'node_modules/.bin', runtime), [...args, file], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ...offline },
    })
    expect(result.stdout.trim(), result.stderr).toBe(expected)
  })
}
