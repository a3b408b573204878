// verify() runs unchanged in Deno and Bun: botocore-signed requests (and tampered copies) are checked there.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { beforeAll, expect, test } from 'vitest'
import { signStreamParts } from '../../../src/stream.js'
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
  // An aws-chunked upload (3 chunks of ASCII data, so the framed body travels as a string), and a copy with one
  // data byte changed: verified chunk by chunk through result.body.
  const chunked = await signStreamParts(
    {
      method: 'PUT',
      host: 'bucket.s3.us-east-1.amazonaws.com',
      path: '/chunked.txt',
      body: new Response('a'.repeat(20000)).body!,
    },
    { credentials, region: 'us-east-1', service: 's3', datetime: SIGNED_AT, contentLength: 20000, chunkSize: 8192 },
  )
  const framed = await new Response(chunked.body).text()
  const chunkedWire = {
    method: 'PUT',
    url: 'https://bucket.s3.us-east-1.amazonaws.com/chunked.txt',
    headers: Object.fromEntries(chunked.headers),
    body: framed,
  }
  const altered = framed.replace('a'.repeat(100), 'b' + 'a'.repeat(99))
  const cases = {
    now: Date.parse(SIGNED_AT) + 10_000,
    secret: credentials.secretAccessKey,
    requests: [...signed, tampered, chunkedWire, { ...chunkedWire, body: altered }],
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
const expected = JSON.stringify(['ok', 'ok', 'ERR_SIGNATURE_MISMATCH', 'ok 20000 bytes', 'ERR_CHUNK_SIGNATURE'])

for (const [runtime, args] of [
  ['deno', ['run', '--quiet', '--no-prompt']],
  ['bun', ['run']],
] as const) {
  test(`${runtime}: accepts botocore's requests and a chunk-signed upload, refuses the tampered ones`, () => {
    const result = spawnSync(join(root, 'node_modules/.bin', runtime), [...args, file], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ...offline },
    })
    expect(result.stdout.trim(), result.stderr).toBe(expected)
  })
}
