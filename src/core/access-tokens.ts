// Access tokens: one JWT format for every face, so a token from one face works on another and a
// revocation anywhere reaches all of them. Shaped as RFC 9068 says (typ at+jwt, jti, client_id:
// the registered client the session was started for, else the deployment's audience for the
// legacy faces' clients; `scope` when a code grant gave one),
// with the ecosystem and role, and the User Service's own claims (id, email, firstname, lastname,
// language, permissionLevel); a face's token profile reshapes them (token-profiles.ts).
import { signToken } from '../crypto/jwt';
import { randomId } from '../crypto/random';
import type { UserRow } from '../store/user-repo';
import { decodeAmr } from './amr';
import type { Deps } from './deps';
import { shapeAccessToken, type TokenProfile } from './token-profiles';
import { permissionLevelOf } from './users';

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

/**
 * An access token of the session, carrying the token epoch the session was started under as `gen`,
 * and, in the default profile only, how its person signed in (`amr`, when the session recorded it):
 * the legacy profiles keep their original shape.
 */
export async function issueAccessToken(
  deps: Deps,
  user: UserRow,
  session: { id: string; userEpoch: number; amr?: string | null; clientId?: string | null; scope?: string | null },
  profile: TokenProfile = 'default',
): Promise<IssuedAccessToken> {
  const issuedAt = Math.floor(deps.now() / 1000);
  const expiresIn = deps.config.accessTokenTtlSeconds;
  const claims = {
    sid: session.id,
    gen: session.userEpoch,
    client_id: session.clientId ?? deps.config.audience,
    scope: session.scope ?? undefined,
    eco: user.ecosystemId,
    role: user.role,
    id: user.id,
    email: user.email,
    preferred_username: user.username ?? undefined,
    firstname: user.firstName,
    lastname: user.lastName,
    language: user.language,
    permissionLevel: permissionLevelOf(user.role),
  };
  const amr = profile === 'default' ? decodeAmr(session.amr) : undefined;
  const shaped = shapeAccessToken(deps.config, deps.keys, profile, user, amr ? { ...claims, amr } : claims);
  const token = await signToken(deps.keys, shaped.claims, {
    kind: 'access',
    issuer: deps.issuer,
    audience: shaped.audience,
    signer: shaped.signer,
    critical: shaped.critical,
    subject: user.id,
    issuedAtSeconds: issuedAt,
    expiresAtSeconds: issuedAt + expiresIn,
    id: randomId(),
  });
  return { token, expiresIn };
}

/**
 * A machine token (the client credentials grant, RFC 6749 4.4): an access token like the others
 * (typ at+jwt, the same key, issuer, audience and lifetime) whose subject is the client itself, as
 * RFC 9068 2.2 says, with `client_id` and no user, session or ecosystem claims, so no route that
 * wants a user takes it (edge-auth.ts refuses a token without `sid`). `gty` marks it, `scope` holds
 * the granted scopes, `cgen` the client's token epoch it was issued under (machine-tokens.ts).
 */
export async function issueMachineAccessToken(
  deps: Deps,
  client: { id: string; tokenEpoch: number },
  scope: string | undefined,
  resource?: string,
): Promise<IssuedAccessToken> {
  const issuedAt = Math.floor(deps.now() / 1000);
  const expiresIn = deps.config.accessTokenTtlSeconds;
  const claims = { client_id: client.id, gty: 'client_credentials', cgen: client.tokenEpoch, ...(scope === undefined ? {} : { scope }) };
  const token = await signToken(deps.keys, claims, {
    kind: 'access',
    issuer: deps.issuer,
    // RFC 8707: the resource it is for, beside this service's own audience (which the edge checks).
    audience: resource === undefined ? deps.config.audience : [deps.config.audience, resource],
    subject: client.id,
    issuedAtSeconds: issuedAt,
    expiresAtSeconds: issuedAt + expiresIn,
    id: randomId(),
  });
  return { token, expiresIn };
}
