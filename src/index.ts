// The main entry, `webcrypto-sigv4`: SigV4 header signing and presigning, for fetch and for plain request parts.
export { sign, signParts } from './sign.js'
export { presign, presignParts } from './presign.js'
export type { RequestParts, SignedParts } from './engine.js'
// The types the options and request parts are written in, so that callers (and the JSR docs) can name them.
export type { HeaderEntry } from './canonical.js'
export type { ChecksumOption } from './header-options.js'
export type { Bytes } from './webcrypto.js'
export { SigV4Error, type SigV4ErrorCode } from './errors.js'
export { inferScope, type InferredScope } from './infer.js'
export type { Credentials, CredentialsInput, PresignOptions, SignOptions } from './options.js'
export type { RequestLike } from './request.js'
