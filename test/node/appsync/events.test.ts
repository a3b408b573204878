// appSyncEvents end to end against a fake AppSync Events real-time endpoint in workerd (fake-appsync.mjs), which
// re-checks the connection, subscribe and publish signatures with verify(). Node 20 has no global WebSocket, so the
// client gets undici's (the `WebSocket` option); the browsers and Node 22+ use their own.
import { WebSocket as UndiciWebSocket } from 'undici'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { appSyncEvents, type AppSyncEventsOptions, type WebSocketConstructor } from '../../../src/appsync.js'
import { SigV4Error } from '../../../src/core/errors.js'
import { API_URL, credentials, startFake, type Fake } from './fake.js'

let fake: Fake

beforeAll(async () => {
  fake = await startFake()
})
afterAll(() => fake?.dispose())

const logOf = () => fake.log()
const controlOf = (change: Record<string, unknown>) => fake.control(change)
const client = (options: Partial<AppSyncEventsOptions> = {}) =>
  appSyncEvents(fake.realtime, {
    credentials,
    apiUrl: API_URL,
    WebSocket: UndiciWebSocket as unknown as WebSocketConstructor,
    timeoutMs: 2000,
    ...options,
  })

async function rejection(promise: Promise<unknown>): Promise<SigV4Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(SigV4Error)
  return error as SigV4Error
}

function collector() {
  const received: unknown[] = []
  let wake: (() => void) | undefined
  return {
    received,
    onEvent: (event: unknown) => {
      received.push(event)
      wake?.()
    },
    async until(count: number) {
      const deadline = Date.now() + 5000
      while (received.length < count && Date.now() < deadline)
        await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 50)))
      return received
    },
  }
}

test('subscribe and publish round trip with <>, emoji and long payloads; every signature verified', async () => {
  const before = await logOf()
  const events = [
    { html: '<script>alert(1)</script> & <b>' },
    { text: 'héllo 👋🏽 日本語 \u2028' },
    { long: 'x<>🦄'.repeat(20_000) },
    42,
    'plain',
  ]
  const app = client()
  const room = collector()
  const all = collector()
  await app.subscribe('/default/room', room.onEvent)
  await app.subscribe('/default/*', all.onEvent)
  const result = await app.publish('/default/room', events)
  expect(result.successful.map(({ index }) => index)).toEqual([0, 1, 2, 3, 4])
  expect(result.failed).toEqual([])
  expect(await room.until(5)).toEqual(events)
  expect(await all.until(5)).toEqual(events)
  app.close()
  const after = await logOf()
  expect(after.connects - before.connects).toBe(1)
  expect(after.subscribes - before.subscribes).toBe(2)
  expect(after.publishes - before.publishes).toBe(1)
  expect(after.refused).toEqual(before.refused)
  expect(after.hosts.at(-1)).toBe('fake1234.appsync-api.us-east-1.amazonaws.com')
})

test('a wrong secret is refused at the connection with ERR_APPSYNC_ERROR; no token in the message', async () => {
  const app = client({ credentials: { ...credentials, secretAccessKey: 'wrong' } })
  const error = await rejection(app.publish('/default/room', [1]))
  expect(error.code).toBe('ERR_APPSYNC_ERROR')
  expect(error.message).not.toContain(credentials.sessionToken)
  expect(error.cause).toEqual([{ errorType: 'UnauthorizedException', message: 'ERR_SIGNATURE_MISMATCH' }])
  expect((await logOf()).refused).toContain('connect:ERR_SIGNATURE_MISMATCH')
})

test('a subscribe_error frame rejects with ERR_APPSYNC_ERROR and its errors as cause', async () => {
  const app = client()
  const error = await rejection(app.subscribe('/denied/room', () => undefined))
  expect(error.code).toBe('ERR_APPSYNC_ERROR')
  expect(error.cause).toEqual([{ errorType: 'UnauthorizedException', message: 'You are not authorized' }])
  app.close()
})

test('a dropped connection reconnects with fresh signatures and re-subscribes', async () => {
  const app = client()
  const room = collector()
  await app.subscribe('/default/again', room.onEvent)
  const before = await logOf()
  await controlOf({ drop: true })
  const deadline = Date.now() + 5000
  while ((await logOf()).subscribes === before.subscribes && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50))
  const after = await logOf()
  expect(after.connects).toBeGreaterThan(before.connects)
  expect(after.subscribes).toBe(before.subscribes + 1)
  await app.publish('/default/again', [{ after: 'reconnect' }])
  expect(await room.until(1)).toEqual([{ after: 'reconnect' }])
  app.close()
})

test('missing keep-alives (connectionTimeoutMs) make the client reconnect', async () => {
  const app = client()
  await app.subscribe('/default/ka', () => undefined)
  const before = await logOf()
  await controlOf({ ka: false })
  await new Promise((r) => setTimeout(r, 900))
  await controlOf({ ka: true })
  const deadline = Date.now() + 5000
  while ((await logOf()).connects === before.connects && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50))
  expect((await logOf()).connects).toBeGreaterThan(before.connects)
  app.close()
})

test('no connection_ack in time rejects with ERR_APPSYNC_TIMEOUT; a closed client with ERR_APPSYNC_CONNECTION', async () => {
  await controlOf({ silent: true })
  try {
    const app = client({ timeoutMs: 300 })
    const started = Date.now()
    expect((await rejection(app.publish('/default/room', [1]))).code).toBe('ERR_APPSYNC_TIMEOUT')
    expect(Date.now() - started).toBeLessThan(2000)
  } finally {
    await controlOf({ silent: false })
  }
  const app = client()
  app.close()
  expect((await rejection(app.publish('/default/room', [1]))).code).toBe('ERR_APPSYNC_CONNECTION')
  const none = client({ WebSocket: undefined })
  const hasGlobal = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function'
  if (!hasGlobal) expect((await rejection(none.publish('/default/room', [1]))).code).toBe('ERR_APPSYNC_CONNECTION')
})

test('bad input is refused before anything is sent', async () => {
  const app = client()
  expect((await rejection(app.publish('/default/room', []))).code).toBe('ERR_APPSYNC_BODY')
  expect((await rejection(app.publish('bad channel!', [1]))).code).toBe('ERR_APPSYNC_BODY')
  expect(() => appSyncEvents('https://example.com/event', { credentials })).toThrow(
    expect.objectContaining({ code: 'ERR_APPSYNC_URL' }),
  )
  app.close()
})

test('an aborted subscription is unsubscribed and gets no more events; an aborted signal refuses at once', async () => {
  const app = client()
  const stopped = collector()
  const kept = collector()
  const controller = new AbortController()
  await app.subscribe('/default/abort', stopped.onEvent, { signal: controller.signal })
  await app.subscribe('/default/abort', kept.onEvent)
  controller.abort()
  await app.publish('/default/abort', [{ n: 1 }])
  expect(await kept.until(1)).toEqual([{ n: 1 }])
  expect(stopped.received).toEqual([])
  const error = await app
    .subscribe('/default/abort', () => undefined, { signal: controller.signal })
    .catch((e: unknown) => e)
  expect(error).toMatchObject({ name: 'AbortError' })
  app.close()
})
