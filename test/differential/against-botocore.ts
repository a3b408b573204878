// Signs one generated case with our signer and with botocore and lists every difference (empty: they agree).
import { presign, presignParts, sign, signParts } from '../../src/index.js'
import { SIGV4 } from '../../src/core/engine.js'
import { resolvePresignOptions } from '../../src/core/options.js'
import { prepareRequest } from '../../src/core/request.js'
import { signRequestWith } from '../../src/core/with-algorithm.js'
import type { Botocore, BotocoreJob } from './botocore.js'
import type { Case } from './generator.js'
import {
  bodyBytes,
  fetchWire,
  headerLines,
  mismatchReport,
  options,
  parts,
  queryParams,
  requestLike,
  sameList,
  sameSteps,
  wireUrl,
  type Side,
} from './inputs.js'
import { toBase64 } from './random.js'

function job(c: Case, url: string, headers: Array<[string, string]>): BotocoreJob {
  const bytes = bodyBytes(c)
  return {
    mode: c.mode,
    s3: c.s3,
    method: c.method,
    url,
    headers,
    bodyBase64: bytes === null ? null : toBase64(bytes),
    accessKeyId: c.credentials.accessKeyId,
    secretAccessKey: c.credentials.secretAccessKey,
    sessionToken: c.credentials.sessionToken,
    region: c.region,
    service: c.service,
    amzDate: c.amzDate,
    expiresIn: c.expiresIn,
    // A stream body is S3's UNSIGNED-PAYLOAD; botocore gets there through its payload-signing switch.
    unsignedPayload: c.unsignedPayload || c.stream,
  }
}

/** Returns null when both agree, else a full report of the case. */
export async function compareWithBotocore(c: Case, botocore: Botocore): Promise<string | null> {
  // botocore signs x-amz-* headers of a presigned request as headers: compare with hoisting (the default) off.
  const opts = { ...options(c), hoistHeaders: false }
  let ours: Side
  const extra: string[] = []
  if (!c.highLevel) {
    const theirs = await botocore.sign(job(c, wireUrl(c), c.headers))
    if (c.mode === 'header') {
      const signed = await signParts(parts(c), opts)
      ours = signed
      extra.push(...sameList('headers', headerLines(signed.headers), headerLines(theirs.headers)))
    } else {
      const signed = await presignParts(parts(c), opts)
      ours = signed
      const url = new URL(theirs.url)
      extra.push(...sameList('query parameters', queryParams(signed.query), queryParams(url.search.slice(1))))
    }
    const differences = [...sameSteps(ours, theirs), ...extra]
    return differences.length ? mismatchReport(c, 'botocore', ours, theirs, differences) : null
  }
  const wire = fetchWire(c)
  const theirs = await botocore.sign(job(c, wire.url, wire.headers))
  if (c.mode === 'header') {
    // sign() is signRequestWith(..., SIGV4).request; the latter also hands back the steps to compare.
    const { signed } = await signRequestWith(requestLike(c), opts, SIGV4)
    ours = signed
    const request = await sign(requestLike(c), opts)
    extra.push(...sameList('headers of sign()', headerLines(request.headers), headerLines(theirs.headers)))
    if (request.url !== wire.url) extra.push(`URL of sign(): ${request.url} vs ${wire.url}`)
  } else {
    const prepared = await prepareRequest(requestLike(c), (host, path) => resolvePresignOptions(opts, host, path))
    ours = await presignParts(prepared.parts, opts)
    const url = await presign(requestLike(c), opts)
    const expected = new URL(theirs.url)
    if (url.origin + url.pathname !== expected.origin + expected.pathname)
      extra.push(`URL of presign(): ${url.href} vs ${theirs.url}`)
    extra.push(
      ...sameList(
        'query parameters of presign()',
        queryParams(url.search.slice(1)),
        queryParams(expected.search.slice(1)),
      ),
    )
  }
  const differences = [...sameSteps(ours, theirs), ...extra]
  return differences.length ? mismatchReport(c, 'botocore', ours, theirs, differences) : null
}
