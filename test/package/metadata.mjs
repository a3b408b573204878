// package.json, jsr.json, CHANGELOG.md and README checks, as `[name, fn]` pairs (run by scripts/check-package.mjs on
// the packed package.json, and by test/package/jsr.mjs for the jsr.json ones).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { subpaths } from './subpaths.mjs'

/** The JSR package: scope and name. The README's `deno add` line and jsr.json use it. */
export const JSR_NAME = '@webcrypto-sigv4/webcrypto-sigv4'

const REQUIRED_FIELDS = ['name', 'version', 'description', 'license', 'author', 'homepage', 'engines', 'files']

/**
 * Checks of the package.json a user installs: the registry metadata, exports with `types` first, the prepack build.
 * @example for (const [name, fn] of packageJsonChecks(pkg)) await check(name, fn)
 */
export function packageJsonChecks(pkg) {
  const checks = []
  const add = (name, fn) => checks.push([name, fn])
  add('package.json has the registry metadata', () => {
    const missing = REQUIRED_FIELDS.filter((field) => !pkg[field])
    if (!pkg.repository?.url) missing.push('repository.url')
    if (!pkg.bugs?.url) missing.push('bugs.url')
    if (!Array.isArray(pkg.keywords) || pkg.keywords.length === 0) missing.push('keywords')
    if (!pkg.engines?.node) missing.push('engines.node')
    if (missing.length) throw new Error(`add to package.json: ${missing.join(', ')}`)
  })
  add('package.json: ESM only, no side effects, no runtime dependencies', () => {
    if (pkg.type !== 'module') throw new Error('set "type": "module"')
    if (pkg.sideEffects !== false) throw new Error('set "sideEffects": false')
    const dependencies = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies })
    if (dependencies.length) throw new Error(`runtime dependencies: ${dependencies.join(', ')} (the package has none)`)
  })
  add('package.json: prepack builds dist/', () => {
    if (!/\bnpm run build\b/.test(pkg.scripts?.prepack ?? '')) throw new Error('set "prepack": "npm run build"')
  })
  add('every exports entry: "types" first, then "default", both in dist/ with one file name', () => {
    const problems = []
    for (const { subpath, js, types, stem } of subpaths(pkg)) {
      const keys = Object.keys(pkg.exports[subpath])
      if (keys.join() !== 'types,default')
        problems.push(`${subpath}: keys ${keys.join(', ')}; write { "types": ..., "default": ... } in that order`)
      if (types !== `./dist/${stem}.d.ts` || js !== `./dist/${stem}.js`)
        problems.push(`${subpath}: expected ./dist/${stem}.d.ts and ./dist/${stem}.js, got ${types} and ${js}`)
    }
    if (pkg.exports['./package.json'] !== './package.json') problems.push('export "./package.json": "./package.json"')
    if (problems.length) throw new Error(problems.join('\n'))
  })
  return checks
}

/**
 * jsr.json publishes the TypeScript sources under the same subpaths as package.json, at the same version.
 * @example for (const [name, fn] of jsrChecks(root)) await check(name, fn)
 */
export function jsrChecks(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const jsr = JSON.parse(readFileSync(join(root, 'jsr.json'), 'utf8'))
  const checks = []
  const add = (name, fn) => checks.push([name, fn])
  add('jsr.json: name and version', () => {
    if (jsr.name !== JSR_NAME) throw new Error(`jsr.json name is ${jsr.name}; expected ${JSR_NAME}`)
    if (jsr.version !== pkg.version) throw new Error(`jsr.json version ${jsr.version} ≠ package.json ${pkg.version}`)
    if (jsr.license !== pkg.license) throw new Error(`jsr.json license ${jsr.license} ≠ package.json ${pkg.license}`)
  })
  add('jsr.json exports = package.json exports (same subpaths, the same modules as TypeScript)', () => {
    const expected = Object.fromEntries(subpaths(pkg).map(({ subpath, stem }) => [subpath, `./src/${stem}.ts`]))
    const actual = jsr.exports ?? {}
    const problems = []
    for (const [subpath, source] of Object.entries(expected))
      if (actual[subpath] !== source) problems.push(`${subpath}: jsr.json has ${actual[subpath]}, expected ${source}`)
    for (const subpath of Object.keys(actual))
      if (!(subpath in expected)) problems.push(`${subpath}: in jsr.json but not in package.json exports`)
    for (const source of Object.values(actual))
      if (!existsSync(join(root, source))) problems.push(`${source} does not exist`)
    if (problems.length) throw new Error(problems.join('\n'))
  })
  add('README installs from npm and JSR; CHANGELOG.md has this version', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const problems = []
    if (!readme.includes(`npm install ${pkg.name}`)) problems.push(`README: no "npm install ${pkg.name}"`)
    if (!readme.includes(`deno add jsr:${JSR_NAME}`)) problems.push(`README: no "deno add jsr:${JSR_NAME}"`)
    const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8')
    if (!new RegExp(`^## \\[?${pkg.version.replaceAll('.', '\\.')}\\]?`, 'm').test(changelog))
      problems.push(`CHANGELOG.md: no "## ${pkg.version}" section`)
    if (problems.length) throw new Error(problems.join('\n'))
  })
  return checks
}
