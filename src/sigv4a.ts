// SigV4a (AWS4-ECDSA-P256-SHA256): one signature valid in a set of regions. The canonical request and the
export {
  presignPartsV4a,
  presignV4a,
  publicKeyV4a,
  signPartsV4a,
  signV4a,
  type PresignV4aOptions,
  type PublicKeyV4a,
  type SignV4aOptions,
} from './sigv4a/sigv4a.js'
