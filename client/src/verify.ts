// Verifying Gatehouse tokens in another Worker or a Node backend with jose against the service's
// JWKS: signature (asymmetric algorithms only, so never `alg: none` or HS256), token type, issuer
// and audience when given, expiry. Only the service knows about revocation and SlidingTtl's last
// use: use the middleware's service binding (or /auth/verify) where those matter.
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { GatehouseError } from './errors.ts';
import type { ExpiryType } from './users.ts';

/** The claims every Gatehouse bearer token carries. */
interface BaseClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  iat: number;
  exp?: number;
  jti?: string;
  /** The session: revoke it with `admin.sessions.revoke(sid)`. */
  sid: string;
  /** The ecosystem of the user. */
  eco: string;
  role: string;
  email?: string | null;
  [claim: string]: unknown;
}

/** An access token (`typ: at+jwt`): OAuth, the Gatekeeper and the User Service. */
export interface AccessTokenClaims extends BaseClaims {
  ext?: undefined;
  exp: number;
  client_id?: string;
  preferred_username?: string;
  permissionLevel?: number;
}

/** A droplit user token (`typ: user+jwt`); only FixedTtl tokens carry `exp`. */
export interface UserTokenClaims extends BaseClaims {
  ext: ExpiryType;
  /** The application's own user id. */
  uid: string;
  ttl?: number;
}

export type GatehouseClaims = AccessTokenClaims | UserTokenClaims;

type JwksFetch = (url: string, init: RequestInit) => Promise<Response>;

export type VerifyOptions = (
  | {
      /** `https://<gatehouse>/.well-known/jwks.json`: fetched once and cached per isolate (jose refetches on an unknown kid). */ jwksUrl:
        | string
        | URL;
      fetch?: JwksFetch;
      jwks?: never;
    }
  | { /** A key set you already hold. */ jwks: JSONWebKeySet; jwksUrl?: never }
) & {
  /** The service's `ISSUER` (or its URL when unset); checked when given. */
  issuer?: string;
  /** The service's `TOKEN_AUDIENCE` (default `gatehouse`); checked when given. */
  audience?: string;
  /** The time to check expiry at (default now). */
  currentDate?: Date;
};

const ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519', 'RS256'];
const TYPES: Record<string, 'access' | 'user'> = { 'at+jwt': 'access', 'user+jwt': 'user' };
/** The legacy User Service profile marks `exp` and `aud` critical; jose checks both claims anyway. */
const CRIT = { exp: true, aud: true };
const MAX_FUTURE_IAT_SECONDS = 60;

const remoteSets = new Map<string, JWTVerifyGetKey>();
const remoteSetsByFetch = new WeakMap<JwksFetch, Map<string, JWTVerifyGetKey>>();

function remoteSet(url: string, fetch: JwksFetch | undefined): JWTVerifyGetKey {
  let sets = remoteSets;
  if (fetch) {
    sets = remoteSetsByFetch.get(fetch) ?? new Map();
    remoteSetsByFetch.set(fetch, sets);
  }
  let set = sets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), fetch ? { [customFetch]: fetch } : {});
    sets.set(url, set);
  }
  return set;
}

/** Verifies a Gatehouse access or user token and returns its claims; a GatehouseError (401, or 503 when the JWKS cannot be read) otherwise. */
export async function verify(token: string, options: VerifyOptions): Promise<GatehouseClaims> {
  const keys = options.jwks ? createLocalJWKSet(options.jwks) : remoteSet(String(options.jwksUrl), options.fetch);
  const now = options.currentDate ?? new Date();
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      algorithms: ALGORITHMS,
      issuer: options.issuer,
      audience: options.audience,
      crit: CRIT,
      requiredClaims: ['sub', 'iat'],
      currentDate: now,
    });
    const type = TYPES[String(protectedHeader.typ)];
    if (type === undefined) throw invalid('not a Gatehouse access or user token');
    if (type === 'access' && payload.exp === undefined) throw invalid('an access token without exp');
    if ((payload.iat as number) > now.getTime() / 1000 + MAX_FUTURE_IAT_SECONDS) throw invalid('issued in the future');
    return payload as GatehouseClaims;
  } catch (error) {
    if (error instanceof GatehouseError) throw error;
    if (error instanceof errors.JWTExpired) throw new GatehouseError(401, 'TOKEN_EXPIRED', 'the token has expired');
    // jose's plain JOSEError (ERR_JOSE_GENERIC) is a JWKS answer that was not 200 or not JSON.
    const unreadable =
      error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC');
    if (unreadable || !(error instanceof errors.JOSEError)) {
      throw new GatehouseError(503, 'JWKS_UNAVAILABLE', 'the signing keys could not be read');
    }
    throw invalid(error.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? error.message : 'the token is invalid');
  }
}

function invalid(message: string): GatehouseError {
  return new GatehouseError(401, 'INVALID_TOKEN', message);
}
