// Cloudflare Access, the alternative to Turnstile: Access sits in front of the Worker's hostname, signs in the
// visitor and passes a JWT in `Cf-Access-Jwt-Assertion`. The Worker still checks that JWT itself (signature with
// the team's published keys, audience, issuer, lifetime), so a request that reaches it another way (the
// workers.dev route, a preview URL) gets nothing. https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/

/** The request header Access puts its JWT in. */
export const ACCESS_JWT_HEADER = 'cf-access-jwt-assertion'

/** Where a team publishes its signing keys, below the team domain. */
export const ACCESS_CERTS_PATH = '/cdn-cgi/access/certs'

/** How long fetched keys are used before they are fetched again (Access rotates its keys every 6 weeks). */
const KEYS_CACHE_MS = 10 * 60 * 1000
/** Clock difference tolerated on `exp` and `nbf`, in seconds. */
const LEEWAY_SECONDS = 60
const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }

/** Options of {@link verifyAccessJwt}. */
export interface AccessOptions {
  /** The team domain, e.g. `https://example.cloudflareaccess.com` (the JWT's `iss`). */
  teamDomain: string
  /** The Access application's audience (AUD) tag. */
  audience: string
  /** Seconds since the epoch (default: now). */
  now?: number
  fetch?: (request: Request) => Promise<Response>
}

/** The verdict, with the reason of a refusal for the log. */
export type AccessVerdict = { ok: true; email?: string } | { ok: false; reason: string }

interface JwtHeader {
  alg?: string
  kid?: string
}

interface JwtClaims {
  aud?: string | string[]
  iss?: string
  exp?: number
  nbf?: number
  email?: string
}

const keyCache = new Map<string, { fetchedAt: number; keys: Map<string, CryptoKey> }>()

/**
 * Checks an Access JWT. Fails closed: anything but an RS256 token signed by one of the team's keys, for this
 * audience and issuer, within its lifetime, is refused.
 *
 * @example
 * const verdict = await verifyAccessJwt(request.headers.get(ACCESS_JWT_HEADER), { teamDomain, audience })
 * if (!verdict.ok) return refuse(verdict.reason)
 */
export async function verifyAccessJwt(token: string | null, options: AccessOptions): Promise<AccessVerdict> {
  if (!token) return { ok: false, reason: 'no Cf-Access-Jwt-Assertion header' }
  const parts = token.split('.')
  if (parts.length !== 3) return { ok: false, reason: 'not a JWT (three dot-separated parts)' }
  const [encodedHeader, encodedClaims, encodedSignature] = parts as [string, string, string]
  let header: JwtHeader
  let claims: JwtClaims
  let signature: Uint8Array<ArrayBuffer>
  try {
    header = JSON.parse(base64UrlText(encodedHeader)) as JwtHeader
    claims = JSON.parse(base64UrlText(encodedClaims)) as JwtClaims
    signature = base64UrlBytes(encodedSignature)
  } catch {
    return { ok: false, reason: 'the JWT does not decode' }
  }
  if (header.alg !== 'RS256') return { ok: false, reason: `alg ${String(header.alg)} is not RS256` }
  if (!header.kid) return { ok: false, reason: 'the JWT names no key (kid)' }
  const teamDomain = options.teamDomain.replace(/\/+$/, '')
  let key: CryptoKey | undefined
  try {
    key = (await teamKeys(teamDomain, options.fetch)).get(header.kid)
  } catch (error) {
    return { ok: false, reason: `the team keys could not be fetched: ${(error as Error).message}` }
  }
  if (!key) return { ok: false, reason: `kid ${header.kid} is not one of the team's keys` }
  const signed = new TextEncoder().encode(`${encodedHeader}.${encodedClaims}`)
  if (!(await crypto.subtle.verify(RS256, key, signature, signed)))
    return { ok: false, reason: 'the signature does not verify' }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!audiences.includes(options.audience)) return { ok: false, reason: 'aud does not name this application' }
  if (claims.iss !== teamDomain) return { ok: false, reason: `iss ${String(claims.iss)} is not ${teamDomain}` }
  const now = options.now ?? Math.floor(Date.now() / 1000)
  if (typeof claims.exp !== 'number' || claims.exp + LEEWAY_SECONDS < now) return { ok: false, reason: 'expired' }
  if (typeof claims.nbf === 'number' && claims.nbf - LEEWAY_SECONDS > now) return { ok: false, reason: 'not yet valid' }
  return claims.email ? { ok: true, email: claims.email } : { ok: true }
}

async function teamKeys(
  teamDomain: string,
  send: (request: Request) => Promise<Response> = (request) => fetch(request),
): Promise<Map<string, CryptoKey>> {
  const cached = keyCache.get(teamDomain)
  if (cached && Date.now() - cached.fetchedAt < KEYS_CACHE_MS) return cached.keys
  const response = await send(new Request(teamDomain + ACCESS_CERTS_PATH))
  if (!response.ok) throw new Error(`${ACCESS_CERTS_PATH} answered ${response.status}`)
  const { keys = [] } = (await response.json()) as { keys?: Array<JsonWebKey & { kid?: string }> }
  const imported = new Map<string, CryptoKey>()
  for (const jwk of keys) {
    if (jwk.kty !== 'RSA' || !jwk.kid) continue
    const { kid, ...publicKey } = jwk
    imported.set(kid, await crypto.subtle.importKey('jwk', { ...publicKey, alg: 'RS256' }, RS256, false, ['verify']))
  }
  keyCache.set(teamDomain, { fetchedAt: Date.now(), keys: imported })
  return imported
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (char) => char.charCodeAt(0))
}

function base64UrlText(text: string): string {
  return new TextDecoder().decode(base64UrlBytes(text))
}
