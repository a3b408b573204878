// A real browser form upload built from presignPost's fields: Chromium, on a page served from 127.0.0.1, posts a File
// as multipart/form-data to moto S3, which stores it. moto stores POST Object uploads only with its signature checks
// off (with them on it answers 500), and then checks neither the signature nor any policy condition: the second part
// of this file records that, so the policy's correctness rests on botocore and @aws-sdk/s3-presigned-post
// (presign-post.test.ts), and moto proves the form itself: field names, order, the file last, ${filename}.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sign } from '../../../src/index.js'
import { presignPost, type PresignPostInput, type PresignPostOptions } from '../../../src/s3.js'
import { servePage, type Listening } from '../../helpers/loopback.js'
import { startMoto, type MotoServer } from '../../helpers/moto.js'
import { browsers, type BrowserSession } from '../../helpers/browser-session.js'

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const s3 = { credentials, region: 'us-east-1', service: 's3' }
let moto: MotoServer
let page: Listening | undefined
let pageUrl: string
let browser: BrowserSession | undefined

beforeAll(async () => {
  moto = await startMoto({ authChecks: false })
  const created = await fetch(await sign({ method: 'PUT', url: `${moto.endpoint}/uploads` }, s3))
  expect(created.status).toBe(200)
  page = await servePage({ '/index.html': '<!doctype html><title>upload</title><p>form upload page</p>' })
  pageUrl = `${page.endpoint}/`
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await page?.close()
  await moto?.stop()
})

const getObject = async (key: string) =>
  fetch(
    await sign(
      { method: 'GET', url: `${moto.endpoint}/uploads/${key.split('/').map(encodeURIComponent).join('/')}` },
      s3,
    ),
  )

describe('Chromium posts a File with the presigned fields to moto S3', () => {
  test('the object is stored under the ${filename} key, with the signed Content-Type and metadata', async () => {
    const { url, fields } = await presignPost(
      {
        url: `${moto.endpoint}/uploads`,
        key: 'avatars/u1/${filename}',
        fields: { 'Content-Type': 'image/png', 'x-amz-meta-note': 'from a page', success_action_status: '201' },
        conditions: [['content-length-range', 1, 1_000_000]],
      },
      { credentials, region: 'us-east-1', expiresIn: 300 },
    )
    const { launchBrowser, within } = await browsers()
    browser = await within(90_000, 'chromium start', launchBrowser('chromium'))
    await browser.goto(pageUrl)
    // The page builds the form as an app would: the fields in order, then the File last.
    const result = (await browser.evaluate(`(async () => {
      const fields = ${JSON.stringify(fields)}
      const form = new FormData()
      for (const [name, value] of Object.entries(fields)) form.append(name, value)
      const bytes = new Uint8Array(3000).map((_, i) => (i * 7) % 256)
      form.append('file', new File([bytes], 'portrait.png', { type: 'image/png' }))
      const response = await fetch(${JSON.stringify(url)}, { method: 'POST', body: form })
      return { status: response.status, origin: location.origin }
    })()`)) as { status: number; origin: string }
    expect(result.origin).toBe(pageUrl.slice(0, -1))
    expect(result.status).toBe(201)

    const stored = await getObject('avatars/u1/portrait.png')
    expect(stored.status).toBe(200)
    const bytes = new Uint8Array(await stored.arrayBuffer())
    expect(bytes).toEqual(new Uint8Array(3000).map((_, i) => (i * 7) % 256))
    expect(stored.headers.get('content-type')).toBe('image/png')
    expect(stored.headers.get('x-amz-meta-note')).toBe('from a page')
  }, 120_000)
})

describe('what moto does not check in a POST Object (checks off, moto 5.x): stated here so nobody relies on it', () => {
  const base: PresignPostInput = { url: '', key: 'probe.txt' }
  const options: PresignPostOptions = { credentials, region: 'us-east-1' }
  /** Posts a form built from our fields, changed by `tamper`, from Node; returns moto's status and what it stored. */
  async function post(input: Partial<PresignPostInput>, tamper: (form: FormData) => void, extra = {}) {
    const { url, fields } = await presignPost(
      { ...base, url: `${moto.endpoint}/uploads`, ...input },
      { ...options, ...extra },
    )
    const form = new FormData()
    for (const [name, value] of Object.entries(fields)) form.append(name, value)
    tamper(form)
    form.append('file', new Blob(['0123456789']), 'f.txt')
    const response = await fetch(url, { method: 'POST', body: form })
    await response.arrayBuffer()
    return response.status
  }
  // Each row: a form S3 refuses (403 AccessDenied / 400 EntityTooLarge / InvalidPolicyDocument), and where moto put it.
  const cases: Array<[string, Partial<PresignPostInput>, (form: FormData) => void, object, string]> = [
    ['a wrong signature', { key: 'w1.txt' }, (form) => form.set('x-amz-signature', '0'.repeat(64)), {}, 'w1.txt'],
    [
      'an expired policy',
      { key: 'w2.txt' },
      () => undefined,
      { datetime: '2020-01-01T00:00:00Z', expiresIn: 60 },
      'w2.txt',
    ],
    [
      'a file over content-length-range',
      { key: 'w3.txt', conditions: [['content-length-range', 0, 3]] },
      () => undefined,
      {},
      'w3.txt',
    ],
    [
      'a key other than the signed one',
      { key: 'w4.txt' },
      (form) => form.set('key', 'w4-other.txt'),
      {},
      'w4-other.txt',
    ],
    [
      'a key outside the ${filename} prefix',
      { key: 'in/${filename}' },
      (form) => form.set('key', 'out/w5.txt'),
      {},
      'out/w5.txt',
    ],
    [
      'a field changed after signing',
      { key: 'w6.txt', fields: { 'Content-Type': 'text/plain' } },
      (form) => form.set('Content-Type', 'text/html'),
      {},
      'w6.txt',
    ],
    [
      'a field the policy does not list',
      { key: 'w7.txt' },
      (form) => form.append('x-amz-meta-extra', '1'),
      {},
      'w7.txt',
    ],
    [
      'a policy replaced by an empty one',
      { key: 'w8.txt' },
      (form) => form.set('policy', btoa('{"expiration":"2099-01-01T00:00:00Z","conditions":[]}')),
      {},
      'w8.txt',
    ],
  ]
  test.each(cases)('moto stores %s (S3 refuses it)', async (_, input, tamper, extra, storedKey) => {
    expect(await post(input, tamper, extra)).toBe(204)
    expect((await getObject(storedKey)).status).toBe(200)
  })
})
