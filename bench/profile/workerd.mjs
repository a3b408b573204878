#!/usr/bin/env node
// CPU profile of the signer in workerd: `node --experimental-websocket bench/profile/workerd.mjs [workload] [seconds]`
// runs the same loop as bench/profile/node.mjs (bench/profile/page.ts, bundled) in a miniflare Worker (no nodejs_compat),
// records a profile through workerd's inspector (the DevTools protocol's Profiler domain) and prints the top frames.
import { Miniflare } from 'miniflare'
import { freePort } from '../../scripts/local-servers.mjs'
import { profilePageScript, topFrames } from './frames.mjs'

if (typeof WebSocket !== 'function') throw new Error('run with node --experimental-websocket (Node 20) or Node 22+')
const name = process.argv[2] ?? 'kinesis'
const seconds = Number(process.argv[3] ?? 3)
const script = `${await profilePageScript()}
export default {
  async fetch(request) {
    const { workload, seconds } = await request.json()
    return Response.json(await loop(workload, seconds))
  },
}
`
const inspectorPort = await freePort()
const mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-09-01', cf: false, inspectorPort })
try {
  const loop = async (loopSeconds) =>
    (
      await mf.dispatchFetch('http://localhost/', {
        method: 'POST',
        body: JSON.stringify({ workload: name, seconds: loopSeconds }),
      })
    ).json()
  await loop(0.5) // warm-up, and the Worker is up before the inspector is asked for it
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()
  const target = targets.find((entry) => entry.webSocketDebuggerUrl) ?? targets[0]
  const socket = new WebSocket(target.webSocketDebuggerUrl)
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true })
    socket.addEventListener('error', reject, { once: true })
  })
  let nextId = 1
  const pending = new Map()
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data))
    if (message.id !== undefined && pending.has(message.id)) {
      pending.get(message.id)(message)
      pending.delete(message.id)
    }
  })
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++
      pending.set(id, (message) => (message.error ? reject(new Error(message.error.message)) : resolve(message.result)))
      socket.send(JSON.stringify({ id, method, params }))
    })
  await send('Profiler.enable')
  await send('Profiler.setSamplingInterval', { interval: 100 })
  await send('Profiler.start')
  const perCall = await loop(seconds)
  const { profile } = await send('Profiler.stop')
  socket.close()
  console.log(`${name}: ${perCall.toFixed(1)} µs per call in workerd (profiler on)`)
  console.log(topFrames(profile, Number(process.env.FRAMES ?? 15)).join('\n'))
} finally {
  await mf.dispose()
}
