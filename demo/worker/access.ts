// Cloudflare Access, the alternative to Turnstile: Access sits in front of the Worker's hostname, signs in the
// visitor and passes a JWT in `Cf-Access-Jwt-Assertion`. The Worker still checks that JWT itself (signature with
// the team's published keys, audience, issuer, lifetime), so a request that reaches it another way (the
// workers.dev route, a preview URL) gets nothing. The JWT is checked with `jose`, as Cloudflare's guide does:
// https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose'

/** The request header Access puts its JWT in. */
export const ACCESS_JWT_HEADER = 'cf-access-jwt-assertion'

/** Where a team publishes its signing keys, below the team domain. */
export const ACCESS_CERTS_PATH = '/cdn-cgi/access/certs'

/** How long fetched keys are used before they are fetched again (Access rotates its keys every 6 weeks). */
const KEYS_CACHE_MS = 10 * 60 * 1000
/** Clock difference tolerated on `exp` and `nbf`, in seconds. */
const LEEWAY_SECONDS = 60

/** Options of {@link verifyAccessJwt}. */
export interface AccessOptions {
  /** The team domain, e.g. `https://example.cloudflareaccess.com` (the JWT's `iss`). */
  teamDomain: string
  /** The Access application's audience (AUD) tag. */
  audience: string
  /** Seconds since the epoch (default: now). */
  now?: number
}

/** The verdict, with the reason of a refusal for the log. */
export type AccessVerdict = { ok: true; email?: string } | { ok: false; reason: string }

/** One key set per team domain: jose fetches it, keeps it KEYS_CACHE_MS and refetches on an unknown `kid`. */
const teamKeySets = new Map<string, JWTVerifyGetKey>()

function teamKeys(teamDomain: string): JWTVerifyGetKey {
  let keys = teamKeySets.get(teamDomain)
  if (!keys) {
    keys = createRemoteJWKSet(new URL(teamDomain + ACCESS_CERTS_PATH), { cacheMaxAge: KEYS_CACHE_MS })
    teamKeySets.set(teamDomain, keys)
  }
  return keys
}

/**
 * Checks an Access JWT. Fails closed: anything but an RS256 token signed by one of the team's keys (named by its
 * `kid`), for this audience and issuer, with an expiry and within its lifetime, is refused.
 *
 * @example
 * const verdict = await verifyAccessJwt(request.headers.get(ACCESS_JWT_HEADER), { teamDomain, audience })
 * if (!verdict.ok) return refuse(verdict.reason)
 */
export async function verifyAccessJwt(token: string | null, options: AccessOptions): Promise<AccessVerdict> {
  if (!token) return { ok: false, reason: 'no Cf-Access-Jwt-Assertion header' }
  const teamDomain = options.teamDomain.replace(/\/+$/, '')
  const keys = teamKeys(teamDomain)
  try {
    const { payload } = await jwtVerify(
      token,
      (header, jws) => {
        // A key set of one key would otherwise be used for a token that names none.
        if (!header.kid) throw new Refused('the JWT names no key (kid)')
        return keys(header, jws)
      },
      {
        algorithms: ['RS256'],
        audience: options.audience,
        issuer: teamDomain,
        requiredClaims: ['exp'],
        clockTolerance: LEEWAY_SECONDS,
        ...(options.now !== undefined && { currentDate: new Date(options.now * 1000) }),
      },
    )
    return typeof payload.email === 'string' && payload.email ? { ok: true, email: payload.email } : { ok: true }
  } catch (error) {
    return { ok: false, reason: reasonOf(error) }
  }
}

class Refused extends Error {}

/** A refusal's reason for the log, from jose's error codes. */
function reasonOf(error: unknown): string {
  if (error instanceof Refused) return error.message
  const { code, claim, message } = error as { code?: string; claim?: string; message?: string }
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired'
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'nbf') return 'not yet valid'
      if (claim === 'aud') return 'aud does not name this application'
      if (claim === 'iss') return 'iss is not the team domain'
      return `claim ${String(claim)}: ${String(message)}`
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'alg is not RS256'
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the signature does not verify'
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return "the kid is not one of the team's keys"
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'not a JWT'
    default:
      return `the team keys could not be fetched or used: ${String(message)}`
  }
}
