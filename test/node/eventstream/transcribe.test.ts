// The Transcribe WebSocket example end to end on 127.0.0.1: a presigned ws:// URL (verified by the fake endpoint
// in workerd), signed audio events, transcripts back; every frame the endpoint received is then decoded with
// @smithy/eventstream-codec and its chained signature recomputed with @smithy/signature-v4.
import { Sha256 } from '@aws-crypto/sha256-js'
import { EventStreamCodec } from '@smithy/eventstream-codec'
import { SignatureV4 } from '@smithy/signature-v4'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { bundleExample } from '../stream/bundle.js'

const credentials = { accessKeyId: 'AKIDTRANSCRIBE', secretAccessKey: 'transcribe/secret' }
let mf: Miniflare
let endpoint: string

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: await bundleExample('test/node/eventstream/fake-transcribe.mjs', { platform: 'neutral' }),
    compatibilityDate: '2025-01-01',
    bindings: { ACCESS_KEY_ID: credentials.accessKeyId, SECRET: credentials.secretAccessKey },
    host: '127.0.0.1',
    port: 0,
  })
  endpoint = (await mf.ready).toString().replace(/^http/, 'ws').replace(/\/$/, '')
})
afterAll(() => mf?.dispose())

test('audio streamed by the example arrives as a verifiable signature chain and transcripts come back', async () => {
  const driver = join(mkdtempSync(join(tmpdir(), 'sigv4-transcribe-')), 'driver.mjs')
  writeFileSync(driver, await bundleExample('test/node/eventstream/transcribe-driver.mjs'))
  const run = spawnSync(process.execPath, ['--experimental-websocket', '--no-warnings', driver], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      ENDPOINT: endpoint,
      ACCESS_KEY_ID: credentials.accessKeyId,
      SECRET: credentials.secretAccessKey,
    },
  })
  expect(run.stdout.trim(), run.stderr).toBe(
    JSON.stringify(['heard 3200 bytes', 'heard 3200 bytes', 'heard 1000 bytes']),
  )

  const sessions = (await (await fetch(endpoint.replace(/^ws/, 'http') + '/frames')).json()) as Array<{
    seedSignature: string
    query: string
    frames: string[]
  }>
  expect(sessions.length).toBe(1)
  const { seedSignature, query, frames } = sessions[0]!
  expect(new URLSearchParams(query).get('X-Amz-Credential')).toMatch(
    /^AKIDTRANSCRIBE\/\d{8}\/us-east-1\/transcribe\/aws4_request$/,
  )
  expect(frames.length).toBe(4)
  const codec = new EventStreamCodec(toUtf8, fromUtf8)
  const smithy = new SignatureV4({ credentials, region: 'us-east-1', service: 'transcribe', sha256: Sha256 })
  let prior = seedSignature
  for (const [index, frame] of frames.entries()) {
    const message = codec.decode(Buffer.from(frame, 'base64'))
    const date = message.headers[':date']!
    const expected = await smithy.sign(
      { message: { headers: { ':date': date }, body: message.body }, priorSignature: prior },
      { signingDate: date.value as Date },
    )
    expect(
      Buffer.from(message.headers[':chunk-signature']!.value as Uint8Array).toString('hex'),
      `frame ${index}`,
    ).toBe(expected.signature)
    if (index < 3)
      expect(codec.decode(message.body).headers[':event-type']).toEqual({ type: 'string', value: 'AudioEvent' })
    else expect(message.body.length).toBe(0)
    prior = expected.signature
  }
})
