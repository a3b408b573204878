// The package's one XML reader, for the values read from AWS answers (error documents, STS and S3 Express
// credentials, S3's multipart documents): plain forward scans (indexOf), so the time is linear in the document and
// no DOMParser is needed (Workers have none). AWS answers are machine-written: no comments, CDATA or nested markup
// inside the values read. The answer is untrusted: an entity that names no character (past U+10FFFF, a surrogate)
// stays as written instead of throwing, and each match is bounded, so decoding stays linear.

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

// Inside element text only these three must be escaped; ETags carry quotes, which stay as they are.
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }

/**
 * Escapes text for an XML element body.
 *
 * @example
 * escapeXmlText('"a" & <b>') // '"a" &amp; &lt;b&gt;'
 */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>]/g, (character) => TEXT_ESCAPES[character]!)
}

/**
 * The bodies (raw, entities not decoded) of every `<name>…</name>` element in `xml`, in order. Elements of that
 * name must not nest (true of every element read here); `<name/>` yields an empty body.
 *
 * @example
 * xmlElements('<a><Part>1</Part><Part>2</Part></a>', 'Part') // ['1', '2']
 */
export function xmlElements(xml: string, name: string): string[] {
  const open = `<${name}`
  const close = `</${name}>`
  const bodies: string[] = []
  let position = 0
  for (;;) {
    const start = xml.indexOf(open, position)
    if (start < 0) return bodies
    const tagEnd = xml.indexOf('>', start + open.length)
    if (tagEnd < 0) return bodies
    const next = xml[start + open.length]
    // `<PartNumber>` also starts with `<Part`: only `<Part>`, `<Part/>` or `<Part attr…>` are this element.
    if (next !== '>' && next !== '/' && next !== ' ') {
      position = start + open.length
      continue
    }
    if (xml[tagEnd - 1] === '/') {
      bodies.push('')
      position = tagEnd + 1
      continue
    }
    const end = xml.indexOf(close, tagEnd + 1)
    if (end < 0) return bodies
    bodies.push(xml.slice(tagEnd + 1, end))
    position = end + close.length
  }
}

/**
 * The decoded text of the first `<name>` element, or `undefined` when there is none.
 *
 * @example
 * xmlText('<R><ETag>&quot;9b2c&quot;</ETag></R>', 'ETag') // '"9b2c"'
 */
export function xmlText(xml: string, name: string): string | undefined {
  const body = xmlElements(xml, name)[0]
  return body === undefined ? undefined : decodeXmlEntities(body.trim())
}
