// The presigning entry points of SigV4: a URL (or Request), or plain request parts. The `webcrypto-sigv4/presign`
export { presign, presignParts } from './core/presign.js'
