// Differential test: ~2,400 seeded requests signed by us and by botocore (the AWS CLI's signer) must agree on the
// canonical request, string to sign, signature and the headers/URL sent.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { compareWithBotocore } from '../../differential/against-botocore.js'
import { startBotocore, type Botocore } from '../../differential/botocore.js'
import { generateCases, type Case } from '../../differential/generator.js'

const SEEDS = [0x51c4_0001, 0x51c4_0002, 0x51c4_0003]
const PER_SEED = 800
const cases = SEEDS.flatMap((seed) => generateCases('botocore', seed, PER_SEED))

// One test per group, so a failure says which kind of request it is.
const groups = new Map<string, Case[]>()
for (const c of cases) {
  const name = `${c.s3 ? 'S3' : 'non-S3'} ${c.mode === 'header' ? 'header' : 'presign'} via ${c.highLevel ? (c.mode === 'header' ? 'sign()' : 'presign()') : c.mode === 'header' ? 'signParts()' : 'presignParts()'}`
  groups.set(name, [...(groups.get(name) ?? []), c])
}

let botocore: Botocore
beforeAll(() => {
  botocore = startBotocore()
})
afterAll(() => botocore?.close())

test('the generator covers what it claims', () => {
  expect(cases.length).toBe(SEEDS.length * PER_SEED)
  expect(groups.size).toBe(8)
  const count = (predicate: (c: Case) => boolean) => cases.filter(predicate).length
  expect(count((c) => c.credentials.sessionToken !== undefined)).toBeGreaterThan(500)
  expect(count((c) => c.s3 && (c.unsignedPayload || c.stream))).toBeGreaterThan(50)
  expect(count((c) => !c.s3 && c.unsignedPayload)).toBeGreaterThan(50)
  expect(count((c) => !c.s3 && c.stream)).toBeGreaterThan(10)
  expect(count((c) => c.body !== null && 'bytes' in c.body)).toBeGreaterThan(100)
  expect(count((c) => c.queryPairs.some(([, value]) => value === null))).toBeGreaterThan(100)
  expect(count((c) => /%[89A-F][0-9A-F]/.test(c.path + c.query))).toBeGreaterThan(500) // non-ASCII
  expect(count((c) => c.query.includes('%20'))).toBeGreaterThan(100)
  expect(count((c) => new Set(c.queryPairs.map(([key]) => key)).size < c.queryPairs.length)).toBeGreaterThan(50)
  expect(count((c) => new Set(c.headers.map(([name]) => name.toLowerCase())).size < c.headers.length)).toBeGreaterThan(
    50,
  )
  expect(count((c) => c.headers.some(([, value]) => /^[ \t]|[ \t]$|[ \t]{2}/.test(value)))).toBeGreaterThan(200)
  expect(count((c) => /\/\.\.?(\/|$)|\/\//.test(c.path))).toBeGreaterThan(200)
})

for (const [name, members] of groups) {
  test(`botocore agrees: ${name} (${members.length} cases)`, async () => {
    expect(members.length).toBeGreaterThan(100)
    let compared = 0
    const failures: string[] = []
    for (let i = 0; i < members.length; i += 50) {
      const reports = await Promise.all(members.slice(i, i + 50).map((c) => compareWithBotocore(c, botocore)))
      compared += reports.length
      for (const report of reports) if (report) failures.push(report)
    }
    expect(compared).toBe(members.length)
    if (failures.length) expect.fail(`${failures.length} of ${compared} cases differ; the first:\n${failures[0]}`)
  })
}
