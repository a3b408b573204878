// The tarball as a user receives it: packed once from a fresh copy of the repository (tracked and new, not ignored
// files: no dist/, no node_modules/ of its own), so `prepack` must build dist/; then installed offline into a scratch
// project, and its file list checked.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import { runCommand } from './command.mjs'
import { subpaths } from './subpaths.mjs'

/** What may ship besides dist/ and src/ (npm adds package.json, README and LICENSE itself). */
const TOP_LEVEL_FILES = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']
const DIST_FILE = /^dist\/[\w/-]+\.(js|js\.map|d\.ts|d\.ts\.map)$/
const SOURCE_FILE = /^src\/[\w/-]+\.ts$/
const PACK_TIME_LIMIT_MS = 180_000
const INSTALL_TIME_LIMIT_MS = 120_000

/**
 * Copies the repository's files as a fresh clone would have them into `<work>/clone` (node_modules linked to the
 * repository's, for the build tools) and runs `npm pack` there. Resolves with the tarball's path and whether dist/
 * existed before packing (it must not: only `prepack` may create it).
 * @example const { tarball } = await packFreshClone(root, work)
 */
export async function packFreshClone(root, work) {
  const clone = join(work, 'clone')
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
  for (const file of listed.split('\0').filter(Boolean)) {
    if (!existsSync(join(root, file))) continue // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(clone, file)), { recursive: true })
    cpSync(join(root, file), join(clone, file))
  }
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir')
  const distBeforePack = existsSync(join(clone, 'dist'))
  const packed = await runCommand('npm', ['pack', '--pack-destination', work], {
    cwd: clone,
    timeoutMs: PACK_TIME_LIMIT_MS,
  })
  if (packed.code !== 0) throw new Error(`npm pack failed (exit ${packed.code}):\n${packed.output}`)
  const tarballs = readdirSync(work).filter((file) => file.endsWith('.tgz'))
  if (tarballs.length !== 1) throw new Error(`expected one tarball in ${work}, found: ${tarballs.join(', ') || 'none'}`)
  return { tarball: join(work, tarballs[0]), distBeforePack }
}

/**
 * Creates a scratch ES module project in `dir` and installs only the tarball into it, offline (no registry: the
 * package has no dependencies). Resolves with the installed package's directory.
 * @example const packageDir = await installTarball(tarball, join(work, 'consumer'), 'webcrypto-sigv4')
 */
export async function installTarball(tarball, dir, name) {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'tarball-consumer', private: true, type: 'module' }, null, 2),
  )
  const installed = await runCommand(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball],
    { cwd: dir, timeoutMs: INSTALL_TIME_LIMIT_MS },
  )
  if (installed.code !== 0)
    throw new Error(`npm install of the tarball failed (exit ${installed.code}):\n${installed.output}`)
  return join(dir, 'node_modules', name)
}

/**
 * The tarball's file list, without npm's `package/` prefix.
 * @example tarballFiles(tarball) // ['package.json', 'README.md', 'dist/index.js', ...]
 */
export function tarballFiles(tarball) {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''))
}

/**
 * The file-list checks, as `[name, fn]` pairs: only the allowed files, every subpath complete (.js, .d.ts and both
 * maps), dist/ and src/ one to one, and every map pointing at files that ship.
 * @example for (const [name, fn] of contentChecks({ files, packageDir, pkg, distBeforePack })) await check(name, fn)
 */
export function contentChecks({ files, packageDir, pkg, distBeforePack }) {
  const shipped = new Set(files)
  const read = (file) => readFileSync(join(packageDir, file), 'utf8')
  const checks = []
  const add = (name, fn) => checks.push([name, fn])

  add('prepack built dist/ (the fresh copy had none)', () => {
    if (distBeforePack) throw new Error('dist/ existed before npm pack: the check cannot tell whether prepack built it')
    if (!files.some((file) => file.startsWith('dist/')))
      throw new Error('the tarball has no dist/: add a prepack build')
  })
  add('only package files ship (no tests, demo, bench)', () => {
    const extra = files.filter(
      (file) => !TOP_LEVEL_FILES.includes(file) && !DIST_FILE.test(file) && !SOURCE_FILE.test(file),
    )
    if (extra.length)
      throw new Error(`unexpected files in the tarball (narrow "files" in package.json): ${extra.join(', ')}`)
    const missing = TOP_LEVEL_FILES.filter((file) => !shipped.has(file))
    if (missing.length) throw new Error(`missing from the tarball: ${missing.join(', ')}`)
  })
  for (const { subpath, js, types } of subpaths(pkg)) {
    add(`${subpath} ships .js, .d.ts and their maps`, () => {
      const wanted = [js, `${js}.map`, types, `${types}.map`]
      const missing = wanted.map((file) => posix.normalize(String(file))).filter((file) => !shipped.has(file))
      if (missing.length) throw new Error(`missing: ${missing.join(', ')}`)
    })
  }
  add('dist/ and src/ match one to one (no stale build output)', () => {
    const stem = (file) => file.replace(/^(dist|src)\//, '').replace(/\.(js|ts)$/, '')
    const built = files.filter((file) => /^dist\/[\w/-]+\.js$/.test(file)).map(stem)
    const sources = files.filter((file) => SOURCE_FILE.test(file)).map(stem)
    const unmatched = [
      ...built.filter((name) => !sources.includes(name)).map((name) => `dist/${name}.js`),
      ...sources.filter((name) => !built.includes(name)).map((name) => `src/${name}.ts`),
    ]
    if (unmatched.length) throw new Error(`without a counterpart: ${unmatched.join(', ')}`)
  })
  add('every .js and .d.ts names its map, every map names shipped sources', () => {
    const problems = []
    for (const file of files.filter((name) => /^dist\/.*\.(js|d\.ts)$/.test(name))) {
      const mapName = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(read(file))?.[1]
      const mapFile = mapName && posix.join(posix.dirname(file), mapName)
      if (!mapFile || !shipped.has(mapFile)) {
        problems.push(`${file}: no shipped source map (${mapName ?? 'no sourceMappingURL'})`)
        continue
      }
      const map = JSON.parse(read(mapFile))
      for (const source of map.sources) {
        const sourceFile = posix.normalize(posix.join(posix.dirname(mapFile), map.sourceRoot ?? '', source))
        if (!shipped.has(sourceFile)) problems.push(`${mapFile}: source ${source} does not ship`)
      }
    }
    if (problems.length) throw new Error(problems.join('\n'))
  })
  return checks
}
