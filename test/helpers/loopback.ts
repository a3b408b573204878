// Loopback servers for the tests: the same module `npm run demo` uses (scripts/local-servers.mjs), with its types.
// Every server binds a free port of 127.0.0.1 and `close()` ends its open connections too, so nothing hangs.
//
//   const page = await servePage({ '/index.html': html, '/page.js': js }) // a secure-context page for a browser
//   const api = await serve((request, response) => response.end('ok'))     // any handler
//   afterAll(() => Promise.all([page.close(), api.close()]))
export { listen, serve, servePage } from '../../scripts/local-servers.mjs'
export type { Listening } from '../../scripts/local-servers.mjs'
