// The consumers of the installed tarball, each in the scratch project (a temporary folder whose node_modules holds
// only the tarball's package) and each with the repository's own tools by absolute path: a Node ESM script (run by
// Node, Deno and Bun), tsc under three module resolutions, publint and attw, a Vite page in Chromium, and a Worker
// bundled by `wrangler deploy --dry-run` run in workerd. The runtime checks are test/package/fixtures/check.mjs.
import { transform } from 'esbuild'
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { servePage } from '../../scripts/local-servers.mjs'
import { launchBrowser, within } from '../helpers/browsers.mjs'
import { runCommand } from './command.mjs'
import { subpaths } from './subpaths.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const fixtures = fileURLToPath(new URL('fixtures', import.meta.url))
const tool = (path) => join(root, 'node_modules', path)
const TOOLS = {
  tsc: tool('typescript/bin/tsc'),
  vite: tool('vite/bin/vite.js'),
  wrangler: tool('wrangler/bin/wrangler.js'),
  publint: tool('publint/src/cli.js'),
  attw: tool('@arethetypeswrong/cli/dist/index.js'),
  deno: tool('.bin/deno'),
  bun: tool('.bin/bun'),
}
/** The official vector case every runtime signs (test/vectors/v4.json). */
export const VECTOR_CASE_NAME = 'get-vanilla-query-order-key-case'
const COMPATIBILITY_DATE = '2025-09-01'

/** tsc consumers: one tsconfig each, all strict with exactOptionalPropertyTypes and the shipped .d.ts checked. */
const TS_CONSUMERS = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
}
const TS_COMMON = {
  target: 'es2022',
  lib: ['es2022', 'dom', 'dom.iterable'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  skipLibCheck: false,
  noEmit: true,
  types: [],
}

/**
 * Writes the consumer files into the scratch project: the check and its generated imports (every subpath, the
 * vector case, the compiled vector helpers), the page, the Worker and the TypeScript sources.
 * @example await prepareConsumer(consumer, pkg)
 */
export async function prepareConsumer(consumer, pkg) {
  cpSync(fixtures, consumer, { recursive: true })
  const entries = subpaths(pkg)
  const imports = entries.map(({ specifier }, index) => `import * as subpath${index} from '${specifier}'`)
  const table = entries.map(({ specifier }, index) => `  '${specifier}': subpath${index},`)
  writeFileSync(
    join(consumer, 'subpaths.mjs'),
    `// Generated from package.json "exports".\n${imports.join('\n')}\n\nexport const SUBPATHS = {\n${table.join('\n')}\n}\n`,
  )
  writeFileSync(
    join(consumer, 'types', 'all-subpaths.ts'),
    `// Generated from package.json "exports": every subpath resolves, with types.\n${imports.join('\n')}\n\n` +
      `export const namespaces = [${entries.map((_, index) => `subpath${index}`).join(', ')}] as const\n`,
  )
  const vectors = JSON.parse(readFileSync(join(root, 'test/vectors/v4.json'), 'utf8'))
  const vectorCase = vectors.find((vector) => vector.name === VECTOR_CASE_NAME)
  writeFileSync(
    join(consumer, 'vector-case.mjs'),
    `export const VECTOR_CASE = ${JSON.stringify(vectorCase, null, 1)}\n`,
  )
  const helpers = await transform(readFileSync(join(root, 'test/conformance/vectors.ts'), 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'es2022',
  })
  writeFileSync(join(consumer, 'vectors.mjs'), helpers.code)
}

/** Parses the consumer check's JSON result from a tool's output (its last line that starts with `{`). */
function checkResult(what, { code, output }) {
  const line = output
    .split('\n')
    .reverse()
    .find((text) => text.startsWith('{"passed"'))
  if (!line) throw new Error(`${what}: no check result (exit ${code}):\n${output}`)
  return JSON.parse(line).results
}

/** Runs the consumer check with Node, Deno or Bun in the scratch project; resolves with its results. */
export async function runtimeConsumer(runtime, consumer) {
  const commands = {
    node: [process.execPath, ['cli.mjs']],
    deno: [TOOLS.deno, ['run', '--no-prompt', '--no-remote', 'cli.mjs']],
    bun: [TOOLS.bun, ['cli.mjs']],
  }
  const [command, args] = commands[runtime]
  const version = await runCommand(command, ['--version'], { cwd: consumer, timeoutMs: 30_000 })
  console.log(`${runtime} version: ${version.output.split('\n')[0].trim()}`)
  return checkResult(runtime, await runCommand(command, args, { cwd: consumer, timeoutMs: 90_000 }))
}

/** Node's require() of every subpath (Node >= 20.19 loads ES modules synchronously): undefined when unsupported. */
export async function requireConsumer(consumer, pkg) {
  if (!process.features.require_module) return undefined
  const specifiers = subpaths(pkg).map(({ specifier }) => specifier)
  const script = `for (const specifier of ${JSON.stringify(specifiers)}) {
  const names = Object.keys(require(specifier))
  if (names.length === 0) throw new Error(specifier + ' exports nothing')
}
console.log('required', ${specifiers.length})\n`
  writeFileSync(join(consumer, 'require.cjs'), script)
  const result = await runCommand(process.execPath, ['require.cjs'], { cwd: consumer, timeoutMs: 30_000 })
  if (result.code !== 0) throw new Error(`require() from CommonJS failed:\n${result.output}`)
  return result
}

/** `tsc --noEmit` of types/*.ts under each moduleResolution; resolves with `[name, { code, output }]` pairs. */
export async function typeConsumers(consumer) {
  const outcomes = []
  for (const [name, options] of Object.entries(TS_CONSUMERS)) {
    const config = `tsconfig.${name}.json`
    writeFileSync(
      join(consumer, config),
      JSON.stringify({ compilerOptions: { ...TS_COMMON, ...options }, include: ['types/*.ts'] }, null, 2),
    )
    outcomes.push([name, await runCommand(process.execPath, [TOOLS.tsc, '-p', config], { cwd: consumer })])
  }
  return outcomes
}

/** The resolutions attw's esm-only profile leaves out: CommonJS `require` (node16-cjs) and the legacy node10. */
export const ATTW_IGNORED_RESOLUTIONS = ['node10', 'node16-cjs']

/**
 * publint (strict, every level) and attw (ESM-only profile, no DefinitelyTyped lookup) on the tarball itself.
 * Resolves with `[name, { code, output }, findings]`: the findings are what they report (empty when all is well).
 */
export async function lintConsumers(tarball, work, pkg) {
  const publint = await runCommand(
    process.execPath,
    [TOOLS.publint, 'run', '--strict', '--level', 'suggestion', tarball],
    { cwd: work },
  )
  const publintFindings = publint.code === 0 && /All good!/.test(publint.output) ? [] : [publint.output.trim()]
  const attw = await runCommand(
    process.execPath,
    [TOOLS.attw, tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'json'],
    { cwd: work },
  )
  const attwFindings = []
  try {
    const { analysis } = JSON.parse(attw.output.slice(attw.output.indexOf('{')))
    for (const problem of analysis.problems)
      if (!ATTW_IGNORED_RESOLUTIONS.includes(problem.resolutionKind)) attwFindings.push(JSON.stringify(problem))
    const checked = Object.keys(analysis.entrypoints)
    for (const { subpath } of subpaths(pkg))
      if (!checked.includes(subpath)) attwFindings.push(`${subpath} not analysed`)
  } catch (error) {
    attwFindings.push(`no attw analysis (exit ${attw.code}): ${error.message}\n${attw.output}`)
  }
  if (attw.code !== 0) attwFindings.push(`attw exited ${attw.code}`)
  return [
    ['publint', publint, publintFindings],
    ['attw (esm-only profile)', attw, attwFindings],
  ]
}

/** Vite builds the page (browser/) from the installed package; Chromium opens it on 127.0.0.1 and runs the check. */
export async function browserConsumer(consumer) {
  const outDir = join(consumer, 'browser-dist')
  const built = await runCommand(
    process.execPath,
    [TOOLS.vite, 'build', join(consumer, 'browser'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: consumer },
  )
  if (built.code !== 0) throw new Error(`vite build failed (exit ${built.code}):\n${built.output}`)
  // Only files inside outDir are served (a missing one is 404).
  const server = await servePage({}, (path) => {
    const file = join(outDir, path)
    return file.startsWith(outDir + sep) ? readFileSync(file) : undefined
  })
  const pageErrors = []
  const browser = await within(
    60_000,
    'chromium start',
    launchBrowser('chromium', { onPageError: (error) => pageErrors.push(String(error)) }),
  )
  try {
    console.log(`browser: ${browser.version}`)
    await browser.goto(`${server.endpoint}/`)
    const result = await within(30_000, 'the page check', browser.evaluate('window.packageCheck'))
    if (!result) throw new Error(`the page left no result; page errors: ${pageErrors.join('; ') || 'none'}`)
    return result.results
  } finally {
    await browser.close()
    await server.close()
  }
}

/** `wrangler deploy --dry-run --outdir` bundles worker/ from the installed package; workerd runs the bundle. */
export async function workerConsumer(consumer) {
  const outDir = join(consumer, 'worker-dist')
  const bundled = await runCommand(process.execPath, [TOOLS.wrangler, 'deploy', '--dry-run', '--outdir', outDir], {
    cwd: join(consumer, 'worker'),
    timeoutMs: 120_000,
  })
  if (bundled.code !== 0) throw new Error(`wrangler deploy --dry-run failed (exit ${bundled.code}):\n${bundled.output}`)
  const modules = readdirSync(outDir).filter((file) => file.endsWith('.js'))
  if (modules.length !== 1) throw new Error(`expected one bundled module in ${outDir}, found: ${modules.join(', ')}`)
  const { Miniflare } = await import('miniflare')
  const workerd = createRequire(createRequire(import.meta.url).resolve('miniflare'))('workerd/package.json').version
  console.log(`workerd version: ${workerd} (compatibility date ${COMPATIBILITY_DATE}, no compatibility flags)`)
  const mf = new Miniflare({
    modules: true,
    script: readFileSync(join(outDir, modules[0]), 'utf8'),
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: [],
    cf: false,
  })
  try {
    const response = await mf.dispatchFetch('http://localhost/')
    if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${await response.text()}`)
    return (await response.json()).results
  } finally {
    await Promise.race([mf.dispose(), new Promise((resolve) => setTimeout(resolve, 5_000))])
  }
}
