// appSyncAuthorization against botocore's SigV4Auth (python3) signing the same POST at the same frozen time: the
// header records are byte-equal, with and without a session token, for connect, subscribe and publish bodies with
// `<>`, emoji and long payloads; each one is also accepted by verify().
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import fc from 'fast-check'
import { expect, test } from 'vitest'
import { appSyncAuthorization, appSyncEventsMessage } from '../../../src/appsync.js'
import { verify } from '../../../src/verify.js'

const HOST = 'abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com'
const REALTIME = 'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/event/realtime'
const GRAPHQL = 'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/graphql'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

interface Case {
  url: string
  body?: string
  path: string
  sessionToken?: string
  amzDate: string
}

const bodies = [
  undefined,
  '{}',
  JSON.stringify({ channel: '/default/*' }),
  JSON.stringify({ channel: '/default/room', events: [JSON.stringify({ html: '<b>a & b</b> <script>' })] }),
  JSON.stringify({ channel: '/default/room', events: [JSON.stringify({ text: 'héllo 👋🏽 日本 \u2028' })] }),
  JSON.stringify({ channel: '/default/room', events: [JSON.stringify({ long: 'x<>'.repeat(80_000) })] }),
]

function cases(): Case[] {
  const list: Case[] = []
  const generated = fc.sample(fc.string({ unit: 'grapheme', maxLength: 200 }), { numRuns: 30, seed: 25 })
  const all = [
    ...bodies,
    ...generated.map((text) => JSON.stringify({ channel: '/a/b', events: [JSON.stringify(text)] })),
  ]
  for (const [index, body] of all.entries())
    for (const sessionToken of [undefined, 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH+token/=']) {
      const amzDate = `2026${String((index % 12) + 1).padStart(2, '0')}08T0${index % 10}1530Z`
      list.push({ url: REALTIME, body, path: '/event', amzDate, ...(sessionToken && { sessionToken }) })
      if (index < 2)
        list.push({
          url: GRAPHQL,
          body,
          path: body === undefined ? '/graphql/connect' : '/graphql',
          amzDate,
          ...(sessionToken && { sessionToken }),
        })
    }
  return list
}

const isoOf = (amzDate: string) =>
  `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`

test('appSyncAuthorization is byte-equal to botocore SigV4Auth and passes verify()', async () => {
  const list = cases()
  const python = spawnSync('python3', [join(import.meta.dirname, 'botocore_appsync.py')], {
    input: JSON.stringify(
      list.map((c) => ({
        host: HOST,
        path: c.path,
        body: c.body ?? '{}',
        headers: [
          ['accept', 'application/json, text/javascript'],
          ['content-encoding', 'amz-1.0'],
          ['content-type', 'application/json; charset=UTF-8'],
        ],
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: SECRET,
        sessionToken: c.sessionToken,
        region: 'eu-west-1',
        amzDate: c.amzDate,
      })),
    ),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  expect(python.stderr).toBe('')
  expect(python.status).toBe(0)
  const expected = JSON.parse(python.stdout) as Record<string, string>[]
  expect(expected).toHaveLength(list.length)
  let withToken = 0
  for (const [index, c] of list.entries()) {
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: SECRET,
      ...(c.sessionToken && { sessionToken: c.sessionToken }),
    }
    const ours = await appSyncAuthorization(c.body === undefined ? { url: c.url } : { url: c.url, body: c.body }, {
      credentials,
      datetime: isoOf(c.amzDate),
    })
    // botocore adds host when it sends; the record carries it explicitly.
    expect(ours, `case ${index}`).toEqual({ ...expected[index], host: HOST })
    expect(JSON.stringify(Object.keys(ours))).toBe(
      JSON.stringify([
        'accept',
        'content-encoding',
        'content-type',
        'host',
        'x-amz-date',
        ...(c.sessionToken ? ['x-amz-security-token'] : []),
        'authorization',
      ]),
    )
    if (c.sessionToken) withToken++
    const result = await verify(
      { method: 'POST', host: HOST, path: c.path, headers: Object.entries(ours), body: c.body ?? '{}' },
      { lookupSecret: () => SECRET, now: new Date(isoOf(c.amzDate)), service: 'appsync', region: 'eu-west-1' },
    )
    expect(result.ok, `verify case ${index}`).toBe(true)
    if (result.ok) expect(result.sessionTokenSigned).toBe(c.sessionToken !== undefined)
  }
  console.log(`botocore: ${list.length} authorizations byte-equal (${withToken} with a session token), each verified`)
}, 120_000)

test('subscribe and publish messages are signed over the exact body AppSync checks', async () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: 'tok' }
  const events = [{ html: '<i>x</i>' }, { emoji: '🦄' }, 42]
  const text = await appSyncEventsMessage(
    REALTIME,
    { type: 'publish', id: 'p1', channel: '/default/room', events },
    { credentials, datetime: '2026-12-08T00:00:00Z' },
  )
  const message = JSON.parse(text) as { channel: string; events: string[]; authorization: Record<string, string> }
  expect(message.events).toEqual(events.map((event) => JSON.stringify(event)))
  const body = JSON.stringify({ channel: message.channel, events: message.events })
  const good = await verify(
    { method: 'POST', host: HOST, path: '/event', headers: Object.entries(message.authorization), body },
    { lookupSecret: () => SECRET, now: new Date('2026-12-08T00:00:00Z') },
  )
  expect(good.ok).toBe(true)
  const altered = await verify(
    {
      method: 'POST',
      host: HOST,
      path: '/event',
      headers: Object.entries(message.authorization),
      body: body.replace('room', 'roon'),
    },
    { lookupSecret: () => SECRET, now: new Date('2026-12-08T00:00:00Z') },
  )
  expect(altered).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' })
})
