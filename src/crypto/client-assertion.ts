// A client's signed assertion (RFC 7523 2.2, OpenID Connect Core 9 `private_key_jwt`), verified
// with the public keys the client registered: asymmetric algorithms only (never `none` or an HMAC
// that a public key could be misused as), `iss` and `sub` the client, `aud` this service, `exp`
// and `jti` present, and a short lifetime. The caller keeps each `jti` until `exp` (single use).
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

export type ClientKeySet = JSONWebKeySet;

export const CLIENT_ASSERTION_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA'];
/** The longest an assertion may claim to live (exp - now): long-lived ones are replay material. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 30;

export class AssertionError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'AssertionError';
  }
}

export interface VerifiedAssertion {
  jti: string;
  /** Seconds. */
  exp: number;
}

export async function verifyClientAssertion(
  jwks: JSONWebKeySet,
  assertion: string,
  expected: { clientId: string; audiences: string[]; nowSeconds: number },
): Promise<VerifiedAssertion> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(jwks), {
      algorithms: CLIENT_ASSERTION_ALGORITHMS,
      issuer: expected.clientId,
      subject: expected.clientId,
      audience: expected.audiences,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(expected.nowSeconds * 1000),
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new AssertionError(error.code);
    throw error;
  }
  const { jti, exp } = payload as { jti: unknown; exp: number };
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)
    throw new AssertionError('jti must be a string of 1 to 256 characters');
  if (exp - expected.nowSeconds > MAX_ASSERTION_LIFETIME_SECONDS) throw new AssertionError('the assertion lives too long');
  return { jti, exp };
}
