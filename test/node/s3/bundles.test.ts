// The S3 additions stay out of the bundles that do not use them: no CRC or SHA tables in `sign` or
// `sign + presign`, and the size ceilings of those two bundles (scripts/size.mjs) hold.
import { describe, expect, it } from 'vitest'
import { entries, measureBundle } from '../../../scripts/size.mjs'

const S3_FILES = [
  'src/s3/checksum.ts',
  'src/s3/crc32-sliced.ts',
  'src/s3/crc64.ts',
  'src/s3/sha.ts',
  'src/s3/with-checksum.ts',
]
/** The CRC-64/NVME polynomial's high half and the first SHA-256 round constant, as esbuild prints them. */
const TABLE_CONSTANTS = /2590806825|0x9a6c9329|1116352408|0x428a2f98/i
const list = entries()
const measure = (id: string) => measureBundle(list.find((entry) => entry.id === id)!.contents)

describe('webcrypto-sigv4/s3 in bundles', () => {
  it('sign and sign + presign take none of the checksum files and stay within their ceilings', async () => {
    for (const id of ['sign', 'sign+presign']) {
      const ceiling = list.find((entry) => entry.id === id)!.ceiling!
      const { inputs, gzip, code } = await measure(id)
      expect(
        Object.keys(inputs).filter((file) => S3_FILES.includes(file)),
        id,
      ).toEqual([])
      // The CRC-64/NVME polynomial and the SHA-256 round constants appear in no form.
      expect(code).not.toMatch(TABLE_CONSTANTS)
      expect(gzip, id).toBeLessThanOrEqual(ceiling)
    }
  })
  it('the s3 bundle carries them (so the check above can fail)', async () => {
    const { inputs, code } = await measure('s3')
    expect(code).toMatch(TABLE_CONSTANTS)
    for (const file of S3_FILES) expect(inputs[file], file).toBeGreaterThan(0)
  })
})
