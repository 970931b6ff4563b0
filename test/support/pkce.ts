// An authorization request as a relying party makes it: PKCE S256, state and nonce, fresh each
// time. Pure (oauth4webapi only), so the workerd tests and the Chromium tests build it alike.
import * as oauth from 'oauth4webapi';

export interface Pkce {
  verifier: string;
  state: string;
  nonce: string;
}

/**
 * The query of GET /oauth/authorize for `clientId` and `redirectUri`, with its PKCE secrets;
 * `extra` overrides parameters, and a null there removes one.
 */
export async function authorizationQuery(
  clientId: string,
  redirectUri: string,
  extra: Record<string, string | null> = {},
): Promise<{ query: URLSearchParams; pkce: Pkce }> {
  const pkce = { verifier: oauth.generateRandomCodeVerifier(), state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce() };
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state: pkce.state,
    nonce: pkce.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(pkce.verifier),
    code_challenge_method: 'S256',
    ...extra,
  };
  const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== null));
  return { query, pkce };
}
