// A tiny check runner for hosts without a test framework (the Worker, the browser page): runs checks in turn,
// each with a time limit, and returns one result per check. No test globals, no Node built-ins.
import type { Check } from './suite.js'

export interface CheckResult {
  name: string
  ok: boolean
  error?: string
  /** What a passing check could not cover in this runtime (shown by the runners). */
  note?: string
  ms: number
}

export interface SuiteResult {
  passed: number
  failed: number
  results: CheckResult[]
}

/** Runs every check; a check that throws or takes longer than `timeoutMs` fails. Zero checks is a failure. */
export async function runChecks(checks: Check[], timeoutMs = 15_000): Promise<SuiteResult> {
  const results: CheckResult[] = []
  for (const check of checks) {
    const started = Date.now()
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      const note = await Promise.race([
        check.run(),
        new Promise<never>(
          (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)),
        ),
      ])
      results.push({ name: check.name, ok: true, ...(note ? { note } : {}), ms: Date.now() - started })
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      results.push({ name: check.name, ok: false, error: text, ms: Date.now() - started })
    } finally {
      clearTimeout(timer)
    }
  }
  const passed = results.filter((result) => result.ok).length
  if (!results.length) results.push({ name: 'the suite has checks', ok: false, error: 'zero checks ran', ms: 0 })
  return { passed, failed: results.length - passed, results }
}
