// Runs the Transcribe example in a Node process with WebSocket (node --experimental-websocket); prints the
// transcripts as JSON. ENDPOINT, ACCESS_KEY_ID and SECRET come from the environment.
import { transcribe } from '../../../examples/transcribe-websocket.mjs'

const sizes = [3200, 3200, 1000]
const audio = new ReadableStream({
  start(controller) {
    for (const [index, size] of sizes.entries()) controller.enqueue(new Uint8Array(size).fill(index + 1))
    controller.close()
  },
})
const transcripts = []
await transcribe({
  credentials: { accessKeyId: process.env.ACCESS_KEY_ID, secretAccessKey: process.env.SECRET },
  region: 'us-east-1',
  audio,
  endpoint: process.env.ENDPOINT,
  onTranscript: (text) => transcripts.push(text),
})
console.log(JSON.stringify(transcripts))
