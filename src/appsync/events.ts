// appSyncEvents: a small Events API client over one WebSocket, signed with IAM. It connects on first use,
// subscribes and publishes with per-message signatures, watches AppSync's keep-alives and reconnects with fresh
// signatures, re-subscribing what is active. Nothing waits forever: every wait has a timeout with a typed error.
import { fail, SigV4Error } from '../core/errors.js'
import { appSyncEventsMessage, appSyncWebSocketProtocols, type AppSyncSignOptions } from './auth.js'
import { appSyncTarget } from './url.js'

/** The WebSocket constructor the client uses (the global one, or `ws` on Node 20). */
export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocket

/** Options of `appSyncEvents`. */
export interface AppSyncEventsOptions extends AppSyncSignOptions {
  /**
   * The WebSocket constructor.
   * @default globalThis.WebSocket (browsers, Workers, Deno, Bun, Node 22+)
   */
  WebSocket?: WebSocketConstructor
  /**
   * Longest wait for the connection (`connection_ack`) and for the reply to a subscribe or publish, in ms.
   * @default 10000
   */
  timeoutMs?: number
  /**
   * Reconnect attempts in a row before the client gives up (`ERR_APPSYNC_CONNECTION`).
   * @default 5
   */
  maxReconnects?: number
}

/** What `publish` reports: the ids and indexes of accepted and refused events. */
export interface AppSyncPublishResult {
  /** The accepted events: AppSync's identifier and the event's index in the call. */
  successful: Array<{ identifier: string; index: number }>
  /** The refused events, with AppSync's code and message when it gives them. */
  failed: Array<{ identifier: string; index: number; code?: number; message?: string }>
}

/** An active subscription. */
export interface AppSyncSubscription {
  /** Stops the subscription (sends `unsubscribe`). */
  unsubscribe(): void
}

/** The Events API client of `appSyncEvents`. */
export interface AppSyncEventsClient {
  /** Subscribes to a channel (`/namespace/a/b` or `/namespace/*`); resolves on `subscribe_success`. */
  subscribe(
    channel: string,
    onEvent: (event: unknown) => void,
    options?: { signal?: AbortSignal },
  ): Promise<AppSyncSubscription>
  /** Publishes 1 to 5 events (JSON values) to a channel; resolves on `publish_success`. */
  publish(channel: string, events: readonly unknown[]): Promise<AppSyncPublishResult>
  /** Closes the connection; pending calls reject with `ERR_APPSYNC_CONNECTION`. */
  close(): void
}

interface Frame {
  type?: string
  id?: string
  event?: unknown
  errors?: unknown
  connectionTimeoutMs?: number
  successful?: AppSyncPublishResult['successful']
  failed?: AppSyncPublishResult['failed']
}

interface Pending {
  resolve(frame: Frame): void
  reject(error: unknown): void
  timer: ReturnType<typeof setTimeout>
}

interface Active {
  channel: string
  onEvent: (event: unknown) => void
}

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_MAX_RECONNECTS = 5
/** AppSync's keep-alive window when `connection_ack` names none (5 minutes). */
const DEFAULT_KA_TIMEOUT_MS = 300_000

const appSyncError = (what: string, errors: unknown) =>
  new SigV4Error('ERR_APPSYNC_ERROR', `AppSync refused the ${what}: see cause for its errors`, errors)

/**
 * An AppSync Events client with IAM: `subscribe(channel, onEvent, { signal })` and `publish(channel, events)` over
 * one WebSocket, keep-alive checked, reconnected with fresh signatures.
 *
 * @example
 * const client = appSyncEvents('https://example.appsync-api.us-east-1.amazonaws.com/event', {
 *   credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
 * })
 * await client.subscribe('/default/room', (event) => console.log(event))
 * await client.publish('/default/room', [{ text: 'hello <world> 👋' }])
 */
export function appSyncEvents(url: string | URL, options: AppSyncEventsOptions): AppSyncEventsClient {
  const target = appSyncTarget(url, options.apiUrl)
  if (target.kind !== 'events') fail('ERR_APPSYNC_URL', 'appSyncEvents needs an Events API URL (path /event)')
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const maxReconnects = options.maxReconnects ?? DEFAULT_MAX_RECONNECTS
  const pending = new Map<string, Pending>()
  const active = new Map<string, Active>()
  let socket: WebSocket | undefined
  let opening: Promise<WebSocket> | undefined
  let kaTimer: ReturnType<typeof setTimeout> | undefined
  let kaTimeoutMs = DEFAULT_KA_TIMEOUT_MS
  let closed = false
  let failures = 0

  const rejectAll = (error: unknown) => {
    for (const [id, wait] of pending) {
      clearTimeout(wait.timer)
      pending.delete(id)
      wait.reject(error)
    }
  }

  const watchKeepAlive = () => {
    clearTimeout(kaTimer)
    kaTimer = setTimeout(
      () => drop(new SigV4Error('ERR_APPSYNC_TIMEOUT', 'No keep-alive from AppSync in time: reconnecting')),
      kaTimeoutMs,
    )
  }

  /** Drops the socket after a failure; reconnects when subscriptions are active. */
  const drop = (error: unknown) => {
    clearTimeout(kaTimer)
    const old = socket
    socket = undefined
    opening = undefined
    if (old) {
      old.onclose = old.onmessage = old.onerror = null
      try {
        old.close()
      } catch {
        // already closing
      }
    }
    rejectAll(error)
    if (!closed && active.size > 0) void reconnect()
  }

  const reconnect = async () => {
    while (!closed && active.size > 0) {
      if (++failures > maxReconnects) {
        closed = true
        return
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** failures, 5000) * Math.random()))
      try {
        await open()
        for (const [id, { channel }] of active) void send('subscribe', id, channel).catch(() => undefined)
        return
      } catch {
        // try again
      }
    }
  }

  const onFrame = (data: unknown) => {
    let frame: Frame
    try {
      frame = JSON.parse(String(data)) as Frame
    } catch {
      return
    }
    watchKeepAlive()
    if (frame.type === 'ka') return
    if (frame.type === 'data' && frame.id !== undefined) {
      const subscription = active.get(frame.id)
      if (!subscription) return
      let event: unknown = frame.event
      if (typeof event === 'string') {
        try {
          event = JSON.parse(event)
        } catch {
          // not JSON: handed on as the string
        }
      }
      subscription.onEvent(event)
      return
    }
    const wait = frame.id === undefined ? undefined : pending.get(frame.id)
    if (wait) {
      pending.delete(frame.id!)
      clearTimeout(wait.timer)
      if (/_error$|^error$/.test(frame.type ?? ''))
        wait.reject(appSyncError(frame.type!.replace(/_error$/, ''), frame.errors))
      else wait.resolve(frame)
    } else if (frame.type === 'error' || frame.type === 'connection_error') {
      drop(appSyncError('connection', frame.errors))
    }
  }

  const open = (): Promise<WebSocket> => {
    if (closed) return Promise.reject(new SigV4Error('ERR_APPSYNC_CONNECTION', 'The client was closed: make a new one'))
    if (socket) return Promise.resolve(socket)
    if (opening) return opening
    const Constructor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
    if (!Constructor)
      return Promise.reject(
        new SigV4Error(
          'ERR_APPSYNC_CONNECTION',
          'No global WebSocket (Node 20): pass the WebSocket option, e.g. from ws',
        ),
      )
    opening = (async () => {
      const protocols = await appSyncWebSocketProtocols(target.realtimeUrl, options)
      return new Promise<WebSocket>((resolve, reject) => {
        const ws = new Constructor(target.realtimeUrl, protocols)
        const timer = setTimeout(() => {
          ws.onclose = ws.onmessage = ws.onerror = null
          ws.close()
          opening = undefined
          reject(new SigV4Error('ERR_APPSYNC_TIMEOUT', `No connection_ack from AppSync within ${timeoutMs} ms`))
        }, timeoutMs)
        const refuse = (error: SigV4Error) => {
          clearTimeout(timer)
          ws.onclose = ws.onmessage = ws.onerror = null
          opening = undefined
          reject(error)
        }
        ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }))
        ws.onerror = () => refuse(new SigV4Error('ERR_APPSYNC_CONNECTION', 'The AppSync WebSocket failed to open'))
        ws.onclose = (event) =>
          refuse(
            new SigV4Error(
              'ERR_APPSYNC_CONNECTION',
              `AppSync closed the WebSocket (${event.code}) before connection_ack`,
            ),
          )
        ws.onmessage = (message) => {
          let frame: Frame
          try {
            frame = JSON.parse(String(message.data)) as Frame
          } catch {
            return
          }
          if (frame.type === 'connection_error' || frame.type === 'error') {
            ws.close()
            return refuse(appSyncError('connection', frame.errors))
          }
          if (frame.type !== 'connection_ack') return
          clearTimeout(timer)
          kaTimeoutMs = frame.connectionTimeoutMs ?? DEFAULT_KA_TIMEOUT_MS
          socket = ws
          opening = undefined
          failures = 0
          ws.onmessage = (next) => onFrame(next.data)
          ws.onclose = () =>
            drop(new SigV4Error('ERR_APPSYNC_CONNECTION', 'The AppSync WebSocket closed: reconnecting'))
          ws.onerror = null
          watchKeepAlive()
          resolve(ws)
        }
      })
    })()
    opening.catch(() => (opening = undefined))
    return opening
  }

  const send = async (type: 'subscribe' | 'publish', id: string, channel: string, events?: readonly unknown[]) => {
    const message = type === 'publish' ? { type, id, channel, events: events ?? [] } : ({ type, id, channel } as const)
    const text = await appSyncEventsMessage(target.realtimeUrl, message, options)
    const ws = await open()
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new SigV4Error('ERR_APPSYNC_TIMEOUT', `No reply from AppSync to the ${type} within ${timeoutMs} ms`))
      }, timeoutMs)
      pending.set(id, { resolve, reject, timer })
      ws.send(text)
    })
  }

  return {
    async subscribe(channel, onEvent, { signal } = {}) {
      signal?.throwIfAborted()
      const id = crypto.randomUUID()
      active.set(id, { channel, onEvent })
      const unsubscribe = () => {
        if (!active.delete(id)) return
        signal?.removeEventListener('abort', unsubscribe)
        socket?.send(JSON.stringify({ type: 'unsubscribe', id }))
      }
      signal?.addEventListener('abort', unsubscribe, { once: true })
      try {
        await send('subscribe', id, channel)
        // Aborted while AppSync was answering: the abort already sent unsubscribe.
        signal?.throwIfAborted()
      } catch (error) {
        active.delete(id)
        signal?.removeEventListener('abort', unsubscribe)
        throw error
      }
      return { unsubscribe }
    },
    async publish(channel, events) {
      const frame = await send('publish', crypto.randomUUID(), channel, events)
      return { successful: frame.successful ?? [], failed: frame.failed ?? [] }
    },
    close() {
      closed = true
      active.clear()
      drop(new SigV4Error('ERR_APPSYNC_CONNECTION', 'The client was closed'))
    },
  }
}
