// The Bedrock ConverseStream example (docs/examples/bedrock-converse-stream.mjs) as a Worker in workerd, against a fake
// Bedrock in another workerd that verifies the signature and streams frames encoded by @smithy/eventstream-codec:
// the page (this test) gets the words while the model is still "thinking", an in-stream throttlingException
// ends the text with its code, and a refused signature becomes a 502 with Bedrock's code before any text.
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { bundleExample } from '../stream/bundle.js'

const credentials = { accessKeyId: 'AKIDBEDROCK', secretAccessKey: 'bedrock/secret' }
const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0'
let bedrock: Miniflare
let app: Miniflare
let bedrockUrl: string
let appUrl: string

async function worker(path: string, bindings: Record<string, string>) {
  const mf = new Miniflare({
    modules: true,
    script: await bundleExample(path, { platform: 'browser' }),
    compatibilityDate: '2025-01-01',
    bindings,
    host: '127.0.0.1',
    port: 0,
  })
  return { mf, url: (await mf.ready).toString().replace(/\/$/, '') }
}

beforeAll(async () => {
  ;({ mf: bedrock, url: bedrockUrl } = await worker('test/node/eventstream/fake-bedrock.mjs', {
    ACCESS_KEY_ID: credentials.accessKeyId,
    SECRET: credentials.secretAccessKey,
  }))
  ;({ mf: app, url: appUrl } = await worker('docs/examples/bedrock-converse-stream.mjs', {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    MODEL_ID: MODEL,
    BEDROCK_ENDPOINT: bedrockUrl,
  }))
}, 60_000)
afterAll(async () => {
  await app?.dispose()
  await bedrock?.dispose()
})

/** POSTs a prompt to the app Worker; the text as it arrived, chunk by chunk, with the time of each. */
async function chat(prompt: string) {
  const started = Date.now()
  // Identity: a compressed answer (workerd gzips text/plain for a client that accepts it) arrives in one piece.
  const response = await fetch(`${appUrl}/chat`, {
    method: 'POST',
    body: JSON.stringify({ prompt }),
    headers: { 'accept-encoding': 'identity' },
  })
  const chunks: { text: string; at: number }[] = []
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read())
    chunks.push({ text: next.value, at: Date.now() - started })
  return { response, chunks, text: chunks.map((chunk) => chunk.text).join('') }
}

test('the words stream to the page as Bedrock sends them, from a signed ConverseStream call', async () => {
  const prompt = 'tell me about event streams, in a few more words than usual'
  const { response, chunks, text } = await chat(prompt)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
  expect(text).toBe(`You said: ${prompt}`)
  // Word by word, and the first words well before the 400 ms pause in the middle of the answer is over.
  expect(chunks.length).toBeGreaterThan(5)
  expect(chunks.at(-1)!.at - chunks[0]!.at).toBeGreaterThanOrEqual(350)
  const seen = (await (await fetch(`${bedrockUrl}/requests`)).json()) as { path: string; ok: boolean; body: string }[]
  const last = seen.at(-1)!
  expect(last.ok).toBe(true)
  expect(last.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse-stream`)
  expect(JSON.parse(last.body)).toEqual({ messages: [{ role: 'user', content: [{ text: prompt }] }] })
}, 30_000)

test('a throttlingException inside the stream ends the text with its code and message', async () => {
  const { response, text } = await chat('please throttle me')
  expect(response.status).toBe(200)
  expect(text).toBe('You said: \n[throttlingException: Too many tokens, please wait before trying again.]')
}, 30_000)

test('a refused signature: a 502 with the AwsError code, before any text', async () => {
  const { mf, url } = await worker('docs/examples/bedrock-converse-stream.mjs', {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'not-the-secret',
    AWS_REGION: 'us-east-1',
    MODEL_ID: MODEL,
    BEDROCK_ENDPOINT: bedrockUrl,
  })
  try {
    const response = await fetch(`${url}/chat`, { method: 'POST', body: JSON.stringify({ prompt: 'hi' }) })
    expect(response.status).toBe(502)
    expect(await response.json()).toMatchObject({ code: 'InvalidSignatureException' })
  } finally {
    await mf.dispose()
  }
}, 30_000)
