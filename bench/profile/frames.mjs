// The profile loops bundled for a browser or a Worker, and the top frames of a V8 CPU profile (Node's inspector or Chromium's DevTools protocol), by self time, or by total
// time (the frame and what it calls) with INCLUSIVE=1.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** bench/profile/page.ts bundled as one ES module text (for Chromium's page and workerd's script). */
export async function profilePageScript() {
  const result = await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'page.ts')],
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'warning',
  })
  return result.outputFiles[0].text
}

/** The frames with the most self (or total) time, as "percent  function  file:line". */
export function topFrames(profile, limit, inclusive = process.env.INCLUSIVE === '1') {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const keyOf = ({ callFrame }) => {
    const file = callFrame.url.split('/').pop()
    return `${callFrame.functionName || '(anonymous)'}  ${file ? `${file}:${callFrame.lineNumber + 1}` : ''}`
  }
  const time = new Map()
  const total = profile.samples.length
  for (const id of profile.samples) {
    // Self time counts the sampled frame; total time counts every distinct frame on its stack once.
    const keys = new Set()
    for (let at = id; at !== undefined; at = inclusive ? parent.get(at) : undefined) keys.add(keyOf(byId.get(at)))
    for (const key of keys) time.set(key, (time.get(key) ?? 0) + 1)
  }
  return [...time]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, count]) => `${((count * 100) / total).toFixed(1).padStart(5)}%  ${key}`)
}
