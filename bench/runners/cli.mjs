// Runs the bundled suite in the runtime that executes this file (Node, Deno or Bun): `<runtime> cli.mjs '<config json>'`.
// Progress goes to stderr; the result is the last stdout line, prefixed `BENCH_RESULT `.
import { runBench } from '../.out/suite.js'

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2)
const config = JSON.parse(args[0] ?? '{}')

let runtime
if (globalThis.Deno) runtime = `Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`
else if (globalThis.Bun) runtime = `Bun ${Bun.version} (JavaScriptCore, ${Bun.revision.slice(0, 7)})`
else runtime = `Node ${process.version} (V8 ${process.versions.v8})`

const result = await runBench(config, (line) => console.error(line))
console.log('BENCH_RESULT ' + JSON.stringify({ runtime, ...result }))
