export { presign, presignParts } from './presign.js'
