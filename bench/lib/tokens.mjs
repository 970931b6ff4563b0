// Secrets for the bench run (a fresh account token and ES256 key set, never written to disk) and
// tokens minted with that key in the shapes the service issues: verification at the edge treats
// them exactly as its own, which lets the bench hold thousands of never-seen tokens ready.
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const ISSUER = 'https://gatehouse.bench';
export const AUDIENCE = 'gatehouse';
const KID = 'bench-es256';

export async function benchSecrets() {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: KID, alg: 'ES256' };
  return {
    privateKey,
    ACCOUNT_TOKEN: `acct_${randomBytes(32).toString('base64url')}`,
    SIGNING_KEYS: JSON.stringify({ keys: [jwk] }),
  };
}

function sign(privateKey, typ, claims, { subject, issuedAt, expiresAt, id }) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: KID, typ })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(subject)
    .setIssuedAt(issuedAt);
  if (expiresAt !== undefined) jwt.setExpirationTime(expiresAt);
  if (id !== undefined) jwt.setJti(id);
  return jwt.sign(privateKey);
}

/** An access token (FixedTtl, 1 hour) with the claims of core/access-tokens.ts (a new user's epoch, `gen`, is 0); `jti` makes each unique. */
export function accessToken(privateKey, user, sessionId = randomUUID()) {
  const issuedAt = Math.floor(Date.now() / 1000);
  const claims = {
    sid: sessionId,
    gen: 0,
    eco: user.ecosystemId,
    role: user.role,
    id: user.id,
    email: user.email,
    firstname: null,
    lastname: null,
    language: 'en',
    permissionLevel: 2,
  };
  return sign(privateKey, 'at+jwt', claims, { subject: user.id, issuedAt, expiresAt: issuedAt + 3600, id: randomUUID() });
}

/** A droplit SlidingTtl user token with the claims of core/user-tokens.ts. */
export function slidingUserToken(privateKey, user, sessionId, ttlSeconds) {
  const claims = {
    sid: sessionId,
    gen: 0,
    eco: user.ecosystemId,
    uid: 'bench-user',
    email: user.email,
    role: user.role,
    ext: 'SlidingTtl',
    ttl: ttlSeconds,
  };
  return sign(privateKey, 'user+jwt', claims, { subject: user.id, issuedAt: Math.floor(Date.now() / 1000), id: sessionId });
}
