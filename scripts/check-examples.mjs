#!/usr/bin/env node
// Every `@example` in a doc comment under src/, and every js/ts code block of README.md, type-checks, so examples
// cannot rot (`node scripts/check-examples.mjs`, the `examples` suite of `npm test`). Each example becomes a module
// in .tmp/examples/ that imports what it uses from the package's subpaths ('webcrypto-sigv4', 'webcrypto-sigv4/s3',
// ...: mapped to their src/ entries from package.json "exports"); in src/, a name no subpath exports comes from the
// example's own module (the examples of internal modules show internal functions). The values an example may use
// undeclared are scripts/examples-prelude.d.ts. The compiler checks them all with the library's options (README's
// `js` blocks as JavaScript, with checkJs); each error is printed at its line in src/ or README.md.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = fileURLToPath(new URL('..', import.meta.url))
const src = join(root, 'src')
const out = join(root, '.tmp', 'examples')
const prelude = join(root, 'scripts', 'examples-prelude.d.ts')
const PACKAGE = 'webcrypto-sigv4'

/** The package's subpaths and their source entries, from package.json "exports" (e.g. 'webcrypto-sigv4/s3' → src/s3.ts). */
function subpathEntries() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const entries = []
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const file = typeof target === 'object' ? target.default : undefined
    if (typeof file !== 'string' || !file.startsWith('./dist/')) continue
    const specifier = subpath === '.' ? PACKAGE : `${PACKAGE}/${subpath.slice(2)}`
    entries.push({ specifier, file: join(src, file.slice('./dist/'.length).replace(/\.js$/, '.ts')) })
  }
  return entries
}

/** Every .ts file under `dir`, recursively. */
function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/**
 * The `@example` blocks of a file's doc comments: the code (the ` * ` margin removed, Markdown fences dropped) and
 * the line in the file where it starts.
 */
export function extractExamples(text) {
  const examples = []
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = text.slice(0, comment.index).split('\n').length
    const lines = comment[0].split('\n').map((line) => line.replace(/^\s*\/?\*\*?\/?\s?/, '').replace(/\s*\*\/$/, ''))
    for (let index = 0; index < lines.length; index++) {
      const tag = /^@example\b(.*)$/.exec(lines[index])
      if (!tag) continue
      const code = []
      let start = firstLine + index + 1
      if (tag[1].trim()) (code.push(tag[1].trim()), (start -= 1))
      for (index++; index < lines.length && !/^@\w/.test(lines[index]); index++) code.push(lines[index])
      index--
      const fenced = code.filter((line) => !/^```/.test(line.trim()))
      const skipped = code.findIndex((line) => !/^```/.test(line.trim()))
      while (fenced.length && !fenced.at(-1).trim()) fenced.pop()
      examples.push({ line: start + Math.max(skipped, 0), code: fenced.join('\n') })
    }
  }
  return examples
}

/** The js/ts code blocks of a Markdown text: the code, its language and the line where the code starts. */
export function extractCodeBlocks(text) {
  const blocks = []
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const fence = /^```(js|mjs|ts)\s*$/.exec(lines[index])
    if (!fence) continue
    const start = index + 2
    const code = []
    for (index++; index < lines.length && !/^```\s*$/.test(lines[index]); index++) code.push(lines[index])
    blocks.push({ line: start, code: code.join('\n'), language: fence[1] === 'ts' ? 'ts' : 'js' })
  }
  return blocks
}

/** The names an example uses (identifiers not in property-name position) and those it declares at its top level. */
function namesOf(code) {
  const file = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS)
  const used = new Set()
  const declared = new Set()
  const bind = (name) => {
    if (ts.isIdentifier(name)) declared.add(name.text)
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name)
  }
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement))
      for (const declaration of statement.declarationList.declarations) bind(declaration.name)
    else if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause
      if (clause?.name) declared.add(clause.name.text)
      const bindings = clause?.namedBindings
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text)
      else if (bindings) for (const element of bindings.elements) declared.add(element.name.text)
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    )
      declared.add(statement.name.text)
  }
  const visit = (node) => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent
      const propertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isQualifiedName(parent) && parent.right === node) ||
        (ts.isBindingElement(parent) && parent.propertyName === node) ||
        (ts.isPropertySignature(parent) && parent.name === node) ||
        (ts.isMethodDeclaration(parent) && parent.name === node)
      if (!propertyName) used.add(node.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return { used, declared }
}

/** name → whether it is a value (else a type only), for every export of `file`. */
function exportsOf(checker, program, file) {
  const names = new Map()
  const source = program.getSourceFile(file)
  const module = source && checker.getSymbolAtLocation(source)
  if (!module) return names
  for (const symbol of checker.getExportsOfModule(module)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    names.set(symbol.name, (target.flags & ts.SymbolFlags.Value) !== 0)
  }
  return names
}

/** An example's own relative imports (`from './constants.js'`) name the module beside its source `file`. */
export function rewriteRelativeImports(code, path, file) {
  return code.replace(
    /(\bfrom\s+|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g,
    (_, keyword, quote, specifier) => `${keyword}${quote}${importPath(path, join(dirname(file), specifier))}${quote}`,
  )
}

const importPath = (from, file) => {
  const path = relative(dirname(from), file).replace(/\\/g, '/').replace(/\.ts$/, '.js')
  return path.startsWith('.') ? path : `./${path}`
}

function main() {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  const entries = subpathEntries()
  const files = sourceFiles(src).sort()
  const options = {
    ...parsed.options,
    noEmit: true,
    noUnusedLocals: false,
    baseUrl: root,
    paths: Object.fromEntries(entries.map(({ specifier, file }) => [specifier, [relative(root, file)]])),
  }
  const library = ts.createProgram({ rootNames: files, options })
  const checker = library.getTypeChecker()

  // Public names first (the first subpath that exports a name is where an example imports it from).
  const publicNames = new Map()
  for (const { specifier, file } of entries)
    for (const [name, value] of exportsOf(checker, library, file))
      if (!publicNames.has(name)) publicNames.set(name, { specifier, value })

  rmSync(out, { recursive: true, force: true })
  const readme = join(root, 'README.md')
  const sources = [
    ...files.map((file) => ({ file, own: true, examples: extractExamples(readFileSync(file, 'utf8')) })),
    { file: readme, own: false, examples: extractCodeBlocks(readFileSync(readme, 'utf8')) },
  ]
  const modules = []
  for (const { file, own: fromOwnModule, examples } of sources) {
    if (!examples.length) continue
    const own = fromOwnModule ? exportsOf(checker, library, file) : new Map()
    const base = join(out, relative(fromOwnModule ? src : root, file).replace(/\.(ts|md)$/, ''))
    for (const example of examples) {
      const javascript = example.language === 'js'
      const path = `${base}.${example.line}.${javascript ? 'js' : 'ts'}`
      const { used, declared } = namesOf(example.code)
      const imports = new Map()
      const add = (specifier, name, value) => {
        if (!value && javascript) return // JavaScript imports no types
        if (!imports.has(specifier)) imports.set(specifier, [])
        imports.get(specifier).push(value ? name : `type ${name}`)
      }
      for (const name of [...used].sort()) {
        if (declared.has(name)) continue
        const shared = publicNames.get(name)
        if (shared) add(shared.specifier, name, shared.value)
        else if (own.has(name)) add(importPath(path, file), name, own.get(name))
      }
      const header = [...imports].map(([specifier, names]) => `import { ${names.join(', ')} } from '${specifier}'`)
      header.push('export {}')
      const code = rewriteRelativeImports(example.code, path, file)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, `${header.join('\n')}\n${code}\n`)
      modules.push({ path, file, line: example.line, headerLines: header.length })
    }
  }

  // TypeScript examples with the library's options; JavaScript ones (README's) checked as JavaScript is written:
  // untyped parameters are `any` there, everything else is checked.
  const program = ts.createProgram({
    rootNames: [prelude, ...modules.filter((m) => m.path.endsWith('.ts')).map((m) => m.path)],
    options,
    oldProgram: library,
  })
  const jsProgram = ts.createProgram({
    rootNames: [prelude, ...modules.filter((m) => m.path.endsWith('.js')).map((m) => m.path)],
    options: { ...options, allowJs: true, checkJs: true, noImplicitAny: false },
  })
  let passed = 0
  const failures = []
  for (const module of modules) {
    const checker = module.path.endsWith('.js') ? jsProgram : program
    const source = checker.getSourceFile(module.path)
    if (!source) throw new Error(`${module.path} is not in the program`)
    const diagnostics = [...checker.getSyntacticDiagnostics(source), ...checker.getSemanticDiagnostics(source)]
    if (!diagnostics.length) {
      passed++
      continue
    }
    for (const diagnostic of diagnostics) {
      const at = diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line
      const line = Math.max(at - module.headerLines, 0) + module.line
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')
      failures.push(`${relative(root, module.file)}:${line}: TS${diagnostic.code} ${message}`)
    }
    failures.push(`  (the example as checked: ${relative(root, module.path)})`)
  }
  for (const failure of failures) console.log(failure)
  const failed = modules.length - passed
  console.log(`examples: ${passed} passed, ${failed} failed`)
  if (!modules.length || failed) process.exitCode = 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main()
