// IAM authorization of AppSync real-time: the header record AppSync expects, the WebSocket subprotocols that carry
// it, and the signed subscribe / publish messages of Events APIs.
import { base64url, utf8 } from '../core/encoding.js'
import { fail } from '../core/errors.js'
import type { CredentialsInput } from '../core/options.js'
import { signParts } from '../core/sign.js'
import {
  ACCEPT,
  APPSYNC_SERVICE,
  CONNECT_BODY,
  CONTENT_ENCODING,
  CONTENT_TYPE,
  EVENT_PATH,
  EVENTS_PROTOCOL,
  GRAPHQL_CONNECT_PATH,
  GRAPHQL_PATH,
  GRAPHQL_PROTOCOL,
  HEADER_PROTOCOL_PREFIX,
  MAX_PUBLISH_EVENTS,
} from './constants.js'
import { appSyncTarget } from './url.js'

/** Options of the AppSync signers and client. */
export interface AppSyncSignOptions {
  /** `{ accessKeyId, secretAccessKey, sessionToken? }`, or a (possibly async) function returning them. */
  credentials: CredentialsInput
  /**
   * Signing region, e.g. `us-east-1`.
   * @default the region of the AppSync host (required for a custom domain)
   */
  region?: string
  /** The API URL of a custom domain (`https://api.example.com/event`): its host is signed. AWS hosts need none. */
  apiUrl?: string | URL
  /**
   * Signing time: a `Date` or an ISO-8601 string.
   * @default new Date()
   */
  datetime?: Date | string
}

/** The headers AppSync reads an IAM authorization from, lower-case, as sent in `authorization` or the subprotocol. */
export interface AppSyncAuthorization {
  /** `application/json, text/javascript` */
  accept: string
  /** `amz-1.0` */
  'content-encoding': string
  /** `application/json; charset=UTF-8` */
  'content-type': string
  /** The API host that was signed (`<id>.appsync-api.<region>.amazonaws.com`, or `apiUrl`'s host). */
  host: string
  /** The signing time, `YYYYMMDDTHHMMSSZ`. */
  'x-amz-date': string
  /** The session token of temporary credentials (signed). */
  'x-amz-security-token'?: string
  /** `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` */
  authorization: string
}

/** Input of `appSyncAuthorization`: the AppSync URL (API or real-time) and the exact body string to sign. */
export interface AppSyncAuthorizationInput {
  /** The API or real-time URL (`https://<id>.appsync-api...`, `wss://<id>.appsync-realtime-api...`). */
  url: string | URL
  /**
   * The exact JSON string that is signed (and sent, for a message).
   * @default '{}' (the connection)
   */
  body?: string
}

function checkBody(body: unknown): string {
  if (typeof body !== 'string') fail('ERR_APPSYNC_BODY', 'body must be the JSON string that is sent')
  try {
    JSON.parse(body)
  } catch (error) {
    fail('ERR_APPSYNC_BODY', 'body must be valid JSON: give the exact string JSON.stringify made', error)
  }
  return body
}

/**
 * Signs an AppSync IAM authorization: a POST of `body` to `/event` (Events APIs) or to `/graphql/connect`
 * (GraphQL connection; `/graphql` with a body) on the API host, service `appsync`.
 *
 * @example
 * const headers = await appSyncAuthorization(
 *   { url: 'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime' },
 *   { credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } },
 * )
 * console.log(headers.authorization)
 */
export async function appSyncAuthorization(
  input: AppSyncAuthorizationInput,
  options: AppSyncSignOptions,
): Promise<AppSyncAuthorization> {
  const target = appSyncTarget(input.url, options.apiUrl)
  const body = input.body === undefined ? CONNECT_BODY : checkBody(input.body)
  const path = target.kind === 'events' ? EVENT_PATH : input.body === undefined ? GRAPHQL_CONNECT_PATH : GRAPHQL_PATH
  const region = options.region ?? target.region
  if (region === undefined) fail('ERR_REGION_REQUIRED', 'Set options.region: a custom domain does not name one')
  const sent: Array<[string, string]> = [
    ['accept', ACCEPT],
    ['content-encoding', CONTENT_ENCODING],
    ['content-type', CONTENT_TYPE],
  ]
  const signOptions = { credentials: options.credentials, region, service: APPSYNC_SERVICE }
  const signed = await signParts(
    { method: 'POST', host: target.host, path, headers: sent, body: utf8(body) },
    options.datetime === undefined ? signOptions : { ...signOptions, datetime: options.datetime },
  )
  const pick = (name: string) => signed.headers.find(([header]) => header === name)?.[1]
  const token = pick('x-amz-security-token')
  // In the order AppSync's own clients send them.
  return {
    accept: ACCEPT,
    'content-encoding': CONTENT_ENCODING,
    'content-type': CONTENT_TYPE,
    host: target.host,
    'x-amz-date': pick('x-amz-date')!,
    ...(token !== undefined && { 'x-amz-security-token': token }),
    authorization: pick('authorization')!,
  }
}

/**
 * The WebSocket subprotocols of an IAM connection: `['aws-appsync-event-ws' | 'graphql-ws', 'header-<base64url>']`,
 * for `new WebSocket(realtimeUrl, protocols)`.
 *
 * @example
 * const url = 'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime'
 * const socket = new WebSocket(url, await appSyncWebSocketProtocols(url, { credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } }))
 */
export async function appSyncWebSocketProtocols(
  realtimeUrl: string | URL,
  options: AppSyncSignOptions,
): Promise<string[]> {
  const { kind } = appSyncTarget(realtimeUrl, options.apiUrl)
  const headers = await appSyncAuthorization({ url: realtimeUrl }, options)
  return [
    kind === 'events' ? EVENTS_PROTOCOL : GRAPHQL_PROTOCOL,
    HEADER_PROTOCOL_PREFIX + base64url(utf8(JSON.stringify(headers))),
  ]
}

/** A subscribe message of an Events API. */
export interface AppSyncSubscribeMessage {
  /** `subscribe` */
  type: 'subscribe'
  /** The subscription's id, unique on the connection (e.g. `crypto.randomUUID()`). */
  id: string
  /** The channel path, e.g. `/chat/room` or `/chat/*`. */
  channel: string
}

/** A publish message of an Events API: each event is a value that is sent as its JSON string. */
export interface AppSyncPublishMessage {
  /** `publish` */
  type: 'publish'
  /** The message's id, unique on the connection (e.g. `crypto.randomUUID()`). */
  id: string
  /** The channel path, e.g. `/chat/room`. */
  channel: string
  /** 1 to 5 JSON values; each is sent as its `JSON.stringify` text. */
  events: readonly unknown[]
}

function checkChannel(channel: unknown): string {
  if (typeof channel !== 'string' || !/^\/?[A-Za-z0-9-]+(\/[A-Za-z0-9-]+|\/\*)*$/.test(channel))
    fail('ERR_APPSYNC_BODY', 'channel must be a path of segments of letters, digits and -, e.g. /default/room-1')
  return channel
}

/**
 * The text of a signed subscribe or publish message of an Events API: its `authorization` is signed over the exact
 * body AppSync checks (`{"channel":...}` or `{"channel":...,"events":[...]}`).
 *
 * @example
 * const text = await appSyncEventsMessage(
 *   'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime',
 *   { type: 'publish', id: crypto.randomUUID(), channel: '/default/room', events: [{ text: 'hi' }] },
 *   { credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } },
 * )
 */
export async function appSyncEventsMessage(
  url: string | URL,
  message: AppSyncSubscribeMessage | AppSyncPublishMessage,
  options: AppSyncSignOptions,
): Promise<string> {
  const channel = checkChannel(message.channel)
  let body: string
  let events: string[] | undefined
  if (message.type === 'publish') {
    if (!Array.isArray(message.events) || message.events.length < 1 || message.events.length > MAX_PUBLISH_EVENTS)
      fail('ERR_APPSYNC_BODY', `events must be an array of 1 to ${MAX_PUBLISH_EVENTS} values`)
    events = message.events.map((event: unknown) => {
      const text = JSON.stringify(event)
      if (text === undefined) fail('ERR_APPSYNC_BODY', 'each event must be a JSON value (not undefined or a function)')
      return text
    })
    body = JSON.stringify({ channel, events })
  } else if (message.type === 'subscribe') {
    body = JSON.stringify({ channel })
  } else {
    return fail('ERR_APPSYNC_BODY', "message.type must be 'subscribe' or 'publish'")
  }
  if (typeof message.id !== 'string' || message.id === '')
    fail('ERR_APPSYNC_BODY', 'message.id must be a non-empty string')
  const authorization = await appSyncAuthorization({ url, body }, options)
  return JSON.stringify({ type: message.type, id: message.id, channel, ...(events && { events }), authorization })
}
