// A small Kinesis producer on AwsClient: PutRecord, and PutRecords batched within the service limits with
export {
  KINESIS_LIMITS,
  KinesisProducer,
  type KinesisProducerOptions,
  type KinesisRecord,
  type PutRecordOptions,
  type PutRecordResult,
  type PutRecordsOptions,
  type PutRecordsProgress,
} from './kinesis/producer.js'
