// Kinesis Video Streams PutMedia: stream MKV fragments with a signed request whose body is never read up front
// (UNSIGNED-PAYLOAD), so a live recording can be sent as it is produced.
//
//   AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_REGION=us-west-2 \
//     node examples/kinesis-video-putmedia.mjs my-stream recording.mkv
//
// In a browser, pass a ReadableStream (e.g. from MediaRecorder chunks) as `media`; streaming request bodies
// need HTTP/2 there, which the Kinesis Video endpoints speak.
import { sign } from 'webcrypto-sigv4'

/**
 * Asks Kinesis Video for the endpoint that takes PutMedia for a stream (GetDataEndpoint).
 * @param {{ streamName: string, region: string, credentials: object, controlEndpoint?: string }} options
 * @returns {Promise<string>} e.g. https://s-1234abcd.kinesisvideo.us-west-2.amazonaws.com
 */
export async function getDataEndpoint({
  streamName,
  region,
  credentials,
  controlEndpoint = `https://kinesisvideo.${region}.amazonaws.com`,
}) {
  const request = await sign(
    {
      method: 'POST',
      url: new URL('/getDataEndpoint', controlEndpoint),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ StreamName: streamName, APIName: 'PUT_MEDIA' }),
    },
    { credentials, region, service: 'kinesisvideo' },
  )
  const response = await fetch(request)
  if (!response.ok) throw new Error(`GetDataEndpoint failed: ${response.status} ${await response.text()}`)
  return (await response.json()).DataEndpoint
}

/**
 * Streams media to PutMedia. The signature covers the method, path and every x-amzn-* header; the body goes
 * unsigned (UNSIGNED-PAYLOAD) and is sent as it is read.
 * @param {{ dataEndpoint: string, streamName: string, media: ReadableStream<Uint8Array>, region: string,
 *   credentials: object, producerStartTimestamp?: Date }} options
 * @returns {Promise<Response>} its body is a stream of JSON acknowledgement events, one per fragment
 */
export async function putMedia({
  dataEndpoint,
  streamName,
  media,
  region,
  credentials,
  producerStartTimestamp = new Date(),
}) {
  const request = await sign(
    {
      method: 'POST',
      url: new URL('/putMedia', dataEndpoint),
      headers: {
        'x-amzn-stream-name': streamName,
        'x-amzn-fragment-timecode-type': 'ABSOLUTE',
        'x-amzn-producer-start-timestamp': (producerStartTimestamp.getTime() / 1000).toFixed(3),
      },
      body: media,
      duplex: 'half',
    },
    { credentials, region, service: 'kinesisvideo', unsignedPayload: true },
  )
  return fetch(request)
}

// Command line: node examples/kinesis-video-putmedia.mjs <stream-name> <file.mkv>
if (typeof process !== 'undefined' && process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [streamName, file] = process.argv.slice(2)
  if (!streamName || !file) {
    console.error('usage: node examples/kinesis-video-putmedia.mjs <stream-name> <file.mkv>')
    process.exit(2)
  }
  const { createReadStream } = await import('node:fs')
  const { Readable } = await import('node:stream')
  const region = process.env.AWS_REGION ?? 'us-east-1'
  const credentials = {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
    sessionToken: process.env.AWS_SESSION_TOKEN,
  }
  const dataEndpoint = await getDataEndpoint({ streamName, region, credentials })
  const response = await putMedia({
    dataEndpoint,
    streamName,
    region,
    credentials,
    media: Readable.toWeb(createReadStream(file)),
  })
  console.log(response.status)
  for await (const line of response.body.pipeThrough(new TextDecoderStream())) process.stdout.write(line)
}
