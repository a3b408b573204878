#!/usr/bin/env node
// `npm run build` (and `prepack`, so `npm pack` / `npm publish` always ship a fresh build): empties dist/, then
// compiles src/ with tsconfig.build.json into dist/ as .js, .d.ts, source maps and declaration maps. Emptying first
// keeps a file removed from src/ from lingering in the package.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true })
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
