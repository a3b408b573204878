// A stand-in for AppSync Events' real-time endpoint, run in workerd. It decodes the `header-` subprotocol and checks
// the connection's IAM signature with webcrypto-sigv4/verify (a POST of `{}` to /event), then speaks the Events
// protocol: connection_init/connection_ack/ka, subscribe/subscribe_success/data, publish/publish_success, errors;
// each subscribe and publish signature is checked over the body AppSync rebuilds. GET /log returns the counts,
// POST /control changes behaviour (drop every socket, stop keep-alives, stay silent, refuse a namespace).
import { verify } from 'webcrypto-sigv4/verify'

const log = { connects: 0, subscribes: 0, publishes: 0, refused: [], hosts: [] }
const control = { ka: true, silent: false, generation: 0 }
/** subscription id → { socket, channel } */
const subscriptions = new Map()

function fromBase64url(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const bytes = Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0))
  return new TextDecoder().decode(bytes)
}

async function check(record, body, env) {
  if (!record || typeof record !== 'object') return { ok: false, code: 'NO_AUTH' }
  return verify(
    { method: 'POST', host: record.host, path: '/event', headers: Object.entries(record), body },
    {
      lookupSecret: (id) => (id === env.ACCESS_KEY_ID ? env.SECRET : undefined),
      service: 'appsync',
      region: 'us-east-1',
    },
  )
}

const matches = (pattern, channel) =>
  pattern === channel || (pattern.endsWith('/*') && channel.startsWith(pattern.slice(0, -1)))

export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    if (url.pathname === '/log') return Response.json(log)
    if (url.pathname === '/control') {
      const change = await request.json()
      Object.assign(control, change)
      // A socket belongs to its own request: each one closes itself at its next tick (workerd forbids closing it
      // from this request).
      if (change.drop) control.generation++
      return Response.json(control)
    }
    if (url.pathname !== '/event/realtime') return new Response('not found', { status: 404 })
    const offered = (request.headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim())
    const header = offered.find((p) => p.startsWith('header-'))
    let record
    try {
      record = JSON.parse(fromBase64url(header.slice('header-'.length)))
    } catch {
      record = undefined
    }
    const [client, server] = Object.values(new WebSocketPair())
    server.accept()
    const send = (frame) => server.send(JSON.stringify(frame))
    const connection = offered.includes('aws-appsync-event-ws')
      ? await check(record, '{}', env)
      : { ok: false, code: 'PROTOCOL' }
    if (!connection.ok) {
      log.refused.push(`connect:${connection.code}`)
      send({ type: 'connection_error', errors: [{ errorType: 'UnauthorizedException', message: connection.code }] })
      server.close(1008, 'unauthorized')
      return new Response(null, {
        status: 101,
        webSocket: client,
        headers: { 'sec-websocket-protocol': 'aws-appsync-event-ws' },
      })
    }
    log.connects++
    log.hosts.push(record.host)
    let ka
    server.addEventListener('close', () => {
      clearInterval(ka)
      for (const [id, subscription] of subscriptions) if (subscription.socket === server) subscriptions.delete(id)
    })
    server.addEventListener('message', async ({ data }) => {
      const message = JSON.parse(data)
      if (control.silent) return
      if (message.type === 'connection_init') {
        send({ type: 'connection_ack', connectionTimeoutMs: Number(env.CONNECTION_TIMEOUT_MS) })
        const generation = control.generation
        ka = setInterval(() => {
          if (control.generation !== generation) return server.close(1011, 'dropped')
          if (control.ka) send({ type: 'ka' })
        }, Number(env.KA_MS))
        return
      }
      if (message.type === 'subscribe') {
        const result = await check(message.authorization, JSON.stringify({ channel: message.channel }), env)
        if (!result.ok || message.channel.startsWith('/denied/')) {
          log.refused.push(`subscribe:${result.ok ? 'denied' : result.code}`)
          return send({
            type: 'subscribe_error',
            id: message.id,
            errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized' }],
          })
        }
        log.subscribes++
        subscriptions.set(message.id, { socket: server, channel: message.channel })
        return send({ type: 'subscribe_success', id: message.id })
      }
      if (message.type === 'unsubscribe') {
        subscriptions.delete(message.id)
        return send({ type: 'unsubscribe_success', id: message.id })
      }
      if (message.type === 'publish') {
        const body = JSON.stringify({ channel: message.channel, events: message.events })
        const result = await check(message.authorization, body, env)
        if (!result.ok) {
          log.refused.push(`publish:${result.code}`)
          return send({
            type: 'publish_error',
            id: message.id,
            errors: [{ errorType: 'UnauthorizedException', message: result.code }],
          })
        }
        log.publishes++
        for (const [id, subscription] of subscriptions)
          if (matches(subscription.channel, message.channel))
            for (const event of message.events) subscription.socket.send(JSON.stringify({ type: 'data', id, event }))
        return send({
          type: 'publish_success',
          id: message.id,
          successful: message.events.map((_, index) => ({ identifier: crypto.randomUUID(), index })),
          failed: [],
        })
      }
      send({ type: 'error', errors: [{ errorType: 'UnsupportedOperation', message: message.type }] })
    })
    return new Response(null, {
      status: 101,
      webSocket: client,
      headers: { 'sec-websocket-protocol': 'aws-appsync-event-ws' },
    })
  },
}
