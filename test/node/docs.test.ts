// House rule, enforced: every export of src/ has a doc comment with a short example.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'

const src = join(import.meta.dirname, '..', '..', 'src')

test('every exported function, class and constant in src/ has a doc comment with an @example', () => {
  const missing: string[] = []
  let exports = 0
  for (const file of readdirSync(src).filter((name) => name.endsWith('.ts'))) {
    const text = readFileSync(join(src, file), 'utf8')
    for (const match of text.matchAll(/^export (?:async )?(?:function|class|const) (\w+)/gm)) {
      exports++
      const before = text.slice(0, match.index).trimEnd()
      const doc = before.endsWith('*/') ? before.slice(before.lastIndexOf('/**')) : ''
      if (!doc.includes('@example')) missing.push(`${file}: ${match[1]}`)
    }
  }
  expect(exports).toBeGreaterThan(50)
  expect(missing).toEqual([])
})
