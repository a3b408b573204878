// Size ceilings of the public entries, bundled and measured for real by scripts/size.mjs (esbuild, minified ESM,
// tree-shaken, gzip -9), and proof that importing the core does not pull in the optional subpaths.
import { describe, expect, it } from 'vitest'
import {
  entries,
  measureBundle,
  OPTIONAL_SUBPATHS,
  REFERENCES,
  root,
  sized,
  subpathEntries,
  type MeasuredBundle,
} from '../../../scripts/size.mjs'

const list = entries()
const measure = (id: string): Promise<MeasuredBundle> => measureBundle(list.find((entry) => entry.id === id)!.contents)
const optional = subpathEntries().filter((name) => OPTIONAL_SUBPATHS.includes(name))

describe('size ceilings (gzip -9 of a minified, tree-shaken esbuild bundle)', () => {
  it('lists the ceilings for the entries that exist', () => {
    expect(list.find((entry) => entry.id === 'sign')).toMatchObject({ ceiling: 6200 })
    expect(list.find((entry) => entry.id === 'sign+presign')).toMatchObject({ ceiling: 7000 })
    expect(list.find((entry) => entry.id === 'sign+inference')).toMatchObject({ ceiling: 9400, withLazy: true })
    if (optional.includes('client') && optional.includes('credentials'))
      expect(list.find((entry) => entry.id === 'client+credentials')).toMatchObject({ ceiling: 11000 })
    if (optional.includes('sigv4a')) expect(list.find((entry) => entry.id === 'sign+sigv4a')?.addedBudget).toBe(3500)
    if (optional.includes('cloudfront')) {
      expect(list.find((entry) => entry.id === 'cloudfront')?.ceiling).toBe(10500)
      expect(list.find((entry) => entry.id === 'cloudfront-sign')?.ceiling).toBe(7000)
      expect(list.find((entry) => entry.id === 'cloudfront-verify')?.ceiling).toBe(7100)
    }
    if (optional.includes('tokens')) {
      expect(list.find((entry) => entry.id === 'tokens')?.ceiling).toBe(7400)
      expect(list.find((entry) => entry.id === 'tokens-dsql')?.ceiling).toBe(6500)
    }
  })

  for (const entry of list.filter((entry) => entry.ceiling !== undefined)) {
    it(`${entry.label}: at most ${entry.ceiling} B`, async () => {
      const { gzip, minified } = sized(entry, await measureBundle(entry.contents))
      expect(minified).toBeGreaterThan(gzip)
      expect(gzip, `${entry.label} is ${gzip} B gzip (${minified} B minified)`).toBeLessThanOrEqual(entry.ceiling!)
    })
  }

  for (const entry of list.filter((entry) => entry.smallerThan !== undefined)) {
    const { reference, times } = entry.smallerThan!
    it(`${entry.label}: at least ${times}× smaller than ${reference}`, async () => {
      const [{ gzip }, other] = await Promise.all([
        measureBundle(entry.contents),
        measureBundle(REFERENCES.find((candidate) => candidate.id === reference)!.contents),
      ])
      expect(other.gzip / gzip, `${entry.label} is ${gzip} B, ${reference} ${other.gzip} B`).toBeGreaterThanOrEqual(
        times,
      )
    })
  }

  for (const entry of list.filter((entry) => entry.addedBudget !== undefined)) {
    it(`${entry.label}: adds at most ${entry.addedBudget} B over ${entry.over}`, async () => {
      const [{ gzip }, base] = await Promise.all([measureBundle(entry.contents), measure(entry.over!)])
      expect(gzip).toBeGreaterThan(base.gzip)
      expect(gzip - base.gzip, `${entry.label} adds ${gzip - base.gzip} B gzip`).toBeLessThanOrEqual(entry.addedBudget!)
    })
  }
})

describe('the core stays apart from the optional subpaths', () => {
  // Files that belong to the optional subpaths: their entry files, files named after them, and every file that
  // only those files import (found from esbuild's import graph of everything bundled together).
  async function optionalFiles(): Promise<Set<string>> {
    const { build } = await import('esbuild')
    const names = ['index', ...optional]
    const result = await build({
      stdin: {
        contents: names.map((name) => `export * as ${name.replace(/\W/g, '_')} from './src/${name}.ts'`).join('\n'),
        resolveDir: root,
        loader: 'js',
      },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      metafile: true,
      logLevel: 'silent',
    })
    const importers = new Map<string, Set<string>>()
    for (const [file, input] of Object.entries(result.metafile.inputs)) {
      for (const imported of input.imports) {
        if (!importers.has(imported.path)) importers.set(imported.path, new Set())
        importers.get(imported.path)!.add(file)
      }
    }
    const named = new RegExp(`^src/(${OPTIONAL_SUBPATHS.join('|')})([./_-]|$)`)
    const owned = new Set(Object.keys(result.metafile.inputs).filter((file) => named.test(file)))
    for (let grew = true; grew;) {
      grew = false
      for (const [file, from] of importers) {
        if (
          file.startsWith('src/') &&
          file !== 'src/index.ts' &&
          !owned.has(file) &&
          [...from].every((importer) => owned.has(importer))
        ) {
          owned.add(file)
          grew = true
        }
      }
    }
    return owned
  }

  it('bundling `import { sign } from "webcrypto-sigv4"` takes only core source files', async () => {
    const owned = await optionalFiles()
    const { inputs, code } = await measure('sign')
    const files = Object.keys(inputs)
    expect(files).toContain('src/core/sign.ts')
    expect(
      files.filter((file) => !file.startsWith('src/')),
      'the core has no dependencies',
    ).toEqual([])
    expect(
      files.filter((file) => owned.has(file)),
      'optional-subpath files in the sign bundle',
    ).toEqual([])
    expect(code).not.toMatch(/AWS4-ECDSA-P256-SHA256|ECDSA/)
  })

  it('host inference (botocore table) is a chunk of its own: what sign loads first holds neither', async () => {
    const { inputs, lazy, code } = await measure('sign')
    for (const file of ['src/core/infer.ts', 'src/core/service-table.ts']) {
      expect(Object.keys(inputs), 'loaded first').not.toContain(file)
      expect(Object.keys(lazy.inputs), 'the lazy chunk').toContain(file)
    }
    expect(code).not.toContain('bedrock-agent')
    expect(lazy.code).toContain('bedrock-agent')
    // A bundle that uses the table itself loads it first (so the check above can fail).
    const direct = await measureBundle(`export { hostScope } from ${JSON.stringify(`${root}/src/core/infer.ts`)}`)
    expect(Object.keys(direct.inputs)).toContain('src/core/service-table.ts')
  })

  it('sign alone leaves presign out (tree-shaking works on the core)', async () => {
    const { inputs } = await measure('sign')
    expect(Object.keys(inputs)).not.toContain('src/core/presign.ts')
    const withPresign = await measure('sign+presign')
    expect(Object.keys(withPresign.inputs)).toContain('src/core/presign.ts')
  })

  it('every export of the core takes no optional-subpath file either', async () => {
    const owned = await optionalFiles()
    const { inputs, code } = await measure('core')
    expect(Object.keys(inputs).filter((file) => owned.has(file))).toEqual([])
    expect(code).not.toMatch(/AWS4-ECDSA-P256-SHA256/)
  })

  it('the check sees an optional subpath when it is bundled (so the checks above can fail)', async () => {
    const owned = await optionalFiles()
    expect(optional.length).toBeGreaterThan(0)
    for (const name of optional) {
      const { inputs } = await measure(name)
      // The entry only re-exports: its code is in files below it, which the check must see as the subpath's own.
      expect(owned.has(`src/${name}.ts`)).toBe(true)
      const own = Object.keys(inputs).filter((file) => owned.has(file) && inputs[file]! > 0)
      expect(own.length, `the files of src/${name}.ts contribute code to its own bundle`).toBeGreaterThan(0)
    }
  })
})
