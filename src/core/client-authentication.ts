// Authenticating a registered client at the token endpoint (and the other endpoints that take a
// client): a public client names itself; a confidential one presents its secret (client_secret_basic
// or client_secret_post, compared in constant time with its SHA-256) or, registered with its public
// keys, a signed assertion (private_key_jwt, RFC 7523 2.2) whose `jti` is good once.
import { AssertionError, verifyClientAssertion, type ClientKeySet } from '../crypto/client-assertion';
import { secretMatchesHash } from '../crypto/digest';
import { unverifiedClaims } from '../crypto/jwt';
import { recordAssertionId } from '../store/assertion-repo';
import type { Deps } from './deps';
import { AppError } from './errors';
import { findClient, PRIVATE_KEY_JWT, type OAuthClientRow } from './oauth-clients';

export interface ClientCredentials {
  clientId: string;
  /** From client_secret_basic or client_secret_post; absent for a public client. */
  secret?: string;
  /** A private_key_jwt client's signed assertion (client_assertion, RFC 7523 2.2). */
  assertion?: string;
}

/** The client an assertion names (its `sub`, before verification: which keys to verify it with); undefined when none. */
export function clientIdOfAssertion(assertion: string): string | undefined {
  const sub = assertion.length <= 8192 ? unverifiedClaims(assertion)?.sub : undefined;
  return typeof sub === 'string' ? sub : undefined;
}

/**
 * A private_key_jwt client's proof: its assertion verified with its registered keys, `aud` this
 * issuer or its token endpoint, and its `jti` never seen before (kept in D1 until it expires).
 */
async function checkAssertion(deps: Deps, client: OAuthClientRow, assertion: string | undefined): Promise<void> {
  if (assertion === undefined || !client.jwks)
    throw new AppError('UNAUTHENTICATED', { reason: 'this client authenticates with private_key_jwt' });
  const nowSeconds = Math.floor(deps.now() / 1000);
  let verified: { jti: string; exp: number };
  try {
    verified = await verifyClientAssertion(client.jwks as ClientKeySet, assertion, {
      clientId: client.id,
      audiences: [deps.issuer, `${deps.issuer}/oauth/token`],
      nowSeconds,
    });
  } catch (error) {
    if (error instanceof AssertionError) throw new AppError('UNAUTHENTICATED', { reason: 'the client assertion is invalid' });
    throw error;
  }
  const [recorded] = await recordAssertionId(deps.db, client.id, verified.jti, verified.exp * 1000);
  if (!recorded) throw new AppError('UNAUTHENTICATED', { reason: 'the client assertion was used before' });
}

/**
 * The registered client the token request authenticates as. A public client names itself; a
 * confidential one must present its secret. Unknown client, missing or wrong secret, or a secret
 * sent by a public client: UNAUTHENTICATED (`invalid_client`).
 */
export async function authenticateClient(deps: Deps, credentials: ClientCredentials): Promise<OAuthClientRow> {
  const client = await findClient(deps, credentials.clientId);
  if (!client) throw new AppError('UNAUTHENTICATED', { reason: 'unknown client' });
  if (client.isPublic) {
    if (credentials.secret !== undefined || credentials.assertion !== undefined) {
      throw new AppError('UNAUTHENTICATED', { reason: 'a public client has no secret' });
    }
    return client;
  }
  // Each client authenticates one way only: a secret is no proof for a private_key_jwt client, nor an assertion for another.
  if (client.tokenEndpointAuthMethod === PRIVATE_KEY_JWT) {
    if (credentials.secret !== undefined)
      throw new AppError('UNAUTHENTICATED', { reason: 'this client authenticates with private_key_jwt' });
    await checkAssertion(deps, client, credentials.assertion);
    return client;
  }
  if (credentials.assertion !== undefined) throw new AppError('UNAUTHENTICATED', { reason: 'this client authenticates with its secret' });
  if (credentials.secret === undefined || !secretMatchesHash(credentials.secret, client.secretHash ?? '')) {
    throw new AppError('UNAUTHENTICATED', { reason: 'client authentication failed' });
  }
  return client;
}

/**
 * The password grant's client check: a legacy face's client (no id, or an id that is no registered
 * client, such as `gatehouse`) goes on as before (undefined); a registered client must authenticate
 * and be allowed the grant (off by default: OAuth 2.1 drops it), else UNAUTHORIZED_CLIENT, and the
 * session it starts is bound to it (its id is returned) as a code grant's is.
 */
export async function checkPasswordGrantClient(deps: Deps, credentials: ClientCredentials | undefined): Promise<string | undefined> {
  if (credentials === undefined || !(await findClient(deps, credentials.clientId))) return undefined;
  const client = await authenticateClient(deps, credentials);
  if (!client.allowPasswordGrant) throw new AppError('UNAUTHORIZED_CLIENT');
  return client.id;
}
