// The few S3 XML documents a multipart upload reads and writes, read with the package's one XML reader
// (core/xml.ts).
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../core/checksum-algorithms.js'
import { escapeXmlText, xmlElements, xmlText } from '../core/xml.js'

/** The S3 XML namespace that request documents declare. */
const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

// S3 names the answer documents `<Operation>Result`; moto (the test server) names some `<Operation>Response`.
// Either root is accepted: the children are the same.
function hasRoot(xml: string, operation: string): boolean {
  return xml.includes(`<${operation}Result`) || xml.includes(`<${operation}Response`)
}

/**
 * The element of an algorithm's checksum in S3's part and object descriptions.
 *
 * @example
 * checksumElement('crc64nvme') // 'ChecksumCRC64NVME'
 */
export const checksumElement = (algorithm: ChecksumAlgorithm): string =>
  'Checksum' + CHECKSUM_ALGORITHMS[algorithm].name

/** A part as S3 lists it (ListParts). */
export interface StoredPart {
  /** The part's number, 1 to 10,000. */
  partNumber: number
  /** Bytes S3 holds for the part. */
  size: number
  /** As S3 sends it, quotes included. */
  etag: string
  /** The part's checksum, when the upload has a checksum algorithm. */
  checksum?: string
}

/** One page of a ListParts answer. */
export interface ListPartsPage {
  parts: StoredPart[]
  /** The marker for the next page, when the list is truncated. */
  nextPartNumberMarker?: string
}

/**
 * Reads a `ListPartsResult` page; `checksum` names the checksum element to pick up.
 *
 * @example
 * parseListParts('<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>"e"</ETag><Size>5</Size></Part><IsTruncated>false</IsTruncated></ListPartsResult>')
 * // { parts: [{ partNumber: 1, size: 5, etag: '"e"' }] }
 */
export function parseListParts(xml: string, checksum?: ChecksumAlgorithm): ListPartsPage | undefined {
  if (!hasRoot(xml, 'ListParts')) return undefined
  const parts: StoredPart[] = []
  for (const body of xmlElements(xml, 'Part')) {
    const partNumber = Number(xmlText(body, 'PartNumber'))
    const size = Number(xmlText(body, 'Size'))
    const etag = xmlText(body, 'ETag')
    if (!Number.isInteger(partNumber) || !Number.isInteger(size) || etag === undefined) return undefined
    const stored = checksum && xmlText(body, checksumElement(checksum))
    parts.push({ partNumber, size, etag, ...(stored && { checksum: stored }) })
  }
  // Children of the result itself (before the parts in S3's answers); no part element has children of these names.
  const truncated = xmlText(xml, 'IsTruncated') === 'true'
  const marker = xmlText(xml, 'NextPartNumberMarker')
  return { parts, ...(truncated && marker && { nextPartNumberMarker: marker }) }
}

/**
 * The `UploadId` of an `InitiateMultipartUploadResult`, or `undefined` when the answer is not one.
 *
 * @example
 * parseInitiate('<InitiateMultipartUploadResult><UploadId>abc</UploadId></InitiateMultipartUploadResult>') // 'abc'
 */
export function parseInitiate(xml: string): string | undefined {
  if (!hasRoot(xml, 'InitiateMultipartUpload')) return undefined
  return xmlText(xml, 'UploadId') || undefined
}

/** What a `CompleteMultipartUploadResult` says. */
export interface CompletedObject {
  location: string
  etag: string
  /** The object's checksum as S3 computed it (full-object, or composite with `-N`), when it sends one. */
  checksum?: string
}

/**
 * Reads a `CompleteMultipartUploadResult`; `undefined` when the answer is something else (S3 can answer 200
 * with an `<Error>` document: the caller reads that one as an error).
 *
 * @example
 * parseComplete('<CompleteMultipartUploadResult><Location>https://b/k</Location><ETag>"x-2"</ETag></CompleteMultipartUploadResult>')
 * // { location: 'https://b/k', etag: '"x-2"' }
 */
export function parseComplete(xml: string, checksum?: ChecksumAlgorithm): CompletedObject | undefined {
  if (!hasRoot(xml, 'CompleteMultipartUpload')) return undefined
  const etag = xmlText(xml, 'ETag')
  if (etag === undefined) return undefined
  const stored = checksum && xmlText(xml, checksumElement(checksum))
  return { location: xmlText(xml, 'Location') ?? '', etag, ...(stored && { checksum: stored }) }
}

/** A part as CompleteMultipartUpload lists it. */
export interface CompletedPart {
  partNumber: number
  etag: string
  checksum?: string
}

/**
 * The `CompleteMultipartUpload` request document, parts in ascending order as S3 requires.
 *
 * @example
 * completeDocument([{ partNumber: 1, etag: '"e"' }])
 * // '<CompleteMultipartUpload xmlns="…"><Part><PartNumber>1</PartNumber><ETag>"e"</ETag></Part></CompleteMultipartUpload>'
 */
export function completeDocument(parts: readonly CompletedPart[], checksum?: ChecksumAlgorithm): string {
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber)
  let xml = `<CompleteMultipartUpload xmlns="${S3_NAMESPACE}">`
  for (const part of sorted) {
    xml += `<Part><PartNumber>${part.partNumber}</PartNumber><ETag>${escapeXmlText(part.etag)}</ETag>`
    if (checksum && part.checksum) {
      const element = checksumElement(checksum)
      xml += `<${element}>${escapeXmlText(part.checksum)}</${element}>`
    }
    xml += '</Part>'
  }
  return xml + '</CompleteMultipartUpload>'
}
