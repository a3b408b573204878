// Nothing runs on import, and nothing a bundle does not use stays in it: a top-level statement that esbuild cannot
// prove free of side effects (a `new Set([...].map(...))`, say) is kept in every bundle of its module, used or not.
import { describe, expect, it } from 'vitest'
import { entries, root } from '../../../scripts/size.mjs'

/** The top-level names a bundle declares but never reads (esbuild's output keeps top-level statements at column 0). */
async function unusedTopLevel(contents: string): Promise<string[]> {
  const { build } = await import('esbuild')
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    minifySyntax: true,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.text
  const declared = [...code.matchAll(/^(?:var|let|const|function|async function|class) ([A-Za-z_$][\w$]*)/gm)].map(
    (match) => match[1]!,
  )
  // A name, not a property (`.name`); a spread (`...name`) is a use.
  const uses = (name: string): number =>
    code.match(new RegExp(`(?<![\\w$])(?<![^.]\\.)${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g'))?.length ?? 0
  return declared.filter((name) => uses(name) === 1)
}

describe('bundles keep no unused top-level code', () => {
  for (const entry of entries().filter((entry) => entry.ceiling !== undefined)) {
    it(`${entry.label}: every top-level declaration is used`, async () => {
      expect(await unusedTopLevel(entry.contents)).toEqual([])
    })
  }

  it('the check finds an unused top-level Set (so the test above can fail)', async () => {
    const contents = `export { sign } from './src/index.ts'\nconst UNUSED = new Set(['a', 'b'].map((name) => name.toUpperCase()))`
    expect(await unusedTopLevel(contents)).toContain('UNUSED')
  })
})
