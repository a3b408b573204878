// The page of the Chromium upload test (bundled by ./chromium.test.ts): builds a File in the page, uploads it
// with upload() and reports the progress events and the outcome to the test.
import { AwsClient } from '../../../src/client.js'
import { upload, type UploadProgress } from '../../../src/s3.js'

interface RunOptions {
  url: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  partSize: number
  concurrency: number
  /** Abort (keeping the parts, a pause) once this many parts are stored. */
  pauseAfterParts?: number
  uploadId?: string
}

let file: File | undefined

const hex = (buffer: ArrayBuffer) =>
  [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('')

const uploadPage = {
  /** Builds a File of `size` pseudo-random bytes (xorshift32) and returns its SHA-256. */
  async makeFile(size: number, seed: number): Promise<string> {
    const bytes = new Uint8Array(size)
    const words = new Uint32Array(bytes.buffer, 0, size >> 2)
    let state = seed >>> 0 || 1
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      words[i] = state >>> 0
    }
    file = new File([bytes], 'big.bin', { type: 'application/octet-stream' })
    return hex(await crypto.subtle.digest('SHA-256', bytes))
  },

  async run(options: RunOptions) {
    const client = new AwsClient({ credentials: options.credentials, region: 'us-east-1', service: 's3' })
    const controller = new AbortController()
    const events: UploadProgress[] = []
    try {
      const result = await upload(client, {
        url: options.url,
        body: file!,
        partSize: options.partSize,
        concurrency: options.concurrency,
        uploadId: options.uploadId,
        keepPartsOnAbort: true,
        signal: controller.signal,
        onProgress: (progress) => {
          events.push(progress)
          if (options.pauseAfterParts && events.length === options.pauseAfterParts)
            controller.abort(new DOMException('paused by the test', 'AbortError'))
        },
      })
      return { events, result }
    } catch (error) {
      const { name, message, code, uploadId } = error as Error & { code?: string; uploadId?: string }
      return { events, error: { name, message, code, uploadId } }
    }
  },
}

Object.assign(globalThis, { uploadPage })
