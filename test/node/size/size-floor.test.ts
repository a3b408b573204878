// The size floor (bench/size-floor.ts) is a real signer, not a stub: it must reproduce the official header
// signatures of every vector a fetch Request can carry unchanged, or its size proves nothing.
import { describe, expect, it } from 'vitest'
import { signFloor } from '../../../bench/size-floor.js'
import { prepareVector, type VectorCase } from '../../conformance/vectors.js'
import v4Cases from '../../vectors/v4.json' with { type: 'json' }

const FORBIDDEN = /^(host|content-length|connection)$/i

/** The vector as a fetch-style request, or undefined when a fetch Request cannot carry it byte for byte. */
function asFetchRequest(vector: VectorCase) {
  const { context, parts, options } = prepareVector(vector)
  if (!context.normalize || context.sign_body || context.omit_session_token) return // an option the floor does not have
  const names = parts.headers.map(([name]) => name.toLowerCase())
  if (new Set(names).size !== names.length) return // Headers joins a repeated name with ", "
  if (parts.headers.some(([, value]) => value.includes('\n'))) return // a multi-line value
  // A space or raw UTF-8 in the request line cannot go on the wire: the URL parser would percent-encode it.
  if (/[^\x21-\x7e]/.test(parts.path + parts.query)) return
  // Dot segments are resolved by the URL parser, which is the normalisation these vectors expect.
  const url = new URL(`https://${parts.host}${parts.path}${parts.query ? '?' + parts.query : ''}`)
  const headers = parts.headers.filter(([name]) => !FORBIDDEN.test(name))
  return { request: { method: parts.method, url: url.href, headers, body: parts.body }, options }
}

describe('bench/size-floor.ts signs the official vectors it can express', () => {
  const signable = (v4Cases as VectorCase[]).flatMap((vector) => {
    const fetchable = asFetchRequest(vector)
    return fetchable ? [{ vector, ...fetchable }] : []
  })

  it('covers most of the suite', () => {
    expect(signable.length).toBeGreaterThanOrEqual(20)
  })

  for (const { vector, request, options } of signable) {
    it(vector.name, async () => {
      const signed = await signFloor(request, options)
      const authorization = signed.headers.get('authorization')!
      expect(authorization.slice(authorization.lastIndexOf('=') + 1)).toBe(vector.files['header-signature.txt'])
    })
  }
})
