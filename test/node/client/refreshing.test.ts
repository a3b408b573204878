// Issue 12, item 14: refreshing() keeps serving still-valid credentials when a refresh fails inside the margin
// (and tries again with backoff), does not refresh short-lived credentials on every call, never returns expired ones.
import fc from 'fast-check'
import { expect, test } from 'vitest'
import { AwsClient } from '../../../src/client.js'
import { fromCognitoIdentityPool, refreshing, type TemporaryCredentials } from '../../../src/credentials.js'

const START = Date.parse('2026-01-01T00:00:00Z')

// A provider whose answers are scripted: a lifetime in ms (numbered keys valid that long), or an error.
function scripted(clock: { now: number }, script: Array<number | Error>) {
  const provider = async (): Promise<TemporaryCredentials> => {
    const step = script[provider.calls++]
    await new Promise((resolve) => setTimeout(resolve, 5))
    if (step === undefined) throw new Error('script exhausted')
    if (step instanceof Error) throw step
    const n = provider.calls
    return { accessKeyId: 'AKID' + n, secretAccessKey: 'secret' + n, expiration: new Date(clock.now + step) }
  }
  provider.calls = 0
  return provider
}

const down = () => new Error('identity service down')
const keysOf = async (credentials: () => Promise<TemporaryCredentials>, count: number) =>
  new Set((await Promise.all(Array.from({ length: count }, () => credentials()))).map((c) => c.accessKeyId))

test('a refresh failing inside the margin: the still-valid keys keep being served, retried with backoff', async () => {
  const clock = { now: START }
  const provider = scripted(clock, [3600_000, down(), down(), 3600_000])
  const credentials = refreshing(provider, { now: () => clock.now })
  expect(await keysOf(credentials, 1)).toEqual(new Set(['AKID1']))

  clock.now += 3600_000 - 200_000 // 200 s left: inside the 300 s margin
  expect(await keysOf(credentials, 50)).toEqual(new Set(['AKID1'])) // one failed refresh, no caller rejected
  expect(provider.calls).toBe(2)
  expect(await keysOf(credentials, 10)).toEqual(new Set(['AKID1'])) // backing off: no new provider call
  expect(provider.calls).toBe(2)

  clock.now += 1000 // first backoff (1 s) over: tried again, fails again
  expect(await keysOf(credentials, 5)).toEqual(new Set(['AKID1']))
  expect(provider.calls).toBe(3)
  clock.now += 1000 // second backoff is 2 s: still waiting
  expect(await keysOf(credentials, 5)).toEqual(new Set(['AKID1']))
  expect(provider.calls).toBe(3)
  clock.now += 1000
  expect(await keysOf(credentials, 5)).toEqual(new Set(['AKID4']))
  expect(provider.calls).toBe(4)
  // Recovered: the backoff starts over and the new keys are cached.
  expect(await keysOf(credentials, 5)).toEqual(new Set(['AKID4']))
  expect(provider.calls).toBe(4)
})

test('the backoff never stretches past expiry: expired keys are never returned, the failure reaches the caller', async () => {
  const clock = { now: START }
  const provider = scripted(clock, [600_000, down(), down(), 600_000])
  const credentials = refreshing(provider, { now: () => clock.now, retryDelay: 10_000 })
  await credentials()
  clock.now += 600_000 - 5000 // 5 s left
  expect(await keysOf(credentials, 3)).toEqual(new Set(['AKID1']))
  expect(provider.calls).toBe(2)
  clock.now += 5000 // expired, although the 10 s backoff is not over
  await expect(credentials()).rejects.toThrow('identity service down')
  expect(provider.calls).toBe(3)
  expect((await credentials()).accessKeyId).toBe('AKID4')

  // Through a client: a failed provider with nothing valid cached is ERR_CREDENTIALS_PROVIDER, never a stale key.
  const stale = { now: START }
  const client = new AwsClient({
    credentials: refreshing(scripted(stale, [60_000, down()]), { now: () => stale.now }),
    region: 'us-east-1',
    service: 'kinesis',
  })
  await client.sign('https://kinesis.us-east-1.amazonaws.com/')
  stale.now += 60_000
  await expect(client.sign('https://kinesis.us-east-1.amazonaws.com/')).rejects.toMatchObject({
    code: 'ERR_CREDENTIALS_PROVIDER',
  })
})

test('credentials living shorter than the margin are not refreshed on every call, but halfway through', async () => {
  const clock = { now: START }
  const provider = scripted(clock, [60_000, 60_000, 60_000]) // 60 s keys, 300 s margin
  const credentials = refreshing(provider, { now: () => clock.now })
  for (let call = 0; call < 100; call++) expect((await credentials()).accessKeyId).toBe('AKID1')
  clock.now += 29_000
  expect((await credentials()).accessKeyId).toBe('AKID1')
  expect(provider.calls).toBe(1)
  clock.now += 2000 // 31 s: past half of their life
  expect((await credentials()).accessKeyId).toBe('AKID2')
  expect(provider.calls).toBe(2)
  for (let call = 0; call < 100; call++) await credentials()
  expect(provider.calls).toBe(2)
})

test('invalid options are refused at the call', () => {
  for (const options of [{ marginSeconds: Number.NaN }, { marginSeconds: -1 }, { retryDelay: Infinity }]) {
    expect(() => refreshing(() => Promise.resolve({ accessKeyId: 'A', secretAccessKey: 'S' }), options)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    )
  }
})

test('a Cognito answer without credentials is a typed provider error', async () => {
  const provider = fromCognitoIdentityPool({
    identityPoolId: 'us-east-1:pool',
    fetch: (request) =>
      Promise.resolve(
        new Response(
          request.headers.get('x-amz-target')!.endsWith('GetId') ? '{"IdentityId":"id"}' : '{"Credentials":null}',
        ),
      ),
  })
  await expect(provider()).rejects.toMatchObject({ code: 'ERR_CREDENTIALS_PROVIDER' })
  const broken = fromCognitoIdentityPool({
    identityPoolId: 'us-east-1:pool',
    fetch: () => Promise.resolve(new Response('null')),
  })
  await expect(broken()).rejects.toMatchObject({ code: 'ERR_CREDENTIALS_PROVIDER' })
})

test('property: under any schedule of clock jumps, bursts and provider failures (500 seeded runs)', async () => {
  const MARGIN = 300_000
  const outcome = fc.oneof(
    fc.integer({ min: 1000, max: 2 * 3600_000 }).map((lifetime) => ({ lifetime })),
    fc.constant({ lifetime: undefined }), // a failure
  )
  const step = fc.record({ advance: fc.integer({ min: 0, max: 20 * 60_000 }), calls: fc.integer({ min: 1, max: 4 }) })
  await fc.assert(
    fc.asyncProperty(
      fc.array(outcome, { maxLength: 40 }),
      fc.array(step, { minLength: 1, maxLength: 30 }),
      async (script, steps) => {
        const clock = { now: START }
        let calls = 0
        let inFlight = 0
        // The newest keys the provider handed out: when they were fetched and when they expire.
        let newest: { fetchedAt: number; expiresAt: number } | undefined
        const provider = async (): Promise<TemporaryCredentials> => {
          const { lifetime } = script[calls++] ?? { lifetime: undefined }
          inFlight++
          expect(inFlight).toBe(1) // single flight
          await Promise.resolve()
          inFlight--
          if (lifetime === undefined) throw new Error('down')
          newest = { fetchedAt: clock.now, expiresAt: clock.now + lifetime }
          return { accessKeyId: 'AKID' + calls, secretAccessKey: 's', expiration: new Date(newest.expiresAt) }
        }
        const credentials = refreshing(provider, { now: () => clock.now })
        for (const { advance, calls: burst } of steps) {
          clock.now += advance
          const before = newest
          const callsBefore = calls
          const results = await Promise.allSettled(Array.from({ length: burst }, () => credentials()))
          for (const result of results) {
            // Expired credentials are never returned.
            if (result.status === 'fulfilled') expect(+result.value.expiration!).toBeGreaterThan(clock.now)
            // A caller is refused only when nothing valid was cached.
            else expect(before === undefined || before.expiresAt <= clock.now).toBe(true)
          }
          // Fresh keys (outside the margin, or before half of a short life) cause no provider call.
          if (before && clock.now < before.expiresAt - Math.min(MARGIN, (before.expiresAt - before.fetchedAt) / 2))
            expect(calls).toBe(callsBefore)
        }
      },
    ),
    { seed: 20261204, numRuns: 500 },
  )
})
