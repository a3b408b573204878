// @vitest-environment happy-dom
// The upload card's "Presigned part URLs" toggle (demo/page/lib/presigned.ts) on the real page: the page asks a
// fake Worker for part URLs (POST /uploads), PUTs each slice with plain fetch (no Authorization header, no
// session token, never POST /credentials), reads each ETag, shows the parts, and has the Worker complete the
// upload; cancel has it abort. The fake Worker and S3 here keep the parts in memory.
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { partsProgress } from '../../../demo/page/lib/upload-card.js'
import { fakeAws, WORKER } from './fake-aws.js'
import { BUCKET, S3 } from './fake-s3.js'
import { mount, type Mounted } from './mount.js'

const MIB = 1024 * 1024
const PART = 5 * MIB
const KEY = 'uploads/0a1b2c3d-photo-album.bin'

let view: Mounted | undefined
afterEach(() => view?.page.stop())

interface Stand {
  view: Mounted
  workerCalls: string[]
  partRequests: Request[]
  parts: Map<number, Uint8Array>
  objects: Map<string, Uint8Array>
  aborted: string[]
  hold?: Promise<void>
  hideEtag: boolean
  /** Each part's signed length, as the Worker hands it out; S3 refuses a PUT of another length (403). */
  signedSizes: Map<number, number>
  /** Changes the sizes the fake Worker announces (a Worker that got them wrong). */
  announce?: (sizes: number[]) => number[]
}

const md5 = (bytes: Uint8Array) => `"${createHash('md5').update(bytes).digest('hex')}"`

/** The page, with a Worker that hands out presigned part URLs and an S3 that takes query-signed PUTs. */
async function mountPresigned(): Promise<Stand> {
  localStorage.clear()
  const aws = fakeAws()
  aws.upload = { bucket: BUCKET, prefix: 'uploads/', s3Endpoint: S3 }
  const stand: Stand = {
    view: undefined as unknown as Mounted,
    workerCalls: [],
    partRequests: [],
    parts: new Map(),
    objects: new Map(),
    aborted: [],
    hideEtag: false,
    signedSizes: new Map(),
  }
  const toWorker = aws.fetch
  const uploadId = 'upload-7'
  const json = (value: unknown, status = 200) =>
    new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } })
  aws.fetch = async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (url.origin === WORKER && url.pathname.startsWith('/uploads')) {
      stand.workerCalls.push(url.pathname)
      const body = (await request.json()) as Record<string, unknown>
      if (url.pathname === '/uploads') {
        const size = body.size as number
        const count = Math.ceil(size / PART)
        const sizes = Array.from({ length: count }, (_, index) => Math.min(PART, size - index * PART))
        const announced = stand.announce?.(sizes) ?? sizes
        const parts = sizes.map((length, index) => {
          stand.signedSizes.set(index + 1, length)
          return {
            partNumber: index + 1,
            url: `${S3}${BUCKET}/${KEY}?partNumber=${index + 1}&uploadId=${uploadId}&X-Amz-SignedHeaders=content-length%3Bhost&X-Amz-Signature=${'ab'.repeat(32)}`,
            size: announced[index],
          }
        })
        return json({ uploadId, key: KEY, partSize: PART, parts })
      }
      if (url.pathname === '/uploads/complete') {
        const sent = body.parts as { partNumber: number; etag: string }[]
        for (const part of sent) expect(part.etag).toBe(md5(stand.parts.get(part.partNumber)!))
        stand.objects.set(body.key as string, Buffer.concat(sent.map((part) => stand.parts.get(part.partNumber)!)))
        return json({ key: body.key, etag: `"joined-${sent.length}"` })
      }
      stand.aborted.push(`${body.key as string} ${body.uploadId as string}`)
      return json({ key: body.key, aborted: true })
    }
    if (request.url.startsWith(S3)) {
      stand.partRequests.push(request)
      const bytes = new Uint8Array(await request.arrayBuffer())
      // The URL signed its part's content-length: S3 takes exactly that many bytes.
      if (bytes.length !== stand.signedSizes.get(Number(url.searchParams.get('partNumber'))))
        return new Response('<Error><Code>SignatureDoesNotMatch</Code></Error>', { status: 403 })
      // As a browser's fetch does: an abort ends a held request.
      const aborted = new Promise<never>((_, reject) =>
        request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      )
      await Promise.race([stand.hold, aborted])
      stand.parts.set(Number(url.searchParams.get('partNumber')), bytes)
      return new Response(null, { headers: stand.hideEtag ? {} : { etag: md5(bytes) } })
    }
    return toWorker(request)
  }
  view = mount(undefined, {}, aws)
  stand.view = view
  await view.page.configured
  return stand
}

function bytesOf(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  for (let index = 0; index < size; index++) bytes[index] = (index * 13 + (index >> 10)) & 255
  return bytes
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 400; round++) {
    if (condition()) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`not seen: ${what}`)
}

function toggleOn(stand: Stand): void {
  const toggle = stand.view.$('upload-presigned') as HTMLInputElement
  expect(toggle.disabled).toBe(false)
  expect(toggle.closest('label')!.textContent.replace(/\s+/g, ' ')).toContain(
    'Presigned part URLs (no credentials on the page)',
  )
  toggle.checked = true
  toggle.dispatchEvent(new Event('change'))
}

describe('upload card: presigned part URLs (the toggle)', () => {
  it('uploads 12 MiB as three presigned parts with plain fetch, shows each part, and the Worker completes it', async () => {
    const stand = await mountPresigned()
    toggleOn(stand)
    const bytes = bytesOf(12 * MIB)
    const states: string[] = []
    const list = stand.view.$('upload-parts')
    const observer = new MutationObserver(() => states.push(list.textContent ?? ''))
    observer.observe(list, { childList: true, subtree: true, characterData: true })
    await stand.view.page.upload.choose(new File([bytes], 'photo album.bin'))
    observer.disconnect()
    expect(stand.view.$('upload-status').textContent).toBe('Done: 12.0 MiB in 3 parts.')
    expect(stand.workerCalls).toEqual(['/uploads', '/uploads/complete'])
    expect(Buffer.from(stand.objects.get(KEY)!).equals(Buffer.from(bytes))).toBe(true)
    // No credentials on the page: the parts carry none, and the page never asked for any.
    expect(stand.partRequests).toHaveLength(3)
    for (const request of stand.partRequests) {
      expect(request.method).toBe('PUT')
      expect(request.headers.get('authorization')).toBeNull()
      expect(request.headers.get('x-amz-security-token')).toBeNull()
    }
    expect(stand.view.$('history').textContent).not.toContain('/credentials')
    // Progress per part: each seen sending, then done.
    expect(states.some((text) => text.includes('part 1 · 5.0 MiB · sending'))).toBe(true)
    expect(list.querySelectorAll('li[data-state="done"]')).toHaveLength(3)
    expect(list.textContent).toContain('part 3 · 2.0 MiB · done')
    expect(stand.view.$('u-key').textContent).toBe(`${BUCKET}/${KEY}`)
    expect(stand.view.$('u-etag').textContent).toBe('"joined-3"')
  })

  it('PUTs exactly the length each part URL signed (partSize, the last the rest); a plan whose sizes disagree sends nothing', async () => {
    const stand = await mountPresigned()
    toggleOn(stand)
    const bytes = bytesOf(2 * PART + 7)
    await stand.view.page.upload.choose(new File([bytes], 'odd.bin'))
    expect(stand.view.page.upload.job!.state).toBe('done')
    expect(stand.partRequests).toHaveLength(3)
    expect(
      [...stand.parts].map(([partNumber, part]) => [partNumber, part.length]).sort((a, b) => a[0]! - b[0]!),
    ).toEqual([
      [1, PART],
      [2, PART],
      [3, 7],
    ])
    expect(Buffer.from(stand.objects.get(KEY)!).equals(Buffer.from(bytes))).toBe(true)

    const wrong = await mountPresigned()
    toggleOn(wrong)
    wrong.announce = (sizes) => sizes.map((size, index) => (index === 0 ? size + 1 : size))
    await wrong.view.page.upload.choose(new File([bytesOf(PART + 1)], 'b.bin'))
    expect(wrong.view.page.upload.job!.state).toBe('failed')
    expect(wrong.view.$('upload-error').textContent).toContain(`signed part 1 for ${PART + 1} bytes`)
    expect(wrong.partRequests).toHaveLength(0)
  })

  it('cancel mid-upload has the Worker abort it (POST /uploads/abort), and nothing is completed', async () => {
    const stand = await mountPresigned()
    toggleOn(stand)
    let open = () => {}
    stand.hold = new Promise<void>((resolve) => (open = resolve))
    const running = stand.view.page.upload.choose(new File([bytesOf(11 * MIB)], 'big.bin'))
    await until(() => stand.partRequests.length >= 2, 'two parts in flight')
    await stand.view.page.upload.cancel()
    open()
    await running
    expect(stand.view.page.upload.job!.state).toBe('cancelled')
    expect(stand.aborted).toEqual([`${KEY} upload-7`])
    expect(stand.workerCalls).toEqual(['/uploads', '/uploads/abort'])
    expect(stand.objects.size).toBe(0)
  })

  it('a hidden ETag (CORS does not expose it) fails with a message naming the CORS rule, and is never completed', async () => {
    const stand = await mountPresigned()
    toggleOn(stand)
    stand.hideEtag = true
    await stand.view.page.upload.choose(new File([bytesOf(6 * MIB)], 'a.bin'))
    expect(stand.view.page.upload.job!.state).toBe('failed')
    expect(stand.view.$('upload-error').textContent).toContain('ExposeHeader')
    expect(stand.workerCalls).toEqual(['/uploads'])
    expect(
      partsProgress([
        { partNumber: 1, state: 'done', bytes: 5 },
        { partNumber: 2, state: 'sending', bytes: 5 },
      ]),
    ).toEqual({ percent: 50, text: '1 of 2 parts · 5 B of 10 B' })
  })
})
