// An abort must reach the request in flight. undici links a Request's signal to the signal it was built from only
// weakly: a client that hands fetch a signal derived from an intermediate Request loses the abort once that Request
// is garbage collected. The collections are forced here, so the test fails whenever the link is a weak one.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { expect, test } from 'vitest'
import { AwsClient } from '../../../src/client.js'
import { VECTOR_CREDENTIALS } from '../../conformance/fixtures.js'

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

/** A client whose fetch never answers until its request is aborted; `received` is the request fetch got. */
function hangingClient() {
  const state: { received?: Request } = {}
  const client = new AwsClient({
    credentials: { ...VECTOR_CREDENTIALS },
    region: 'us-east-1',
    service: 's3',
    fetch: (request) => {
      state.received = request
      return new Promise<Response>((_, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason as Error)),
      )
    },
  })
  return { client, state }
}

async function abortAfterCollection(start: (signal: AbortSignal) => Promise<Response>, state: { received?: Request }) {
  const controller = new AbortController()
  const pending = start(controller.signal)
  while (!state.received) await new Promise((resolve) => setTimeout(resolve, 5))
  for (let round = 0; round < 5; round++) {
    collectGarbage()
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  controller.abort(new Error('stopped by the caller'))
  const outcome = await Promise.race([
    pending.then(
      () => 'resolved',
      (error: Error) => error.message,
    ),
    new Promise((resolve) => setTimeout(() => resolve('still pending after 2 s'), 2000)),
  ])
  return { outcome, aborted: state.received.signal.aborted }
}

const URL_ = 'https://bucket.s3.us-east-1.amazonaws.com/key'

test('init.signal: the abort reaches the request fetch got, after garbage collection', async () => {
  const { client, state } = hangingClient()
  const result = await abortAfterCollection((signal) => client.fetch(URL_, { method: 'PUT', body: 'x', signal }), state)
  expect(result).toEqual({ outcome: 'stopped by the caller', aborted: true })
})

test("a Request's own signal: the abort reaches the request fetch got, after garbage collection", async () => {
  const { client, state } = hangingClient()
  const result = await abortAfterCollection(
    (signal) => client.fetch(new Request(URL_, { method: 'PUT', body: 'x', signal })),
    state,
  )
  expect(result).toEqual({ outcome: 'stopped by the caller', aborted: true })
})
