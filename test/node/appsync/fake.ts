// Starts the fake AppSync Events endpoint (fake-appsync.mjs) in workerd on 127.0.0.1, and reads its log.
import { Miniflare } from 'miniflare'
import { bundleExample } from '../stream/bundle.js'

export const credentials = {
  accessKeyId: 'AKIDAPPSYNC',
  secretAccessKey: 'appsync/secret',
  sessionToken: 'session+token/=',
}
/** The API URL given as `apiUrl`: its host is the one signed, as for a custom domain in front of AppSync. */
export const API_URL = 'https://fake1234.appsync-api.us-east-1.amazonaws.com/event'

/** What the fake endpoint counted: verified connections, subscribes and publishes, and what it refused. */
export interface FakeLog {
  connects: number
  subscribes: number
  publishes: number
  refused: string[]
  hosts: string[]
}

export interface Fake {
  realtime: string
  log(): Promise<FakeLog>
  control(change: Record<string, unknown>): Promise<unknown>
  dispose(): Promise<void>
}

/** The fake endpoint, with keep-alives every 100 ms and a connectionTimeoutMs of 600 ms. */
export async function startFake(): Promise<Fake> {
  const mf = new Miniflare({
    modules: true,
    script: await bundleExample('test/node/appsync/fake-appsync.mjs', { platform: 'neutral' }),
    compatibilityDate: '2025-01-01',
    bindings: {
      ACCESS_KEY_ID: credentials.accessKeyId,
      SECRET: credentials.secretAccessKey,
      KA_MS: '100',
      CONNECTION_TIMEOUT_MS: '600',
    },
    host: '127.0.0.1',
    port: 0,
  })
  const http = (await mf.ready).toString().replace(/\/$/, '')
  return {
    realtime: `${http.replace(/^http/, 'ws')}/event/realtime`,
    log: async () => (await (await fetch(`${http}/log`)).json()) as FakeLog,
    control: (change) =>
      fetch(`${http}/control`, { method: 'POST', body: JSON.stringify(change) }).then((r) => r.json()),
    dispose: () => mf.dispose(),
  }
}
