// RFC 3986 encoding as SigV4 defines it: every byte except A-Z a-z 0-9 - . _ ~ is %XX, hex upper-case.

/**
 * URI-encodes a string the SigV4 way (RFC 3986 unreserved characters kept, UTF-8, upper-case hex).
 *
 * @example
 * uriEncode("a b/c*") // 'a%20b%2Fc%2A'
 * uriEncode("a b/c", true) // 'a%20b/c'
 */
export function uriEncode(text: string, keepSlash?: boolean): string {
  // encodeURIComponent leaves !'()* alone; SigV4 encodes them. Lone surrogates become U+FFFD first,
  // as a WHATWG URL would send them, instead of throwing URIError.
  const encoded = encodeURIComponent(text.toWellFormed()).replace(/[!'()*]/g, percentEncode)
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded
}

/** `%XX` of one ASCII character, hex upper-case. */
function percentEncode(char: string): string {
  return '%' + char.charCodeAt(0).toString(16).toUpperCase()
}

/**
 * Percent-decodes a query component as AWS does: `%XX` sequences only (`+` stays a plus),
 * and a malformed sequence is kept literally instead of throwing.
 *
 * @example
 * uriDecode('%E1%88%B4+x') // 'ሴ+x'
 */
export function uriDecode(text: string): string {
  return text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
}
