// OpenID Connect ID tokens: signed with the service's signing key and kid, as access tokens are,
// but typed `JWT` (so no ID token is ever taken as a bearer token) and addressed to the client.
// `email_verified` is true only for an address a mailed link or code proved; profile claims only under `profile`.
import { signToken, TokenVerificationError, unverifiedClaims, verifyToken } from '../crypto/jwt';
import type { UserRow } from '../store/user-repo';
import type { AuthMethod } from './amr';
import type { Deps } from './deps';
import { emailVerified } from './users';

export interface IdTokenRequest {
  user: UserRow;
  clientId: string;
  scopes: string[];
  nonce: string | null;
  /** Seconds. */
  authTime: number;
  /** How the person signed in (RFC 8176), as the session behind the code recorded it; no claim when absent. */
  amr?: AuthMethod[];
  /** The upstream identity provider the sign-in went through; no claim when none. */
  idp?: string;
  /** The authentication context class the sign-in met, when the request asked (acr_values). */
  acr?: string;
}

export function issueIdToken(deps: Deps, request: IdTokenRequest): Promise<string> {
  const { user, scopes } = request;
  const issuedAt = Math.floor(deps.now() / 1000);
  const claims: Record<string, unknown> = { auth_time: request.authTime };
  if (request.nonce !== null) claims.nonce = request.nonce;
  if (request.amr && request.amr.length > 0) claims.amr = request.amr;
  if (request.idp) claims.idp = request.idp;
  if (request.acr) claims.acr = request.acr;
  if (scopes.includes('email') && user.email) {
    claims.email = user.email;
    claims.email_verified = emailVerified(user);
  }
  if (scopes.includes('profile')) {
    if (user.username) claims.preferred_username = user.username;
    if (user.firstName) claims.given_name = user.firstName;
    if (user.lastName) claims.family_name = user.lastName;
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
    if (name) claims.name = name;
    claims.locale = user.language;
  }
  return signToken(deps.keys, claims, {
    kind: 'id',
    issuer: deps.issuer,
    audience: request.clientId,
    subject: user.id,
    issuedAtSeconds: issuedAt,
    expiresAtSeconds: issuedAt + deps.config.accessTokenTtlSeconds,
  });
}

/**
 * The subject and client of an ID token this service issued (an RP's `id_token_hint`), or null. An
 * expired one still counts, as OpenID Connect RP-initiated logout says: jose checks the signature,
 * issuer and audience before the expiry, so "expired" means all of those held.
 */
export async function readIdTokenHint(deps: Deps, token: string): Promise<{ sub: string; clientId: string } | null> {
  const unverified = unverifiedClaims(token);
  const aud = unverified?.aud;
  if (typeof aud !== 'string' || typeof unverified?.sub !== 'string') return null;
  try {
    const claims = await verifyToken(deps.keys, token, {
      kind: 'id',
      issuer: deps.issuer,
      audience: aud,
      requireExpiry: true,
      nowSeconds: Math.floor(deps.now() / 1000),
    });
    return { sub: claims.sub!, clientId: aud };
  } catch (error) {
    if (!(error instanceof TokenVerificationError) || error.reason !== 'expired') return null;
    return { sub: unverified.sub, clientId: aud };
  }
}
