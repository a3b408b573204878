// The page's form settings, remembered in localStorage. Only these fields are ever stored: never a secret key,
// a session token or pasted credentials.

/** Where the page gets its credentials. */
export type SourceKind = 'worker' | 'cognito' | 'pasted'

/** Everything the form remembers. */
export interface Settings {
  region: string
  /** Kinesis endpoint, e.g. `https://kinesis.eu-west-1.amazonaws.com`. */
  endpoint: string
  streamName: string
  source: SourceKind
  /** Base URL of the Worker that hands out credentials. */
  workerUrl: string
  /** Cognito identity pool id, `<region>:<uuid>`. */
  identityPoolId: string
  /** Partition key of single records. */
  partitionKey: string
  /** Number of records in a PutRecords batch. */
  batchSize: number
}

const KEY = 'webcrypto-sigv4-demo'
const STORED: Array<keyof Settings> = [
  'region',
  'endpoint',
  'streamName',
  'source',
  'workerUrl',
  'identityPoolId',
  'partitionKey',
  'batchSize',
]

/**
 * Defaults for a page served at `origin`: the Worker is the page's own origin unless the URL says otherwise
 * (`?worker=http://127.0.0.1:8787`, which `npm run demo` passes).
 *
 * @example
 * defaultSettings(new URL('http://127.0.0.1:5173/?worker=http://127.0.0.1:8787')).workerUrl // 'http://127.0.0.1:8787'
 */
export function defaultSettings(location: URL): Settings {
  return {
    region: 'us-east-1',
    endpoint: '',
    streamName: '',
    source: 'worker',
    workerUrl: location.searchParams.get('worker') ?? location.origin,
    identityPoolId: '',
    partitionKey: 'demo',
    batchSize: 50,
  }
}

/**
 * The stored settings over the defaults; query parameters (`worker`, `region`, `endpoint`, `stream`) win.
 *
 * @example
 * const settings = loadSettings(localStorage, new URL(location.href))
 */
export function loadSettings(storage: Pick<Storage, 'getItem'>, location: URL): Settings {
  const settings = defaultSettings(location)
  try {
    const stored = JSON.parse(storage.getItem(KEY) ?? '{}') as Partial<Settings>
    for (const key of STORED)
      if (stored[key] !== undefined && typeof stored[key] === typeof settings[key])
        Object.assign(settings, { [key]: stored[key] })
  } catch {
    // Unreadable settings are ignored, not fatal.
  }
  const query = location.searchParams
  if (query.get('worker')) settings.workerUrl = query.get('worker')!
  if (query.get('region')) settings.region = query.get('region')!
  if (query.get('endpoint')) settings.endpoint = query.get('endpoint')!
  if (query.get('stream')) settings.streamName = query.get('stream')!
  if (!['worker', 'cognito', 'pasted'].includes(settings.source)) settings.source = 'worker'
  return settings
}

/**
 * Stores the settings: only the fields listed in `Settings`, whatever else the object carries.
 *
 * @example
 * saveSettings(localStorage, settings)
 */
export function saveSettings(storage: Pick<Storage, 'setItem'>, settings: Settings): void {
  const kept: Record<string, unknown> = {}
  for (const key of STORED) kept[key] = settings[key]
  storage.setItem(KEY, JSON.stringify(kept))
}

/** The form field a problem belongs to: its element id in index.html. */
export type FieldId =
  'region' | 'endpoint' | 'stream' | 'worker-url' | 'pool-id' | 'partition-key' | 'batch-size' | 'pasted' | 'record'

/** One thing wrong with the form, shown at its field. */
export interface FieldProblem {
  field: FieldId
  message: string
}

/**
 * What is wrong with the settings, field by field, in form order (empty when they can be used).
 *
 * @example
 * validate({ ...settings, region: 'EU' }) // [{ field: 'region', message: 'The region looks like "eu-west-1": …' }]
 */
export function validate(settings: Settings): FieldProblem[] {
  const problems: FieldProblem[] = []
  const add = (field: FieldId, message: string) => problems.push({ field, message })
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(settings.region))
    add('region', 'The region looks like "eu-west-1": lower-case letters, digits and dashes.')
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(settings.streamName))
    add('stream', 'The stream name is 1-128 letters, digits, "_", "." or "-".')
  if (settings.endpoint && !isHttpUrl(settings.endpoint))
    add('endpoint', 'The endpoint must be an http(s) address, e.g. https://kinesis.eu-west-1.amazonaws.com')
  if (settings.source === 'worker' && !isHttpUrl(settings.workerUrl))
    add('worker-url', 'The Worker URL must be an http(s) address, e.g. https://demo.example.workers.dev')
  if (settings.source === 'cognito' && !/^[a-z]{2}(-[a-z]+)+-\d+:[0-9a-f-]{36}$/.test(settings.identityPoolId))
    add('pool-id', 'An identity pool id looks like "eu-west-1:0123abcd-…" (region, colon, id).')
  if (!settings.partitionKey || settings.partitionKey.length > 256)
    add('partition-key', 'The partition key is 1-256 characters.')
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1 || settings.batchSize > 500)
    add('batch-size', 'A batch has 1-500 records.')
  return problems
}

/**
 * The Kinesis endpoint to use: the one given, or the region's.
 *
 * @example
 * kinesisEndpoint({ ...settings, endpoint: '', region: 'eu-west-1' }) // 'https://kinesis.eu-west-1.amazonaws.com/'
 */
export function kinesisEndpoint(settings: Pick<Settings, 'endpoint' | 'region'>): string {
  return settings.endpoint ? new URL(settings.endpoint).href : `https://kinesis.${settings.region}.amazonaws.com/`
}

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol)
  } catch {
    return false
  }
}
