// House rule, enforced: every public export (what the package.json "exports" entries export, directly or
// re-exported) has a doc comment with a short example. Internal modules need doc comments, not examples.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const src = join(root, 'src')
const read = (file: string) => readFileSync(join(src, file), 'utf8')

/** The source files of the package's entry points, from package.json "exports" (e.g. './dist/sigv4a.js'). */
function entryFiles(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, { default?: string }>
  }
  const exports = manifest.exports
  return Object.values(exports)
    .map((target) => target.default)
    .filter((target): target is string => typeof target === 'string' && target.startsWith('./dist/'))
    .map((target) => target.slice('./dist/'.length).replace(/\.js$/, '.ts'))
}

/** The value exports (functions, classes, constants) an entry file makes public: its own and those it re-exports. */
function publicExports(file: string): Array<[file: string, name: string]> {
  const text = read(file)
  const found: Array<[string, string]> = []
  for (const match of text.matchAll(/^export (?:async )?(?:function|class|const) (\w+)/gm))
    found.push([file, match[1]!])
  // Internals may sit in folders (`export { x } from './core/errors.js'`).
  for (const match of text.matchAll(/^export \{([^}]*)\} from '\.\/([\w/-]+)\.js'/gm)) {
    for (const item of match[1]!.split(',').map((part) => part.trim())) {
      if (!item || item.startsWith('type ')) continue
      found.push([`${match[2]}.ts`, item.split(/\s+as\s+/)[0]!])
    }
  }
  // `export * from './x.js'`: every value export of x is public too.
  for (const match of text.matchAll(/^export \* from '\.\/([\w/-]+)\.js'/gm))
    found.push(...publicExports(`${match[1]}.ts`))
  return found
}

function hasExample(file: string, name: string): boolean {
  const text = read(file)
  const declaration = new RegExp(`^export (?:async )?(?:function|class|const) ${name}\\b`, 'm').exec(text)
  if (!declaration) return false
  const before = text.slice(0, declaration.index).trimEnd()
  const doc = before.endsWith('*/') ? before.slice(before.lastIndexOf('/**')) : ''
  return doc.includes('@example')
}

test('every public function, class and constant has a doc comment with an @example', () => {
  const entries = entryFiles()
  expect(entries).toContain('index.ts')
  const exports = entries.flatMap(publicExports)
  expect(exports.length).toBeGreaterThan(30)
  expect(exports.map(([, name]) => name)).toContain('signParts')
  const missing = exports.filter(([file, name]) => !hasExample(file, name)).map(([file, name]) => `${file}: ${name}`)
  expect(missing).toEqual([])
})

test('the internal entry points that take the signing algorithm are not public', () => {
  const names = entryFiles()
    .flatMap(publicExports)
    .map(([, name]) => name)
  for (const internal of ['signRequestWith', 'presignRequestWith', 'signPartsWith', 'presignPartsWith', 'SIGV4']) {
    expect(names).not.toContain(internal)
  }
})

test('scripts/check-examples.mjs extracts each @example with the line it starts on', async () => {
  const { extractExamples } = await import('../../scripts/check-examples.mjs')
  const text = [
    '/**', //                                   1
    ' * Signs.', //                             2
    ' *', //                                    3
    ' * @example', //                           4
    ' * const a = await sign(request, o)', //   5
    ' * a.url', //                              6
    ' * @param x what', //                      7
    ' * @example', //                           8
    ' * ```ts', //                              9
    ' * presign(url, o)', //                   10
    ' * ```', //                               11
    ' */', //                                  12
    'export function sign() {}', //            13
    '/** @example one() */', //                14
    '/** No example here. */', //              15
  ].join('\n')
  expect(extractExamples(text)).toEqual([
    { line: 5, code: 'const a = await sign(request, o)\na.url' },
    { line: 10, code: 'presign(url, o)' },
    { line: 14, code: 'one()' },
  ])
})

test('scripts/check-examples.mjs extracts the js and ts blocks of README.md, not the shell ones', async () => {
  const { extractCodeBlocks } = await import('../../scripts/check-examples.mjs')
  const text = [
    '# t',
    '```sh',
    'npm ci',
    '```',
    '```js',
    "import { sign } from 'webcrypto-sigv4'",
    '```',
    '```ts',
    'x',
    '```',
  ].join('\n')
  expect(extractCodeBlocks(text)).toEqual([
    { line: 6, code: "import { sign } from 'webcrypto-sigv4'", language: 'js' },
    { line: 9, code: 'x', language: 'ts' },
  ])
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  expect(extractCodeBlocks(readme).length).toBeGreaterThanOrEqual(5)
})

test("scripts/check-examples.mjs points an example's relative imports at the modules beside its source", async () => {
  const { rewriteRelativeImports } = await import('../../scripts/check-examples.mjs')
  const code =
    "import { EMPTY_SHA256 } from '../constants.js'\nconst m = await import('./x.js')\nimport 'webcrypto-sigv4'"
  expect(rewriteRelativeImports(code, '/r/.tmp/examples/core/canonical.12.ts', '/r/src/core/canonical.ts')).toBe(
    "import { EMPTY_SHA256 } from '../../../src/constants.js'\nconst m = await import('../../../src/core/x.js')\nimport 'webcrypto-sigv4'",
  )
})
