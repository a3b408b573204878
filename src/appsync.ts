// webcrypto-sigv4/appsync: AppSync real-time (Events APIs, GraphQL subscriptions) with IAM.
export { appSyncAuthorization, appSyncEventsMessage, appSyncWebSocketProtocols } from './appsync/auth.js'
export type {
  AppSyncAuthorization,
  AppSyncAuthorizationInput,
  AppSyncPublishMessage,
  AppSyncSignOptions,
  AppSyncSubscribeMessage,
} from './appsync/auth.js'
export type { AppSyncApiKind } from './appsync/url.js'
export { appSyncEvents } from './appsync/events.js'
export type {
  AppSyncEventsClient,
  AppSyncEventsOptions,
  AppSyncPublishResult,
  AppSyncSubscription,
  WebSocketConstructor,
} from './appsync/events.js'
