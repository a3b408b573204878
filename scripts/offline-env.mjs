// Environment variables that keep wrangler, deno and bun from reaching the network (see /work/shared/RUNTIMES.md):
// no metrics, banners, update checks, prompts, Cloudflare fetches or colours. Merge them over process.env for any
// tool spawned by the test and bench runners.
//
//   spawn('npx', ['wrangler', 'dev'], { env: { ...process.env, ...OFFLINE_ENV } })
export const OFFLINE_ENV = Object.freeze({
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  DENO_NO_UPDATE_CHECK: '1',
  DENO_NO_PROMPT: '1',
  DO_NOT_TRACK: '1',
  NO_COLOR: '1',
})
