// CloudFront policy statements: the compact JSON the signers sign (canned and custom, in CloudFront's field order),
// and the strict reading verifyCloudFront does of a custom policy (every field known, every value checkable).
import { fail } from '../core/errors.js'

/** A custom policy: who may fetch what, when and from where. */
export interface CloudFrontPolicy {
  /** The URL (or URL pattern) the policy allows: `*` matches any run of characters, `?` any one character, e.g.
   * `https://d111111abcdef8.cloudfront.net/videos/*`. Printable ASCII: percent-encode anything else. */
  resource: string
  /** When access ends: a Date, or whole seconds since the epoch. */
  expires: Date | number
  /** When access begins (optional): a Date, or whole seconds since the epoch. */
  notBefore?: Date | number
  /** The viewer address allowed (optional), IPv4 CIDR (`192.0.2.0/24`) or one address (`192.0.2.7`, read as /32). */
  ipAddress?: string
}

/** A policy with its times in seconds and its address range in CIDR form: what is signed and checked. */
export interface PolicyStatement {
  resource: string
  expires: number
  notBefore?: number
  ipAddress?: string
}

/** The latest time accepted, 9999-12-31T23:59:59Z: a larger number is taken for milliseconds and refused. */
const MAX_EPOCH_SECONDS = 253402300799

/** Printable ASCII without space: what a resource may hold (the signers' JSON then matches byte for byte). */
const RESOURCE = /^[\x21-\x7e]{1,8192}$/

/**
 * Whole seconds since the epoch of a time option: a Date (rounded down for an end, up for a start, so access is
 * never wider than asked) or a whole number of seconds.
 *
 * @example
 * epochSeconds(new Date('2030-01-01T00:00:00.5Z'), 'expires', 'floor') // 1893456000
 */
export function epochSeconds(value: unknown, name: string, round: 'floor' | 'ceil'): number {
  let seconds: number
  if (value instanceof Date) seconds = Math[round](value.getTime() / 1000)
  else if (typeof value === 'number' && Number.isInteger(value)) seconds = value
  else
    fail(
      'ERR_INVALID_OPTION',
      `CloudFront: ${name} must be a Date or whole seconds since the epoch` +
        (typeof value === 'number' ? ` (not ${value})` : ''),
    )
  if (!(seconds > 0 && seconds <= MAX_EPOCH_SECONDS))
    fail(
      'ERR_INVALID_OPTION',
      `CloudFront: ${name} must be a valid time after 1970 and before year 10000 (a number is seconds, not milliseconds)`,
    )
  return seconds
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/

/** An IPv4 address or CIDR range: its 32-bit value, prefix length and text; undefined unless strictly written. */
export interface Ipv4Range {
  address: number
  prefix: number
}

/**
 * An IPv4 address (prefix 32) or CIDR range, or undefined unless strictly written: four decimal octets without
 * leading zeros, each at most 255, and a prefix from 0 to 32.
 *
 * @example
 * parseIpv4('192.0.2.0/24') // { address: 0xc0000200, prefix: 24 }
 * parseIpv4('192.0.2.07') // undefined
 */
export function parseIpv4(text: string): Ipv4Range | undefined {
  const match = IPV4_CIDR.exec(text)
  if (!match) return undefined
  const numbers = match.slice(1).map((part) => (part === undefined ? 32 : /^(0|[1-9]\d*)$/.test(part) ? +part : NaN))
  if (numbers.slice(0, 4).some((octet) => !(octet <= 255)) || !(numbers[4]! <= 32)) return undefined
  const [a, b, c, d, prefix] = numbers as [number, number, number, number, number]
  return { address: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, prefix }
}

/**
 * Whether an address lies in a range (the range's host bits are ignored, as a CIDR means).
 *
 * @example
 * inRange(parseIpv4('192.0.2.9')!, parseIpv4('192.0.2.0/24')!) // true
 */
export function inRange(address: Ipv4Range, range: Ipv4Range): boolean {
  const mask = range.prefix === 0 ? 0 : (0xffffffff << (32 - range.prefix)) >>> 0
  return (address.address & mask) >>> 0 === (range.address & mask) >>> 0
}

/** The resource option, checked. */
export function checkResource(value: unknown, name: string): string {
  if (typeof value !== 'string' || !RESOURCE.test(value))
    fail(
      'ERR_INVALID_OPTION',
      `CloudFront: ${name} must be a URL or URL pattern of printable ASCII (percent-encode spaces and other characters)`,
    )
  return value
}

/**
 * The statement of a custom policy option, checked: a resource, an end, an optional start before the end and an
 * optional IPv4 address or range (a single address becomes `/32`, as CloudFront's SDKs write it).
 *
 * @example
 * customStatement({ resource: 'https://d111111abcdef8.cloudfront.net/*', expires: 1893456000, ipAddress: '192.0.2.7' })
 */
export function customStatement(policy: unknown): PolicyStatement {
  if (typeof policy !== 'object' || policy === null)
    fail('ERR_INVALID_OPTION', 'CloudFront: policy must be an object { resource, expires, notBefore?, ipAddress? }')
  const known = new Set(['resource', 'expires', 'notBefore', 'ipAddress'])
  const unknown = Object.keys(policy).find((name) => !known.has(name))
  if (unknown !== undefined)
    fail(
      'ERR_INVALID_OPTION',
      `CloudFront: policy.${unknown.slice(0, 40)} is not a policy field (resource, expires, notBefore, ipAddress)`,
    )
  const { resource, expires, notBefore, ipAddress } = policy as Record<string, unknown>
  const statement: PolicyStatement = {
    resource: checkResource(resource, 'policy.resource'),
    expires: epochSeconds(expires, 'policy.expires', 'floor'),
  }
  if (notBefore !== undefined) {
    statement.notBefore = epochSeconds(notBefore, 'policy.notBefore', 'ceil')
    if (statement.notBefore >= statement.expires)
      fail('ERR_INVALID_OPTION', 'CloudFront: policy.notBefore must be before policy.expires')
  }
  if (ipAddress !== undefined) {
    if (typeof ipAddress !== 'string' || !parseIpv4(ipAddress))
      fail(
        'ERR_INVALID_OPTION',
        'CloudFront: policy.ipAddress must be an IPv4 address or CIDR range (192.0.2.0/24); CloudFront policies take IPv4 only',
      )
    statement.ipAddress = ipAddress.includes('/') ? ipAddress : `${ipAddress}/32`
  }
  return statement
}

/**
 * The canned policy CloudFront rebuilds from a URL and its `Expires`: compact JSON, CloudFront's field order.
 *
 * @example
 * cannedPolicy('https://d111111abcdef8.cloudfront.net/a.jpg', 1893456000)
 * // '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/a.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":1893456000}}}]}'
 */
export const cannedPolicy = (resource: string, expires: number): string =>
  `{"Statement":[{"Resource":${JSON.stringify(resource)},"Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`

/**
 * A custom policy as compact JSON in CloudFront's documented field order (DateLessThan, DateGreaterThan, IpAddress).
 *
 * @example
 * customPolicy({ resource: 'https://d111111abcdef8.cloudfront.net/*', expires: 1893456000 })
 */
export function customPolicy(statement: PolicyStatement): string {
  const condition: Record<string, unknown> = { DateLessThan: { 'AWS:EpochTime': statement.expires } }
  if (statement.notBefore !== undefined) condition['DateGreaterThan'] = { 'AWS:EpochTime': statement.notBefore }
  if (statement.ipAddress !== undefined) condition['IpAddress'] = { 'AWS:SourceIp': statement.ipAddress }
  return JSON.stringify({ Statement: [{ Resource: statement.resource, Condition: condition }] })
}

/** A JSON object with exactly one member of this name, or undefined. */
function only(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const names = Object.keys(value)
  return names.length === 1 && names[0] === name ? (value as Record<string, unknown>)[name] : undefined
}

const isEpoch = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_EPOCH_SECONDS

// A JSON string token; what follows it decides whether it is a member name.
const JSON_STRING = /"(?:[^"\\]|\\.)*"(\s*:)?/g

/**
 * The statement of a custom policy a request carries, or why it cannot be checked: not JSON, a field CloudFront
 * defines that is missing, any field it does not (fail closed: an unknown condition may restrict access in a way
 * this check would ignore), a repeated member name (parsers disagree on which wins), more than one statement, a
 * time that is not whole seconds, or an address range that is not strict IPv4 CIDR.
 *
 * @example
 * readPolicy('{"Statement":[{"Resource":"https://d/*","Condition":{"DateLessThan":{"AWS:EpochTime":1893456000}}}]}')
 * // { resource: 'https://d/*', expires: 1893456000 }
 */
export function readPolicy(json: string): PolicyStatement | string {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return 'the policy is not JSON'
  }
  const statements = only(parsed, 'Statement')
  if (!Array.isArray(statements) || statements.length !== 1)
    return 'the policy must be {"Statement":[one statement]} and nothing else'
  const statement = statements[0] as Record<string, unknown>
  if (typeof statement !== 'object' || statement === null || Array.isArray(statement))
    return 'the statement is not an object'
  const names = Object.keys(statement).sort().join(',')
  if (names !== 'Condition,Resource') return 'the statement must hold Resource and Condition and nothing else'
  const { Resource: resource, Condition: condition } = statement
  if (typeof resource !== 'string' || !RESOURCE.test(resource)) return 'the policy Resource is not a printable string'
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition))
    return 'the policy Condition is not an object'
  const conditions = condition as Record<string, unknown>
  const extra = Object.keys(conditions).find((name) => !['DateLessThan', 'DateGreaterThan', 'IpAddress'].includes(name))
  if (extra !== undefined)
    return `the policy has a condition this check does not know (${JSON.stringify(extra.slice(0, 40))})`
  const expires = only(conditions['DateLessThan'], 'AWS:EpochTime')
  if (!isEpoch(expires)) return 'the policy has no DateLessThan {"AWS:EpochTime": whole seconds}'
  const read: PolicyStatement = { resource, expires }
  if ('DateGreaterThan' in conditions) {
    const notBefore = only(conditions['DateGreaterThan'], 'AWS:EpochTime')
    if (!isEpoch(notBefore)) return 'the policy DateGreaterThan is not {"AWS:EpochTime": whole seconds}'
    read.notBefore = notBefore
  }
  if ('IpAddress' in conditions) {
    const range = only(conditions['IpAddress'], 'AWS:SourceIp')
    if (typeof range !== 'string' || !range.includes('/') || !parseIpv4(range))
      return 'the policy IpAddress is not {"AWS:SourceIp": "IPv4 CIDR"}'
    read.ipAddress = range
  }
  // Every member name of the text must be one of the members read: a repeated name would have been dropped.
  const memberCount = [...json.matchAll(JSON_STRING)].filter((match) => match[1] !== undefined).length
  const expected = 3 + Object.keys(conditions).length * 2
  if (memberCount !== expected) return 'the policy repeats a member name'
  return read
}

/**
 * Whether a URL matches a policy resource: `*` matches any run of characters (none included), `?` exactly one,
 * everything else itself. Linear in practice, at worst the product of the lengths; no regex is built.
 *
 * @example
 * resourceMatches('https://d/videos/*', 'https://d/videos/a.mp4?x=1') // true
 */
export function resourceMatches(pattern: string, url: string): boolean {
  let p = 0
  let u = 0
  let star = -1
  let resume = 0
  while (u < url.length) {
    if (pattern[p] === '*') {
      star = p++
      resume = u
    } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === url[u])) {
      p++
      u++
    } else if (star >= 0) {
      p = star + 1
      u = ++resume
    } else return false
  }
  while (pattern[p] === '*') p++
  return p === pattern.length
}
