// Server side: checks a SigV4-signed request (Authorization header or presigned query) as it was received,
export {
  verify,
  type VerifyErrorCode,
  type VerifyFailure,
  type VerifyOptions,
  type VerifyResult,
  type VerifySuccess,
} from './verify/verify.js'
