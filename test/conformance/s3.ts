// webcrypto-sigv4/s3 in every runtime: the checksum check values, for every input kind, and across the chunk
// boundaries of a stream (runtime stream and Blob implementations differ: workerd, Deno, Bun, three browsers), and
// one presigned POST whose fields are botocore's generate_presigned_post output for the same input.
import { equal } from './assert.js'
import type { Check, Lib } from './suite.js'

type Algorithm = Parameters<Lib['checksum']>[1]

/** Standard check values of "123456789" (CRC catalogue; FIPS 180 for SHA), and of no bytes, in hex. */
const CHECK_VALUES: Record<Algorithm, { check: string; empty: string }> = {
  crc32: { check: 'cbf43926', empty: '00000000' },
  crc32c: { check: 'e3069283', empty: '00000000' },
  crc64nvme: { check: 'ae8b14860a799888', empty: '0000000000000000' },
  sha1: { check: 'f7c3bc1d808e04732adf679965ccc34ca7ae3441', empty: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  sha256: {
    check: '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
    empty: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
}

/** Known checksums of 100,000 bytes `i % 251` (from @aws-crypto/crc32, @aws-crypto/crc32c, @aws-sdk/crc64-nvme, node:crypto). */
const PATTERN_VALUES: Record<Algorithm, string> = {
  crc32: 's1O4+g==',
  crc32c: 'ckf2aw==',
  crc64nvme: 'rdtuPFGJcz8=',
  sha1: 'I6EGWg9qSFEZBJvyeZF53QFU77s=',
  sha256: 'zS32lOQkvHlozDf0d1EBnlygzRvfLkeepTfDocMu4ao=',
}

function hex(base64: string): string {
  return Array.from(atob(base64), (char) => char.charCodeAt(0).toString(16).padStart(2, '0')).join('')
}

/** A stream of `bytes` in pieces of the given lengths, cycled. */
function pieces(bytes: Uint8Array, lengths: number[]): ReadableStream<Uint8Array> {
  let offset = 0
  let turn = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      const length = lengths[turn++ % lengths.length]!
      controller.enqueue(bytes.slice(offset, offset + length))
      offset += length
    },
  })
}

/** botocore 1.43 generate_presigned_post for the input of the presignPost check below (test/node/s3/botocore_post.py). */
const BOTOCORE_POST = {
  url: 'https://uploads.s3.eu-west-1.amazonaws.com/',
  fields: {
    'Content-Type': 'image/png',
    acl: 'private',
    key: 'avatars/${filename}',
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': 'AKIDEXAMPLE/20240229/eu-west-1/s3/aws4_request',
    'x-amz-date': '20240229T235959Z',
    'x-amz-security-token': 'session-token-\u00e9',
    policy:
      'eyJleHBpcmF0aW9uIjogIjIwMjQtMDMtMDFUMDA6MDk6NTlaIiwgImNvbmRpdGlvbnMiOiBbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsIDEsIDEwNDg1NzZdLCB7IkNvbnRlbnQtVHlwZSI6ICJpbWFnZS9wbmcifSwgeyJhY2wiOiAicHJpdmF0ZSJ9LCB7ImJ1Y2tldCI6ICJ1cGxvYWRzIn0sIFsic3RhcnRzLXdpdGgiLCAiJGtleSIsICJhdmF0YXJzLyJdLCB7IngtYW16LWFsZ29yaXRobSI6ICJBV1M0LUhNQUMtU0hBMjU2In0sIHsieC1hbXotY3JlZGVudGlhbCI6ICJBS0lERVhBTVBMRS8yMDI0MDIyOS9ldS13ZXN0LTEvczMvYXdzNF9yZXF1ZXN0In0sIHsieC1hbXotZGF0ZSI6ICIyMDI0MDIyOVQyMzU5NTlaIn0sIHsieC1hbXotc2VjdXJpdHktdG9rZW4iOiAic2Vzc2lvbi10b2tlbi1cdTAwZTkifV19',
    'x-amz-signature': '01502397d36f4c12cfede8e4d356503aeceb582be28b58613317ce2d5fb691b5',
  },
}

/** The S3 checks of the suite. */
export function s3Checks(lib: Lib): Check[] {
  const checks: Check[] = []
  const text = '123456789'
  const bytes = new TextEncoder().encode(text)
  const pattern = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251)
  for (const algorithm of Object.keys(CHECK_VALUES) as Algorithm[]) {
    const { check, empty } = CHECK_VALUES[algorithm]
    checks.push({
      name: `s3 checksum ${algorithm}: check value of "123456789" from a string, bytes, a Blob and a stream`,
      run: async () => {
        equal(hex(await lib.checksum(text, algorithm)), check, 'string')
        equal(hex(await lib.checksum(bytes, algorithm)), check, 'Uint8Array')
        equal(hex(await lib.checksum(bytes.buffer, algorithm)), check, 'ArrayBuffer')
        equal(hex(await lib.checksum(new Blob([bytes]), algorithm)), check, 'Blob')
        equal(hex(await lib.checksum(pieces(bytes, [1, 4, 2]), algorithm)), check, 'stream in 1, 4, 2 byte pieces')
        equal(hex(await lib.checksum('', algorithm)), empty, 'empty string')
        equal(hex(await lib.checksum(pieces(new Uint8Array(0), [1]), algorithm)), empty, 'empty stream')
      },
    })
    checks.push({
      name: `s3 checksum ${algorithm}: 100,000 bytes, whole and across stream chunk boundaries`,
      run: async () => {
        const expected = PATTERN_VALUES[algorithm]
        equal(await lib.checksum(pattern, algorithm), expected, 'whole')
        equal(await lib.checksum(pieces(pattern, [8191, 1, 65_536, 7]), algorithm), expected, 'stream')
        equal(await lib.checksum(new Blob([pattern]).stream(), algorithm), expected, "the runtime's Blob stream")
      },
    })
  }
  checks.push({
    name: 's3 presignPost: the same url, fields, policy and signature as botocore generate_presigned_post',
    run: async () => {
      const { url, fields } = await lib.presignPost(
        {
          url: 'https://uploads.s3.eu-west-1.amazonaws.com',
          key: 'avatars/${filename}',
          fields: { 'Content-Type': 'image/png', acl: 'private' },
          conditions: [['content-length-range', 1, 1_048_576]],
        },
        {
          credentials: {
            accessKeyId: 'AKIDEXAMPLE',
            secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
            sessionToken: 'session-token-\u00e9',
          },
          datetime: '2024-02-29T23:59:59Z',
          expiresIn: 600,
        },
      )
      equal(url, BOTOCORE_POST.url, 'url')
      equal(
        JSON.stringify(Object.entries(fields)),
        JSON.stringify(Object.entries(BOTOCORE_POST.fields)),
        'fields in order',
      )
    },
  })
  return checks
}
