// A stand-in for Bedrock's ConverseStream, run in workerd: it verifies each request's signature with
// webcrypto-sigv4/verify and answers with real event-stream frames encoded by @smithy/eventstream-codec (what the
// AWS SDK itself encodes with), written in pieces cut across frame boundaries, with pauses between them (one of
// 400 ms halfway through the answer). A prompt
// containing "throttle" gets a throttlingException after two deltas. GET /requests lists what arrived.
import { EventStreamCodec } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { verify } from 'webcrypto-sigv4/verify'

const codec = new EventStreamCodec(toUtf8, fromUtf8)
const requests = []
const str = (value) => ({ type: 'string', value })
const event = (eventType, payload) =>
  codec.encode({
    headers: { ':message-type': str('event'), ':event-type': str(eventType), ':content-type': str('application/json') },
    body: fromUtf8(JSON.stringify(payload)),
  })
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    if (url.pathname === '/requests') return Response.json(requests)
    const body = await request.clone().text()
    const result = await verify(request, {
      lookupSecret: (id) => (id === env.ACCESS_KEY_ID ? env.SECRET : undefined),
      service: 'bedrock',
    })
    requests.push({ path: url.pathname, ok: result.ok, code: result.ok ? undefined : result.code, body })
    if (!result.ok)
      return Response.json(
        { message: `The request signature we calculated does not match (${result.code})` },
        { status: 403, headers: { 'x-amzn-errortype': 'InvalidSignatureException' } },
      )
    const match = /^\/model\/([^/]+)\/converse-stream$/.exec(url.pathname)
    if (!match) return Response.json({ message: 'Unknown operation' }, { status: 404 })
    const prompt = JSON.parse(body).messages[0].content[0].text
    const words = `You said: ${prompt}`.split(/(?<= )/)
    const frames = [event('messageStart', { role: 'assistant' })]
    for (const [index, word] of words.entries()) {
      if (index === 2 && prompt.includes('throttle')) {
        frames.push(
          codec.encode({
            headers: { ':message-type': str('exception'), ':exception-type': str('throttlingException') },
            body: fromUtf8('{"message":"Too many tokens, please wait before trying again."}'),
          }),
        )
        break
      }
      frames.push(event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: word } }))
    }
    frames.push(
      event('contentBlockStop', { contentBlockIndex: 0 }),
      event('messageStop', { stopReason: 'end_turn' }),
      event('metadata', { usage: { inputTokens: 3, outputTokens: words.length }, metrics: { latencyMs: 42 } }),
    )
    const bytes = new Uint8Array(frames.reduce((sum, frame) => sum + frame.length, 0))
    let offset = 0
    for (const frame of frames) bytes.set(frame, (offset += frame.length) - frame.length)
    const { readable, writable } = new TransformStream()
    const write = async () => {
      const writer = writable.getWriter()
      // Pieces of 7, 50 and 23 bytes, in turn: most frames arrive split, some pieces hold two frame ends.
      const sizes = [7, 50, 23]
      for (let at = 0, turn = 0; at < bytes.length; turn++) {
        const size = sizes[turn % sizes.length]
        await writer.write(bytes.slice(at, at + size))
        at += size
        // Once, halfway: a model thinking. The first words must reach the page before this ends.
        await pause(turn === Math.floor(bytes.length / 80) ? 400 : 5)
      }
      await writer.close()
    }
    // Not awaited: the answer streams while it is written (the open response body keeps the request alive).
    write().catch(() => {})
    return new Response(readable, {
      headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'fake-request-1' },
    })
  },
}
