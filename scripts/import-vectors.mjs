// Copies the AWS signing test suite (../shared/vectors, Apache-2.0) into test/vectors/*.json, one data file
// per suite, so every runtime (browsers and workerd included) can load it without a file system.
// Usage: node scripts/import-vectors.mjs [path/to/aws-signing-test-suite]
import { readdirSync, readFileSync, writeFileSync, existsSync, copyFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = process.argv[2] ?? join(root, '..', 'shared', 'vectors', 'aws-signing-test-suite')
for (const suite of ['v4', 'v4a']) {
  const cases = []
  for (const name of readdirSync(join(source, suite)).sort()) {
    const dir = join(source, suite, name)
    const files = {}
    for (const file of readdirSync(dir).sort()) files[file] = readFileSync(join(dir, file), 'utf8')
    if (!files['header-canonical-request.txt']) continue // input-only folders have nothing to compare
    cases.push({ name, files })
  }
  writeFileSync(join(root, 'test', 'vectors', `${suite}.json`), JSON.stringify(cases, null, 1) + '\n')
  console.log(`${suite}: ${cases.length} cases`)
}
for (const file of ['LICENSE', 'NOTICE']) {
  const from = join(source, '..', file)
  if (existsSync(from)) copyFileSync(from, join(root, 'test', 'vectors', file))
}
