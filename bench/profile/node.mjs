#!/usr/bin/env node
// CPU profile of the signer in Node: `node bench/profile/node.mjs [workload] [seconds]` bundles bench/profile/page.ts,
// signs in a loop (INFLIGHT=64: 64 at a time) under the V8 profiler (node:inspector) and prints the top frames by self time. Workloads: kinesis
// (sign() of a 200 B PutRecord), parts, presign, body-bytes, body-string, body-blob, body-request (sign(), 1 MiB).
import { Session } from 'node:inspector/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { topFrames } from './frames.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const outfile = join(here, '..', '.out', 'profile-page.js')
await build({ entryPoints: [join(here, 'page.ts')], outfile, bundle: true, format: 'esm', logLevel: 'warning' })
const { loop } = await import(outfile)

const name = process.argv[2] ?? 'kinesis'
const seconds = Number(process.argv[3] ?? 3)
await loop(name, 0.5) // warm-up

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 100 })
await session.post('Profiler.start')
const inflight = Number(process.env.INFLIGHT ?? 1)
const perCall = await loop(name, seconds, inflight)
const { profile } = await session.post('Profiler.stop')
session.disconnect()
console.log(`${name}: ${perCall.toFixed(1)} µs per call in Node, ${inflight} in flight (profiler on)`)
console.log(topFrames(profile, Number(process.env.FRAMES ?? 15)).join('\n'))
