// The main entry, `webcrypto-sigv4`: SigV4 header signing and presigning, for fetch and for plain request parts.
export { sign, signParts } from './core/sign.js'
export { presign, presignParts } from './core/presign.js'
export type { RequestParts, SignedParts } from './core/types.js'
// The types the options and request parts are written in, so that callers (and the JSR docs) can name them.
export type { HeaderEntry } from './core/canonical.js'
export type { ChecksumOption } from './core/header-options.js'
export type { Bytes } from './core/encoding.js'
export { SigV4Error, type SigV4ErrorCode } from './core/errors.js'
export { inferScope, type InferredScope } from './core/scope.js'
export type { Credentials, CredentialsInput, PresignOptions, SignOptions } from './core/options.js'
export type { RequestLike } from './core/request.js'
