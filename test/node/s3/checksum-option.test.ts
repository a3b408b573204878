// The `checksum` option of sign/presign and signWithChecksum / presignWithChecksum: what is added and signed (a
// header, or a presigned query parameter), nothing without the option, typed errors, the computed values equal to
// the AWS packages, verify() accepting the results (and refusing them altered), and moto S3 (checks on) storing a
// PUT signed with a checksum.
import { Crc64Nvme } from '@aws-sdk/crc64-nvme'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SigV4Error } from '../../../src/core/errors.js'
import { presign, sign } from '../../../src/index.js'
import { presignWithChecksum, signWithChecksum } from '../../../src/s3.js'
import { verify } from '../../../src/verify.js'
import { differentFrom } from '../../helpers/different.js'
import { startMoto, type Moto } from '../../helpers/moto-s3.js'

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const url = 'https://my-bucket.s3.eu-west-1.amazonaws.com/report.pdf'
const body = 'the report, version 2'
const sha256 = createHash('sha256').update(body).digest('base64')
const lookupSecret = (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : null)
const signedHeadersOf = (request: Request) => /SignedHeaders=([^,]+)/.exec(request.headers.get('authorization')!)![1]!

async function crc64(bytes: Uint8Array): Promise<string> {
  const hash = new Crc64Nvme()
  hash.update(bytes)
  return Buffer.from(await hash.digest()).toString('base64')
}

describe('the checksum option of the core sign and presign', () => {
  test('sign adds and signs x-amz-checksum-<algorithm>; verify accepts it, and refuses a changed value', async () => {
    const request = await sign(
      { method: 'PUT', url, body },
      { credentials, checksum: { algorithm: 'sha256', value: sha256 } },
    )
    expect(request.headers.get('x-amz-checksum-sha256')).toBe(sha256)
    expect(signedHeadersOf(request).split(';')).toContain('x-amz-checksum-sha256')
    expect(request.headers.get('x-amz-sdk-checksum-algorithm')).toBeNull()
    expect((await verify(request.clone(), { lookupSecret })).ok).toBe(true)
    const altered = new Request(request, { headers: new Headers(request.headers) })
    altered.headers.set('x-amz-checksum-sha256', differentFrom(sha256))
    expect((await verify(altered, { lookupSecret })).ok).toBe(false)
  })

  test('nothing is added without the option', async () => {
    const request = await sign({ method: 'PUT', url, body }, { credentials })
    expect([...request.headers.keys()].filter((name) => name.includes('checksum'))).toEqual([])
    const presigned = await presign({ method: 'PUT', url }, { credentials })
    expect([...presigned.searchParams.keys()].filter((name) => name.includes('checksum'))).toEqual([])
  })

  test('presign signs it into the query (also with hoistHeaders: false), so the URL is for one body', async () => {
    for (const hoistHeaders of [true, false]) {
      const presigned = await presign(
        { method: 'PUT', url },
        { credentials, hoistHeaders, checksum: { algorithm: 'sha256', value: sha256 } },
      )
      expect(presigned.searchParams.get('x-amz-checksum-sha256')).toBe(sha256)
      expect((await verify(new Request(presigned, { method: 'PUT' }), { lookupSecret })).ok).toBe(true)
      presigned.searchParams.set('x-amz-checksum-sha256', differentFrom(sha256))
      expect((await verify(new Request(presigned, { method: 'PUT' }), { lookupSecret })).ok).toBe(false)
    }
  })

  test('presignWithChecksum drops a given checksum header: only the value of the option is in the URL', async () => {
    const presigned = await presignWithChecksum(
      { method: 'PUT', url, headers: { 'x-amz-checksum-sha256': 'c3RhbGU=' } },
      { credentials, checksum: { algorithm: 'sha256', value: sha256 } },
    )
    expect(presigned.searchParams.getAll('x-amz-checksum-sha256')).toEqual([sha256])
  })

  test('a given checksum header is replaced by the option, not repeated', async () => {
    const request = await sign(
      { method: 'PUT', url, body, headers: { 'x-amz-checksum-sha256': 'stale' } },
      { credentials, checksum: { algorithm: 'sha256', value: sha256 } },
    )
    expect(request.headers.get('x-amz-checksum-sha256')).toBe(sha256)
  })

  test.each([
    ['an unknown algorithm', { algorithm: 'md5', value: 'AAAA' }],
    ['an upper-case algorithm', { algorithm: 'CRC32', value: 'AAAAAA==' }],
    ['no value (the core computes none)', { algorithm: 'crc32' }],
    ['a value that is not base64', { algorithm: 'crc32', value: 'not base64!' }],
    ['a value with a line break', { algorithm: 'crc32', value: 'AAAA\nx-evil: 1' }],
  ])('%s: ERR_INVALID_OPTION', async (_, checksum) => {
    for (const action of [
      () => sign({ method: 'PUT', url, body }, { credentials, checksum: checksum as never }),
      () => presign({ method: 'PUT', url }, { credentials, checksum: checksum as never }),
    ]) {
      const error = await action().catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(SigV4Error)
      expect((error as SigV4Error).code).toBe('ERR_INVALID_OPTION')
    }
  })
})

describe('signWithChecksum and presignWithChecksum compute the value', () => {
  const bytes = new TextEncoder().encode(body)
  test('from a string, bytes, a Blob and a Request body: equal to @aws-sdk/crc64-nvme, with x-amz-sdk-checksum-algorithm', async () => {
    const expected = await crc64(bytes)
    const inputs = [
      { method: 'PUT', url, body },
      { method: 'PUT', url, body: bytes },
      { method: 'PUT', url, body: new Blob([bytes]) },
      new Request(url, { method: 'PUT', body: bytes }),
    ]
    for (const input of inputs) {
      const request = await signWithChecksum(input, { credentials, checksum: { algorithm: 'crc64nvme' } })
      expect(request.headers.get('x-amz-checksum-crc64nvme')).toBe(expected)
      expect(request.headers.get('x-amz-sdk-checksum-algorithm')).toBe('CRC64NVME')
      expect(signedHeadersOf(request)).toContain('x-amz-checksum-crc64nvme;x-amz-content-sha256')
      expect(new Uint8Array(await request.arrayBuffer())).toEqual(bytes)
    }
  })

  test('presignWithChecksum hoists both into the signed query; the URL carries no body', async () => {
    const presigned = await presignWithChecksum(
      { method: 'PUT', url, body: new Blob([bytes]) },
      { credentials, expiresIn: 300, checksum: { algorithm: 'crc64nvme' } },
    )
    expect(presigned.searchParams.get('x-amz-checksum-crc64nvme')).toBe(await crc64(bytes))
    expect(presigned.searchParams.get('x-amz-sdk-checksum-algorithm')).toBe('CRC64NVME')
    expect(presigned.searchParams.get('X-Amz-SignedHeaders')).toBe('host')
    expect((await verify(new Request(presigned, { method: 'PUT' }), { lookupSecret })).ok).toBe(true)
  })

  test('a given value is used as it is; a stream or a missing body without a value is refused', async () => {
    const request = await signWithChecksum(
      { method: 'PUT', url, body: new Blob([bytes]).stream(), duplex: 'half' } as never,
      { credentials, checksum: { algorithm: 'sha256', value: sha256 } },
    )
    expect(request.headers.get('x-amz-checksum-sha256')).toBe(sha256)
    for (const action of [
      () =>
        signWithChecksum(
          { method: 'PUT', url, body: new Blob([bytes]).stream() },
          { credentials, checksum: { algorithm: 'crc32' } },
        ),
      () => presignWithChecksum({ method: 'PUT', url }, { credentials, checksum: { algorithm: 'crc32' } }),
      () => signWithChecksum({ method: 'PUT', url, body }, { credentials, checksum: { algorithm: 'md5' as never } }),
    ]) {
      const error = await action().catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(SigV4Error)
      expect(['ERR_BODY_NOT_HASHABLE', 'ERR_INVALID_OPTION']).toContain((error as SigV4Error).code)
    }
  })
})

describe('moto S3 (signature checks on)', () => {
  let moto: Moto
  beforeAll(async () => {
    moto = await startMoto()
  }, 60_000)
  afterAll(() => moto?.stop())

  test('stores a PUT signed with each checksum; a wrong secret is refused', async () => {
    const options = { credentials: moto.credentials, region: 'us-east-1', service: 's3' }
    const created = await fetch(await sign({ method: 'PUT', url: `${moto.endpoint}/checksums` }, options))
    expect(created.status).toBe(200)
    for (const algorithm of ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const) {
      const put = await fetch(
        await signWithChecksum(
          { method: 'PUT', url: `${moto.endpoint}/checksums/${algorithm}`, body },
          { ...options, checksum: { algorithm } },
        ),
      )
      expect(put.status, await put.clone().text()).toBe(200)
      const got = await fetch(await sign({ url: `${moto.endpoint}/checksums/${algorithm}` }, options))
      expect(await got.text()).toBe(body)
    }
    const refused = await fetch(
      await signWithChecksum(
        { method: 'PUT', url: `${moto.endpoint}/checksums/bad`, body },
        {
          ...options,
          credentials: { ...moto.credentials, secretAccessKey: differentFrom(moto.credentials.secretAccessKey) },
          checksum: { algorithm: 'crc32' },
        },
      ),
    )
    expect(refused.status).toBe(403)
  })
})
