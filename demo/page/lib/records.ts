// Record sizes and how records are shown: Kinesis takes at most 1 MiB per record (data plus partition key),
// counted here in UTF-8 bytes before anything is signed; the view shows huge records truncated, empty ones named.

/** Kinesis's limit per record: data plus partition key, in bytes (1 MiB). */
export const RECORD_LIMIT_BYTES = 1024 * 1024

/** Characters of a record the read-back view shows before it truncates. */
export const PREVIEW_CHARS = 2000

const encoder = new TextEncoder()

/**
 * The UTF-8 size of a text in bytes.
 *
 * @example
 * utf8Bytes('é') // 2
 */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length
}

/**
 * Bytes for people: `812 B`, `14.2 KiB`, `1.00 MiB`.
 *
 * @example
 * formatBytes(1536) // '1.5 KiB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`
}

/** What the byte counter next to the record field shows. */
export interface RecordSize {
  /** Data plus partition key, in bytes. */
  bytes: number
  /** `ok` below 90 % of the limit, `near` up to it, `over` past it. */
  state: 'ok' | 'near' | 'over'
  /** E.g. `43 B of 1 MiB`. */
  text: string
}

/**
 * The size of a record as Kinesis counts it, against the 1 MiB limit.
 *
 * @example
 * recordSize('{"a":1}', 'demo') // { bytes: 11, state: 'ok', text: '11 B of 1 MiB' }
 */
export function recordSize(data: string, partitionKey: string): RecordSize {
  const bytes = utf8Bytes(data) + utf8Bytes(partitionKey)
  const state = bytes > RECORD_LIMIT_BYTES ? 'over' : bytes > RECORD_LIMIT_BYTES * 0.9 ? 'near' : 'ok'
  return { bytes, state, text: `${formatBytes(bytes)} of 1 MiB` }
}

/**
 * The message for a record over the limit, with the numbers.
 *
 * @example
 * tooLargeMessage(1_200_000) // 'This record is 1.14 MiB (data plus partition key): Kinesis takes at most 1 MiB per record. …'
 */
export function tooLargeMessage(bytes: number): string {
  return (
    `This record is ${formatBytes(bytes)} (data plus partition key): Kinesis takes at most 1 MiB per record. ` +
    `Shorten it by ${formatBytes(bytes - RECORD_LIMIT_BYTES)} or split it in several records.`
  )
}

/** A record's text as the read-back view shows it. */
export interface RecordPreview {
  text: string
  /** Set when the text was cut: the record's whole size. */
  truncatedFrom?: number
  empty: boolean
}

/**
 * The first PREVIEW_CHARS characters of a record (newlines and tabs kept), or `(empty, 0 bytes)`.
 *
 * @example
 * previewRecord('') // { text: '(empty, 0 bytes)', empty: true }
 */
export function previewRecord(text: string): RecordPreview {
  if (text === '') return { text: '(empty, 0 bytes)', empty: true }
  if (text.length <= PREVIEW_CHARS) return { text, empty: false }
  return { text: text.slice(0, PREVIEW_CHARS), truncatedFrom: utf8Bytes(text), empty: false }
}
