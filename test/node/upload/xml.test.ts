// The S3 XML parsers and the MD5 behind resume: S3's documented answer shapes, adversarial inputs (fast-check),
// linear time on large documents, and MD5 against node:crypto.
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { escapeXmlText, xmlElements, xmlText } from '../../../src/core/xml.js'
import { md5Hex } from '../../../src/s3/md5.js'
import { completeDocument, parseComplete, parseInitiate, parseListParts } from '../../../src/s3/xml.js'

const SEED = { seed: 20261202, numRuns: 300 }

// A ListPartsResult as S3 documents it (children of the result before the parts, ETags entity-quoted).
const LIST_PARTS = `<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>example-bucket</Bucket>
  <Key>example-object</Key>
  <UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>
  <Initiator><ID>arn:aws:iam::111122223333:user/some-user-11116a31-17b5-4fb7-9df5-b288870f11xx</ID><DisplayName>umat-user-11116a31</DisplayName></Initiator>
  <Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID><DisplayName>someName</DisplayName></Owner>
  <StorageClass>STANDARD</StorageClass>
  <PartNumberMarker>1</PartNumberMarker>
  <NextPartNumberMarker>3</NextPartNumberMarker>
  <MaxParts>2</MaxParts>
  <IsTruncated>true</IsTruncated>
  <Part>
    <PartNumber>2</PartNumber>
    <LastModified>2010-11-10T20:48:34.000Z</LastModified>
    <ETag>&quot;7778aef83f66abc1fa1e8477f296d394&quot;</ETag>
    <Size>10485760</Size>
    <ChecksumCRC32>AAAAAA==</ChecksumCRC32>
  </Part>
  <Part>
    <PartNumber>3</PartNumber>
    <LastModified>2010-11-10T20:48:33.000Z</LastModified>
    <ETag>"aaaa18db4cc2f85cedef654fccc4a4x8"</ETag>
    <Size>10485760</Size>
  </Part>
</ListPartsResult>`

describe('S3 XML', () => {
  test('ListPartsResult: parts, entity-decoded ETags, checksums, the next-page marker', () => {
    expect(parseListParts(LIST_PARTS, 'crc32')).toEqual({
      parts: [
        { partNumber: 2, size: 10485760, etag: '"7778aef83f66abc1fa1e8477f296d394"', checksum: 'AAAAAA==' },
        { partNumber: 3, size: 10485760, etag: '"aaaa18db4cc2f85cedef654fccc4a4x8"' },
      ],
      nextPartNumberMarker: '3',
    })
    const last = LIST_PARTS.replace('<IsTruncated>true', '<IsTruncated>false')
    expect(parseListParts(last)?.nextPartNumberMarker).toBeUndefined()
    expect(parseListParts('<Error><Code>NoSuchUpload</Code></Error>')).toBeUndefined()
    // A part without a number is not a part list we can trust.
    expect(
      parseListParts('<ListPartsResult><Part><ETag>"x"</ETag><Size>1</Size></Part></ListPartsResult>'),
    ).toBeUndefined()
  })

  test('InitiateMultipartUploadResult and CompleteMultipartUploadResult (and moto’s …Response roots)', () => {
    const initiate = `<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>`
    expect(parseInitiate(initiate)).toBe('VXBsb2FkIElE')
    expect(parseInitiate('<Error><Code>AccessDenied</Code><UploadId>x</UploadId></Error>')).toBeUndefined()
    const complete = `<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Location>https://b.s3.amazonaws.com/a%20b</Location><Bucket>b</Bucket><Key>a b</Key>
  <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag><ChecksumCRC32C>Rm9v-9</ChecksumCRC32C></CompleteMultipartUploadResult>`
    expect(parseComplete(complete, 'crc32c')).toEqual({
      location: 'https://b.s3.amazonaws.com/a%20b',
      etag: '"3858f62230ac3c915f300c664312c11f-9"',
      checksum: 'Rm9v-9',
    })
    expect(
      parseComplete(complete.replace(/CompleteMultipartUploadResult/g, 'CompleteMultipartUploadResponse')),
    ).toEqual({
      location: 'https://b.s3.amazonaws.com/a%20b',
      etag: '"3858f62230ac3c915f300c664312c11f-9"',
    })
    // S3's 200 answer that holds an error is not a completion.
    expect(parseComplete('<Error><Code>InternalError</Code><ETag>"x"</ETag></Error>')).toBeUndefined()
  })

  test('xmlElements: no prefix matches (<Part> vs <PartNumber>), self-closing, attributes', () => {
    expect(xmlElements('<a><PartNumber>1</PartNumber><Part x="1">p</Part><Part/></a>', 'Part')).toEqual(['p', ''])
    expect(xmlText('<a><KeyMarker/></a>', 'KeyMarker')).toBe('')
    expect(xmlText('<a>&#65;&#x42;&lt;&amp;lt;</a>', 'a')).toBe('AB<&lt;')
    expect(xmlText('<a>1</a>', 'b')).toBeUndefined()
  })

  test('CompleteMultipartUpload document: parts sorted, text escaped; round trip through the parser', () => {
    const parts = [
      { partNumber: 2, etag: '"b"', checksum: 'Y2hr' },
      { partNumber: 1, etag: '"a&<>"', checksum: 'YWJj' },
    ]
    const xml = completeDocument(parts, 'sha256')
    expect(xml).toBe(
      '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Part><PartNumber>1</PartNumber><ETag>"a&amp;&lt;&gt;"</ETag><ChecksumSHA256>YWJj</ChecksumSHA256></Part>' +
        '<Part><PartNumber>2</PartNumber><ETag>"b"</ETag><ChecksumSHA256>Y2hr</ChecksumSHA256></Part>' +
        '</CompleteMultipartUpload>',
    )
    expect(completeDocument(parts)).not.toContain('Checksum')
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(xmlText(`<ETag>${escapeXmlText(text)}</ETag>`, 'ETag')).toBe(text.trim())
      }),
      SEED,
    )
  })

  test('adversarial documents never throw and never hang', () => {
    const pieces = fc.constantFrom(
      '<Part>',
      '</Part>',
      '<PartNumber>',
      '</PartNumber>',
      '<Size>',
      '</Size>',
      '<ETag>',
      '&quot;',
      '&#x;',
      '<',
      '>',
      '1',
      'x',
    )
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), (list) => {
        const xml = '<ListPartsResult>' + list.join('') + '</ListPartsResult>'
        const page = parseListParts(xml)
        if (page) for (const part of page.parts) expect(Number.isInteger(part.partNumber)).toBe(true)
      }),
      SEED,
    )
  })

  test('linear time: a 10,000-part list (S3’s most) parses in well under a second; unclosed tags too', () => {
    const part = (n: number) =>
      `<Part><PartNumber>${n}</PartNumber><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;${'a'.repeat(32)}&quot;</ETag><Size>5242880</Size></Part>`
    const xml = `<ListPartsResult>${Array.from({ length: 10_000 }, (_, i) => part(i + 1)).join('')}</ListPartsResult>`
    const started = performance.now()
    expect(parseListParts(xml)!.parts).toHaveLength(10_000)
    // Many unclosed opening tags: a backtracking parser would be quadratic here.
    const unclosed = '<ListPartsResult>' + '<Part><PartNumber>'.repeat(50_000)
    expect(parseListParts(unclosed)?.parts ?? []).toEqual([])
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('md5Hex (the ETag of a part)', () => {
  test('RFC 1321 test suite', () => {
    const suite: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      [
        '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
        '57edf4a22be3c955ac49da2e2107b67a',
      ],
    ]
    for (const [input, hex] of suite) expect(md5Hex(new TextEncoder().encode(input))).toBe(hex)
  })

  test('equals node:crypto on any bytes, at any offset of a larger buffer, across the 55/56/64 padding edges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), (bytes, offset) => {
        const padded = new Uint8Array(offset + bytes.length)
        padded.set(bytes, offset)
        const view = padded.subarray(offset)
        expect(md5Hex(view)).toBe(createHash('md5').update(bytes).digest('hex'))
      }),
      SEED,
    )
    for (const length of [55, 56, 63, 64, 65, 119, 120, 5 * 1024 * 1024 + 1]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31) & 255)
      expect(md5Hex(bytes)).toBe(createHash('md5').update(bytes).digest('hex'))
    }
  })
})
