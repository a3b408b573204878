// Runtime-neutral checks of webcrypto-sigv4/appsync: the header records and WebSocket subprotocols equal the ones
// botocore signed (test/vectors/appsync.json), the real-time host maps to the API host, and bad URLs and bodies are
// refused with their codes. Web-platform APIs only.
import golden from '../vectors/appsync.json' with { type: 'json' }
import { equal, ok, rejectsWith } from './assert.js'
import type { Check, Lib } from './suite.js'

const ACCESS_KEY_ID = 'AKIDEXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

interface Vector {
  name: string
  url: string
  body?: string
  datetime: string
  sessionToken?: string
  expected: Record<string, string>
}

/** botocore's headers as the JSON text of the record, in the order AppSync's clients send them. */
const ordered = (record: Record<string, string>) =>
  JSON.stringify(
    Object.fromEntries(
      ['accept', 'content-encoding', 'content-type', 'host', 'x-amz-date', 'x-amz-security-token', 'authorization']
        .filter((name) => name in record)
        .map((name) => [name, record[name]]),
    ),
  )

function fromBase64url(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const bytes = Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0))
  return new TextDecoder().decode(bytes)
}

export function appSyncChecks(lib: Lib): Check[] {
  const checks: Check[] = []
  for (const vector of golden.cases as Vector[]) {
    const credentials = {
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET,
      ...(vector.sessionToken !== undefined && { sessionToken: vector.sessionToken }),
    }
    const options = { credentials, datetime: vector.datetime }
    checks.push({
      name: `appsync: ${vector.name} equals botocore`,
      run: async () => {
        const input = vector.body === undefined ? { url: vector.url } : { url: vector.url, body: vector.body }
        const record = await lib.appSyncAuthorization(input, options)
        equal(JSON.stringify(record), ordered(vector.expected), 'header record')
      },
    })
    if (vector.body === undefined)
      checks.push({
        name: `appsync: ${vector.name} subprotocols`,
        run: async () => {
          const protocols = await lib.appSyncWebSocketProtocols(vector.url, options)
          equal(protocols.length, 2, 'two subprotocols')
          equal(protocols[0], vector.url.endsWith('/graphql') ? 'graphql-ws' : 'aws-appsync-event-ws', 'subprotocol')
          ok(/^header-[A-Za-z0-9_-]+$/.test(protocols[1]!), 'header- subprotocol is base64url without padding')
          equal(fromBase64url(protocols[1]!.slice('header-'.length)), ordered(vector.expected), 'decoded record')
        },
      })
  }
  checks.push({
    name: 'appsync: non-AppSync URL without apiUrl, and bad bodies, are refused',
    run: async () => {
      const credentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }
      await rejectsWith(
        () => lib.appSyncAuthorization({ url: 'https://api.example.com/event' }, { credentials }),
        'ERR_APPSYNC_URL',
        'custom domain',
      )
      const custom = await lib.appSyncAuthorization(
        { url: 'wss://api.example.com/event/realtime' },
        { credentials, apiUrl: 'https://api.example.com/event', region: 'eu-west-1' },
      )
      equal(custom.host, 'api.example.com', 'apiUrl host signed')
      const url = golden.cases[0]!.url
      await rejectsWith(
        () => lib.appSyncAuthorization({ url, body: '{not json' }, { credentials }),
        'ERR_APPSYNC_BODY',
        'bad JSON',
      )
      await rejectsWith(
        () =>
          lib.appSyncEventsMessage(
            url,
            { type: 'publish', id: '1', channel: '/default/room', events: [] },
            { credentials },
          ),
        'ERR_APPSYNC_BODY',
        'no events',
      )
    },
  })
  return checks
}
