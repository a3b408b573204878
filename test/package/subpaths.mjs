// The package's subpaths, read from package.json "exports" and nowhere else: the consumer imports, the tsc checks,
// the jsr.json comparison and the API report all start here, so a new subpath needs only its package.json and
// jsr.json entries (then `npm run api`).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Every "exports" entry that is a module (not ./package.json), in package.json order:
 * `{ subpath: './presign', specifier: 'webcrypto-sigv4/presign', js, types, stem: 'presign' }`, where `js` is the
 * `default` target (or `import`, which the metadata check refuses) and `stem` its path in dist/ without the extension.
 * @example for (const { specifier, types } of subpaths(pkg)) console.log(specifier, types)
 */
export function subpaths(pkg) {
  return Object.entries(pkg.exports)
    .filter(([, target]) => typeof target === 'object' && target !== null)
    .map(([subpath, target]) => {
      const js = target.default ?? target.import
      return {
        subpath,
        specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
        js,
        types: target.types,
        stem: String(js)
          .replace(/^\.\/dist\//, '')
          .replace(/\.js$/, ''),
      }
    })
}

/** package.json of a directory, parsed. */
export const readPackageJson = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
