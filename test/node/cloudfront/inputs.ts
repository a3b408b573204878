// Generated CloudFront inputs for the differential and mutation tests: URLs already in the form a browser sends
// (and that @aws-sdk/cloudfront-signer's path re-encoding leaves alone), times, IPv4 ranges, policy resources.
import fc from 'fast-check'
import { expect } from 'vitest'

/** A fixed seed, so a failure reproduces; the run count of each property. */
export const RUNS = { seed: 20261207, numRuns: 60 }

const HOSTS = ['d111111abcdef8.cloudfront.net', 'media.example.com', 'cdn.example.org:8443', 'xn--bcher-kva.example']
// Path characters a URL keeps as they are and encodeURIComponent(decodeURIComponent(x)) gives back, plus escapes in
// upper-case hex of characters that must stay escaped.
const PATH_PIECE = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~!*()-]{1,10}$/) },
  { weight: 1, arbitrary: fc.constantFrom('%20', '%2F', '%C3%A9', '%25', '%3F', '%23', '%E2%82%AC') },
)
const SEGMENT = fc.array(PATH_PIECE, { minLength: 1, maxLength: 3 }).map((pieces) => pieces.join(''))
const SIGNING = /^(expires|policy|signature|key-pair-id|hash-algorithm)$/i
const QUERY_PAIR = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/).filter((name) => !SIGNING.test(name)),
    fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z0-9._~*()!-]{1,8}$/), fc.constantFrom('%20', '%2B', '%C3%A9')), {
      maxLength: 2,
    }),
  )
  .map(([name, value]) => `${name}=${value.join('')}`)

/** An absolute URL in its `new URL(url).href` form, with or without a query. */
export const urlArbitrary = fc
  .record({
    scheme: fc.constantFrom('https', 'http'),
    host: fc.constantFrom(...HOSTS),
    segments: fc.array(SEGMENT, { minLength: 1, maxLength: 4 }),
    query: fc.array(QUERY_PAIR, { maxLength: 3 }),
  })
  .map(
    ({ scheme, host, segments, query }) =>
      `${scheme}://${host}/${segments.join('/')}${query.length ? '?' + query.join('&') : ''}`,
  )
  .filter((url) => {
    try {
      return new URL(url).href === url
    } catch {
      return false
    }
  })

/** Seconds since the epoch, from 2001 to 2100. */
export const epochArbitrary = fc.integer({ min: 1_000_000_000, max: 4_102_444_800 })

/** An IPv4 address or CIDR range, strictly written. */
export const ipArbitrary = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
    fc.option(fc.integer({ min: 0, max: 32 })),
  )
  .map(([octets, prefix]) => octets.join('.') + (prefix === null ? '' : `/${prefix}`))

/** A policy resource covering `url`: the URL itself, or with its tail replaced by `*`, or `?` for one character. */
export function resourceFor(url: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(url),
    fc.integer({ min: 8, max: url.length }).map((cut) => url.slice(0, cut) + '*'),
    fc.integer({ min: 8, max: url.length - 1 }).map((at) => url.slice(0, at) + '?' + url.slice(at + 1)),
    fc.constant(url.replace(/^https?:/, '*:').replace(/\/[^/]*$/, '/*')),
  )
}

/** A custom policy for a URL: a covering resource, an end, maybe a start before it, maybe an IPv4 range. */
export const customArbitrary = urlArbitrary.chain((url) =>
  fc
    .record({
      resource: resourceFor(url),
      expires: epochArbitrary,
      notBefore: fc.option(fc.integer({ min: 1, max: 900_000_000 }), { nil: undefined }),
      ipAddress: fc.option(ipArbitrary, { nil: undefined }),
    })
    .map((policy) => ({
      url,
      policy: Object.fromEntries(Object.entries(policy).filter(([, value]) => value !== undefined)) as {
        resource: string
        expires: number
        notBefore?: number
        ipAddress?: string
      },
    })),
)

export const hashArbitrary = fc.constantFrom('SHA1' as const, 'SHA256' as const)

/** The query parameters after the URL that was signed, in order. */
export function signingParams(signed: string, url: string): Array<[string, string]> {
  expect(signed.startsWith(url)).toBe(true)
  return signed
    .slice(url.length + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      return [pair.slice(0, equals), pair.slice(equals + 1)]
    })
}

/** CloudFront's URL-safe base64 back to the standard alphabet. */
export const standardBase64 = (text: string): string => text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/')
