// Server side: checks a SigV4-signed request (Authorization header or presigned query) as it was received,
export { verify } from './verify/verify.js'
export type { VerifyErrorCode, VerifyFailure, VerifyOptions, VerifyResult, VerifySuccess } from './verify/types.js'
