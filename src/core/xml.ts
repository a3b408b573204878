// XML entity decoding for the values read from AWS answers (error documents, S3's multipart documents). The
// answer is untrusted: an entity that names no character (past U+10FFFF, a surrogate) stays as written instead
// of throwing, and each match is bounded, so decoding stays linear.

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
// Bounded repetitions: each match is at most a dozen characters.
const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));/g
const MAX_CODE_POINT = 0x10ffff
const SURROGATES = { first: 0xd800, last: 0xdfff }

function decodeEntity(entity: string, hex?: string, decimal?: string, name?: string): string {
  if (name) return NAMED_ENTITIES[name]!
  const codePoint = hex === undefined ? Number(decimal) : parseInt(hex, 16)
  const isCharacter = codePoint <= MAX_CODE_POINT && (codePoint < SURROGATES.first || codePoint > SURROGATES.last)
  return isCharacter ? String.fromCodePoint(codePoint) : entity
}

/**
 * The text with XML's five named entities and its numeric character references decoded; a reference that names
 * no character (`&#x110000;`, `&#xD800;`) is kept as written.
 *
 * @example
 * decodeXmlEntities('&quot;9b2c&quot; &#x1F600;') // '"9b2c" 😀'
 * decodeXmlEntities('&#x110000;') // '&#x110000;'
 */
export function decodeXmlEntities(text: string): string {
  return text.replace(ENTITY, decodeEntity)
}
