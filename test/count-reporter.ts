// Vitest reporter that prints the line `scripts/test.mjs` reads: `<name>: N passed, M failed`.
import type { Reporter, TestModule } from 'vitest/node'

export default class CountReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
      }
      if (module.state() === 'failed' && ![...module.children.allTests()].length) failed++
    }
    console.log(`${process.env.COUNT_NAME ?? 'node'}: ${passed} passed, ${failed} failed`)
  }
}
