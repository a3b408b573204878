// The page the browser tests load: appSyncEvents with the browser's own WebSocket, against the fake endpoint.
import { appSyncEvents } from '../../../src/appsync.js'
import { SigV4Error } from '../../../src/core/errors.js'

interface RunOptions {
  realtime: string
  apiUrl: string
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  events: unknown[]
}

async function run({ realtime, apiUrl, credentials, events }: RunOptions) {
  const client = appSyncEvents(realtime, { credentials, apiUrl, timeoutMs: 5000 })
  const received: unknown[] = []
  let done: () => void = () => undefined
  const all = new Promise<void>((resolve) => (done = resolve))
  const aborted = new AbortController()
  await client.subscribe(
    '/default/browser',
    (event) => {
      received.push(event)
      if (received.length === events.length) done()
    },
    { signal: aborted.signal },
  )
  const result = await client.publish('/default/browser', events)
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 5000))])
  aborted.abort()
  client.close()
  let refused: string | undefined
  try {
    await appSyncEvents(realtime, { credentials: { ...credentials, secretAccessKey: 'wrong' }, apiUrl }).publish(
      '/default/browser',
      [1],
    )
  } catch (error) {
    refused = error instanceof SigV4Error ? error.code : String(error)
  }
  return {
    received,
    indexes: result.successful.map(({ index }) => index),
    refused,
    hasWebSocket: 'WebSocket' in globalThis,
  }
}

Object.assign(globalThis, { appsyncPage: { run } })
