// AwsError.from on adversarial bodies, seeded and bounded (fast-check): it never throws, always gives a typed
// error (a non-empty string code, a string message), and a session token or signature in the body never
// reaches the error.
import fc from 'fast-check'
import { inspect } from 'node:util'
import { expect, test } from 'vitest'
import { AwsError } from '../../../src/client/aws-error.js'

const TOKEN = 'IQoJb3JpZ2luX2VjEFuzzSessionTokenValue0123456789'
const SIGNATURE = 'a'.repeat(24) + '0123456789abcdef'.repeat(2) + 'b'.repeat(8)

// Pieces that parsers of AWS error documents trip over.
const fragment = fc.constantFrom(
  '<Code>',
  '</Code>',
  '<Message>',
  '</Message>',
  '<CanonicalRequest>',
  '</CanonicalRequest>',
  '<ServerTime>',
  '&#x',
  '&#',
  ';',
  '&amp;',
  '&lt;',
  '110000',
  'ZZ',
  'D800',
  '1e5',
  '#',
  ':',
  '\n',
  "'",
  '"',
  '{',
  '}',
  'null',
  '__type',
  'Signature',
  "should have been\n'",
  "The Canonical String for this request should have been\n'",
  "'\n\nThe String-to-Sign should have been\n'",
  '(20261021T072800Z - 5 min.)',
  'x-amz-security-token:',
  'X-Amz-Security-Token=',
  'Signature=',
)
const text = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.oneof(fragment, fc.string({ maxLength: 8 })), { maxLength: 60 }).map((parts) => parts.join('')),
)
const body: fc.Arbitrary<BodyInit> = fc.oneof(
  text,
  fc.json({ maxDepth: 3 }),
  fc.record({ __type: fc.anything(), message: fc.anything(), code: fc.anything() }).map((value) => {
    try {
      return JSON.stringify(value) ?? 'undefined'
    } catch {
      return '{"__type": 1n}' // BigInt and other values JSON cannot write
    }
  }),
  fc.uint8Array({ maxLength: 300 }),
)
const status = fc.integer({ min: 400, max: 599 })

test('any body: AwsError.from resolves to a typed AwsError (2,000 seeded runs)', async () => {
  await fc.assert(
    fc.asyncProperty(body, status, async (input, code) => {
      const error = await AwsError.from(new Response(input, { status: code }))
      expect(error).toBeInstanceOf(AwsError)
      expect(typeof error.code).toBe('string')
      expect(error.code.length).toBeGreaterThan(0)
      expect(typeof error.message).toBe('string')
      expect(error.status).toBe(code)
      expect(error.serverTime === undefined || !Number.isNaN(error.serverTime.getTime())).toBe(true)
    }),
    { seed: 20261202, numRuns: 2000 },
  )
})

test('a token line or a signature anywhere in a body never reaches the error (1,000 seeded runs)', async () => {
  const secretLine = fc.constantFrom(
    `\nx-amz-security-token:${TOKEN}\n`,
    `X-Amz-Security-Token=${encodeURIComponent(TOKEN)}&`,
    `Signature=${SIGNATURE}`,
    `X-Amz-Signature=${SIGNATURE}`,
  )
  const shape = fc.constantFrom(
    (inner: string) => JSON.stringify({ __type: 'InvalidSignatureException', message: inner }),
    (inner: string) => `<Error><Code>SignatureDoesNotMatch</Code><Message>${inner}</Message></Error>`,
    (inner: string) =>
      `<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message><CanonicalRequest>${inner}</CanonicalRequest></Error>`,
    (inner: string) => inner,
  )
  await fc.assert(
    fc.asyncProperty(text, secretLine, text, shape, async (before, secret, after, wrap) => {
      const inner = before + secret + after
      const error = await AwsError.from(new Response(wrap(inner), { status: 403 }), {
        canonicalRequest: inner,
        stringToSign: 'AWS4-HMAC-SHA256',
      })
      const view = JSON.stringify(error) + inspect(error, { showHidden: true, depth: Infinity })
      expect(view).not.toContain(TOKEN)
      expect(view).not.toContain(SIGNATURE)
    }),
    { seed: 20261203, numRuns: 1000 },
  )
})
