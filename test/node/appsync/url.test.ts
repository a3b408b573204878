// Which host and path an AppSync authorization is signed for, and what is refused before signing.
import { expect, test } from 'vitest'
import { appSyncAuthorization, appSyncEventsMessage, appSyncWebSocketProtocols } from '../../../src/appsync.js'
import { appSyncTarget } from '../../../src/appsync/url.js'

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'a-session-token-value' }

test.each([
  [
    'wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime',
    'events',
    'abc.appsync-api.us-east-1.amazonaws.com',
    'us-east-1',
    'wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime',
  ],
  [
    'https://abc.appsync-api.eu-west-2.amazonaws.com/event',
    'events',
    'abc.appsync-api.eu-west-2.amazonaws.com',
    'eu-west-2',
    'wss://abc.appsync-realtime-api.eu-west-2.amazonaws.com/event/realtime',
  ],
  [
    'wss://abc.appsync-realtime-api.cn-north-1.amazonaws.com.cn/graphql',
    'graphql',
    'abc.appsync-api.cn-north-1.amazonaws.com.cn',
    'cn-north-1',
    'wss://abc.appsync-realtime-api.cn-north-1.amazonaws.com.cn/graphql',
  ],
  [
    'https://abc.appsync-api.ap-southeast-2.amazonaws.com/graphql',
    'graphql',
    'abc.appsync-api.ap-southeast-2.amazonaws.com',
    'ap-southeast-2',
    'wss://abc.appsync-realtime-api.ap-southeast-2.amazonaws.com/graphql',
  ],
])('%s → %s on %s', (url, kind, host, region, realtimeUrl) => {
  expect(appSyncTarget(url)).toEqual({ kind, host, region, realtimeUrl })
})

test('a custom domain is signed for apiUrl, with the region given', async () => {
  expect(appSyncTarget('wss://rt.example.com/event/realtime', 'https://api.example.com/event')).toEqual({
    kind: 'events',
    host: 'api.example.com',
    realtimeUrl: 'wss://rt.example.com/event/realtime',
  })
  await expect(
    appSyncAuthorization(
      { url: 'wss://rt.example.com/event/realtime' },
      { credentials, apiUrl: 'https://api.example.com/event' },
    ),
  ).rejects.toMatchObject({ code: 'ERR_REGION_REQUIRED' })
  const record = await appSyncAuthorization(
    { url: 'wss://rt.example.com/event/realtime' },
    { credentials, apiUrl: 'https://api.example.com/event', region: 'us-west-2' },
  )
  expect(record.host).toBe('api.example.com')
  expect(record.authorization).toMatch(/\/us-west-2\/appsync\/aws4_request, /)
})

test('the service is always appsync, and GraphQL messages are signed for /graphql', async () => {
  const connect = await appSyncAuthorization(
    { url: 'https://abc.appsync-api.us-east-1.amazonaws.com/graphql' },
    { credentials, datetime: '2026-01-01T00:00:00Z' },
  )
  const start = await appSyncAuthorization(
    { url: 'https://abc.appsync-api.us-east-1.amazonaws.com/graphql', body: '{"query":"subscription { a }"}' },
    { credentials, datetime: '2026-01-01T00:00:00Z' },
  )
  expect(connect.authorization).toContain('/us-east-1/appsync/aws4_request')
  expect(connect.authorization).not.toBe(start.authorization)
  const protocols = await appSyncWebSocketProtocols('wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/graphql', {
    credentials,
  })
  expect(protocols[0]).toBe('graphql-ws')
})

test.each([
  ['https://example.com/event', 'not an AppSync host'],
  ['https://abc.appsync-api.us-east-1.amazonaws.com/other', 'neither /event nor /graphql'],
  ['not a url', 'not a URL'],
])('%s is refused with ERR_APPSYNC_URL (%s)', async (url) => {
  await expect(appSyncAuthorization({ url }, { credentials })).rejects.toMatchObject({ code: 'ERR_APPSYNC_URL' })
})

test('bad bodies, channels and events are refused with ERR_APPSYNC_BODY, no secret or token in the message', async () => {
  const url = 'wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime'
  const attempts = [
    appSyncAuthorization({ url, body: '{"a":' }, { credentials }),
    appSyncAuthorization({ url, body: 42 as unknown as string }, { credentials }),
    appSyncEventsMessage(url, { type: 'subscribe', id: '1', channel: 'no spaces allowed' }, { credentials }),
    appSyncEventsMessage(
      url,
      { type: 'publish', id: '1', channel: '/default/a', events: [1, 2, 3, 4, 5, 6] },
      { credentials },
    ),
    appSyncEventsMessage(
      url,
      { type: 'publish', id: '1', channel: '/default/a', events: [undefined] },
      { credentials },
    ),
    appSyncEventsMessage(url, { type: 'publish', id: '', channel: '/default/a', events: [1] }, { credentials }),
  ]
  for (const attempt of attempts) {
    const error = (await attempt.then(
      () => undefined,
      (reason: unknown) => reason,
    )) as Error & { code: string }
    expect(error.code).toBe('ERR_APPSYNC_BODY')
    expect(error.message).not.toContain(credentials.sessionToken)
    expect(error.message).not.toContain(credentials.secretAccessKey)
  }
})
