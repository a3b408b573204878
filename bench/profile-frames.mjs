// The top frames of a V8 CPU profile (Node's inspector or Chromium's DevTools protocol), by self time.

/** The frames with the most self time, as "percent  function  file:line". */
export function topFrames(profile, limit) {
  const self = new Map()
  const total = profile.samples.length
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  for (const id of profile.samples) {
    const { callFrame } = byId.get(id)
    const file = callFrame.url.split('/').pop()
    const key = `${callFrame.functionName || '(anonymous)'}  ${file ? `${file}:${callFrame.lineNumber + 1}` : ''}`
    self.set(key, (self.get(key) ?? 0) + 1)
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, count]) => `${((count * 100) / total).toFixed(1).padStart(5)}%  ${key}`)
}
