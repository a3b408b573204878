// checksum(): check values, equality with the AWS packages and node:crypto on random buffers up to 16 MiB, the
// same value whatever the stream's chunking, every input kind, and typed errors.
import { createHash, randomBytes } from 'node:crypto'
import { AwsCrc32 } from '@aws-crypto/crc32'
import { AwsCrc32c } from '@aws-crypto/crc32c'
import { Crc64Nvme } from '@aws-sdk/crc64-nvme'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { checksum, type ChecksumAlgorithm } from '../../../src/s3.js'
import { crc32, crc32c } from '../../../src/core/crc32.js'
import { crc32Sliced, crc32cSliced } from '../../../src/s3/crc32-sliced.js'
import { sha1Incremental, sha256Incremental } from '../../../src/s3/sha.js'
import { SigV4Error } from '../../../src/core/errors.js'

const ALGORITHMS: ChecksumAlgorithm[] = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256']

/** The reference value of each algorithm: the AWS SDK's own packages for the CRCs, node:crypto for SHA. */
async function reference(bytes: Uint8Array, algorithm: ChecksumAlgorithm): Promise<string> {
  const b64 = (digest: Uint8Array) => Buffer.from(digest).toString('base64')
  switch (algorithm) {
    case 'crc32': {
      const hash = new AwsCrc32()
      hash.update(bytes)
      return b64(await hash.digest())
    }
    case 'crc32c': {
      const hash = new AwsCrc32c()
      hash.update(bytes)
      return b64(await hash.digest())
    }
    case 'crc64nvme': {
      const hash = new Crc64Nvme()
      hash.update(bytes)
      return b64(await hash.digest())
    }
    case 'sha1':
      return createHash('sha1').update(bytes).digest('base64')
    case 'sha256':
      return createHash('sha256').update(bytes).digest('base64')
  }
}

/** A stream that yields `bytes` cut at the given lengths (cycled). */
function streamOf(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  let offset = 0
  let turn = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      const length = Math.max(1, cuts[turn++ % cuts.length]!)
      controller.enqueue(bytes.slice(offset, offset + length))
      offset += length
    },
  })
}

const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex')

describe('check values of "123456789"', () => {
  const expected: Record<ChecksumAlgorithm, string> = {
    crc32: 'cbf43926',
    crc32c: 'e3069283',
    crc64nvme: 'ae8b14860a799888',
    sha1: 'f7c3bc1d808e04732adf679965ccc34ca7ae3441',
    sha256: '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
  }
  for (const algorithm of ALGORITHMS) {
    test(algorithm, async () => {
      expect(hex(await checksum('123456789', algorithm))).toBe(expected[algorithm])
      expect(hex(await checksum(streamOf(new TextEncoder().encode('123456789'), [2, 3]), algorithm))).toBe(
        expected[algorithm],
      )
    })
  }
  test('the sliced CRC-32s equal the byte-at-a-time tables of crc32.ts', () => {
    const bytes = randomBytes(100_003)
    expect(crc32Sliced(bytes)).toBe(crc32(bytes))
    expect(crc32cSliced(bytes)).toBe(crc32c(bytes))
  })
})

describe('equal to @aws-crypto/crc32, @aws-crypto/crc32c, @aws-sdk/crc64-nvme and node:crypto', () => {
  // Every length class: empty, under one 8-byte slice, odd tails, around 64-byte SHA blocks, and up to 16 MiB.
  const sizes = [0, 1, 7, 8, 9, 55, 56, 63, 64, 65, 119, 120, 1000, 65_536 + 3, 1024 * 1024 + 5, 16 * 1024 * 1024]
  for (const size of sizes) {
    test(`${size} random bytes`, async () => {
      const bytes = new Uint8Array(randomBytes(size))
      for (const algorithm of ALGORITHMS) {
        const expected = await reference(bytes, algorithm)
        expect(await checksum(bytes, algorithm), `${algorithm} of bytes`).toBe(expected)
        if (size <= 1024 * 1024 + 5)
          expect(await checksum(streamOf(bytes, [65_536, 1, 4093]), algorithm), `${algorithm} of a stream`).toBe(
            expected,
          )
      }
    }, 60_000)
  }
  test('a 16 MiB stream in 64 KiB pieces (the incremental SHA and the CRCs)', async () => {
    const bytes = new Uint8Array(randomBytes(16 * 1024 * 1024))
    for (const algorithm of ALGORITHMS)
      expect(await checksum(streamOf(bytes, [65_536]), algorithm), algorithm).toBe(await reference(bytes, algorithm))
  }, 120_000)

  test('any chunking of a stream gives the same value (property, seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 20 }),
        fc.constantFrom(...ALGORITHMS),
        async (bytes, cuts, algorithm) => {
          expect(await checksum(streamOf(bytes, cuts), algorithm)).toBe(await reference(bytes, algorithm))
        },
      ),
      { seed: 16, numRuns: 400 },
    )
  })

  test('the incremental SHA-1 and SHA-256 equal node:crypto at every split point around the padding', () => {
    const bytes = new Uint8Array(randomBytes(200))
    for (let length = 0; length <= 200; length++) {
      for (const split of [0, 1, 55, 56, 63, 64, 65].filter((at) => at <= length)) {
        const sha1 = sha1Incremental()
        const sha256 = sha256Incremental()
        for (const hash of [sha1, sha256]) {
          hash.update(bytes.subarray(0, split))
          hash.update(bytes.subarray(split, length))
        }
        const part = bytes.subarray(0, length)
        expect(Buffer.from(sha1.digest()).toString('hex')).toBe(createHash('sha1').update(part).digest('hex'))
        expect(Buffer.from(sha256.digest()).toString('hex')).toBe(createHash('sha256').update(part).digest('hex'))
      }
    }
  })
})

describe('inputs', () => {
  const text = 'héllo, S3 ✓'
  const bytes = new TextEncoder().encode(text)
  test('a string is hashed as UTF-8, and every BufferSource, a Blob and a stream give the same value', async () => {
    for (const algorithm of ALGORITHMS) {
      const expected = await reference(bytes, algorithm)
      const padded = new Uint8Array(bytes.length + 6)
      padded.set(bytes, 3)
      const inputs = [
        text,
        bytes,
        bytes.buffer,
        new DataView(padded.buffer, 3, bytes.length),
        padded.subarray(3, 3 + bytes.length),
        new Blob([bytes]),
        new Blob([bytes]).stream(),
      ]
      for (const input of inputs) expect(await checksum(input, algorithm), `${algorithm}`).toBe(expected)
    }
  })
  test('a Blob above the whole-read limit is streamed and gives the same SHA', async () => {
    const big = new Uint8Array(randomBytes(9 * 1024 * 1024))
    expect(await checksum(new Blob([big]), 'sha256')).toBe(await reference(big, 'sha256'))
    expect(await checksum(new Blob([big]), 'sha1')).toBe(await reference(big, 'sha1'))
  }, 60_000)
})

describe('errors', () => {
  const code = async (action: () => Promise<unknown>) => {
    const error = await action().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(SigV4Error)
    return (error as SigV4Error).code
  }
  test('an unknown algorithm', async () => {
    expect(await code(() => checksum('x', 'md5' as ChecksumAlgorithm))).toBe('ERR_INVALID_OPTION')
    expect(await code(() => checksum('x', 'CRC32' as ChecksumAlgorithm))).toBe('ERR_INVALID_OPTION')
    expect(await code(() => checksum('x', 'toString' as ChecksumAlgorithm))).toBe('ERR_INVALID_OPTION')
  })
  test('data of the wrong kind', async () => {
    expect(await code(() => checksum(42 as unknown as string, 'crc32'))).toBe('ERR_BODY_NOT_HASHABLE')
    expect(await code(() => checksum(null as unknown as string, 'crc32'))).toBe('ERR_BODY_NOT_HASHABLE')
    const textStream = new ReadableStream({ start: (c) => (c.enqueue('text'), c.close()) })
    expect(await code(() => checksum(textStream as ReadableStream<Uint8Array>, 'crc32'))).toBe('ERR_BODY_NOT_HASHABLE')
  })
  test('a locked stream, and a stream that fails (its error is the cause)', async () => {
    const locked = new Blob(['abc']).stream()
    locked.getReader()
    expect(await code(() => checksum(locked, 'crc32'))).toBe('ERR_BODY_USED')
    const broken = new Error('disk gone')
    const failing = new ReadableStream({ pull: (c) => c.error(broken) })
    const error = await checksum(failing, 'sha256').catch((caught: unknown) => caught)
    expect((error as SigV4Error).code).toBe('ERR_BODY_READ')
    expect((error as SigV4Error).cause).toBe(broken)
  })
})
