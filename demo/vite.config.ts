// Vite config of the demo page (sources in demo/page/). `npm run demo` serves it; wrangler's [build] builds it
// into demo/dist, which the Worker serves as static assets.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('./page', import.meta.url)),
  base: './',
  clearScreen: false,
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1' },
  build: { outDir: fileURLToPath(new URL('./dist', import.meta.url)), emptyOutDir: true, target: 'es2022' },
})
