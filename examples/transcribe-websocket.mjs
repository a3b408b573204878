// Amazon Transcribe streaming over WebSocket, from a browser (or any runtime with WebSocket): the URL is
// presigned by the core, every audio chunk goes out as a signed event-stream message chained from the URL's
// signature, and transcripts come back as event-stream messages.
//
// In a page: capture 16 kHz mono 16-bit PCM (e.g. an AudioWorklet converting getUserMedia's Float32 samples),
// push the chunks into a ReadableStream, then:
//   await transcribe({ credentials, region: 'us-east-1', audio, onTranscript: (text) => (caption.textContent = text) })
// Credentials in a browser should be short-lived (Cognito identity pool or STS), never long-term keys.
import { presign } from 'webcrypto-sigv4'
import { audioEvent, createEventSigner, decodeMessage } from 'webcrypto-sigv4/eventstream'

/**
 * Streams PCM audio to Transcribe and calls `onTranscript` with each final transcript.
 * @param {{ credentials: object, region: string, audio: ReadableStream<Uint8Array>, sampleRate?: number,
 *   languageCode?: string, onTranscript?: (text: string, result: object) => void, endpoint?: string,
 *   WebSocket?: typeof WebSocket }} options
 * @returns {Promise<void>} resolves when Transcribe closes the stream
 */
export async function transcribe({
  credentials,
  region,
  audio,
  sampleRate = 16000,
  languageCode = 'en-US',
  onTranscript = () => {},
  endpoint = `wss://transcribestreaming.${region}.amazonaws.com:8443`,
  WebSocket = globalThis.WebSocket,
}) {
  const url = new URL('/stream-transcription-websocket', endpoint)
  url.search = new URLSearchParams({
    'language-code': languageCode,
    'media-encoding': 'pcm',
    'sample-rate': String(sampleRate),
  })
  const signed = await presign(url, { credentials, region, service: 'transcribe', expiresIn: 300 })
  const signer = createEventSigner({
    credentials,
    region,
    service: 'transcribe',
    seedSignature: signed.searchParams.get('X-Amz-Signature'),
  })

  const socket = new WebSocket(signed)
  socket.binaryType = 'arraybuffer'
  const closed = new Promise((resolve, reject) => {
    socket.onerror = () => reject(new Error('The WebSocket failed (refused, or closed by the server)'))
    socket.onclose = () => resolve()
    socket.onmessage = ({ data }) => {
      const message = decodeMessage(new Uint8Array(data))
      const type = message.headers[':message-type']?.value
      const body = JSON.parse(new TextDecoder().decode(message.body) || '{}')
      if (type === 'exception')
        return reject(new Error(`${message.headers[':exception-type']?.value}: ${body.Message}`))
      for (const result of body.Transcript?.Results ?? [])
        if (!result.IsPartial) onTranscript(result.Alternatives[0]?.Transcript ?? '', result)
    }
  })
  await new Promise((resolve, reject) => {
    socket.onopen = resolve
    closed.catch(reject)
  })
  // Messages are signed one after another: each signature covers the previous one.
  for await (const chunk of audio) socket.send(await signer.sign(audioEvent(chunk)))
  socket.send(await signer.end())
  return closed
}
