// Presigned POST (S3 "POST Object" with a browser form): a base64 policy document listing what the form may
// contain, signed with the SigV4 signing key. The policy is written exactly as botocore's
// generate_presigned_post writes it, so our fields are byte for byte what botocore gives for the same input.
import { DEFAULT_EXPIRES_IN, MAX_EXPIRES_IN, SCOPE_TERMINATOR, SIGV4_ALGORITHM } from '../core/constants.js'
import { fail } from '../core/errors.js'
import { resolveOptions, type CredentialsInput } from '../core/options.js'
import { signingKey } from '../core/signing-key.js'
import { base64, toHex, utf8 } from '../core/encoding.js'
import { hmac } from '../core/webcrypto.js'

/** The placeholder S3 replaces with the uploaded file's name. */
const FILENAME = '${filename}'
/** Form fields the signature itself sets: a caller's field of one of these names would be overwritten. */
const SIGNING_FIELDS = [
  'key',
  'policy',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-signature',
  'file',
]

/** A condition of a POST policy, in one of the forms S3 defines. */
export type PostCondition =
  /** Exact match: the form field `name` must be `value`, e.g. `{ acl: 'private' }`. */
  | Record<string, string>
  /** `['eq', '$name', value]`: exact match, the array form. */
  | ['eq', string, string]
  /** `['starts-with', '$name', prefix]`: the field starts with the prefix (`''` allows anything). */
  | ['starts-with', string, string]
  /** `['content-length-range', min, max]`: the file's size in bytes, both ends included. */
  | ['content-length-range', number, number]

/** What the form uploads: the bucket's URL, the object key and what else the form may or must contain. */
export interface PresignPostInput {
  /** The bucket's URL: virtual-host style (`https://bucket.s3.region.amazonaws.com`) or path style
   * (`https://s3.region.amazonaws.com/bucket`, `http://127.0.0.1:9000/bucket`); the form posts here. */
  url: string | URL
  /** The object key; may contain `${filename}` (S3 puts the uploaded file's name there). */
  key: string
  /**
   * Further form fields to send, e.g. `{ 'Content-Type': 'image/png', acl: 'private' }`; each is signed into the
   * policy as an exact match unless a condition covers it already.
   * @default {}
   */
  fields?: Record<string, string>
  /**
   * Further conditions the form must meet, e.g. `['content-length-range', 0, 10_485_760]`.
   * @default []
   */
  conditions?: PostCondition[]
}

/** Options of `presignPost`. */
export interface PresignPostOptions {
  /** The credentials that sign the policy; a session token becomes the `x-amz-security-token` field. */
  credentials: CredentialsInput
  /**
   * Signing region.
   * @default inferred from AWS host names
   */
  region?: string
  /**
   * Signing time: a `Date` or an ISO-8601 string.
   * @default new Date()
   */
  datetime?: Date | string
  /**
   * Lifetime of the policy in seconds, 1..604800 (7 days).
   * @default 3600
   */
  expiresIn?: number
}

/** A presigned POST: post `fields` (in this order) and then the file as a multipart form to `url`. */
export interface PresignedPost {
  /** The bucket URL the form posts to (the input's, normalised by the URL parser). */
  url: string
  /** The form fields: the input's, `key`, the signing fields, `policy` and `x-amz-signature`, in sending order. */
  fields: Record<string, string>
}

/** The bucket and the form's target of a bucket URL. */
function bucketOf(input: string | URL): { url: URL; bucket: string } {
  let url: URL
  try {
    url = new URL(input)
  } catch (error) {
    return fail('ERR_INVALID_URL', 'Pass url as the bucket URL, e.g. https://bucket.s3.eu-west-1.amazonaws.com', error)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail('ERR_INVALID_URL', `The bucket URL must be https: (or http: for a local store), not ${url.protocol}`)
  if (url.search || url.hash) fail('ERR_INVALID_URL', 'Pass the bucket URL without a query or fragment')
  const segments = url.pathname.split('/').filter(Boolean)
  if (segments.length > 1)
    fail('ERR_INVALID_URL', 'Pass the bucket URL, not an object URL: the object key goes in `key`')
  if (segments.length === 1) return { url, bucket: decodedBucket(segments[0]!) }
  const isAddress = /^[\d.]+$|^\[/.test(url.hostname)
  // On AWS hosts the bucket is everything before .s3. / .s3-<region>. / .s3express-... (bucket names may have dots).
  const bucket = /^(.+?)\.s3(express)?[.-]/.exec(url.hostname)?.[1] ?? url.hostname.split('.')[0]!
  if (isAddress || !url.hostname.includes('.') || /^s3([.-]|$)/.test(bucket))
    fail('ERR_INVALID_URL', `${url.host} names no bucket: use https://<bucket>.${url.host} or ${url.origin}/<bucket>`)
  return { url, bucket }
}

// A path-style bucket as written in the URL, percent-decoding undone; bytes that are not UTF-8 (`%E0`) name no bucket.
function decodedBucket(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return fail(
      'ERR_INVALID_URL',
      'The bucket in the URL path is not valid percent-encoded UTF-8: write its name as is',
    )
  }
}

function invalidCondition(condition: unknown, why: string): never {
  return fail('ERR_INVALID_CONDITION', `Fix the condition ${JSON.stringify(condition)}: ${why}`)
}

/** Checks one condition; returns the field it is about (lower case) and, for exact matches, the value it wants. */
function checkCondition(condition: unknown): { field?: string; exact?: string; prefix?: string } {
  if (Array.isArray(condition)) {
    const [operator, name, value] = condition as unknown[]
    if (condition.length !== 3) invalidCondition(condition, 'an array condition has three elements')
    if (operator === 'content-length-range') {
      if (!Number.isSafeInteger(name) || !Number.isSafeInteger(value))
        invalidCondition(condition, 'the range is two whole numbers of bytes')
      if ((name as number) < 0) invalidCondition(condition, 'the smallest size cannot be negative')
      if ((name as number) > (value as number)) invalidCondition(condition, 'the range is [min, max] with min <= max')
      return {}
    }
    if (operator !== 'eq' && operator !== 'starts-with')
      invalidCondition(condition, 'the forms are eq, starts-with and content-length-range')
    if (typeof name !== 'string' || !/^\$./.test(name))
      invalidCondition(condition, 'the field is named with a leading $, e.g. "$key"')
    if (typeof value !== 'string') invalidCondition(condition, 'the value is a string')
    const field = name.slice(1).toLowerCase()
    return operator === 'eq' ? { field, exact: value } : { field, prefix: value }
  }
  if (condition === null || typeof condition !== 'object')
    invalidCondition(condition, 'a condition is an object { field: value } or an array')
  const entries = Object.entries(condition as Record<string, unknown>)
  if (entries.length !== 1) invalidCondition(condition, 'an exact-match condition names exactly one field')
  const [name, value] = entries[0]!
  if (typeof value !== 'string') invalidCondition(condition, 'the value is a string')
  return { field: name.toLowerCase(), exact: value }
}

/**
 * The exact-match conditions the given fields add to the policy: one per field that no condition covers yet. A
 * field that contradicts a condition on it is refused (S3 would refuse the upload), as is a signing field.
 */
function fieldConditions(fields: Record<string, string>, checked: ReturnType<typeof checkCondition>[]): unknown[] {
  const added: unknown[] = []
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') fail('ERR_INVALID_OPTION', `Set fields[${JSON.stringify(name)}] to a string`)
    const field = name.toLowerCase()
    if (SIGNING_FIELDS.includes(field))
      fail('ERR_INVALID_OPTION', `The field ${name} is set by presignPost: leave it out of fields`)
    const covering = checked.filter((condition) => condition.field === field)
    for (const condition of covering) {
      if (condition.exact !== undefined && condition.exact !== value)
        fail(
          'ERR_INVALID_CONDITION',
          `fields[${JSON.stringify(name)}] does not meet its own condition: S3 would refuse it`,
        )
      if (condition.prefix !== undefined && !value.startsWith(condition.prefix))
        fail('ERR_INVALID_CONDITION', `fields[${JSON.stringify(name)}] does not start as its condition requires`)
    }
    if (!covering.length) added.push({ [name]: value })
  }
  return added
}

/**
 * JSON as Python's `json.dumps` writes it (`, ` and `: ` between items, every character outside printable ASCII
 * as a `\uXXXX` escape): the form botocore signs, so that both give the same policy and signature.
 */
function policyJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(policyJson).join(', ') + ']'
  if (value !== null && typeof value === 'object')
    return (
      '{' +
      Object.entries(value)
        .map(([name, item]) => policyJson(name) + ': ' + policyJson(item))
        .join(', ') +
      '}'
    )
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0'),
  )
}

/** The instant of an `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`). */
const dateOf = (amzDate: string): Date =>
  new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'))

/** `YYYY-MM-DDTHH:MM:SSZ`, the policy's `expiration` form. */
const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

/**
 * Presigns a browser form upload (S3 POST Object): returns the URL to post to and the form fields, whose policy
 * covers the bucket, the key (or, when the key contains `${filename}`, its prefix), every given field, every given
 * condition and the signing fields, as botocore's `generate_presigned_post` does. Post the fields in order as a
 * multipart form, with the file last.
 *
 * @example
 * const { url, fields } = await presignPost(
 *   { url: 'https://uploads.s3.eu-west-1.amazonaws.com', key: 'avatars/${filename}', conditions: [['content-length-range', 0, 1_000_000]] },
 *   { credentials, expiresIn: 300 },
 * )
 * const form = new FormData()
 * for (const [name, value] of Object.entries(fields)) form.append(name, value)
 * form.append('file', file) // last
 * await fetch(url, { method: 'POST', body: form })
 */
export async function presignPost(input: PresignPostInput, options: PresignPostOptions): Promise<PresignedPost> {
  if (input === null || typeof input !== 'object') fail('ERR_INVALID_OPTION', 'Pass { url, key } as the first argument')
  if (options === null || typeof options !== 'object') fail('ERR_INVALID_OPTION', 'Pass options with credentials')
  const { key, fields = {}, conditions = [] } = input
  if (typeof key !== 'string' || !key) fail('ERR_INVALID_OPTION', 'Set key to the object key, a non-empty string')
  const { url, bucket } = bucketOf(input.url)
  const expiresIn = options.expiresIn ?? DEFAULT_EXPIRES_IN
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN)
    fail('ERR_INVALID_EXPIRES', `Set options.expiresIn to 1..${MAX_EXPIRES_IN} seconds, not ${String(expiresIn)}`)
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields))
    fail('ERR_INVALID_OPTION', 'Set fields to an object of form field names and string values')
  if (!Array.isArray(conditions)) fail('ERR_INVALID_CONDITION', 'Set conditions to an array of conditions')

  const policyConditions: unknown[] = [...conditions, ...fieldConditions(fields, conditions.map(checkCondition))]

  const { credentials, region, amzDate } = await resolveOptions(
    { credentials: options.credentials, region: options.region, service: 's3', datetime: options.datetime },
    url.host,
    url.pathname,
  )
  const date = amzDate.slice(0, 8)
  const credential = `${credentials.accessKeyId}/${date}/${region}/s3/${SCOPE_TERMINATOR}`
  const signingFields: Record<string, string> = {
    'x-amz-algorithm': SIGV4_ALGORITHM,
    'x-amz-credential': credential,
    'x-amz-date': amzDate,
  }
  if (credentials.sessionToken) signingFields['x-amz-security-token'] = credentials.sessionToken

  policyConditions.push({ bucket })
  // With ${filename} the key is only known once S3 has the file: the policy can only bound its prefix. botocore and
  // the JS SDK do this for a key that ends with it; the prefix before the first one holds wherever it is.
  const placeholder = key.indexOf(FILENAME)
  policyConditions.push(placeholder < 0 ? { key } : ['starts-with', '$key', key.slice(0, placeholder)])
  for (const [name, value] of Object.entries(signingFields)) policyConditions.push({ [name]: value })

  const expiration = isoSeconds(new Date(dateOf(amzDate).getTime() + expiresIn * 1000))
  const policy = base64(utf8(policyJson({ expiration, conditions: policyConditions })))
  const signature = toHex(await hmac(await signingKey(credentials, date, region, 's3'), policy))
  return {
    url: url.href,
    fields: { ...fields, key, ...signingFields, policy, 'x-amz-signature': signature },
  }
}
