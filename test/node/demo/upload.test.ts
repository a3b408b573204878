// @vitest-environment happy-dom
// The "Upload a file" card (demo/page/lib/upload-card.ts + upload.ts) on the real page, against a fake Worker and
// a fake S3: progress text with speed and time left, pause/resume (only the missing parts are sent again),
// cancel (AbortMultipartUpload), the object's checksum shown (computed here with node:crypto), and errors named
// by component.
import { afterEach, describe, expect, it } from 'vitest'
import { formatBytes, formatDuration, objectUrl, progressView } from '../../../demo/page/lib/upload.js'
import { fakeAws, type FakeAws } from './fake-aws.js'
import { BUCKET, compositeSha256, fakeS3, S3, type FakeS3 } from './fake-s3.js'
import { mount, type Mounted } from './mount.js'

const MIB = 1024 * 1024
const PART = 5 * MIB

let view: Mounted | undefined
afterEach(() => view?.page.stop())

/** The page with a bucket in GET /config, S3 requests going to the fake S3, and a clock 250 ms per reading. */
async function mountWithBucket(
  options: { bucket?: boolean } = {},
): Promise<{ view: Mounted; aws: FakeAws; s3: FakeS3 }> {
  localStorage.clear()
  const aws = fakeAws()
  const s3 = fakeS3()
  if (options.bucket !== false) aws.upload = { bucket: BUCKET, prefix: 'uploads/', s3Endpoint: S3 }
  const toWorker = aws.fetch
  aws.fetch = (input, init) => {
    const request = new Request(input, init)
    return request.url.startsWith(S3) ? s3.fetch(request) : toWorker(request)
  }
  let reading = 0
  view = mount(undefined, { clock: () => (reading += 250) }, aws)
  await view.page.configured
  return { view, aws, s3 }
}

function bytesOf(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  for (let index = 0; index < size; index++) bytes[index] = (index * 7 + (index >> 12)) & 255
  return bytes
}

const fileOf = (bytes: Uint8Array<ArrayBuffer>, name = 'photo album.bin') =>
  new File([bytes], name, { type: 'application/octet-stream' })

/** A promise the fake S3's part PUTs wait on, and its release. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {}
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 400; round++) {
    if (condition()) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`not seen: ${what}`)
}

describe('upload card: the numbers it shows', () => {
  it('formats bytes, durations, the object URL and the progress line', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(3.5 * 1024)).toBe('3.5 KiB')
    expect(formatBytes(12 * MIB)).toBe('12.0 MiB')
    expect(formatDuration(45_000)).toBe('45 s')
    expect(formatDuration(185_000)).toBe('3 min 05 s')
    expect(formatDuration(7_260_000)).toBe('2 h 01 min')
    expect(
      objectUrl({ region: 'us-east-1', s3Endpoint: S3, bucket: BUCKET, prefix: 'uploads/' }, '../My photo.jpg'),
    ).toBe(`${S3}${BUCKET}/uploads/My-photo.jpg`)
    // 3 MiB in 1.5 s: 2 MiB/s, 6 MiB left → 3 s.
    expect(progressView({ loaded: 6 * MIB, total: 12 * MIB }, 3 * MIB, 1500)).toEqual({
      percent: 50,
      text: '6.0 MiB of 12.0 MiB · 2.0 MiB/s · 3 s left',
    })
    // Nothing sent yet in this run (a resume's first report): no speed to show.
    expect(progressView({ loaded: 5 * MIB, total: 12 * MIB }, 0, 0).text).toBe('5.0 MiB of 12.0 MiB')
  })
})

describe('upload card on the page', () => {
  it('uploads 12 MiB in three parts with progress, and shows the composite SHA-256 S3 reports', async () => {
    const { view, s3 } = await mountWithBucket()
    const bytes = bytesOf(12 * MIB)
    const seen: string[] = []
    const status = view.$('upload-status')
    const observer = new MutationObserver(() => seen.push(status.textContent ?? ''))
    observer.observe(status, { childList: true, characterData: true, subtree: true })
    expect(view.$('upload-where').textContent).toBe(`s3://${BUCKET}/uploads/`)
    await view.page.upload.choose(fileOf(bytes))
    observer.disconnect()
    const progress = seen.filter((line) => line.includes(' of 12.0 MiB'))
    expect(progress.length).toBeGreaterThanOrEqual(3)
    // What is on its way at once, then the bytes stored, the speed and the time left.
    expect(seen[0]).toBe('Sending part 1 of 3 · 0 B of 12.0 MiB')
    const measured = progress.filter((line) => /MiB\/s/.test(line))
    expect(measured.length).toBeGreaterThanOrEqual(3)
    for (const line of measured)
      expect(line).toMatch(
        /^(Sending parts? [\d, and]+ of 3|Completing the upload) · [\d.]+ MiB of 12\.0 MiB · [\d.]+ [KMG]?i?B\/s · \d+ s left$/,
      )
    expect(status.textContent).toBe('Done: 12.0 MiB in 3 parts.')
    expect(view.$('upload-progress').getAttribute('aria-valuenow')).toBe('100')
    expect(view.$('u-key').textContent).toBe(`${BUCKET}/uploads/photo-album.bin`)
    expect(view.$('u-checksum').textContent).toBe(compositeSha256(bytes, PART))
    expect(Buffer.from(s3.objects.get('uploads/photo-album.bin')!).equals(Buffer.from(bytes))).toBe(true)
    expect(s3.calls.filter((call) => call.startsWith('PUT partNumber'))).toHaveLength(3)
    expect(view.$('history').textContent).toContain(`POST /${BUCKET}/uploads/photo-album.bin`)
  })

  it('pauses after the first part and resumes with only the missing parts', async () => {
    const { view, s3 } = await mountWithBucket()
    const bytes = bytesOf(12 * MIB)
    const held = gate()
    // The first part to arrive lands (1 or 2: two are signed at once); the others wait at the gate until the test
    // has paused.
    let partsSeen = 0
    let landed = 0
    const send = s3.fetch
    s3.fetch = (request) => {
      const part = Number(new URL(request.url).searchParams.get('partNumber'))
      if (request.method === 'PUT' && part && ++partsSeen > 1) s3.hold = held.promise
      else if (part) landed = part
      return send(request)
    }
    const running = view.page.upload.choose(fileOf(bytes))
    await until(() => (view.$('upload-status').textContent ?? '').includes('5.0 MiB of 12.0 MiB'), 'part 1 stored')
    expect(view.$('upload-pause').textContent).toBe('Pause')
    await view.page.upload.togglePause()
    await running
    expect(view.page.upload.job!.state).toBe('paused')
    expect(view.$('upload-pause').textContent).toBe('Resume')
    expect(view.$('upload-status').textContent).toMatch(/^Paused at 42% — Resume sends only the missing parts\.$/)
    const uploadId = view.page.upload.job!.uploadId!
    expect(s3.uploads.get(uploadId)!.parts.size).toBe(1) // kept, not aborted
    // The parts held at the gate stay unanswered (their requests were cancelled by the pause).
    s3.hold = undefined
    s3.fetch = send
    const before = s3.calls.length
    const partsBefore = s3.partsSent.length
    await view.page.upload.togglePause()
    expect(s3.calls.slice(before)).toContain('GET uploadId&max-parts') // ListParts
    // The part that landed is stored: the resume sends the other two only. (A part whose signing was under way at
    // the pause may still arrive after it, late: its answer is discarded.)
    const resent = s3.partsSent.slice(partsBefore)
    expect([1, 2]).toContain(landed)
    expect(resent).not.toContain(landed)
    expect(resent).toEqual(expect.arrayContaining([3 - landed, 3]))
    expect(view.$('u-checksum').textContent).toBe(compositeSha256(bytes, PART))
    expect(Buffer.from(s3.objects.get('uploads/photo-album.bin')!).equals(Buffer.from(bytes))).toBe(true)
  })

  it('cancel aborts the multipart upload: nothing of it stays in the bucket', async () => {
    const { view, s3 } = await mountWithBucket()
    const held = gate()
    s3.hold = held.promise
    const running = view.page.upload.choose(fileOf(bytesOf(12 * MIB)))
    await until(() => s3.uploads.size === 1 && s3.calls.some((call) => call.startsWith('PUT')), 'a part in flight')
    expect((view.$('upload-cancel') as HTMLButtonElement).disabled).toBe(false)
    const cancelled = view.page.upload.cancel()
    held.open()
    await cancelled
    await running
    expect(s3.calls).toContain('DELETE uploadId')
    expect(s3.uploads.size).toBe(0)
    expect(s3.objects.size).toBe(0)
    expect(view.page.upload.job!.state).toBe('cancelled')
    expect(view.$('upload-status').textContent).toBe(
      'Cancelled: the stored parts were discarded (AbortMultipartUpload).',
    )
    expect((view.$('upload-cancel') as HTMLButtonElement).disabled).toBe(true)
    // The Activity log says what happened: cancelled, never "paused".
    const log = view.$('log').textContent ?? ''
    expect(log).toContain('upload cancelled: http://')
    expect(log).not.toContain('upload paused')
  })

  it('a file under one part goes as a single PUT, with its checksum shown', async () => {
    const { view, s3 } = await mountWithBucket()
    const bytes = bytesOf(100_000)
    await view.page.upload.choose(fileOf(bytes, 'small.txt'))
    expect(s3.calls).toEqual(['PUT'])
    expect(view.$('upload-status').textContent).toBe('Done: 97.7 KiB in a single PUT.')
    expect(view.$('log').textContent).toMatch(/uploaded \S+small\.txt \(a single PUT\)/)
    expect(view.$('u-checksum').textContent).not.toBe('—')
  })
})

describe('upload card errors, named by component', () => {
  it('an S3 endpoint that does not answer is named as such', async () => {
    const { view, s3 } = await mountWithBucket()
    s3.down = true
    await view.page.upload.choose(fileOf(bytesOf(1000)))
    const shown = view.$('upload-error').textContent ?? ''
    expect(view.$('upload-error').hidden).toBe(false)
    expect(shown).toContain('S3 unreachable: the browser could not reach the S3 endpoint at http://127.0.0.1:4568.')
    expect(shown).toContain('Unreachable · s3')
    expect(view.page.upload.job!.state).toBe('failed')
  })

  it('a bucket whose CORS rules hide ETag: the card says which rule to add', async () => {
    const { view, s3 } = await mountWithBucket()
    s3.hideEtag = true
    await view.page.upload.choose(fileOf(bytesOf(6 * MIB)))
    const shown = view.$('upload-error').textContent ?? ''
    expect(shown).toContain("The bucket's CORS rules do not let this page read the ETag of each part.")
    expect(shown).toContain('ERR_UPLOAD_ETAG_HIDDEN')
  })

  it('a Worker that names no bucket: the card says what to set', async () => {
    const { view, s3 } = await mountWithBucket({ bucket: false })
    expect(view.$('upload-where').textContent).toBe('')
    await view.page.upload.choose(fileOf(bytesOf(1000)))
    expect(view.$('upload-error').textContent).toContain('set S3_BUCKET')
    expect(s3.calls).toEqual([])
  })
})
