#!/usr/bin/env node
// Builds dist/ (`npm run build`) and checks the package as a user gets it: every "exports" entry resolves by the
// package's own name, loads in Node, has its .d.ts, and exports something.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
let passed = 0
let failed = 0
const check = async (name, fn) => {
  try {
    await fn()
    passed++
  } catch (error) {
    failed++
    console.log(`FAIL ${name}: ${error.message}`)
  }
}
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') continue
  const specifier = pkg.name + subpath.slice(1)
  await check(specifier, async () => {
    for (const file of [target.import, target.types])
      if (!existsSync(join(root, file))) throw new Error(`${file} is missing`)
    const module = await import(specifier)
    const names = Object.keys(module)
    if (!names.length) throw new Error('exports nothing')
  })
}
await check('sign works from dist', async () => {
  const { sign } = await import(pkg.name)
  const request = await sign(
    { url: 'https://sts.amazonaws.com/' },
    { credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, datetime: '2015-08-30T12:36:00Z' },
  )
  if (
    !/^AWS4-HMAC-SHA256 Credential=AKID\/20150830\/us-east-1\/sts\/aws4_request/.test(
      request.headers.get('authorization'),
    )
  )
    throw new Error('unexpected authorization')
})
console.log(`package: ${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
