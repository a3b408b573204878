// KinesisProducer against a scripted fake Kinesis: batching limits, partial failures, progress, putRecord.
import { afterEach, expect, test } from 'vitest'
import { AwsClient } from '../../../src/client.js'
import { KinesisProducer, type KinesisRecord, type PutRecordsProgress } from '../../../src/kinesis.js'
import { startFaultServer, type FaultServer, type ReceivedRequest } from '../../helpers/fault-server.js'

const servers: FaultServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop()
})

type Entry = { Data: string; PartitionKey: string }
const MiB = 1024 * 1024

// A fake Kinesis: numbers records in arrival order; `failWhen` picks records to refuse.
async function fakeKinesis(failWhen: (entry: Entry, call: number) => boolean = () => false) {
  let sequence = 0
  const calls: Entry[][] = []
  const server = await startFaultServer((request: ReceivedRequest) => {
    const target = request.headers['x-amz-target']
    const body = JSON.parse(request.body) as { Records: Entry[] }
    if (target === 'Kinesis_20131202.PutRecord')
      return {
        status: 200,
        body: JSON.stringify({ ShardId: 'shardId-000000000000', SequenceNumber: String(++sequence) }),
      }
    const call = calls.push(body.Records) - 1
    const Records: Array<{ ErrorCode?: string }> = body.Records.map((entry) =>
      failWhen(entry, call)
        ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' }
        : { ShardId: 'shardId-000000000000', SequenceNumber: String(++sequence) },
    )
    return {
      status: 200,
      body: JSON.stringify({
        FailedRecordCount: Records.filter((r) => r.ErrorCode).length,
        Records,
      }),
    }
  })
  servers.push(server)
  const client = new AwsClient({ credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, region: 'us-east-1' })
  const producer = new KinesisProducer({ client, streamName: 'events', endpoint: server.url + '/' })
  return { server, calls, producer }
}

const decode = (entry: Entry) => new TextDecoder().decode(Uint8Array.from(atob(entry.Data), (c) => c.charCodeAt(0)))

test('1,200 records go out as 500 + 500 + 200, in order, with progress after each call', async () => {
  const { calls, producer, server } = await fakeKinesis()
  const records = Array.from({ length: 1200 }, (_, i) => ({ data: `record ${i} é`, partitionKey: 'key' + (i % 7) }))
  const progress: PutRecordsProgress[] = []
  const result = await producer.putRecords(records, { onProgress: (p) => progress.push(p) })
  expect(calls.map((call) => call.length)).toEqual([500, 500, 200])
  expect(calls.flat().map(decode)).toEqual(records.map((record) => record.data))
  expect(result.failed).toBe(0)
  expect(result.records.map((record) => record.sequenceNumber)).toEqual(records.map((_, i) => String(i + 1)))
  expect(progress).toEqual([500, 1000, 1200].map((sent) => ({ sent, total: 1200, failed: 0 })))
  const request = server.requests[0]!
  expect(request.headers['content-type']).toBe('application/x-amz-json-1.1')
  expect(request.headers.authorization).toContain('/us-east-1/kinesis/aws4_request')
  expect((JSON.parse(request.body) as { StreamName: string }).StreamName).toBe('events')
})

test('the 5 MiB per call limit splits big records; binary data is sent byte for byte; over 1 MiB is refused', async () => {
  const { calls, producer } = await fakeKinesis()
  const big = new Uint8Array(MiB - 10).map((_, i) => i % 256)
  const records = Array.from({ length: 12 }, (_, i) => ({ data: big, partitionKey: 'p' + i }))
  expect((await producer.putRecords(records)).failed).toBe(0)
  expect(calls.map((call) => call.length)).toEqual([5, 5, 2])
  const sent = Uint8Array.from(atob(calls[0]![0]!.Data), (c) => c.charCodeAt(0))
  expect(sent).toEqual(big)
  await expect(producer.putRecords([{ data: new Uint8Array(MiB), partitionKey: 'k' }])).rejects.toMatchObject({
    code: 'ERR_RECORD_TOO_LARGE',
  })
})

test('a partial failure re-sends only the failed records; records failing every time are reported', async () => {
  // Call 0 refuses every third record; later calls accept all but record "stuck".
  const { calls, producer } = await fakeKinesis(
    (entry, call) => decode(entry) === 'stuck' || (call === 0 && Number(decode(entry)) % 3 === 0),
  )
  const records = [
    ...Array.from({ length: 30 }, (_, i) => ({ data: String(i), partitionKey: 'k' })),
    { data: 'stuck', partitionKey: 'k' },
  ]
  const progress: PutRecordsProgress[] = []
  const result = await producer.putRecords(records, { retries: 2, retryDelay: 5, onProgress: (p) => progress.push(p) })
  expect(calls[0]!.length).toBe(31)
  expect(calls[1]!.map(decode)).toEqual(['0', '3', '6', '9', '12', '15', '18', '21', '24', '27', 'stuck'])
  expect(calls[2]!.map(decode)).toEqual(['stuck'])
  expect(calls).toHaveLength(3)
  expect(result.failed).toBe(1)
  expect(result.records[30]).toEqual({
    errorCode: 'ProvisionedThroughputExceededException',
    errorMessage: 'Rate exceeded for shard',
  })
  expect(result.records.slice(0, 30).every((record) => record.shardId && record.sequenceNumber)).toBe(true)
  expect(progress).toEqual([
    { sent: 20, total: 31, failed: 0 },
    { sent: 30, total: 31, failed: 0 },
    { sent: 30, total: 31, failed: 1 },
  ])
})

test('putRecord returns shard and sequence number; the region of the client names the endpoint', async () => {
  const { producer } = await fakeKinesis()
  expect(await producer.putRecord({ data: 'one', partitionKey: 'a' })).toEqual({
    shardId: 'shardId-000000000000',
    sequenceNumber: '1',
  })
  const client = new AwsClient({ credentials: { accessKeyId: 'A', secretAccessKey: 'S' }, region: 'eu-west-1' })
  expect(new KinesisProducer({ client, streamName: 's' }).endpoint).toBe('https://kinesis.eu-west-1.amazonaws.com/')
  expect(
    () =>
      new KinesisProducer({
        client: new AwsClient({ credentials: { accessKeyId: 'A', secretAccessKey: 'S' } }),
        streamName: 's',
      }),
  ).toThrow(/region/)
})

test('putRecord refuses a record over 1 MiB (data plus partition key) before sending, like putRecords', async () => {
  const { producer, server } = await fakeKinesis()
  // Exactly 1 MiB counted the way Kinesis counts it: the data before base64, plus the partition key's UTF-8 bytes.
  const atLimit = { data: new Uint8Array(MiB - 2), partitionKey: 'é' }
  expect((await producer.putRecord(atLimit)).sequenceNumber).toBe('1')
  expect((await producer.putRecords([atLimit])).failed).toBe(0)
  const cases = [
    { data: new Uint8Array(MiB - 1), partitionKey: 'é' }, // one byte over, because the key is two bytes
    { data: 'x'.repeat(MiB), partitionKey: 'k' },
    { data: 'é'.repeat(MiB / 2), partitionKey: 'k' }, // 1 MiB of UTF-8 in half as many characters
  ]
  for (const record of cases) {
    await expect(producer.putRecord(record)).rejects.toMatchObject({
      name: 'SigV4Error',
      code: 'ERR_RECORD_TOO_LARGE',
      message: expect.stringContaining('1 MiB') as string,
    })
    await expect(producer.putRecords([atLimit, record])).rejects.toMatchObject({
      code: 'ERR_RECORD_TOO_LARGE',
      message: expect.stringMatching(/^Record 1 is \d+ bytes/) as string,
    })
  }
  expect(server.requests).toHaveLength(2) // only the two records at the limit went out
})

test('putRecord and putRecords refuse records without data or with a partition key Kinesis would refuse', async () => {
  const { producer, server } = await fakeKinesis()
  const bad = [
    { data: 5, partitionKey: 'k' },
    { data: 'x', partitionKey: '' },
    { data: 'x', partitionKey: 'k'.repeat(257) },
    null,
  ] as unknown as KinesisRecord[]
  for (const record of bad) {
    await expect(producer.putRecord(record)).rejects.toMatchObject({ code: 'ERR_INVALID_REQUEST' })
    await expect(producer.putRecords([record])).rejects.toMatchObject({ code: 'ERR_INVALID_REQUEST' })
  }
  expect(server.requests).toHaveLength(0)
})

test('a PutRecord(s) answer without the results of the records sent is ERR_INVALID_RESPONSE, not a silent gap', async () => {
  for (const body of ['null', '{}', '{"Records":null}', '{"Records":[{"ShardId":"s","SequenceNumber":"1"}]}']) {
    const server = await startFaultServer(() => ({ status: 200, body }))
    servers.push(server)
    const client = new AwsClient({
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      region: 'us-east-1',
    })
    const producer = new KinesisProducer({ client, streamName: 'events', endpoint: server.url + '/' })
    const records = [
      { data: 'a', partitionKey: 'k' },
      { data: 'b', partitionKey: 'k' },
    ]
    await expect(producer.putRecords(records), body).rejects.toMatchObject({ code: 'ERR_INVALID_RESPONSE' })
    await expect(producer.putRecord(records[0]!), body).rejects.toMatchObject({ code: 'ERR_INVALID_RESPONSE' })
  }
})

test('an empty or non-string endpoint is ERR_INVALID_OPTION, not a producer that posts to nowhere', () => {
  const client = new AwsClient({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    region: 'us-east-1',
    service: 'kinesis',
  })
  for (const endpoint of ['', 42]) {
    expect(() => new KinesisProducer({ client, streamName: 's', endpoint: endpoint as string })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    )
  }
  expect(new KinesisProducer({ client, streamName: 's' }).endpoint).toBe('https://kinesis.us-east-1.amazonaws.com/')
})
