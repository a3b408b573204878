// Differential test: 800 seeded requests signed by us and by @smithy/signature-v4 (the AWS SDK for JavaScript v3's
// signer) must agree on the canonical request, string to sign, signature and the headers/query sent.
import { expect, test } from 'vitest'
import { compareWithSmithy } from '../../differential/against-smithy.js'
import { generateCases, type Case } from '../../differential/generator.js'

const SEEDS = [0x5317_0001, 0x5317_0002]
const PER_SEED = 400
const cases = SEEDS.flatMap((seed) => generateCases('smithy', seed, PER_SEED))

const groups = new Map<string, Case[]>()
for (const c of cases) {
  const name = `${c.s3 ? 'S3' : 'non-S3'} ${c.mode === 'header' ? 'header' : 'presign'} via ${c.highLevel ? 'sign()/presign()' : 'signParts()/presignParts()'}`
  groups.set(name, [...(groups.get(name) ?? []), c])
}

test('the generator covers what it claims', () => {
  expect(cases.length).toBe(SEEDS.length * PER_SEED)
  expect(groups.size).toBe(8)
  expect(cases.filter((c) => c.s3 && (c.unsignedPayload || c.stream)).length).toBeGreaterThan(10)
  expect(
    cases.filter((c) => new Set(c.queryPairs.map(([key]) => key)).size < c.queryPairs.length).length,
  ).toBeGreaterThan(30)
  expect(cases.filter((c) => c.credentials.sessionToken !== undefined).length).toBeGreaterThan(200)
})

for (const [name, members] of groups) {
  test(`smithy agrees: ${name} (${members.length} cases)`, async () => {
    expect(members.length).toBeGreaterThan(30)
    let compared = 0
    const failures: string[] = []
    for (let i = 0; i < members.length; i += 50) {
      const reports = await Promise.all(members.slice(i, i + 50).map((c) => compareWithSmithy(c)))
      compared += reports.length
      for (const report of reports) if (report) failures.push(report)
    }
    expect(compared).toBe(members.length)
    if (failures.length) expect.fail(`${failures.length} of ${compared} cases differ; the first:\n${failures[0]}`)
  })
}
