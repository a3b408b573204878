// A small Kinesis producer on AwsClient: PutRecord, and PutRecords batched within the service limits with
// only the failed records of a partial failure sent again.
import type { AwsClient } from './client.js'
import { fail } from './errors.js'
import { backoff, sleep } from './retry.js'
import { utf8 } from './webcrypto.js'

/** One record: `data` (a string is sent as UTF-8) and the `partitionKey` that picks its shard. */
export interface KinesisRecord {
  data: string | Uint8Array
  partitionKey: string
  /** Overrides the partition key's hash to pick the shard. */
  explicitHashKey?: string
}

/** Where a record went; `errorCode`/`errorMessage` instead when it could not be put after all retries. */
export interface PutRecordResult {
  shardId?: string
  sequenceNumber?: string
  errorCode?: string
  errorMessage?: string
}

/** Progress of `putRecords`: records accepted so far, the total, and records that failed for good. */
export interface PutRecordsProgress {
  sent: number
  total: number
  failed: number
}

/**
 * Per-call limits of PutRecords (records, bytes per call, bytes per record; data plus partition key).
 *
 * @example
 * records.length <= KINESIS_LIMITS.records
 */
export const KINESIS_LIMITS = { records: 500, callBytes: 5 * 1024 * 1024, recordBytes: 1024 * 1024 }

function base64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/**
 * Puts records into a Kinesis data stream through an `AwsClient` (which signs, and retries whole calls).
 * `putRecords` splits any number of records into calls within the limits (500 records, 5 MiB per call,
 * 1 MiB per record), sends the calls one after another, resends only the records a partial failure
 * reports (with backoff, up to `retries` times), and reports progress after each call. Records of one
 * partition key keep their order unless a partial failure makes one of them go again.
 *
 * @example
 * const producer = new KinesisProducer({ client: new AwsClient({ credentials, region: 'eu-west-1' }), streamName: 'events' })
 * await producer.putRecord({ data: JSON.stringify(event), partitionKey: event.userId })
 * const { failed } = await producer.putRecords(events.map((e) => ({ data: JSON.stringify(e), partitionKey: e.userId })), {
 *   onProgress: ({ sent, total }) => console.log(`${sent}/${total}`),
 * })
 */
export class KinesisProducer {
  readonly client: AwsClient
  readonly streamName: string
  readonly endpoint: string

  constructor(options: { client: AwsClient; streamName: string; endpoint?: string }) {
    this.client = options.client
    this.streamName = options.streamName
    const region = options.client.options.region
    if (!options.endpoint && !region)
      fail('ERR_REGION_REQUIRED', 'KinesisProducer needs options.endpoint or a client with a region (e.g. "us-east-1")')
    this.endpoint = options.endpoint ?? `https://kinesis.${region}.amazonaws.com/`
  }

  #call<T>(action: string, body: object, signal?: AbortSignal): Promise<T> {
    return this.client.json(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.' + action },
      body: JSON.stringify({ StreamName: this.streamName, ...body }),
      signal,
      aws: { service: 'kinesis' },
    })
  }

  /**
   * Puts one record (throws an `AwsError` when Kinesis refuses it).
   *
   * @example
   * const { shardId, sequenceNumber } = await producer.putRecord({ data: 'hello', partitionKey: 'a' })
   */
  async putRecord(
    record: KinesisRecord,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ shardId: string; sequenceNumber: string }> {
    const result = await this.#call<{ ShardId: string; SequenceNumber: string }>(
      'PutRecord',
      entry(record),
      options.signal,
    )
    return { shardId: result.ShardId, sequenceNumber: result.SequenceNumber }
  }

  /**
   * Puts many records in as few PutRecords calls as the limits allow. Resolves with one result per record,
   * in input order, and the number of records that failed for good (their results carry `errorCode`).
   * Throws when a call fails as a whole (after the client's retries), or for a record over 1 MiB.
   *
   * @example
   * const { records, failed } = await producer.putRecords(records, { onProgress: console.log, signal })
   */
  async putRecords(
    records: KinesisRecord[],
    options: {
      onProgress?: (progress: PutRecordsProgress) => void
      signal?: AbortSignal
      retries?: number
      retryDelay?: number
    } = {},
  ): Promise<{ records: PutRecordResult[]; failed: number }> {
    const { onProgress, signal, retries = 5, retryDelay = 100 } = options
    const entries = records.map((record, index) => {
      const request = entry(record)
      const size = base64Length(request.Data) + utf8(record.partitionKey).length
      if (size > KINESIS_LIMITS.recordBytes)
        fail(
          'ERR_RECORD_TOO_LARGE',
          `Record ${index} is ${size} bytes (data plus partition key): Kinesis takes at most 1 MiB per record`,
        )
      return { index, request, size }
    })
    const results: PutRecordResult[] = new Array(records.length)
    const progress = { sent: 0, total: records.length, failed: 0 }
    let start = 0
    while (start < entries.length) {
      // The next batch: as many records as fit in one call.
      let end = start
      for (
        let bytes = 0;
        end < entries.length &&
        end - start < KINESIS_LIMITS.records &&
        bytes + entries[end]!.size <= KINESIS_LIMITS.callBytes;
        end++
      )
        bytes += entries[end]!.size
      let pending = entries.slice(start, end)
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt) await sleep(backoff(attempt, retryDelay, 5000), signal)
        const answer = await this.#call<{
          Records: Array<{ ShardId?: string; SequenceNumber?: string; ErrorCode?: string; ErrorMessage?: string }>
        }>('PutRecords', { Records: pending.map((item) => item.request) }, signal)
        const again: typeof pending = []
        answer.Records.forEach((result, i) => {
          const item = pending[i]!
          if (result.ErrorCode && attempt < retries) again.push(item)
          else {
            results[item.index] = result.ErrorCode
              ? { errorCode: result.ErrorCode, errorMessage: result.ErrorMessage }
              : { shardId: result.ShardId!, sequenceNumber: result.SequenceNumber! }
            if (result.ErrorCode) progress.failed++
            else progress.sent++
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

function entry(record: KinesisRecord): { Data: string; PartitionKey: string; ExplicitHashKey?: string } {
  const { data, partitionKey, explicitHashKey } = record
  return {
    Data: base64(typeof data === 'string' ? utf8(data) : data),
    PartitionKey: partitionKey,
    ExplicitHashKey: explicitHashKey,
  }
}

// Decoded size of a base64 string: what Kinesis counts.
const base64Length = (text: string) => (text.length * 3) / 4 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0)
