// Bundles an example as a user would run it, with `webcrypto-sigv4[/sub]` mapped to the sources.
import { build } from 'esbuild'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../../..')

/** The example bundled into one ES module (code as a string). */
export async function bundleExample(
  path: string,
  options: { platform?: 'node' | 'neutral' | 'browser' } = {},
): Promise<string> {
  const result = await build({
    entryPoints: [join(root, path)],
    bundle: true,
    format: 'esm',
    platform: options.platform ?? 'node',
    write: false,
    logLevel: 'silent',
    alias: {
      'webcrypto-sigv4/verify': join(root, 'src/verify.ts'),
      'webcrypto-sigv4/stream': join(root, 'src/stream.ts'),
      'webcrypto-sigv4/eventstream': join(root, 'src/eventstream.ts'),
      'webcrypto-sigv4/appsync': join(root, 'src/appsync.ts'),
      'webcrypto-sigv4': join(root, 'src/index.ts'),
    },
  })
  return result.outputFiles[0]!.text
}

/** Bundles and imports an example module. */
export async function importExample<T>(path: string): Promise<T> {
  const file = join(mkdtempSync(join(tmpdir(), 'sigv4-example-')), 'example.mjs')
  writeFileSync(file, await bundleExample(path))
  return (await import(file)) as T
}
