// Entry bundled for Deno and Bun: verifies the signed requests in CASES (injected at bundle time) as fetch
// Requests and prints one JSON line with each outcome ('ok' or the failure code). A chunk-signed body is read
// through result.body, so a bad chunk reports the stream's code (ERR_CHUNK_SIGNATURE).
import { verify } from '../../../src/verify.js'

declare const CASES: {
  now: number
  secret: string
  requests: Array<{ method: string; url: string; headers: Record<string, string>; body?: string | null }>
}

const outcomes: string[] = []
for (const wire of CASES.requests) {
  const request = new Request(wire.url, {
    method: wire.method,
    headers: wire.headers,
    body: /^(GET|HEAD)$/.test(wire.method) ? undefined : (wire.body ?? undefined),
  })
  const result = await verify(request, { lookupSecret: () => CASES.secret, now: CASES.now })
  if (!result.ok) outcomes.push(result.code)
  else if (!result.body) outcomes.push('ok')
  else {
    try {
      outcomes.push(`ok ${(await new Response(result.body).text()).length} bytes`)
    } catch (error) {
      outcomes.push((error as { code?: string }).code ?? 'untyped stream error')
    }
  }
}
console.log(JSON.stringify(outcomes))
