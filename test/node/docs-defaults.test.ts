// House rule, enforced: an option with a default says so once, in an `@default` tag (as ky does), not in the prose
// of its doc comment. Two checks over src/, with the TypeScript checker:
// - no property doc comment of an exported interface (or of an exported type's object literal) speaks of a default
//   outside an @default tag without having one, and no @default tag is empty;
// - every option the code gives a default (`{ name = value } = options`, `options.name ?? value`) that is an
//   optional property of a public interface (exported by a package.json "exports" entry) has an @default tag.
// Defaults the code applies in other ways (a checking helper's fallback argument) are reviewed, not found here.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { describe, expect, test } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const src = join(root, 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** The source files of the package's entry points, from package.json "exports" (e.g. './dist/sigv4a.js'). */
function entryFiles(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, { default?: string }>
  }
  return Object.values(manifest.exports)
    .map((target) => target.default)
    .filter((target): target is string => typeof target === 'string' && target.startsWith('./dist/'))
    .map((target) => join(src, target.slice('./dist/'.length).replace(/\.js$/, '.ts')))
}

const program = ts.createProgram(sourceFiles(src), {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noEmit: true,
})
const checker = program.getTypeChecker()
const ownFiles = program.getSourceFiles().filter((file) => file.fileName.startsWith(src))

/** `Interface.property (src/file.ts:line)`, how the failures name a property. */
function where(property: ts.PropertySignature): string {
  let owner: ts.Node = property.parent
  while (!ts.isInterfaceDeclaration(owner) && !ts.isTypeAliasDeclaration(owner) && owner.parent) owner = owner.parent
  const name = ts.isInterfaceDeclaration(owner) || ts.isTypeAliasDeclaration(owner) ? owner.name.text : '?'
  const file = property.getSourceFile()
  const line = file.getLineAndCharacterOfPosition(property.getStart()).line + 1
  return `${name}.${property.name.getText()} (${relative(root, file.fileName)}:${line})`
}

interface PropertyDoc {
  property: ts.PropertySignature
  /** The comment's text outside its @default tags (the description and the other tags). */
  prose: string
  /** The text of each @default tag. */
  defaults: string[]
}

function propertyDoc(property: ts.PropertySignature): PropertyDoc {
  const prose: string[] = []
  const defaults: string[] = []
  for (const doc of ts.getJSDocCommentsAndTags(property)) {
    if (!ts.isJSDoc(doc)) continue
    prose.push(ts.getTextOfJSDocComment(doc.comment) ?? '')
    for (const tag of doc.tags ?? []) {
      const text = ts.getTextOfJSDocComment(tag.comment)?.trim() ?? ''
      if (tag.tagName.text === 'default') defaults.push(text)
      else prose.push(`@${tag.tagName.text} ${text}`)
    }
  }
  return { property, prose: prose.join('\n'), defaults }
}

/** The property signatures of the exported interfaces and types of a file, those of nested object types included. */
function exportedPropertyDocs(file: ts.SourceFile): PropertyDoc[] {
  const found: PropertyDoc[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isPropertySignature(node)) found.push(propertyDoc(node))
    ts.forEachChild(node, visit)
  }
  for (const statement of file.statements) {
    if (!ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement)) continue
    if (statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) visit(statement)
  }
  return found
}

/** The properties whose prose speaks of a default without an @default tag, and those with an empty @default. */
function proseDefaults(docs: readonly PropertyDoc[]): string[] {
  return docs.flatMap(({ property, prose, defaults }) => [
    ...(/default/i.test(prose) && !defaults.length
      ? [`${where(property)}: says "default" without an @default tag`]
      : []),
    ...(defaults.some((text) => !text) ? [`${where(property)}: an @default tag without a value`] : []),
  ])
}

/** The interfaces the package's entries export, directly or through re-exports. */
function publicInterfaces(): Set<ts.Declaration> {
  const interfaces = new Set<ts.Declaration>()
  for (const entry of entryFiles()) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      if (symbol.flags & ts.SymbolFlags.Interface)
        for (const declaration of symbol.declarations ?? []) interfaces.add(declaration)
    }
  }
  return interfaces
}

/** Optional properties of public interfaces that the code gives a default, with where it does. */
function codeDefaults(): Map<ts.PropertySignature, string> {
  const interfaces = publicInterfaces()
  const found = new Map<ts.PropertySignature, string>()
  const note = (symbol: ts.Symbol | undefined, use: ts.Node): void => {
    for (const declaration of symbol?.declarations ?? []) {
      if (!ts.isPropertySignature(declaration) || !declaration.questionToken) continue
      if (!interfaces.has(declaration.parent)) continue
      const file = use.getSourceFile()
      const line = file.getLineAndCharacterOfPosition(use.getStart()).line + 1
      if (!found.has(declaration)) found.set(declaration, `${relative(root, file.fileName)}:${line}`)
    }
  }
  const isNothing = (node: ts.Expression): boolean =>
    node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined')
  for (const file of ownFiles) {
    const visit = (node: ts.Node): void => {
      // `const { name = value } = options`, or the same in a parameter
      if (ts.isBindingElement(node) && node.initializer && ts.isObjectBindingPattern(node.parent)) {
        const name = (node.propertyName ?? node.name).getText()
        note(checker.getTypeAtLocation(node.parent).getProperty(name), node)
      }
      // `options.name ?? value`
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken &&
        ts.isPropertyAccessExpression(node.left) &&
        !isNothing(node.right)
      )
        note(checker.getSymbolAtLocation(node.left.name), node)
      ts.forEachChild(node, visit)
    }
    visit(file)
  }
  return found
}

const docs = ownFiles.flatMap(exportedPropertyDocs)

describe('the @default rule', () => {
  test('no property doc comment speaks of a default in prose without an @default tag', () => {
    expect(docs.length).toBeGreaterThan(200)
    expect(docs.filter(({ defaults }) => defaults.length).length).toBeGreaterThan(50)
    expect(proseDefaults(docs)).toEqual([])
  })

  test('every option the code defaults has an @default tag', () => {
    const defaulted = codeDefaults()
    const names = [...defaulted.keys()].map((property) => where(property).split(' ')[0])
    // Both ways of giving a default are found: a destructuring default and `??`.
    expect(names).toEqual(expect.arrayContaining(['RefreshingOptions.marginSeconds', 'PresignPostOptions.expiresIn']))
    expect(defaulted.size).toBeGreaterThan(20)
    const missing = [...defaulted]
      .filter(([property]) => !propertyDoc(property).defaults.length)
      .map(([property, use]) => `${where(property)}: defaulted at ${use}`)
    expect(missing).toEqual([])
  })

  test('the prose check finds a default said in prose only, and accepts an @default tag', () => {
    const file = ts.createSourceFile(
      'sample.ts',
      [
        'export interface SampleOptions {',
        '  /** Parts in flight at once (default 4). */',
        '  concurrency?: number',
        '  /**',
        '   * Parts in flight at once.',
        '   * @default 4',
        '   */',
        '  tagged?: number',
        '  /** Bytes per part.',
        '   * @default',
        '   */',
        '  empty?: number',
        '  /** Whatever the DEFAULT says. */',
        '  shouting?: { nested?: boolean }',
        '}',
      ].join('\n'),
      ts.ScriptTarget.ES2022,
      true,
    )
    const problems = proseDefaults(exportedPropertyDocs(file))
    expect(problems).toHaveLength(3)
    expect(problems[0]).toMatch(/^SampleOptions\.concurrency .*without an @default tag$/)
    expect(problems[1]).toMatch(/^SampleOptions\.empty .*without a value$/)
    expect(problems[2]).toMatch(/^SampleOptions\.shouting /)
  })
})
