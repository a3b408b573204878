// The 76 signed requests of the official AWS SigV4 vectors (header and presigned form of 38 cases), as the
// vectors give them on the wire, are accepted; each fails once the signature is off by one bit. The one whose
// session token is added after signing (post-sts-header-after) is refused unless allowUnsignedSessionToken is set.
import { describe, expect, test } from 'vitest'
import { verify } from '../../../src/verify.js'
import v4Cases from '../../vectors/v4.json' with { type: 'json' }
import { parseRawRequest, type VectorCase, type VectorContext } from '../../conformance/vectors.js'

function wireRequest(text: string) {
  const raw = parseRawRequest(text)
  const host = raw.headers.find(([name]) => name.toLowerCase() === 'host')![1]
  return { method: raw.method, host, path: raw.path, query: raw.query, headers: raw.headers, body: raw.body || null }
}

describe('official SigV4 vectors', () => {
  for (const vector of v4Cases as VectorCase[]) {
    const context = JSON.parse(vector.files['context.json']!) as VectorContext
    const options = {
      lookupSecret: (id: string) =>
        id === context.credentials.access_key_id ? context.credentials.secret_access_key : undefined,
      now: new Date(context.timestamp),
      normalizePath: context.normalize,
    }
    const tokenAddedAfterSigning = vector.name === 'post-sts-header-after'
    for (const form of ['header', 'query'] as const) {
      test(`${vector.name} (${form})`, async () => {
        const request = wireRequest(vector.files[`${form}-signed-request.txt`]!)
        if (tokenAddedAfterSigning)
          expect(await verify(request, options)).toMatchObject({ ok: false, code: 'ERR_TOKEN_NOT_SIGNED' })
        const accepting = { ...options, allowUnsignedSessionToken: tokenAddedAfterSigning }
        const result = await verify(request, accepting)
        expect(result).toMatchObject({ sessionTokenSigned: !!context.credentials.token && !tokenAddedAfterSigning })
        expect(result).toMatchObject({
          ok: true,
          accessKeyId: 'AKIDEXAMPLE',
          region: 'us-east-1',
          service: 'service',
          presigned: form === 'query',
        })
        if (result.ok) expect(result.signature).toBe(vector.files[`${form}-signature.txt`])
        if (context.credentials.token) expect(result).toMatchObject({ sessionToken: context.credentials.token })
        // One flipped bit in the signature is refused.
        const signature = vector.files[`${form}-signature.txt`]!
        const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0')
        const tampered =
          form === 'header'
            ? {
                ...request,
                headers: request.headers.map(([name, value]): [string, string] => [
                  name,
                  name === 'Authorization' ? value.replace(signature, flipped) : value,
                ]),
              }
            : { ...request, query: request.query.replace(signature, flipped) }
        expect(await verify(tampered, accepting)).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' })
      })
    }
  }
})
