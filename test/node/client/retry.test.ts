// The retry timing of retry.ts on its own (Retry-After forms, backoff bounds, the budget), and the client's
// refusal of retry options it cannot use.
import { expect, test } from 'vitest'
import { AwsClient } from '../../../src/client.js'
import {
  backoff,
  isRetryableAnswer,
  RETRY_COST,
  RetryBudget,
  retryAfterMilliseconds,
  retryDelay,
} from '../../../src/client/retry.js'

test('Retry-After: delay-seconds, an HTTP date (past dates wait 0), and unreadable values', () => {
  const now = Date.parse('2026-10-21T07:27:00Z')
  expect(retryAfterMilliseconds('2', now)).toBe(2000)
  expect(retryAfterMilliseconds(' 0 ', now)).toBe(0)
  expect(retryAfterMilliseconds('Wed, 21 Oct 2026 07:28:00 GMT', now)).toBe(60_000)
  expect(retryAfterMilliseconds('Wed, 21 Oct 2026 07:00:00 GMT', now)).toBe(0)
  for (const unreadable of [null, '', 'soon', '-5', '1.5', '0x10', '1e3'])
    expect(retryAfterMilliseconds(unreadable, now), String(unreadable)).toBeUndefined()
})

test('retryDelay: the backoff, or a longer Retry-After; undefined when the server asks for more than the cap', () => {
  const timing = { retryDelay: 100, maxRetryDelay: 5000 }
  for (let attempt = 0; attempt < 10; attempt++) {
    const wait = retryDelay(attempt, null, timing)!
    expect(wait).toBeGreaterThanOrEqual(0)
    expect(wait).toBeLessThan(Math.min(5000, 100 * 2 ** attempt))
  }
  expect(retryDelay(0, '3', timing)).toBe(3000)
  expect(retryDelay(0, '6', timing)).toBeUndefined()
  expect(backoff(30, 100, 20_000)).toBeLessThan(20_000)
})

test('retryable answers: 408, 429, 5xx whatever the code, throttling codes whatever the status', () => {
  expect([408, 429, 500, 503, 599].map((status) => isRetryableAnswer(status, 'Anything'))).toEqual([
    true,
    true,
    true,
    true,
    true,
  ])
  expect(isRetryableAnswer(400, 'ThrottlingException')).toBe(true)
  expect(isRetryableAnswer(400, 'ProvisionedThroughputExceededException')).toBe(true)
  expect(isRetryableAnswer(400, 'ValidationException')).toBe(false)
  expect(isRetryableAnswer(403, 'AccessDenied')).toBe(false)
})

test('the budget: a retry costs RETRY_COST, a success gives one back up to the capacity', () => {
  const budget = new RetryBudget(2 * RETRY_COST + 1)
  budget.spend()
  budget.spend()
  expect(budget.canRetry()).toBe(false)
  for (let i = 0; i < RETRY_COST - 1; i++) budget.refund()
  expect(budget.canRetry()).toBe(true)
  for (let i = 0; i < 100; i++) budget.refund()
  budget.spend()
  budget.spend()
  expect(budget.canRetry()).toBe(false) // capped at 11: two retries leave 1
})

test('AwsClient refuses retry options it cannot use, with ERR_INVALID_OPTION', () => {
  const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret' }
  for (const options of [
    { retries: -1 },
    { retries: 1.5 },
    { retries: Number.NaN },
    { retryDelay: Number.POSITIVE_INFINITY },
    { maxRetryDelay: -1 },
    { retryBudget: '500' as unknown as number },
  ])
    expect(() => new AwsClient({ credentials, ...options }), JSON.stringify(options)).toThrow(
      expect.objectContaining({ name: 'SigV4Error', code: 'ERR_INVALID_OPTION' }),
    )
  expect(() => new AwsClient(null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }))
  expect(new AwsClient({ credentials, retries: 0, retryBudget: 0 }).options).toEqual({ retries: 0, retryBudget: 0 })
})
