// Amazon Bedrock ConverseStream from a Cloudflare Worker: the Worker signs the call with its own key (which never
// reaches the page), reads Bedrock's event stream with events() as it arrives, and streams the generated text on
// to the page token by token.
//
// wrangler.toml: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY as secrets, AWS_REGION and MODEL_ID as vars (e.g.
// MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"); the key's policy allows bedrock:InvokeModelWithResponseStream.
// The page:
//   const response = await fetch('/chat', { method: 'POST', body: JSON.stringify({ prompt }) })
//   const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
//   for (let next = await reader.read(); !next.done; next = await reader.read()) output.textContent += next.value
import { sign } from 'webcrypto-sigv4'
import { events } from 'webcrypto-sigv4/eventstream'

/**
 * Calls ConverseStream and yields the text of each `contentBlockDelta` as it arrives; `onUsage` gets the token
 * counts of the final `metadata` event. An error answer (403, 400 ...) and an exception inside the stream
 * (`throttlingException`, `modelStreamErrorException`, ...) throw an `AwsError` with Bedrock's code and message.
 * @param {{ credentials: object, region: string, modelId: string, messages: object[], system?: object[],
 *   inferenceConfig?: object, endpoint?: string, signal?: AbortSignal, onUsage?: (usage: object) => void }} options
 * @returns {AsyncGenerator<string>}
 */
export async function* converseText({
  credentials,
  region,
  modelId,
  messages,
  system,
  inferenceConfig,
  endpoint = `https://bedrock-runtime.${region}.amazonaws.com`,
  signal,
  onUsage = () => {},
}) {
  const url = new URL(`/model/${encodeURIComponent(modelId)}/converse-stream`, endpoint)
  const request = await sign(
    {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages, system, inferenceConfig }),
    },
    { credentials, region, service: 'bedrock' },
  )
  for await (const event of events(await fetch(request, { signal }))) {
    if (event.eventType === 'contentBlockDelta') {
      const text = event.json().delta?.text
      if (text) yield text
    } else if (event.eventType === 'metadata') onUsage(event.json().usage)
  }
}

export default {
  /** POST /chat with { prompt }: the answer as text/plain, streamed as Bedrock generates it. */
  async fetch(request, env) {
    if (request.method !== 'POST') return new Response('POST { "prompt": "..." }', { status: 405 })
    const { prompt } = await request.json()
    const text = converseText({
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
      region: env.AWS_REGION,
      modelId: env.MODEL_ID,
      endpoint: env.BEDROCK_ENDPOINT, // unset: Bedrock's own endpoint of the region
      messages: [{ role: 'user', content: [{ text: String(prompt) }] }],
      signal: request.signal,
    })
    const encoder = new TextEncoder()
    // The first token before the answer starts: an error Bedrock gives at once (403, a bad model id) becomes a 502.
    let first
    try {
      first = await text.next()
    } catch (error) {
      return Response.json({ code: error.code, message: error.message }, { status: 502 })
    }
    const body = new ReadableStream({
      start(controller) {
        if (first.done) controller.close()
        else controller.enqueue(encoder.encode(first.value))
      },
      async pull(controller) {
        try {
          const next = await text.next()
          if (next.done) controller.close()
          else controller.enqueue(encoder.encode(next.value))
        } catch (error) {
          // Mid-answer the status is sent already: say what happened in the text, then end it.
          controller.enqueue(encoder.encode(`\n[${error.code ?? error.name}: ${error.message}]`))
          controller.close()
        }
      },
      cancel() {
        // The page went away: stop reading Bedrock's stream too.
        return text.return(undefined)
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } })
  },
}
