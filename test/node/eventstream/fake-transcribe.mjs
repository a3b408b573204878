// A stand-in for Transcribe's WebSocket endpoint, run in workerd: it verifies the presigned URL with
// webcrypto-sigv4/verify, keeps every frame it receives (GET /frames returns them for the test to check with
// the reference implementation) and answers each audio event with a TranscriptEvent.
import { verify } from 'webcrypto-sigv4/verify'
import { decodeMessage, encodeMessage } from 'webcrypto-sigv4/eventstream'

const sessions = []

export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    if (url.pathname === '/frames') return Response.json(sessions)
    const result = await verify(request, {
      lookupSecret: (id) => (id === env.ACCESS_KEY_ID ? env.SECRET : undefined),
      service: 'transcribe',
    })
    if (!result.ok) return new Response(result.code, { status: 403 })
    const [client, server] = Object.values(new WebSocketPair())
    const session = { seedSignature: result.signature, query: url.search, frames: [] }
    sessions.push(session)
    server.accept()
    server.addEventListener('message', ({ data }) => {
      const bytes = new Uint8Array(data)
      session.frames.push(btoa(String.fromCharCode(...bytes)))
      const envelope = decodeMessage(bytes)
      if (!envelope.body.length) return server.close(1000, 'done')
      const audio = decodeMessage(envelope.body)
      const transcript = {
        Transcript: {
          Results: [{ IsPartial: false, Alternatives: [{ Transcript: `heard ${audio.body.length} bytes` }] }],
        },
      }
      server.send(
        encodeMessage({
          headers: { ':message-type': 'event', ':event-type': 'TranscriptEvent', ':content-type': 'application/json' },
          body: new TextEncoder().encode(JSON.stringify(transcript)),
        }),
      )
    })
    return new Response(null, { status: 101, webSocket: client })
  },
}
