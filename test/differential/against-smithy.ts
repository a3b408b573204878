// Signs one generated case with our signer and with @smithy/signature-v4 (the AWS SDK for JavaScript v3's signer).
// smithy does not expose its canonical request, so it is rebuilt with smithy's own exported steps and checked
// against the signature smithy actually produced (a rebuilt request that does not explain it fails the case).
import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4, getCanonicalHeaders, getPayloadHash } from '@smithy/signature-v4'
import type { HttpRequest as SignableRequest } from '@smithy/types'
import { presign, presignParts, sign, signParts } from '../../src/index.js'
import { SIGV4 } from '../../src/core/engine.js'
import { resolvePresignOptions } from '../../src/core/options.js'
import { prepareRequest } from '../../src/core/request.js'
import { signRequestWith } from '../../src/core/with-algorithm.js'
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
  type Side,
} from './inputs.js'
import { strictEncode } from './random.js'

const CONTENT_SHA256 = 'x-amz-content-sha256'

/** smithy's signer with its (protected) canonical request and string to sign steps opened for inspection. */
class InspectableSignatureV4 extends SignatureV4 {
  canonicalRequestOf(request: SignableRequest, canonicalHeaders: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, canonicalHeaders, payloadHash)
  }

  stringToSignOf(amzDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(amzDate, scope, canonicalRequest, 'AWS4-HMAC-SHA256')
  }
}

/** The request smithy signs: the same wire parts, with a decoded query object and an explicit host header. */
function smithyRequest(c: Case, wire: { path: string; headers: Array<[string, string]> }): HttpRequest {
  const query: Record<string, string | string[]> = {}
  for (const [key, value] of c.queryPairs) {
    const previous = query[key]
    const text = value ?? '' // a bare key signs as `key=`
    query[key] = previous === undefined ? text : [...(Array.isArray(previous) ? previous : [previous]), text]
  }
  const headers: Record<string, string> = { host: c.host }
  for (const [name, value] of wire.headers) headers[name] = value
  // The SDK states UNSIGNED-PAYLOAD in the header (S3 presign, unsigned bodies); smithy takes the hash from there.
  if ((c.s3 && c.mode === 'query') || c.unsignedPayload || c.stream) headers[CONTENT_SHA256] = 'UNSIGNED-PAYLOAD'
  const [hostname, port] = c.host.split(':') as [string, string | undefined]
  const body =
    c.mode === 'header' && c.body !== null ? ('text' in c.body && !c.stream ? c.body.text : bodyBytes(c)!) : undefined
  return new HttpRequest({
    method: c.method,
    protocol: c.scheme + ':',
    hostname,
    port: port ? Number(port) : undefined,
    path: wire.path,
    query,
    headers,
    body,
  })
}

function encodeSmithyQuery(query: Record<string, string | string[] | null>): string {
  return Object.entries(query)
    .flatMap(([key, value]) =>
      value === null
        ? []
        : (Array.isArray(value) ? value : [value]).map((item) => strictEncode(key) + '=' + strictEncode(item)),
    )
    .join('&')
}

/** Returns null when both agree, else a full report of the case. */
export async function compareWithSmithy(c: Case): Promise<string | null> {
  const opts = options(c)
  const wire = c.highLevel ? fetchWire(c) : { url: '', headers: c.headers }
  const path = c.highLevel ? new URL(wire.url).pathname : c.path
  const request = smithyRequest(c, { path, headers: wire.headers })
  const signer = new InspectableSignatureV4({
    credentials: { ...c.credentials },
    region: c.region,
    service: c.service,
    sha256: Sha256,
    uriEscapePath: !c.s3,
    applyChecksum: c.s3,
  })
  const signingDate = new Date(c.datetime)
  const scope = `${c.amzDate.slice(0, 8)}/${c.region}/${c.service}/aws4_request`
  const extra: string[] = []
  let theirs: Side
  let ours: Side
  if (c.mode === 'header') {
    const signed = await signer.sign(request, { signingDate })
    const { authorization = '', ...headers } = signed.headers
    const canonicalHeaders = getCanonicalHeaders({ ...signed, headers })
    const canonicalRequest = signer.canonicalRequestOf(
      { ...signed, headers },
      canonicalHeaders,
      await getPayloadHash({ ...signed, headers }, Sha256),
    )
    const signature = /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1] ?? `(none in "${authorization}")`
    theirs = {
      canonicalRequest,
      stringToSign: await signer.stringToSignOf(c.amzDate, scope, canonicalRequest),
      signature,
    }
    const signedHeaders = /SignedHeaders=([^,]+),/.exec(authorization)?.[1]
    if (signedHeaders !== Object.keys(canonicalHeaders).sort().join(';'))
      extra.push(`smithy's SignedHeaders ${signedHeaders} is not the rebuilt list`)
    const theirHeaders = headerLines(Object.entries(signed.headers).filter(([name]) => name !== 'host'))
    if (c.highLevel) {
      // sign() is signRequestWith(..., SIGV4).request; the latter also hands back the steps to compare.
      ours = (await signRequestWith(requestLike(c), opts, SIGV4)).signed
      extra.push(
        ...sameList('headers of sign()', headerLines((await sign(requestLike(c), opts)).headers), theirHeaders),
      )
    } else {
      const steps = await signParts(parts(c), opts)
      ours = steps
      extra.push(...sameList('headers', headerLines(steps.headers), theirHeaders))
    }
  } else {
    const unsignable = new Set([CONTENT_SHA256])
    const presigned = await signer.presign(request, {
      signingDate,
      expiresIn: c.expiresIn,
      unsignableHeaders: unsignable,
      unhoistableHeaders: unsignable,
    })
    const canonicalHeaders = getCanonicalHeaders(presigned, unsignable)
    const canonicalRequest = signer.canonicalRequestOf(
      presigned,
      canonicalHeaders,
      await getPayloadHash(request, Sha256),
    )
    const signature = String(presigned.query?.['X-Amz-Signature'])
    theirs = {
      canonicalRequest,
      stringToSign: await signer.stringToSignOf(c.amzDate, scope, canonicalRequest),
      signature,
    }
    const theirQuery = queryParams(encodeSmithyQuery(presigned.query ?? {}))
    if (c.highLevel) {
      const prepared = await prepareRequest(requestLike(c), (host, path) => resolvePresignOptions(opts, host, path))
      ours = await presignParts(prepared.parts, opts)
      extra.push(
        ...sameList(
          'query parameters of presign()',
          queryParams((await presign(requestLike(c), opts)).search.slice(1)),
          theirQuery,
        ),
      )
    } else {
      const steps = await presignParts(parts(c), opts)
      ours = steps
      extra.push(...sameList('query parameters', queryParams(steps.query), theirQuery))
    }
  }
  const differences = [...sameSteps(ours, theirs), ...extra]
  return differences.length ? mismatchReport(c, 'smithy', ours, theirs, differences) : null
}
