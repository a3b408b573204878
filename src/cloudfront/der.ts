// The little DER and PEM a CloudFront key needs: read the outer structures of PKCS#8, PKCS#1, SEC1 and
// SubjectPublicKeyInfo to tell the algorithm (and curve), and wrap PKCS#1 and SEC1 keys into the forms WebCrypto
// imports. Strict: minimal lengths, every byte accounted for; anything else is "not this form".
import { fromBase64 } from '../core/encoding.js'

/** One DER element: its tag and the bytes of its contents. */
export interface DerNode {
  tag: number
  body: Uint8Array<ArrayBuffer>
}

/** DER tags used here. */
export const DER = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  context0: 0xa0,
  context1: 0xa1,
} as const

/** Object identifiers (DER contents, hex) of the algorithms CloudFront keys use. */
export const OID = {
  rsaEncryption: '2a864886f70d010101',
  ecPublicKey: '2a8648ce3d0201',
  prime256v1: '2a8648ce3d030107',
} as const

/** The elements of a DER sequence body, in order, or undefined unless they fill it exactly. */
export function derChildren(bytes: Uint8Array<ArrayBuffer>): DerNode[] | undefined {
  const nodes: DerNode[] = []
  let offset = 0
  while (offset < bytes.length) {
    const tag = bytes[offset]!
    let length = bytes[offset + 1]
    if (length === undefined) return undefined
    let start = offset + 2
    if (length & 0x80) {
      const count = length & 0x7f
      if (count < 1 || count > 3 || start + count > bytes.length || !bytes[start]) return undefined
      length = 0
      for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!
      if (length < 128) return undefined // not the minimal (short) form
      start += count
    }
    if (start + length > bytes.length) return undefined
    nodes.push({ tag, body: bytes.subarray(start, start + length) })
    offset = start + length
  }
  return nodes
}

/** The one element `bytes` holds, or undefined unless it is exactly one element with this tag. */
export function derOne(bytes: Uint8Array<ArrayBuffer>, tag: number): DerNode | undefined {
  const nodes = derChildren(bytes)
  return nodes?.length === 1 && nodes[0]!.tag === tag ? nodes[0] : undefined
}

/** A DER element of a tag around contents. */
export function derWrap(tag: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const length = parts.reduce((sum, part) => sum + part.length, 0)
  const lengthBytes: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest % 256)
  const header = length < 128 ? [tag, length] : [tag, 0x80 | lengthBytes.length, ...lengthBytes]
  const out = new Uint8Array(header.length + length)
  out.set(header)
  let offset = header.length
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** The DER of an OID given as hex. */
export const derOid = (hex: string): Uint8Array<ArrayBuffer> =>
  derWrap(
    DER.oid,
    Uint8Array.from(hex.match(/../g)!, (byte) => parseInt(byte, 16)),
  )

/** One PEM block: its label (`PRIVATE KEY`, ...), whether it has RFC 1421 headers, and its DER bytes. */
export interface PemBlock {
  label: string
  headers: boolean
  der: Uint8Array<ArrayBuffer> | undefined
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----([\s\S]*?)-----END ([A-Z0-9 ]{1,40})-----/g

/**
 * The PEM blocks of a text, in order; a block whose END label differs or whose base64 is garbled has `der`
 * undefined. Lines with a colon (`Proc-Type: 4,ENCRYPTED`) are headers, reported and not decoded.
 *
 * @example
 * declare const pem: string // from `openssl ecparam -name prime256v1 -genkey`
 * pemBlocks(pem).map((block) => block.label) // ['EC PARAMETERS', 'EC PRIVATE KEY']
 */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = []
  for (const [, label, content, end] of text.matchAll(PEM_BLOCK)) {
    const lines = content!.split(/\r?\n/)
    const headers = lines.some((line) => line.includes(':'))
    const base64 = lines
      .filter((line) => !line.includes(':'))
      .join('')
      .replace(/[ \t\r]/g, '')
    blocks.push({ label: label!, headers, der: label === end && !headers ? fromBase64(base64) : undefined })
  }
  return blocks
}
