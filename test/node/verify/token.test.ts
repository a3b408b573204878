// Item 1: a session token is reported (and handed to lookupSecret) only when the signature covers it, or where
// the service's rules (IoT's device gateway) or an explicit option accept one added after signing; a request with
// both a presigned query and an Authorization header is refused.
import { describe, expect, test, vi } from 'vitest'
import type { RequestParts } from '../../../src/core/types.js'
import { verify } from '../../../src/verify.js'
import { accepting, lookupSecret, presigned, signed } from './signed.js'

const TOKEN = 'FQoGZXIvYXdzEXAMPLE/token+with=chars'
const FORGED = 'FQoGZXIvYXdzFORGED/someone+else'
const parts: RequestParts = { method: 'GET', host: 'api.example.test', path: '/v1/items', query: 'page=2' }
const withHeader = (request: RequestParts, name: string, value: string): RequestParts => ({
  ...request,
  headers: [...(request.headers ?? []), [name, value]],
})

describe('header authentication', () => {
  test('an x-amz-security-token header outside SignedHeaders → ERR_TOKEN_NOT_SIGNED, lookupSecret never called', async () => {
    const request = withHeader(await signed(parts), 'X-Amz-Security-Token', FORGED)
    const lookup = vi.fn(lookupSecret)
    expect(await verify(request, { ...accepting, lookupSecret: lookup })).toMatchObject({
      ok: false,
      code: 'ERR_TOKEN_NOT_SIGNED',
    })
    expect(lookup).not.toHaveBeenCalled()
  })

  test('a signed token is reported and handed to lookupSecret; sessionTokenSigned is true', async () => {
    const request = await signed(parts, { sessionToken: TOKEN })
    const lookup = vi.fn(lookupSecret)
    const result = await verify(request, { ...accepting, lookupSecret: lookup })
    expect(result).toMatchObject({ ok: true, sessionToken: TOKEN, sessionTokenSigned: true })
    expect(lookup).toHaveBeenCalledWith('AKIDSECURITYTEST', {
      sessionToken: TOKEN,
      region: 'eu-west-1',
      service: 'execute-api',
    })
  })

  test('a signed token swapped for another → ERR_SIGNATURE_MISMATCH; sent twice → ERR_MALFORMED_AUTH', async () => {
    const request = await signed(parts, { sessionToken: TOKEN })
    const swapped = {
      ...request,
      headers: [...request.headers!].map(([name, value]): [string, string] => [
        name,
        name.toLowerCase() === 'x-amz-security-token' ? FORGED : value,
      ]),
    }
    expect(await verify(swapped, accepting)).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' })
    expect(await verify(withHeader(request, 'x-amz-security-token', FORGED), accepting)).toMatchObject({
      ok: false,
      code: 'ERR_MALFORMED_AUTH',
    })
  })

  test('without a token, sessionTokenSigned is false and no token is reported', async () => {
    const result = await verify(await signed(parts), accepting)
    expect(result).toMatchObject({ ok: true, sessionTokenSigned: false })
    expect(result).not.toHaveProperty('sessionToken')
  })

  test('allowUnsignedSessionToken accepts a token header added after signing, reported as unsigned', async () => {
    const request = withHeader(await signed(parts), 'x-amz-security-token', TOKEN)
    expect(await verify(request, { ...accepting, allowUnsignedSessionToken: true })).toMatchObject({
      ok: true,
      sessionToken: TOKEN,
      sessionTokenSigned: false,
    })
  })
})

describe('presigned URLs', () => {
  test('a signed X-Amz-Security-Token verifies, sessionTokenSigned true', async () => {
    const request = await presigned(parts, { sessionToken: TOKEN })
    expect(await verify(request, accepting)).toMatchObject({ ok: true, sessionToken: TOKEN, sessionTokenSigned: true })
  })

  test('a token added after signing → ERR_TOKEN_NOT_SIGNED unless allowUnsignedSessionToken', async () => {
    const request = await presigned(parts)
    const late = { ...request, query: request.query + '&X-Amz-Security-Token=' + encodeURIComponent(FORGED) }
    expect(await verify(late, accepting)).toMatchObject({ ok: false, code: 'ERR_TOKEN_NOT_SIGNED' })
    const result = await verify(late, { ...accepting, allowUnsignedSessionToken: true })
    expect(result).toMatchObject({ ok: true, sessionToken: FORGED, sessionTokenSigned: false })
    // The unsigned token is not among the signed query pairs the app should read.
    expect(result.ok && result.query.map(([name]) => name)).not.toContain('X-Amz-Security-Token')
  })

  test("IoT's device gateway: the token added after signing is accepted by its rules, and refused when opted out", async () => {
    const request = await presigned(
      { method: 'GET', host: 'a1b2c3-ats.iot.eu-west-1.amazonaws.com', path: '/mqtt' },
      { sessionToken: TOKEN, service: 'iotdevicegateway' },
    )
    expect(await verify(request, accepting)).toMatchObject({ ok: true, sessionToken: TOKEN, sessionTokenSigned: false })
    expect(await verify(request, { ...accepting, allowUnsignedSessionToken: false })).toMatchObject({
      ok: false,
      code: 'ERR_TOKEN_NOT_SIGNED',
    })
  })

  test('an unsigned x-amz-security-token header beside a presigned query → ERR_TOKEN_NOT_SIGNED', async () => {
    const request = withHeader(await presigned(parts), 'x-amz-security-token', FORGED)
    expect(await verify(request, accepting)).toMatchObject({ ok: false, code: 'ERR_TOKEN_NOT_SIGNED' })
  })

  test('X-Amz-Security-Token twice → ERR_MALFORMED_AUTH', async () => {
    const request = await presigned(parts, { sessionToken: TOKEN })
    const twice = { ...request, query: request.query + '&X-Amz-Security-Token=' + encodeURIComponent(FORGED) }
    expect(await verify(twice, accepting)).toMatchObject({ ok: false, code: 'ERR_MALFORMED_AUTH' })
  })
})

test('a presigned query and an Authorization header together → ERR_MULTIPLE_AUTH (as AWS)', async () => {
  const query = await presigned(parts)
  const header = await signed(parts)
  const authorization = [...header.headers!].find(([name]) => name === 'authorization')!
  const both = { ...query, headers: [...query.headers!, authorization] }
  expect(await verify(both, accepting)).toMatchObject({ ok: false, code: 'ERR_MULTIPLE_AUTH' })
  const headerPlusQuery = { ...header, query: query.query }
  expect(await verify(headerPlusQuery, accepting)).toMatchObject({ ok: false, code: 'ERR_MULTIPLE_AUTH' })
})
