// Protocol literals of AppSync real-time (Events APIs and GraphQL subscriptions) with IAM.

/** The signing name of AppSync: always set, never inferred from a host. */
export const APPSYNC_SERVICE = 'appsync'
/** Label of the real-time host, mapped to the API host (`API_LABEL`) for signing. */
export const REALTIME_LABEL = 'appsync-realtime-api'
/** Label of the API host that IAM signatures are made for. */
export const API_LABEL = 'appsync-api'
/** The AWS host of an AppSync API or real-time endpoint: `<id>.appsync-(realtime-)api.<region>.amazonaws.com(.cn)`. */
export const APPSYNC_HOST =
  /^([a-z0-9-]+)\.appsync-(?:realtime-)?api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(amazonaws\.com(?:\.cn)?)$/

/** The path signed for every Events API authorization (connect, subscribe, publish). */
export const EVENT_PATH = '/event'
/** The path signed for a GraphQL real-time connection. */
export const GRAPHQL_CONNECT_PATH = '/graphql/connect'
/** The path signed for a GraphQL subscription's `start` message. */
export const GRAPHQL_PATH = '/graphql'
/** The real-time path of Events APIs. */
export const EVENT_REALTIME_PATH = '/event/realtime'
/** The body signed for a connection: an empty JSON object. */
export const CONNECT_BODY = '{}'

/** The WebSocket subprotocol of Events APIs. */
export const EVENTS_PROTOCOL = 'aws-appsync-event-ws'
/** The WebSocket subprotocol of GraphQL real-time. */
export const GRAPHQL_PROTOCOL = 'graphql-ws'
/** Prefix of the subprotocol that carries the base64url JSON of the authorization headers. */
export const HEADER_PROTOCOL_PREFIX = 'header-'

/** The headers AppSync expects next to the signature, in the order they are sent. */
export const ACCEPT = 'application/json, text/javascript'
export const CONTENT_ENCODING = 'amz-1.0'
export const CONTENT_TYPE = 'application/json; charset=UTF-8'

/** Most events one publish message may carry. */
export const MAX_PUBLISH_EVENTS = 5
