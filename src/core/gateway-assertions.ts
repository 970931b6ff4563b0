// X-Gatehouse-Assertion: a short-lived JWT, signed with the service's key and bound to the
// origin (aud), that lets the origin tell the identity headers came through the gateway. Signing
// costs an ECDSA operation, so an assertion is reused for the same identity and origin until
// ASSERTION_REUSE_MARGIN_SECONDS before it expires; the origin always gets one with at least that
// long to live.
import type { Deps } from './deps';
import type { Identity } from './edge-auth';
import { signToken } from '../crypto/jwt';

const ASSERTION_TTL_SECONDS = 300;
const ASSERTION_REUSE_MARGIN_SECONDS = 60;
const MAX_CACHED_ASSERTIONS = 10_000;

function signAssertion(deps: Deps, identity: Identity, audience: string, issuedAt: number): Promise<string> {
  const claims = {
    eco: identity.ecosystemId,
    role: identity.role,
    ...(identity.email !== null ? { email: identity.email } : {}),
  };
  return signToken(deps.keys, claims, {
    kind: 'assertion',
    issuer: deps.issuer,
    audience,
    subject: identity.userId,
    issuedAtSeconds: issuedAt,
    expiresAtSeconds: issuedAt + ASSERTION_TTL_SECONDS,
  });
}

/** An assertion of the identity for the origin, fresh or reused from this isolate's cache. */
export function assertionFor(deps: Deps, identity: Identity, origin: string): Promise<string> {
  const cache = deps.edge.assertions;
  const key = [deps.keys.signer.kid, deps.issuer, origin, identity.userId, identity.ecosystemId, identity.role, identity.email ?? ''].join(
    '\n',
  );
  const now = deps.now();
  const cached = cache.get(key);
  if (cached && now < cached.reuseUntil) return cached.token;
  const issuedAt = Math.floor(now / 1000);
  const token = signAssertion(deps, identity, origin, issuedAt);
  if (cache.size >= MAX_CACHED_ASSERTIONS) cache.clear();
  cache.set(key, { token, reuseUntil: (issuedAt + ASSERTION_TTL_SECONDS - ASSERTION_REUSE_MARGIN_SECONDS) * 1000 });
  token.catch(() => cache.delete(key));
  return token;
}
