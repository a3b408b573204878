// The checksum of an upload: which algorithm and type, and the composite checksum S3 computes from the parts.
import {
  CHECKSUM_ALGORITHMS,
  checksumAlgorithm,
  type ChecksumAlgorithm,
  type ChecksumType,
} from '../../core/checksum-algorithms.js'
import { fromBase64 } from '../../core/encoding.js'
import { fail } from '../../core/errors.js'
import { checksum } from '../checksum.js'
import type { CombinableCrc } from '../crc-combine.js'
import { UploadError } from './errors.js'

// The checksum settings of one upload.
export interface ChecksumPlan {
  algorithm: ChecksumAlgorithm
  type: ChecksumType
}

// FULL_OBJECT is offered for the CRCs only (CHECKSUM_ALGORITHMS' types), and those combine.
export const isCombinable = (algorithm: ChecksumAlgorithm): algorithm is CombinableCrc => algorithm.startsWith('crc')

export function checksumPlan(options: { checksum?: unknown; checksumType?: unknown }): ChecksumPlan | undefined {
  if (options.checksum === undefined) {
    if (options.checksumType !== undefined)
      throw new UploadError('ERR_INVALID_OPTION', 'options.checksumType needs options.checksum (the algorithm)')
    return undefined
  }
  const algorithm = checksumAlgorithm(options.checksum, 'options.checksum')
  const supported = CHECKSUM_ALGORITHMS[algorithm].types
  const type = (options.checksumType ?? supported[0]) as ChecksumType
  if (!supported.includes(type))
    throw new UploadError(
      'ERR_INVALID_OPTION',
      `S3 supports checksumType ${supported.join(' or ')} for ${algorithm}, not ${JSON.stringify(options.checksumType)}`,
    )
  return { algorithm, type }
}

/** S3's name of an algorithm in `x-amz-checksum-algorithm`. */
export const algorithmName = (algorithm: ChecksumAlgorithm): string => CHECKSUM_ALGORITHMS[algorithm].name

/**
 * The composite checksum S3 computes for a multipart upload: the checksum of the concatenated (decoded) part
 * checksums, base64, then `-` and the number of parts.
 *
 * @example
 * // The x-amz-checksum-crc32 of each part, as UploadPart answered (here of 'hello ' and 'world')
 * await compositeChecksum('crc32', ['7YH59g==', 'OncRQw==']) // '1Fu2mQ==-2'
 */
export async function compositeChecksum(
  algorithm: ChecksumAlgorithm,
  partChecksums: readonly string[],
): Promise<string> {
  const decoded = partChecksums.map(
    (part, index) =>
      fromBase64(part) ??
      fail('ERR_INVALID_OPTION', `Pass part checksum ${index + 1} as S3 gave it: base64, with = padding`),
  )
  const joined = new Uint8Array(decoded.reduce((length, bytes) => length + bytes.length, 0))
  let offset = 0
  for (const bytes of decoded) {
    joined.set(bytes, offset)
    offset += bytes.length
  }
  return `${await checksum(joined, algorithm)}-${partChecksums.length}`
}
