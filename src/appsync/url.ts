// Which AppSync API a URL names, and the API host and paths its IAM signatures are made for.
import { fail } from '../core/errors.js'
import { APPSYNC_HOST, API_LABEL, EVENT_REALTIME_PATH } from './constants.js'

/** An AppSync API: Events (`/event`) or GraphQL (`/graphql`). */
export type AppSyncApiKind = 'events' | 'graphql'

/** What signing needs of an AppSync URL. */
export interface AppSyncTarget {
  kind: AppSyncApiKind
  /** The API host signed as `host` (the real-time host mapped to it, or `apiUrl`'s host). */
  host: string
  /** The region of an AWS host, when it has one. */
  region?: string
  /** The real-time WebSocket URL (`wss://...`). */
  realtimeUrl: string
}

function parse(input: string | URL, name: string): URL {
  try {
    return new URL(input)
  } catch (error) {
    return fail(
      'ERR_APPSYNC_URL',
      `${name} is not a URL: give https://<id>.appsync-api.<region>.amazonaws.com/event`,
      error,
    )
  }
}

function kindOf(path: string): AppSyncApiKind | undefined {
  if (/^\/event(\/|$)/.test(path)) return 'events'
  if (/^\/graphql(\/|$)/.test(path)) return 'graphql'
  return undefined
}

/**
 * Resolves an AppSync URL (API or real-time, https/wss) and `apiUrl` (custom domains) into the host and region to
 * sign for and the real-time URL to connect to.
 */
export function appSyncTarget(input: string | URL, apiUrl?: string | URL): AppSyncTarget {
  const url = parse(input, 'url')
  const api = apiUrl === undefined ? undefined : parse(apiUrl, 'apiUrl')
  const kind = kindOf(url.pathname) ?? (api && kindOf(api.pathname))
  if (!kind) fail('ERR_APPSYNC_URL', 'The URL path must start with /event (Events APIs) or /graphql (GraphQL APIs)')
  const match = APPSYNC_HOST.exec(url.hostname)
  let host: string
  let region: string | undefined
  if (api) {
    host = api.host
    region = APPSYNC_HOST.exec(api.hostname)?.[2]
  } else if (match) {
    host = `${match[1]}.${API_LABEL}.${match[2]}.${match[3]}`
    region = match[2]
  } else {
    return fail(
      'ERR_APPSYNC_URL',
      `${url.hostname} is not an AppSync host (<id>.appsync-api.<region>.amazonaws.com): for a custom domain, set apiUrl (and region)`,
    )
  }
  const realtime = new URL(url)
  realtime.protocol = url.protocol === 'http:' || url.protocol === 'ws:' ? 'ws:' : 'wss:'
  if (match && !api) realtime.hostname = `${match[1]}.appsync-realtime-api.${match[2]}.${match[3]}`
  if (kind === 'events' && !/^\/event\/realtime\/?$/.test(realtime.pathname)) realtime.pathname = EVENT_REALTIME_PATH
  if (kind === 'graphql' && realtime.pathname !== '/graphql') realtime.pathname = '/graphql'
  realtime.search = ''
  realtime.hash = ''
  const target: AppSyncTarget = { kind, host, realtimeUrl: realtime.href }
  if (region !== undefined) target.region = region
  return target
}
