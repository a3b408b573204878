// The checksum of an upload: which algorithm and type, and the composite checksum S3 computes from the parts.
import { checksumAlgorithm, type ChecksumAlgorithm } from '../../core/checksum-algorithms.js'
import { checksum } from '../checksum.js'
import type { CombinableCrc } from '../crc-combine.js'
import { UploadError } from './errors.js'
import type { ChecksumType } from './types.js'

/** Which checksum types S3 supports for each algorithm, the default first. */
const CHECKSUM_TYPES: Record<ChecksumAlgorithm, readonly ChecksumType[]> = {
  crc32: ['FULL_OBJECT', 'COMPOSITE'],
  crc32c: ['FULL_OBJECT', 'COMPOSITE'],
  crc64nvme: ['FULL_OBJECT'],
  sha1: ['COMPOSITE'],
  sha256: ['COMPOSITE'],
}

// The checksum settings of one upload.
export interface ChecksumPlan {
  algorithm: ChecksumAlgorithm
  type: ChecksumType
}

// FULL_OBJECT is offered for the CRCs only (CHECKSUM_TYPES), and those combine.
export const isCombinable = (algorithm: ChecksumAlgorithm): algorithm is CombinableCrc => algorithm.startsWith('crc')

export function checksumPlan(options: { checksum?: unknown; checksumType?: unknown }): ChecksumPlan | undefined {
  if (options.checksum === undefined) {
    if (options.checksumType !== undefined)
      throw new UploadError('ERR_INVALID_OPTION', 'options.checksumType needs options.checksum (the algorithm)')
    return undefined
  }
  const algorithm = checksumAlgorithm(options.checksum, 'options.checksum')
  const supported = CHECKSUM_TYPES[algorithm]
  const type = (options.checksumType ?? supported[0]) as ChecksumType
  if (!supported.includes(type))
    throw new UploadError(
      'ERR_INVALID_OPTION',
      `S3 supports checksumType ${supported.join(' or ')} for ${algorithm}, not ${JSON.stringify(options.checksumType)}`,
    )
  return { algorithm, type }
}

/** S3's name of an algorithm in `x-amz-checksum-algorithm`. */
export const algorithmName = (algorithm: ChecksumAlgorithm): string => algorithm.toUpperCase()

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (character) => character.charCodeAt(0))
}

/**
 * The composite checksum S3 computes for a multipart upload: the checksum of the concatenated (decoded) part
 * checksums, base64, then `-` and the number of parts.
 *
 * @example
 * await compositeChecksum('crc32', [part1Checksum, part2Checksum]) // 'abCdEf==-2'
 */
export async function compositeChecksum(
  algorithm: ChecksumAlgorithm,
  partChecksums: readonly string[],
): Promise<string> {
  const decoded = partChecksums.map(fromBase64)
  const joined = new Uint8Array(decoded.reduce((length, bytes) => length + bytes.length, 0))
  let offset = 0
  for (const bytes of decoded) {
    joined.set(bytes, offset)
    offset += bytes.length
  }
  return `${await checksum(joined, algorithm)}-${partChecksums.length}`
}
