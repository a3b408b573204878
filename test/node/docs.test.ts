// House rule, enforced: every public export (what the package.json "exports" entries export, directly or
// re-exported through any number of modules) has a doc comment with a short example. Internal modules need doc
// comments, not examples. The TypeScript checker follows the re-exports, so the entries' layout does not matter.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { expect, test } from 'vitest'

const root = join(import.meta.dirname, '..', '..')

/** The source files of the package's entry points, from package.json "exports" (e.g. './dist/sigv4a.js'). */
function entryFiles(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, { default?: string }>
  }
  return Object.values(manifest.exports)
    .map((target) => target.default)
    .filter((target): target is string => typeof target === 'string' && target.startsWith('./dist/'))
    .map((target) => join(root, 'src', target.slice('./dist/'.length).replace(/\.js$/, '.ts')))
}

interface PublicValue {
  entry: string
  name: string
  hasExample: boolean
}

/** Every value export (function, class, constant) of every entry, with whether its declaration shows an @example. */
function publicValues(): PublicValue[] {
  const entries = entryFiles()
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
  })
  const checker = program.getTypeChecker()
  const values: PublicValue[] = []
  for (const entry of entries) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      if (!(symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable))) continue
      const hasExample = (symbol.declarations ?? []).some((declaration) =>
        ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example'),
      )
      values.push({ entry: entry.slice(root.length + 1), name: exported.name, hasExample })
    }
  }
  return values
}

const values = publicValues()

test('every public function, class and constant has a doc comment with an @example', () => {
  expect(values.map(({ entry }) => entry)).toContain('src/index.ts')
  expect(values.length).toBeGreaterThan(30)
  expect(values.map(({ name }) => name)).toContain('signParts')
  const missing = values.filter(({ hasExample }) => !hasExample).map(({ entry, name }) => `${entry}: ${name}`)
  expect(missing).toEqual([])
})

test('the check follows a re-export to the declaration it names', () => {
  // `sign` is re-exported by src/index.ts from an internal module: the checker follows it to its doc comment.
  const sign = values.find(({ entry, name }) => entry === 'src/index.ts' && name === 'sign')
  expect(sign).toEqual({ entry: 'src/index.ts', name: 'sign', hasExample: true })
})

test('the internal entry points that take the signing algorithm are not public', () => {
  const names = values.map(({ name }) => name)
  for (const internal of ['signRequestWith', 'presignRequestWith', 'signPartsWith', 'presignPartsWith', 'SIGV4']) {
    expect(names).not.toContain(internal)
  }
})
