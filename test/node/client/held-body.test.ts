// AwsClient holds bytes and Blobs as given and re-sends them on every attempt, without building a Request around them
// to read them back. What is signed and sent must be what it was when each body went through a Request first: the
// same payload hash and bytes for every kind of view, a Blob sent whole (not read when its hash is not needed), the
// same bytes on a retry.
import { createHash } from 'node:crypto'
import { describe, expect, test, vi } from 'vitest'
import { AwsClient } from '../../../src/client.js'

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const URL_ = 'https://examplebucket.s3.us-east-1.amazonaws.com/a.bin'
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

function recording(status: (attempt: number) => number = () => 200) {
  const sent: { headers: Record<string, string>; bytes: Uint8Array }[] = []
  const client = new AwsClient({
    credentials,
    region: 'us-east-1',
    service: 's3',
    retryDelay: 1,
    datetime: '2026-12-08T00:00:00Z',
    fetch: async (request) => {
      const bytes = new Uint8Array(await new Response(request.body).arrayBuffer())
      sent.push({ headers: Object.fromEntries(request.headers), bytes })
      return new Response(null, { status: status(sent.length) })
    },
  })
  return { client, sent }
}

describe('bodies held as given', () => {
  const source = new Uint8Array(4099).map((_, i) => (i * 151) & 255)

  test('every kind of view signs and sends the bytes it views, as an ArrayBuffer of them does', async () => {
    const window = new Uint8Array(source.length + 10)
    window.set(source, 5)
    const views: [string, BodyInit][] = [
      ['ArrayBuffer', source.slice().buffer],
      ['Uint8Array', source.slice()],
      ['Uint8Array at an offset', window.subarray(5, 5 + source.length)],
      ['DataView at an offset', new DataView(window.buffer, 5, source.length)],
      ['Uint16Array', new Uint16Array(source.slice(0, 4098).buffer)],
    ]
    const signatures = new Map<string, string>()
    for (const [name, body] of views) {
      const { client, sent } = recording()
      await client.fetch(URL_, { method: 'PUT', body })
      const expected = name === 'Uint16Array' ? source.subarray(0, 4098) : source
      expect(sent[0]!.bytes, name).toEqual(expected)
      expect(sent[0]!.headers['x-amz-content-sha256'], name).toBe(sha256(expected))
      signatures.set(name, sent[0]!.headers.authorization!)
    }
    // Same bytes, same request, same time: the same signature whatever the view.
    expect(new Set([...signatures].filter(([name]) => name !== 'Uint16Array').map(([, value]) => value)).size).toBe(1)
  })

  test('a retry re-sends the same bytes, signed again', async () => {
    const { client, sent } = recording((attempt) => (attempt === 1 ? 503 : 200))
    const response = await client.fetch(URL_, { method: 'PUT', body: source })
    expect(response.status).toBe(200)
    expect(sent).toHaveLength(2)
    expect(sent[1]!.bytes).toEqual(source)
    expect(sent[1]!.headers['x-amz-content-sha256']).toBe(sha256(source))
  })

  test('a Blob is hashed when signed, and sent whole unread when its hash is known (UNSIGNED-PAYLOAD)', async () => {
    const blob = new Blob([source], { type: 'video/mp4' })
    // The signer reads a Blob itself (Blob.arrayBuffer); the fake fetch reads each request body once through a
    // Response.
    const reads = vi.spyOn(Response.prototype, 'arrayBuffer')
    const blobReads = vi.spyOn(Blob.prototype, 'arrayBuffer')
    try {
      const signed = recording()
      await signed.client.fetch(URL_, { method: 'PUT', body: blob })
      expect(blobReads).toHaveBeenCalledTimes(1)
      expect(reads).toHaveBeenCalledTimes(1)
      expect(signed.sent[0]!.bytes).toEqual(source)
      expect(signed.sent[0]!.headers['x-amz-content-sha256']).toBe(sha256(source))
      expect(signed.sent[0]!.headers['content-type']).toBe('video/mp4')
      reads.mockClear()
      blobReads.mockClear()
      const unsigned = recording()
      await unsigned.client.fetch(URL_, { method: 'PUT', body: blob, aws: { unsignedPayload: true } })
      expect(blobReads).not.toHaveBeenCalled()
      expect(reads).toHaveBeenCalledTimes(1)
      expect(unsigned.sent[0]!.bytes).toEqual(source)
      expect(unsigned.sent[0]!.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD')
      expect(unsigned.sent[0]!.headers['content-type']).toBe('video/mp4')
    } finally {
      reads.mockRestore()
      blobReads.mockRestore()
    }
  })

  test('empty bytes are no body, and a GET with bytes is refused with a typed error', async () => {
    const { client, sent } = recording()
    await client.fetch(URL_, { method: 'PUT', body: new Uint8Array(0) })
    expect(sent[0]!.bytes).toEqual(new Uint8Array(0))
    expect(sent[0]!.headers['x-amz-content-sha256']).toBe(sha256(new Uint8Array(0)))
    await expect(client.fetch(URL_, { method: 'GET', body: source })).rejects.toMatchObject({
      code: 'ERR_INVALID_REQUEST',
    })
  })
})
