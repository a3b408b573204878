// The layout of src/ keeps its design: entries at the top re-export by name, the modules below never import an entry,
// and the import graph (type-only imports included) has no circle. A circle or an entry imported from below is how
// a page that only signs starts shipping the client, so it is checked rather than reviewed.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const src = fileURLToPath(new URL('../../src/', import.meta.url))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

interface ModuleInfo {
  imports: string[]
  starExports: number
}

/** Relative imports and re-exports of one module (as src/-relative .ts paths), and how many `export *` it has. */
function readModule(file: string): ModuleInfo {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true)
  const imports: string[] = []
  let starExports = 0
  for (const statement of source.statements) {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined
    if (ts.isExportDeclaration(statement) && !statement.exportClause) starExports++
    if (specifier?.startsWith('.')) {
      const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts')
      imports.push(relative(src, target))
    }
  }
  return { imports, starExports }
}

const modules = new Map(sourceFiles(src).map((file) => [relative(src, file), readModule(file)]))
const entries = [...modules.keys()].filter((name) => !name.includes('/'))

/** Every circle in the graph, each as the path that closes it (depth-first search with colours). */
function circles(): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (name: string): void => {
    if (state.get(name) === 'done') return
    if (state.get(name) === 'open') {
      found.push([...path.slice(path.indexOf(name)), name])
      return
    }
    state.set(name, 'open')
    path.push(name)
    for (const next of modules.get(name)?.imports ?? []) visit(next)
    path.pop()
    state.set(name, 'done')
  }
  for (const name of modules.keys()) visit(name)
  return found
}

describe('src/ layout', () => {
  it('has entries at the top and internals in capability folders', () => {
    expect(entries).toContain('index.ts')
    expect(modules.size).toBeGreaterThan(entries.length * 2)
    for (const name of modules.keys()) expect(name.split('/').length, name).toBeLessThanOrEqual(3)
  })

  it('resolves every relative import to a file in src/', () => {
    for (const [name, info] of modules)
      for (const target of info.imports) expect(modules.has(target), `${name} → ${target}`).toBe(true)
  })

  it('entries re-export by name, never with export *', () => {
    const starred = [...modules].filter(([, info]) => info.starExports > 0).map(([name]) => name)
    expect(starred).toEqual([])
  })

  it('nothing below the top imports an entry', () => {
    const upward = [...modules]
      .filter(([name]) => name.includes('/'))
      .flatMap(([name, info]) =>
        info.imports.filter((target) => entries.includes(target)).map((target) => `${name} → ${target}`),
      )
    expect(upward).toEqual([])
  })

  it('the import graph, type-only imports included, has no circle', () => {
    expect(circles().map((circle) => circle.join(' → '))).toEqual([])
  })

  it('the circle finder finds a circle when there is one', () => {
    const saved = new Map(modules)
    try {
      modules.set('a/x.ts', { imports: ['a/y.ts'], starExports: 0 })
      modules.set('a/y.ts', { imports: ['a/x.ts'], starExports: 0 })
      expect(circles().map((circle) => circle.join(' → '))).toContain('a/x.ts → a/y.ts → a/x.ts')
    } finally {
      modules.clear()
      for (const [name, info] of saved) modules.set(name, info)
    }
  })
})
