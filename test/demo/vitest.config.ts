// The demo Worker's tests: each runs demo/worker.ts inside workerd (Miniflare, no nodejs_compat) with a fake STS.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/demo/worker.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
