// presignPost: on generated cases the signature is HMAC(derived key, policy) and the policy covers what it must;
// the fields equal botocore's generate_presigned_post byte for byte; @aws-sdk/s3-presigned-post signs the same
// policy conditions with the same key; bad input gets typed errors.
import { spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { S3Client } from '@aws-sdk/client-s3'
import { createPresignedPost } from '@aws-sdk/s3-presigned-post'
import fc from 'fast-check'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { SigV4Error } from '../../../src/core/errors.js'
import { presignPost, type PostCondition, type PresignPostOptions } from '../../../src/s3.js'

interface Case {
  bucket: string
  key: string
  fields: Record<string, string>
  conditions: PostCondition[]
  region: string
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** `YYYY-MM-DDTHH:MM:SSZ` */
  time: string
  expiresIn: number
}

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2']
const FIELD_NAMES = ['acl', 'Content-Type', 'success_action_status', 'x-amz-meta-note', 'Cache-Control', 'tagging']
// Text of every kind: ASCII, Latin-1, CJK, emoji (surrogate pairs), quotes and backslashes, control characters.
const text = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', ' ', '/', '"', '\\', 'é', '中', '😀', '\u007f', '\n', '$', '{'),
  maxLength: 12,
})

/** Cases whose conditions never cover a field (`covering: false`) or sometimes do. */
function cases(covering: boolean, filenameAnywhere = true): fc.Arbitrary<Case> {
  return fc
    .record({
      bucket: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/),
      keyText: text.filter((value) => value.length > 0),
      filename: fc.constantFrom('none', 'end', ...(filenameAnywhere ? ['middle'] : [])),
      fieldNames: fc.subarray(FIELD_NAMES),
      fieldValues: fc.array(text, { minLength: FIELD_NAMES.length, maxLength: FIELD_NAMES.length }),
      range: fc.option(fc.tuple(fc.nat(1000), fc.nat(10_000_000))),
      metaPrefix: fc.option(text),
      coverWith: fc.constantFrom('exact', 'eq', 'starts-with'),
      region: fc.constantFrom(...REGIONS),
      accessKeyId: fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
      secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
      sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{10,60}$/), { nil: undefined }),
      time: fc.date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2099-12-31T23:59:59Z'),
        noInvalidDate: true,
      }),
      expiresIn: fc.integer({ min: 1, max: 604_800 }),
    })
    .map((c): Case => {
      const key =
        c.filename === 'end'
          ? c.keyText + '${filename}'
          : c.filename === 'middle'
            ? c.keyText + '${filename}.bin'
            : c.keyText
      const fields: Record<string, string> = {}
      c.fieldNames.forEach((name, i) => (fields[name] = c.fieldValues[i]!))
      const conditions: PostCondition[] = []
      if (c.range) conditions.push(['content-length-range', Math.min(...c.range), Math.max(...c.range)])
      if (c.metaPrefix !== null) conditions.push(['starts-with', '$x-amz-meta-tag', c.metaPrefix])
      const covered = covering ? c.fieldNames[0] : undefined
      if (covered !== undefined) {
        const value = fields[covered]!
        if (c.coverWith === 'exact') conditions.push({ [covered]: value })
        else if (c.coverWith === 'eq') conditions.push(['eq', '$' + covered, value])
        else conditions.push(['starts-with', '$' + covered.toUpperCase(), value.slice(0, 2)])
      }
      return {
        bucket: c.bucket,
        key,
        fields,
        conditions,
        region: c.region,
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        ...(c.sessionToken !== undefined && { sessionToken: c.sessionToken }),
        time: c.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        expiresIn: c.expiresIn,
      }
    })
}

/** The bucket URL S3 clients use for a region (us-east-1: the global endpoint). */
const bucketUrl = (c: Case) =>
  c.region === 'us-east-1'
    ? `https://${c.bucket}.s3.amazonaws.com/`
    : `https://${c.bucket}.s3.${c.region}.amazonaws.com/`

const optionsOf = (c: Case): PresignPostOptions => ({
  credentials: {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken !== undefined && { sessionToken: c.sessionToken }),
  },
  datetime: c.time,
  expiresIn: c.expiresIn,
})

const ours = (c: Case) =>
  presignPost({ url: bucketUrl(c), key: c.key, fields: c.fields, conditions: c.conditions }, optionsOf(c))

/** The SigV4 signing key for S3, derived with node:crypto (independent of the library). */
function signingKey(secret: string, date: string, region: string): Buffer {
  let key: Buffer = Buffer.from('AWS4' + secret, 'utf8')
  for (const step of [date, region, 's3', 'aws4_request']) key = createHmac('sha256', key).update(step).digest()
  return key
}
const hmacHex = (key: Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex')

interface Policy {
  expiration: string
  conditions: unknown[]
}
const decode = (policy: string): Policy => JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as Policy

describe('generated cases: signature = HMAC(derived key, policy), and the policy covers what it must', () => {
  test('600 cases (seeded)', async () => {
    let checked = 0
    await fc.assert(
      fc.asyncProperty(cases(true), async (c) => {
        const { url, fields } = await ours(c)
        const date = c.time.slice(0, 10).replaceAll('-', '')
        const amzDate = c.time.replace(/[-:]/g, '')
        expect(url).toBe(bucketUrl(c))
        expect(fields['x-amz-signature']).toBe(hmacHex(signingKey(c.secretAccessKey, date, c.region), fields.policy!))
        expect(fields['x-amz-algorithm']).toBe('AWS4-HMAC-SHA256')
        expect(fields['x-amz-credential']).toBe(`${c.accessKeyId}/${date}/${c.region}/s3/aws4_request`)
        expect(fields['x-amz-date']).toBe(amzDate)
        expect(fields['x-amz-security-token']).toBe(c.sessionToken)
        expect(fields.key).toBe(c.key)
        for (const [name, value] of Object.entries(c.fields)) expect(fields[name]).toBe(value)

        const policy = decode(fields.policy!)
        expect(policy.expiration).toBe(
          new Date(Date.parse(c.time) + c.expiresIn * 1000).toISOString().replace('.000', ''),
        )
        const json = policy.conditions.map((condition) => JSON.stringify(condition))
        const has = (condition: unknown) => expect(json).toContain(JSON.stringify(condition))
        for (const condition of c.conditions) has(condition)
        has({ bucket: c.bucket })
        const at = c.key.indexOf('${filename}')
        has(at < 0 ? { key: c.key } : ['starts-with', '$key', c.key.slice(0, at)])
        for (const name of ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-security-token'])
          if (fields[name] !== undefined) has({ [name]: fields[name] })
        // Every field the caller gave is bounded by a condition: its own exact match, or the caller's.
        for (const [name, value] of Object.entries(c.fields)) {
          const bounded = policy.conditions.some((condition) =>
            Array.isArray(condition)
              ? String(condition[1]).toLowerCase() === '$' + name.toLowerCase()
              : Object.keys(condition as object)[0]!.toLowerCase() === name.toLowerCase() &&
                Object.values(condition as object)[0] === value,
          )
          expect(bounded, `field ${name} is in the policy`).toBe(true)
        }
        checked++
      }),
      { seed: 1616, numRuns: 600 },
    )
    expect(checked).toBe(600)
  }, 60_000)
})

describe('botocore generate_presigned_post', () => {
  test('the same url and fields (policy and signature byte for byte) on 200 generated cases', async () => {
    const generated = fc.sample(cases(true, false), { seed: 2024, numRuns: 200 })
    const mine = await Promise.all(generated.map(ours))
    // botocore adds bucket, key and the signing fields itself; give it the conditions before those.
    const jobs = generated.map((c, i) => {
      const conditions = decode(mine[i]!.fields.policy!).conditions
      const added = 2 + (c.sessionToken ? 4 : 3)
      return {
        bucket: c.bucket,
        key: c.key,
        fields: c.fields,
        conditions: conditions.slice(0, conditions.length - added),
        region: c.region,
        access_key: c.accessKeyId,
        secret_key: c.secretAccessKey,
        token: c.sessionToken ?? null,
        time: c.time,
        expires: c.expiresIn,
      }
    })
    const script = fileURLToPath(new URL('./botocore_post.py', import.meta.url))
    const run = spawnSync('python3', [script], { input: JSON.stringify(jobs), encoding: 'utf8', timeout: 120_000 })
    expect(run.status, run.stderr).toBe(0)
    const answers = JSON.parse(run.stdout) as Array<{ url: string; fields: Record<string, string>; error?: string }>
    expect(answers).toHaveLength(200)
    answers.forEach((answer, i) => {
      expect(answer.error).toBeUndefined()
      expect(mine[i]!.url).toBe(answer.url)
      // Same names, values and order.
      expect(Object.entries(mine[i]!.fields)).toEqual(Object.entries(answer.fields))
    })
  }, 150_000)
})

describe('@aws-sdk/s3-presigned-post', () => {
  afterEach(() => vi.useRealTimers())
  test('the same conditions, expiration and fields, and both signatures are HMAC(the same key, own policy)', async () => {
    // The SDK writes compact JSON (ours is botocore's spacing), so the policies differ as text, not as documents.
    const generated = fc.sample(cases(false, false), { seed: 77, numRuns: 60 })
    for (const c of generated) {
      const { fields } = await ours(c)
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(new Date(c.time))
      const client = new S3Client({ region: c.region, credentials: optionsOf(c).credentials as never })
      const theirs = await createPresignedPost(client, {
        Bucket: c.bucket,
        Key: c.key,
        Fields: c.fields,
        Conditions: c.conditions,
        Expires: c.expiresIn,
      })
      vi.useRealTimers()
      const key = signingKey(c.secretAccessKey, c.time.slice(0, 10).replaceAll('-', ''), c.region)
      const theirPolicy = theirs.fields.Policy!
      expect(theirs.fields['X-Amz-Signature']).toBe(hmacHex(key, theirPolicy))
      expect(fields['x-amz-signature']).toBe(hmacHex(key, fields.policy!))
      const mineDecoded = decode(fields.policy!)
      const theirsDecoded = decode(theirPolicy)
      expect(mineDecoded.expiration).toBe(theirsDecoded.expiration)
      // Field names in a policy are case-insensitive: the SDK writes X-Amz-Algorithm, botocore x-amz-algorithm.
      const asSet = (conditions: unknown[]) =>
        new Set(
          conditions.map((condition) =>
            JSON.stringify(
              Array.isArray(condition)
                ? condition
                : Object.fromEntries(
                    Object.entries(condition as object).map(([name, value]) => [name.toLowerCase(), value]),
                  ),
            ),
          ),
        )
      expect(asSet(mineDecoded.conditions)).toEqual(asSet(theirsDecoded.conditions))
      // The SDK also sends `bucket` as a field (S3 ignores it) and names the policy `Policy`.
      const lower = (record: Record<string, string>, drop: string[]): Record<string, string> =>
        Object.fromEntries(
          Object.entries(record)
            .map(([name, value]): [string, string] => [name.toLowerCase(), value])
            .filter(([name]) => !drop.includes(name)),
        )
      expect(lower(fields, ['policy', 'x-amz-signature'])).toEqual(
        lower(theirs.fields, ['policy', 'x-amz-signature', 'bucket']),
      )
      // The SDK posts to the regional endpoint also in us-east-1 (botocore and bucketUrl use the global one).
      expect(theirs.url).toBe(`https://${c.bucket}.s3.${c.region}.amazonaws.com/`)
    }
  }, 60_000)
})

describe('forms and edge cases', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
  const options = { credentials, datetime: '2024-02-29T23:59:59Z' }
  test('path-style and S3-compatible URLs: the bucket is the first path segment', async () => {
    const local = await presignPost(
      { url: 'http://127.0.0.1:9000/my.bucket', key: 'k' },
      { ...options, region: 'us-east-1' },
    )
    expect(local.url).toBe('http://127.0.0.1:9000/my.bucket')
    expect(decode(local.fields.policy!).conditions).toContainEqual({ bucket: 'my.bucket' })
    const r2 = await presignPost({ url: 'https://acct.r2.cloudflarestorage.com/photos', key: 'k' }, options)
    expect(r2.fields['x-amz-credential']).toBe('AKIDEXAMPLE/20240229/auto/s3/aws4_request')
    const dotted = await presignPost({ url: 'https://my.dotted.bucket.s3.eu-west-1.amazonaws.com', key: 'k' }, options)
    expect(decode(dotted.fields.policy!).conditions).toContainEqual({ bucket: 'my.dotted.bucket' })
  })
  test('${filename} in the middle of a key bounds the prefix before it', async () => {
    const { fields } = await presignPost(
      { url: 'https://b.s3.eu-west-1.amazonaws.com', key: 'u/7/${filename}.jpg' },
      options,
    )
    expect(decode(fields.policy!).conditions).toContainEqual(['starts-with', '$key', 'u/7/'])
    expect(fields.key).toBe('u/7/${filename}.jpg')
  })
  test('non-ASCII is written as \\u escapes, as botocore (Python json.dumps) writes it', async () => {
    const { fields } = await presignPost({ url: 'https://b.s3.eu-west-1.amazonaws.com', key: 'clé😀' }, options)
    const json = Buffer.from(fields.policy!, 'base64').toString('utf8')
    expect(json).toContain('{"key": "cl\\u00e9\\ud83d\\ude00"}')
    expect(json).toMatch(/^[\x20-\x7e]+$/)
  })

  const code = async (action: () => Promise<unknown>) => {
    const error = await action().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(SigV4Error)
    return (error as SigV4Error).code
  }
  const url = 'https://b.s3.eu-west-1.amazonaws.com'
  const post = (input: object, extra: object = {}) =>
    code(() => presignPost({ url, key: 'k', ...input }, { ...options, ...extra }))
  test.each([
    ['a negative range', { conditions: [['content-length-range', -1, 10]] }, 'ERR_INVALID_CONDITION'],
    ['a reversed range', { conditions: [['content-length-range', 10, 9]] }, 'ERR_INVALID_CONDITION'],
    ['a fractional range', { conditions: [['content-length-range', 0, 1.5]] }, 'ERR_INVALID_CONDITION'],
    ['an unknown operator', { conditions: [['ends-with', '$key', 'x']] }, 'ERR_INVALID_CONDITION'],
    ['a field without $', { conditions: [['starts-with', 'key', 'x']] }, 'ERR_INVALID_CONDITION'],
    ['a two-element array', { conditions: [['eq', '$acl']] }, 'ERR_INVALID_CONDITION'],
    ['an object of two fields', { conditions: [{ acl: 'private', tagging: 'x' }] }, 'ERR_INVALID_CONDITION'],
    ['a number as a condition', { conditions: [42] }, 'ERR_INVALID_CONDITION'],
    ['a non-string exact value', { conditions: [{ acl: 1 }] }, 'ERR_INVALID_CONDITION'],
    ['conditions not an array', { conditions: { acl: 'x' } }, 'ERR_INVALID_CONDITION'],
    [
      'a field against its own condition',
      { fields: { acl: 'public-read' }, conditions: [{ acl: 'private' }] },
      'ERR_INVALID_CONDITION',
    ],
    [
      'a field against its prefix',
      { fields: { acl: 'public-read' }, conditions: [['starts-with', '$acl', 'pri']] },
      'ERR_INVALID_CONDITION',
    ],
    ['a key that is not a string', { key: 7 }, 'ERR_INVALID_OPTION'],
    ['an empty key', { key: '' }, 'ERR_INVALID_OPTION'],
    ['a field value not a string', { fields: { acl: 5 } }, 'ERR_INVALID_OPTION'],
    ['a signing field among the fields', { fields: { Policy: 'x' } }, 'ERR_INVALID_OPTION'],
    ['an object URL', { url: 'https://b.s3.eu-west-1.amazonaws.com/a/b' }, 'ERR_INVALID_URL'],
    ['a URL with no bucket', { url: 'https://s3.eu-west-1.amazonaws.com' }, 'ERR_INVALID_URL'],
    ['an IP address with no bucket', { url: 'http://127.0.0.1:9000' }, 'ERR_INVALID_URL'],
    ['not a URL', { url: 'bucket' }, 'ERR_INVALID_URL'],
    ['an ftp URL', { url: 'ftp://b.s3.amazonaws.com' }, 'ERR_INVALID_URL'],
  ])('%s', async (_, input, expected) => {
    expect(await post(input)).toBe(expected)
  })
  test.each([
    ['expiresIn 0', { expiresIn: 0 }, 'ERR_INVALID_EXPIRES'],
    ['expiresIn over 7 days', { expiresIn: 604_801 }, 'ERR_INVALID_EXPIRES'],
    ['expiresIn not whole', { expiresIn: 1.5 }, 'ERR_INVALID_EXPIRES'],
    ['a bad datetime', { datetime: 'yesterday' }, 'ERR_INVALID_DATETIME'],
    ['no credentials', { credentials: undefined }, 'ERR_CREDENTIALS_MISSING'],
  ])('%s', async (_, extra, expected) => {
    expect(await post({}, extra)).toBe(expected)
  })
  test('no region to infer from a custom host', async () => {
    expect(await code(() => presignPost({ url: 'https://minio.example.com/b', key: 'k' }, options))).toBe(
      'ERR_REGION_REQUIRED',
    )
  })
  test('expiresIn 604800 and 1 are accepted', async () => {
    for (const expiresIn of [1, 604_800]) {
      const { fields } = await presignPost({ url, key: 'k' }, { ...options, expiresIn })
      expect(decode(fields.policy!).expiration).toBe(
        new Date(Date.parse('2024-02-29T23:59:59Z') + expiresIn * 1000).toISOString().replace('.000', ''),
      )
    }
  })
})
