// What `npm run bench -- --baseline <revision>` replaces with that revision's src/index.ts (bench/run.mjs resolves
// this import there), so that its signers run in the same rounds as the working tree's. Without --baseline there
// are none, and the suite has no baseline rows.
import type * as current from '../src/index.js'

export const sign: typeof current.sign | undefined = undefined
export const signParts: typeof current.signParts | undefined = undefined
export const presign: typeof current.presign | undefined = undefined
export const presignParts: typeof current.presignParts | undefined = undefined
