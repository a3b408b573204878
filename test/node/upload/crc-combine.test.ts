// combineCrc against whole-input checksums (checksum() of src/s3.ts, itself checked against the AWS SDK's packages
// in test/node/s3/checksum.test.ts): crc(A‖B) from crc(A), crc(B) and |B|, for random splits and the edges.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { combineCrc, type CombinableCrc } from '../../../src/s3/crc-combine.js'
import { checksum } from '../../../src/s3.js'

const ALGORITHMS: CombinableCrc[] = ['crc32', 'crc32c', 'crc64nvme']

describe('combineCrc', () => {
  test.each(ALGORITHMS)('%s: check value "123456789" from two pieces', async (algorithm) => {
    const whole = await checksum('123456789', algorithm)
    for (let cut = 0; cut <= 9; cut++) {
      const first = await checksum('123456789'.slice(0, cut), algorithm)
      const second = await checksum('123456789'.slice(cut), algorithm)
      expect(combineCrc(algorithm, first, second, 9 - cut)).toBe(whole)
    }
  })

  test.each(ALGORITHMS)('%s: any bytes, any split (fast-check)', async (algorithm) => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.nat(), async (bytes, at) => {
        const cut = bytes.length ? at % (bytes.length + 1) : 0
        const combined = combineCrc(
          algorithm,
          await checksum(bytes.subarray(0, cut), algorithm),
          await checksum(bytes.subarray(cut), algorithm),
          bytes.length - cut,
        )
        expect(combined).toBe(await checksum(bytes, algorithm))
      }),
      { seed: 20261202, numRuns: 200 },
    )
  })

  test.each(ALGORITHMS)('%s: a 5 MiB + 1 second piece (a part-sized shift)', async (algorithm) => {
    const bytes = Uint8Array.from({ length: 5 * 1024 * 1024 + 1 + 777 }, (_, i) => (i * 131 + (i >> 9)) & 255)
    const combined = combineCrc(
      algorithm,
      await checksum(bytes.subarray(0, 777), algorithm),
      await checksum(bytes.subarray(777), algorithm),
      bytes.length - 777,
    )
    expect(combined).toBe(await checksum(bytes, algorithm))
  })
})
