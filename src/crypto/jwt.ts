// Signing and verifying our JWTs. Verification pins the algorithm to the key's own, the issuer,
// the audience and the token type (the `typ` header), and requires `exp` where the type has one,
// so no token of one kind can be played as another and `alg: none` or HS256 never verify.
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { KeyRing, Signer } from './keys';

/**
 * The legacy User Service's `crit: ["exp", "aud"]`. `crit` names header parameters, so `exp` and
 * `aud` are replicated into the protected header (RFC 7519 section 5.3) for verifiers that
 * enforce it (jose does); verification understands these two and no other.
 */
const CRITICAL_CLAIMS = { exp: true, aud: true } as const;

/** The `typ` header of each kind of token we sign. */
const TOKEN_TYPES = {
  access: 'at+jwt',
  user: 'user+jwt',
  assertion: 'gatehouse-assertion+jwt',
  /** OpenID Connect ID tokens: plain `JWT`, as relying parties expect; never taken as a bearer token. */
  id: 'JWT',
} as const;
export type TokenKind = keyof typeof TOKEN_TYPES;

/** A verified token's claims. */
export type Claims = JWTPayload;

/**
 * The kind a bearer token says it is (its `typ` header), before any verification: an access or a
 * user token; null for anything else (an assertion, another `typ`, a header that is not JSON).
 */
export function bearerKindOf(token: string): 'access' | 'user' | null {
  let typ: unknown;
  try {
    typ = decodeProtectedHeader(token).typ;
  } catch {
    return null;
  }
  if (typ === TOKEN_TYPES.access) return 'access';
  if (typ === TOKEN_TYPES.user) return 'user';
  return null;
}

interface SignOptions {
  kind: TokenKind;
  issuer: string;
  audience: string | string[];
  subject: string;
  issuedAtSeconds: number;
  /** Absent only for tokens that never expire by time (droplit `Infinite`). */
  expiresAtSeconds?: number;
  id?: string;
  /** The key to sign with; the ring's default signer when absent. */
  signer?: Signer;
  /** Mark `exp` and `aud` critical (the legacy User Service profile); needs `expiresAtSeconds`. */
  critical?: boolean;
}

export function signToken(ring: KeyRing, claims: Record<string, unknown>, options: SignOptions): Promise<string> {
  const signer = options.signer ?? ring.signer;
  const header = { alg: signer.alg, kid: signer.kid, typ: TOKEN_TYPES[options.kind] };
  const critical = options.critical ? { crit: Object.keys(CRITICAL_CLAIMS), exp: options.expiresAtSeconds, aud: options.audience } : {};
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ ...header, ...critical })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(options.subject)
    .setIssuedAt(options.issuedAtSeconds);
  if (options.expiresAtSeconds !== undefined) jwt.setExpirationTime(options.expiresAtSeconds);
  if (options.id !== undefined) jwt.setJti(options.id);
  return jwt.sign(signer.key, options.critical ? { crit: CRITICAL_CLAIMS } : undefined);
}

interface VerifyOptions {
  kind: TokenKind;
  issuer: string;
  audience: string;
  requireExpiry: boolean;
  nowSeconds: number;
}

/** How far in the future a token's `iat` may lie (clock skew between issuers) before it is refused. */
const MAX_ISSUED_AT_SKEW_SECONDS = 60;

type VerifyFailure = 'expired' | 'invalid';

export class TokenVerificationError extends Error {
  constructor(readonly reason: VerifyFailure) {
    super(reason === 'expired' ? 'token expired' : 'token invalid');
    this.name = 'TokenVerificationError';
  }
}

export async function verifyToken(ring: KeyRing, token: string, options: VerifyOptions): Promise<JWTPayload> {
  const resolveKey = (header: ProtectedHeaderParameters) => {
    const entry = header.kid === undefined ? undefined : ring.verifiers.get(header.kid);
    if (!entry || entry.alg !== header.alg) throw new TokenVerificationError('invalid');
    return entry.key;
  };
  try {
    const { payload } = await jwtVerify(token, resolveKey, {
      algorithms: ring.algorithms,
      issuer: options.issuer,
      audience: options.audience,
      typ: TOKEN_TYPES[options.kind],
      crit: CRITICAL_CLAIMS,
      requiredClaims: options.requireExpiry ? ['exp', 'iat', 'sub'] : ['iat', 'sub'],
      currentDate: new Date(options.nowSeconds * 1000),
    });
    if (typeof payload.iat === 'number' && payload.iat > options.nowSeconds + MAX_ISSUED_AT_SKEW_SECONDS) {
      throw new TokenVerificationError('invalid');
    }
    return payload;
  } catch (error) {
    if (error instanceof TokenVerificationError) throw error;
    if (error instanceof errors.JWTExpired) throw new TokenVerificationError('expired');
    throw new TokenVerificationError('invalid');
  }
}

/** A JWT's payload read without verification (to pick the audience to verify against), or null. */
export function unverifiedClaims(token: string): JWTPayload | null {
  try {
    return decodeJwt(token);
  } catch {
    return null;
  }
}
