// A small Kinesis producer on AwsClient: PutRecord, and PutRecords batched within the service limits with
// only the failed records of a partial failure sent again.
import type { AwsClient } from '../client/client.js'
import { fail } from '../core/errors.js'
import { backoff, sleep } from '../client/retry.js'
import { base64, utf8 } from '../core/encoding.js'

/** One record: `data` (a string is sent as UTF-8) and the `partitionKey` that picks its shard. */
export interface KinesisRecord {
  /** The record's payload; a string is sent as its UTF-8 bytes. */
  data: string | Uint8Array
  /** Hashed (MD5, by Kinesis) to pick the shard; records of one key go to one shard, in order. */
  partitionKey: string
  /** Overrides the partition key's hash to pick the shard. */
  explicitHashKey?: string
}

/** Where a record went; `errorCode`/`errorMessage` instead when it could not be put after all retries. */
export interface PutRecordResult {
  /** The shard that took the record. */
  shardId?: string
  /** The record's sequence number in its shard. */
  sequenceNumber?: string
  /** Why the record was not put, e.g. `ProvisionedThroughputExceededException` (then no `shardId`). */
  errorCode?: string
  /** The service's explanation of `errorCode`. */
  errorMessage?: string
}

/** Progress of `putRecords`: records accepted so far, the total, and records that failed for good. */
export interface PutRecordsProgress {
  /** Records the stream has accepted so far. */
  sent: number
  /** Records passed to `putRecords`. */
  total: number
  /** Records that failed for good (retries used up); they are not sent again. */
  failed: number
}

/**
 * Per-call limits of PutRecords (records, bytes per call, bytes per record; data plus partition key).
 *
 * @example
 * declare const records: KinesisRecord[]
 * records.length <= KINESIS_LIMITS.records
 */
export const KINESIS_LIMITS = { records: 500, callBytes: 5 * 1024 * 1024, recordBytes: 1024 * 1024 }

/** Options of {@link KinesisProducer}. */
export interface KinesisProducerOptions {
  /** The client that signs (and retries whole calls); its `region` names the endpoint when `endpoint` is absent. */
  client: AwsClient
  /** The name of the data stream the records go to. */
  streamName: string
  /**
   * The Kinesis endpoint, e.g. a local test server.
   * @default `https://kinesis.${client.options.region}.amazonaws.com/`
   */
  endpoint?: string
}

/** Options of {@link KinesisProducer.putRecord}. */
export interface PutRecordOptions {
  /** Aborts the call, retries and backoff included. */
  signal?: AbortSignal
}

/** Options of {@link KinesisProducer.putRecords}. */
export interface PutRecordsOptions {
  /** Called after each PutRecords call with the records accepted so far, the total, and those failed for good. */
  onProgress?: (progress: PutRecordsProgress) => void
  /** Aborts the calls, retries and backoff included. */
  signal?: AbortSignal
  /**
   * How many times the records of a partial failure are sent again.
   * @default 5
   */
  retries?: number
  /**
   * Backoff base in milliseconds between those resends (capped exponential backoff with full jitter, at most 5 s).
   * @default 100
   */
  retryDelay?: number
}

const TARGET_PREFIX = 'Kinesis_20131202.'
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1'
const DEFAULT_PARTIAL_RETRIES = 5
const DEFAULT_PARTIAL_RETRY_DELAY = 100
const MAX_PARTIAL_RETRY_DELAY = 5000
const MAX_PARTITION_KEY_CHARACTERS = 256

/** One record as PutRecords carries it, with the size Kinesis counts against its limits. */
interface Entry {
  index: number
  request: { Data: string; PartitionKey: string; ExplicitHashKey?: string }
  size: number
}

// Checks a record against what Kinesis accepts and turns it into its wire form. `name` says which record it
// is in messages ("The record", "Record 3").
function entryOf(record: KinesisRecord, index: number, name: string): Entry {
  const { data, partitionKey, explicitHashKey } = record ?? ({} as KinesisRecord)
  const bytes = typeof data === 'string' ? utf8(data) : data
  if (!(bytes instanceof Uint8Array))
    fail('ERR_INVALID_REQUEST', `${name} needs data: a string (sent as UTF-8) or a Uint8Array`)
  if (typeof partitionKey !== 'string' || !partitionKey || partitionKey.length > MAX_PARTITION_KEY_CHARACTERS)
    fail('ERR_INVALID_REQUEST', `${name} needs a partitionKey of 1 to ${MAX_PARTITION_KEY_CHARACTERS} characters`)
  // Kinesis counts the data before base64 plus the partition key against the 1 MiB per record.
  const size = bytes.length + utf8(partitionKey).length
  if (size > KINESIS_LIMITS.recordBytes)
    fail(
      'ERR_RECORD_TOO_LARGE',
      `${name} is ${size} bytes (data plus partition key): Kinesis takes at most 1 MiB (1048576 bytes) per record`,
    )
  return {
    index,
    request: { Data: base64(bytes), PartitionKey: partitionKey, ExplicitHashKey: explicitHashKey },
    size,
  }
}

// The end (exclusive) of the batch that starts at `start`: as many entries as fit in one PutRecords call.
function batchEnd(entries: Entry[], start: number): number {
  let end = start
  let bytes = 0
  while (end < entries.length && end - start < KINESIS_LIMITS.records) {
    const size = entries[end]!.size
    if (bytes + size > KINESIS_LIMITS.callBytes) break
    bytes += size
    end++
  }
  return end
}

/** What PutRecords answers for one record. */
interface PutRecordsResultEntry {
  ShardId?: string
  SequenceNumber?: string
  ErrorCode?: string
  ErrorMessage?: string
}

/**
 * Puts records into a Kinesis data stream through an `AwsClient` (which signs, and retries whole calls).
 * `putRecords` splits any number of records into calls within the limits (500 records, 5 MiB per call,
 * 1 MiB per record), sends the calls one after another, resends only the records a partial failure
 * reports (with backoff, up to `retries` times), and reports progress after each call. Records of one
 * partition key keep their order unless a partial failure makes one of them go again. Both `putRecord` and
 * `putRecords` refuse a record over 1 MiB (data plus partition key) with `ERR_RECORD_TOO_LARGE`, before
 * sending anything.
 *
 * @example
 * const producer = new KinesisProducer({
 *   client: new AwsClient({ credentials, region: 'eu-west-1' }),
 *   streamName: 'events',
 * })
 * const click = { userId: 'user-1', page: '/pricing' }
 * await producer.putRecord({ data: JSON.stringify(click), partitionKey: click.userId })
 * const clicks = [click, { userId: 'user-2', page: '/docs' }]
 * const { failed } = await producer.putRecords(
 *   clicks.map((c) => ({ data: JSON.stringify(c), partitionKey: c.userId })),
 *   { onProgress: ({ sent, total }) => console.log(`${sent}/${total}`) },
 * )
 */
export class KinesisProducer {
  /** The client that signs and sends the calls. */
  readonly client: AwsClient
  /** The data stream the records go to. */
  readonly streamName: string
  /** The Kinesis endpoint the calls go to. */
  readonly endpoint: string

  /** Throws `ERR_REGION_REQUIRED` when there is neither `options.endpoint` nor a client region to name one. */
  constructor(options: KinesisProducerOptions) {
    this.client = options.client
    this.streamName = options.streamName
    const region = options.client.options.region
    const { endpoint } = options
    if (endpoint !== undefined && (typeof endpoint !== 'string' || endpoint === ''))
      fail('ERR_INVALID_OPTION', 'Set options.endpoint to the Kinesis URL, or leave it out to use the client region')
    if (endpoint === undefined && !region)
      fail('ERR_REGION_REQUIRED', 'KinesisProducer needs options.endpoint or a client with a region (e.g. "us-east-1")')
    this.endpoint = endpoint ?? `https://kinesis.${region}.amazonaws.com/`
  }

  #call<T>(action: string, body: object, signal?: AbortSignal): Promise<T> {
    return this.client.json<T>(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amz-target': TARGET_PREFIX + action },
      body: JSON.stringify({ StreamName: this.streamName, ...body }),
      signal,
      aws: { service: 'kinesis' },
    })
  }

  /**
   * Puts one record (throws an `AwsError` when Kinesis refuses it, `ERR_RECORD_TOO_LARGE` over 1 MiB).
   *
   * @example
   * declare const producer: KinesisProducer
   * const { shardId, sequenceNumber } = await producer.putRecord({ data: 'hello', partitionKey: 'a' })
   */
  async putRecord(
    record: KinesisRecord,
    options: PutRecordOptions = {},
  ): Promise<{ shardId: string; sequenceNumber: string }> {
    const { request } = entryOf(record, 0, 'The record')
    const result = await this.#call<{ ShardId?: unknown; SequenceNumber?: unknown } | null>(
      'PutRecord',
      request,
      options.signal,
    )
    const shardId = result?.ShardId
    const sequenceNumber = result?.SequenceNumber
    if (typeof shardId !== 'string' || typeof sequenceNumber !== 'string')
      fail('ERR_INVALID_RESPONSE', 'PutRecord answered without ShardId and SequenceNumber: check the endpoint')
    return { shardId, sequenceNumber }
  }

  /**
   * Puts many records in as few PutRecords calls as the limits allow. Resolves with one result per record,
   * in input order, and the number of records that failed for good (their results carry `errorCode`).
   * Throws when a call fails as a whole (after the client's retries), or for a record over 1 MiB.
   *
   * @example
   * declare const producer: KinesisProducer
   * const records = [
   *   { data: 'first', partitionKey: 'a' },
   *   { data: 'second', partitionKey: 'b' },
   * ]
   * const signal = AbortSignal.timeout(30_000)
   * const { records: results, failed } = await producer.putRecords(records, { onProgress: console.log, signal })
   * if (failed) console.warn(results.filter((result) => result.errorCode))
   */
  async putRecords(
    records: KinesisRecord[],
    options: PutRecordsOptions = {},
  ): Promise<{ records: PutRecordResult[]; failed: number }> {
    const { onProgress, signal, retries = DEFAULT_PARTIAL_RETRIES, retryDelay = DEFAULT_PARTIAL_RETRY_DELAY } = options
    const entries = records.map((record, index) => entryOf(record, index, `Record ${index}`))
    const results: PutRecordResult[] = new Array<PutRecordResult>(records.length)
    const progress = { sent: 0, total: records.length, failed: 0 }
    for (let start = 0; start < entries.length;) {
      const end = batchEnd(entries, start)
      let pending = entries.slice(start, end)
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await sleep(backoff(attempt, retryDelay, MAX_PARTIAL_RETRY_DELAY), signal)
        const answer = await this.#call<{ Records?: PutRecordsResultEntry[] } | null>(
          'PutRecords',
          { Records: pending.map((item) => item.request) },
          signal,
        )
        const answered = answer?.Records
        if (!Array.isArray(answered) || answered.length !== pending.length)
          fail(
            'ERR_INVALID_RESPONSE',
            `PutRecords answered ${Array.isArray(answered) ? answered.length : 'no'} results for ${pending.length} records: check the endpoint`,
          )
        const again: Entry[] = []
        answered.forEach((result, i) => {
          const item = pending[i]!
          if (result.ErrorCode && attempt < retries) {
            again.push(item)
          } else if (result.ErrorCode) {
            results[item.index] = { errorCode: result.ErrorCode, errorMessage: result.ErrorMessage }
            progress.failed++
          } else {
            results[item.index] = { shardId: result.ShardId!, sequenceNumber: result.SequenceNumber! }
            progress.sent++
          }
        })
        pending = again
        onProgress?.({ ...progress })
      }
      start = end
    }
    return { records: results, failed: progress.failed }
  }
}
