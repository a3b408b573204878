// A fetch that signs every attempt afresh, retries what is safe to retry and corrects the clock from AWS skew errors.
export {
  AwsClient,
  AwsError,
  type AwsClientOptions,
  type AwsRequestInit,
  type AwsRequestOptions,
} from './client/client.js'
