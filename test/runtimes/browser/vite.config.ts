// Serves the conformance page on 127.0.0.1 (a secure context, so crypto.subtle exists over plain http).
// By hand: npx vite --config test/runtimes/browser/vite.config.ts, then open the printed URL.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  cacheDir: fileURLToPath(new URL('../../../node_modules/.vite-conformance', import.meta.url)),
  logLevel: 'warn',
  clearScreen: false,
  server: { host: '127.0.0.1', fs: { allow: [fileURLToPath(new URL('../../..', import.meta.url))] } },
  // The page has no npm dependencies: nothing to pre-bundle, so no optimizer pass and no reload mid-run.
  optimizeDeps: { noDiscovery: true, include: [] },
})
