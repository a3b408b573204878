// Vite config of the demo page (root: demo/). `npm run demo` serves it; wrangler's [build] builds it into demo/dist.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  clearScreen: false,
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
})
