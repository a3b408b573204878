// The Kinesis calls the page makes: PutRecord and PutRecords through the library's KinesisProducer, and a
// read-back (GetShardIterator + GetRecords) so the user sees the records arrive.
import { AwsClient } from '../../../src/client.js'
import type { CredentialProvider } from '../../../src/credentials.js'
import { KinesisProducer } from '../../../src/kinesis.js'
import { reporting } from './errors.js'
import { kinesisEndpoint, type Settings } from './settings.js'

/** Where a record landed. */
export interface Placement {
  shardId: string
  sequenceNumber: string
}

/** A record read back from the stream. */
export interface ReadRecord {
  sequenceNumber: string
  partitionKey: string
  /** The data as UTF-8 text. */
  text: string
  arrivedAt?: Date
}

/** What the inspector shows of the last signed request. */
export interface SigningView {
  canonicalRequest: string
  stringToSign: string
  signedHeaders: string
  /** Headers sent, with the session token shortened. */
  headers: Array<[string, string]>
}

/** A signed request as it went out: what the tamper button resends with one byte changed. */
export interface SentRequest {
  method: string
  url: string
  headers: Array<[string, string]>
  body: string
}

const TARGET = 'Kinesis_20131202.'
const JSON_TYPE = 'application/x-amz-json-1.1'
const WRITES = new Set([TARGET + 'PutRecord', TARGET + 'PutRecords'])

/**
 * One stream, one set of credentials: PutRecord, PutRecords with progress, and read-back.
 *
 * @example
 * const stream = new DemoStream(settings, session.provider)
 * const placed = await stream.putRecord('{"hello":"world"}', 'demo')
 * const records = await stream.readBack([placed])
 */
export class DemoStream {
  readonly client: AwsClient
  readonly producer: KinesisProducer
  readonly endpoint: string
  readonly streamName: string
  /** The last signed PutRecord or PutRecords request as sent: what the tamper button replays. */
  lastWrite?: SentRequest

  constructor(
    settings: Pick<Settings, 'region' | 'endpoint' | 'streamName'>,
    credentials: CredentialProvider,
    fetchImpl: (request: Request) => Promise<Response> = (request) => fetch(request),
  ) {
    this.endpoint = kinesisEndpoint(settings)
    this.streamName = settings.streamName
    const send = reporting('kinesis', fetchImpl)
    this.client = new AwsClient({
      credentials,
      region: settings.region,
      service: 'kinesis',
      retries: 2,
      fetch: async (request) => {
        if (WRITES.has(request.headers.get('x-amz-target') ?? ''))
          this.lastWrite = {
            method: request.method,
            url: request.url,
            headers: [...request.headers.entries()],
            body: await request.clone().text(),
          }
        return send(request)
      },
    })
    this.producer = new KinesisProducer({
      client: this.client,
      streamName: settings.streamName,
      endpoint: this.endpoint,
    })
  }

  /** Sends one record; `signal` stops it (retries included). */
  putRecord(text: string, partitionKey: string, signal?: AbortSignal): Promise<Placement> {
    return this.producer.putRecord({ data: text, partitionKey }, signal && { signal })
  }

  /** Sends records in one PutRecords batch (the producer splits and retries failed records), reporting progress. */
  async putRecords(
    texts: string[],
    partitionKey: (index: number) => string,
    onProgress: (sent: number, total: number, failed: number) => void,
    signal?: AbortSignal,
  ): Promise<{ records: Placement[]; failed: number }> {
    const records = texts.map((data, index) => ({ data, partitionKey: partitionKey(index) }))
    onProgress(0, records.length, 0)
    const result = await this.producer.putRecords(records, {
      onProgress: ({ sent, total, failed }) => onProgress(sent, total, failed),
      ...(signal && { signal }),
    })
    onProgress(records.length - result.failed, records.length, result.failed)
    return {
      records: result.records.filter((record): record is Placement => !!record?.sequenceNumber),
      failed: result.failed,
    }
  }

  /**
   * Reads the given records back: per shard, an iterator at the first sequence number, then GetRecords until
   * every record was seen or `attempts` reads came back short (Kinesis may need a moment).
   */
  async readBack(placements: Placement[], attempts = 5, signal?: AbortSignal): Promise<ReadRecord[]> {
    const byShard = new Map<string, Placement[]>()
    for (const placement of placements)
      byShard.set(placement.shardId, [...(byShard.get(placement.shardId) ?? []), placement])
    const found: ReadRecord[] = []
    for (const [shardId, list] of byShard) {
      const wanted = new Set(list.map((placement) => placement.sequenceNumber))
      const first = [...wanted].sort(compareSequence)[0]!
      let { ShardIterator: iterator } = await this.#call<{ ShardIterator?: string }>(
        'GetShardIterator',
        {
          StreamName: this.streamName,
          ShardId: shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: first,
        },
        signal,
      )
      for (let attempt = 0; iterator && wanted.size && attempt < attempts; attempt++) {
        const page = await this.#call<{
          Records: Array<{
            SequenceNumber: string
            PartitionKey: string
            Data: string
            ApproximateArrivalTimestamp?: number
          }>
          NextShardIterator?: string
        }>('GetRecords', { ShardIterator: iterator, Limit: Math.min(10_000, wanted.size + 100) }, signal)
        for (const record of page.Records ?? []) {
          if (!wanted.delete(record.SequenceNumber)) continue
          found.push({
            sequenceNumber: record.SequenceNumber,
            partitionKey: record.PartitionKey,
            text: decodeData(record.Data),
            ...(record.ApproximateArrivalTimestamp !== undefined && {
              arrivedAt: new Date(record.ApproximateArrivalTimestamp * 1000),
            }),
          })
        }
        iterator = page.NextShardIterator
        if (wanted.size && !(page.Records ?? []).length) await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
    return found.sort((a, b) => compareSequence(a.sequenceNumber, b.sequenceNumber))
  }

  /** The last request's signing steps, for the inspector. */
  lastSigning(): SigningView | undefined {
    const signed = this.client.lastSigning
    if (!signed) return undefined
    return {
      canonicalRequest: shortenToken(signed.canonicalRequest),
      stringToSign: signed.stringToSign,
      signedHeaders: signed.signedHeaders,
      headers: signed.headers.map(([name, value]) => [name, /security-token/i.test(name) ? shorten(value) : value]),
    }
  }

  #call<T>(action: string, body: object, signal?: AbortSignal): Promise<T> {
    return this.client.json<T>(this.endpoint, {
      method: 'POST',
      ...(signal && { signal }),
      headers: { 'content-type': JSON_TYPE, 'x-amz-target': TARGET + action },
      body: JSON.stringify(body),
    })
  }
}

/**
 * Sequence numbers are decimal strings of up to 128 bits: compare them by length, then text.
 *
 * @example
 * ['10', '9'].sort(compareSequence) // ['9', '10']
 */
export function compareSequence(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}

/**
 * Base64 record data as text (UTF-8), or a hex dump when it is not text.
 *
 * @example
 * decodeData('aGVsbG8=') // 'hello'
 */
export function decodeData(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ')
  }
}

/**
 * The events of a batch: numbered JSON records.
 *
 * @example
 * makeBatch(2, 'click', new Date(0)) // ['{"event":"click","n":1,"of":2,"at":"1970-01-01T00:00:00.000Z"}', ...]
 */
export function makeBatch(count: number, event: string, at: Date = new Date()): string[] {
  return Array.from({ length: count }, (_, index) =>
    JSON.stringify({ event, n: index + 1, of: count, at: at.toISOString() }),
  )
}

// The session token is long and sensitive enough to keep out of screenshots: its ends are enough to compare.
function shorten(token: string): string {
  return token.length > 24 ? `${token.slice(0, 12)}…${token.slice(-8)} (${token.length} chars)` : token
}

function shortenToken(canonical: string): string {
  return canonical.replace(/^(x-amz-security-token:)(.*)$/m, (_, name: string, value: string) => name + shorten(value))
}
