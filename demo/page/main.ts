// Entry of the demo page: mounts it on the real document.
import { mountDemo } from './lib/ui.js'

const page = mountDemo({
  document,
  storage: localStorage,
  location: new URL(location.href),
  fetch: (input, init) => fetch(input, init),
})
// For the console and the end-to-end test.
Object.assign(globalThis, { demo: page })
