// Runs the bundled suite inside workerd through miniflare: no nodejs_compat, the same module as everywhere else,
// with a fetch handler that takes the config as the request body and answers with the result.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { Miniflare } from 'miniflare'

const require = createRequire(import.meta.url)
const compatibilityDate = '2025-09-01'

export async function runWorkerd(bundlePath, config, log) {
  const suite = await readFile(bundlePath, 'utf8')
  const script = `${suite}
export default {
  async fetch(request) {
    const config = await request.json()
    return Response.json(await runBench(config, (line) => console.log('[workerd] ' + line)))
  },
}
`
  const workerd = require('workerd/package.json').version
  const miniflare = require('miniflare/package.json').version
  const mf = new Miniflare({ modules: true, script, compatibilityDate, cf: false, log: undefined })
  try {
    const response = await mf.dispatchFetch('http://localhost/', { method: 'POST', body: JSON.stringify(config) })
    if (!response.ok) throw new Error(`workerd answered ${response.status}: ${await response.text()}`)
    const result = await response.json()
    log?.(`workerd done`)
    return {
      runtime: `workerd ${workerd} (miniflare ${miniflare}, compatibility date ${compatibilityDate})`,
      ...result,
    }
  } finally {
    await mf.dispose()
  }
}
