// Example credentials shared by every test: runtime-neutral (the conformance suite imports this too).

/** The credentials of the official SigV4 test vectors (test/vectors, from aws-c-auth). */
export const VECTOR_CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
} as const

/** The example credentials of AWS's documentation (the chunked-upload and trailer examples use these). */
export const AWS_DOCS_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
} as const
