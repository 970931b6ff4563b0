// Signing in through an upstream OpenID provider (issue 22), with oauth4webapi as the relying party:
// authorization code with PKCE S256, `state` and `nonce` bound to this browser by a short-lived
// sealed cookie (AES-GCM under IDP_SECRET_KEY, bound to the provider id), the ID token's signature
// checked against the upstream's JWKS (cached in the isolate) and its `iss`, `aud`, `exp` and
// `nonce` checked. Upstream tokens live only for this request. Every failure is an
// UpstreamSignInFailure naming what happened, for the page to say; nothing here redirects.
import * as oauth from 'oauth4webapi';
import { seal, unseal } from '../crypto/sealed';
import type { Deps } from './deps';
import { AppError } from './errors';
import { clientSecretOf, getProvider, idpSecretKey, redirectUriOf, type IdentityProviderRow } from './identity-providers';
import { linkUpstreamIdentity, signInWithUpstreamIdentity, type UpstreamIdentity } from './linked-identities';
import type { BrowserSession } from './browser-sessions';
import { githubEndpoints, githubIdentity } from './upstream-github';
import { UpstreamSignInFailure } from './upstream-failures';

export { UpstreamSignInFailure };

/** How long a started sign-in may take at the upstream before its state cookie ends. */
export const UPSTREAM_STATE_TTL_SECONDS = 600;
const UPSTREAM_TIMEOUT_SECONDS = 10;
const STATE_PURPOSE = 'upstream-sign-in-state';

interface FlowState {
  provider: string;
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  expiresAt: number;
  /** Set when the account page's "link another" started it: the browser session that asked. */
  linkFor?: string;
}

/** The upstream's metadata and keys, per issuer, for this isolate (discovery is read once a while). */
const discovered = new Map<string, { as: oauth.AuthorizationServer; at: number }>();
const jwksCaches = new Map<string, oauth.JWKSCacheInput>();
const DISCOVERY_CACHE_MS = 10 * 60 * 1000;

function httpOptions(deps: Deps, issuer: URL) {
  return {
    [oauth.customFetch]: deps.fetch,
    // http is allowed for a loopback issuer only (checked when the provider was configured).
    [oauth.allowInsecureRequests]: issuer.protocol === 'http:',
    signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_SECONDS * 1000),
  };
}

async function authorizationServer(deps: Deps, provider: IdentityProviderRow): Promise<oauth.AuthorizationServer> {
  if (provider.kind === 'github') return githubEndpoints(provider).as;
  if (!provider.issuer) throw new UpstreamSignInFailure('unsupported', `kind ${provider.kind}`);
  const cached = discovered.get(provider.issuer);
  if (cached && deps.now() - cached.at < DISCOVERY_CACHE_MS) return cached.as;
  const issuer = new URL(provider.issuer);
  const as = await upstreamCall(() =>
    oauth
      .discoveryRequest(issuer, { algorithm: 'oidc', ...httpOptions(deps, issuer) })
      .then((r) => oauth.processDiscoveryResponse(issuer, r)),
  );
  discovered.set(provider.issuer, { as, at: deps.now() });
  return as;
}

/** Any error of the upstream exchange (network, timeout, a refused or malformed answer) as an `upstream` failure. */
async function upstreamCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UpstreamSignInFailure || error instanceof AppError) throw error;
    const name = error instanceof Error ? ((error as { code?: string }).code ?? error.name) : 'unknown';
    throw new UpstreamSignInFailure('upstream', name, { cause: error });
  }
}

/**
 * Starts a sign-in at the provider: the URL to send the browser to, and the sealed state for its
 * cookie (the PKCE verifier, `state` and `nonce` never leave this browser and Gatehouse).
 */
export async function beginUpstreamSignIn(
  deps: Deps,
  providerId: string,
  returnTo: string,
  linkFor?: BrowserSession,
): Promise<{ location: string; stateCookie: string; provider: IdentityProviderRow }> {
  const provider = await getProvider(deps, providerId);
  const key = idpSecretKey(deps);
  const as = await authorizationServer(deps, provider);
  if (!as.authorization_endpoint) throw new UpstreamSignInFailure('upstream', 'no authorization_endpoint');
  const flow: FlowState = {
    provider: provider.id,
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    verifier: oauth.generateRandomCodeVerifier(),
    returnTo,
    expiresAt: deps.now() + UPSTREAM_STATE_TTL_SECONDS * 1000,
    ...(linkFor ? { linkFor: linkFor.session.id } : {}),
  };
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('redirect_uri', redirectUriOf(deps, provider.id));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', provider.scopes.join(' '));
  url.searchParams.set('state', flow.state);
  if (provider.kind !== 'github') url.searchParams.set('nonce', flow.nonce);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(flow.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return { location: url.href, stateCookie: await seal(key, STATE_PURPOSE, JSON.stringify(flow), provider.id), provider };
}

async function openFlowState(deps: Deps, providerId: string, cookie: string | undefined): Promise<FlowState> {
  if (!cookie) throw new UpstreamSignInFailure('state', 'no state cookie');
  const opened = await unseal(idpSecretKey(deps), STATE_PURPOSE, cookie, providerId);
  if (opened === null) throw new UpstreamSignInFailure('state', 'state cookie does not open');
  const flow = JSON.parse(opened) as FlowState;
  if (flow.provider !== providerId || flow.expiresAt <= deps.now()) throw new UpstreamSignInFailure('state', 'state cookie expired');
  return flow;
}

/**
 * Completes the sign-in the browser comes back with: checks the answer against this browser's
 * state, exchanges the code (PKCE), verifies the ID token, and signs the person in (linked-identities.ts).
 */
export async function finishUpstreamSignIn(
  deps: Deps,
  providerId: string,
  callbackUrl: URL,
  stateCookie: string | undefined,
  current: BrowserSession | null,
): Promise<{ linked: true; provider: IdentityProviderRow } | { linked: false; cookie: string; maxAgeSeconds: number; returnTo: string }> {
  const provider = await getProvider(deps, providerId);
  const flow = await openFlowState(deps, provider.id, stateCookie);
  const as = await authorizationServer(deps, provider);
  const client: oauth.Client = { client_id: provider.clientId };
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, callbackUrl, flow.state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      throw new UpstreamSignInFailure(error.error === 'access_denied' ? 'denied' : 'upstream', error.error);
    }
    throw new UpstreamSignInFailure('state', error instanceof Error ? ((error as { code?: string }).code ?? error.name) : 'unknown');
  }
  const secret = await clientSecretOf(deps, provider);
  const issuer = new URL(as.issuer);
  const github = provider.kind === 'github';
  const identity = await upstreamCall(async () => {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      // GitHub takes the client's credentials in the body; OpenID providers support Basic (RFC 6749 2.3.1).
      github ? oauth.ClientSecretPost(secret) : oauth.ClientSecretBasic(secret),
      params,
      redirectUriOf(deps, provider.id),
      flow.verifier,
      httpOptions(deps, issuer),
    );
    if (github) {
      const result = await oauth.processAuthorizationCodeResponse(as, client, response);
      return githubIdentity(deps, provider, result.access_token);
    }
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: flow.nonce, requireIdToken: true });
    const jwks = jwksCaches.get(as.issuer) ?? {};
    jwksCaches.set(as.issuer, jwks);
    await oauth.validateApplicationLevelSignature(as, response, { ...httpOptions(deps, issuer), [oauth.jwksCache]: jwks });
    return identityOf(oauth.getValidatedIdTokenClaims(result)!);
  });
  if (flow.linkFor !== undefined) {
    // Linking: only for the browser session that asked, still signed in as it was.
    if (current?.session.id !== flow.linkFor) throw new UpstreamSignInFailure('state', 'the session that asked to link has ended');
    await linkUpstreamIdentity(deps, provider, identity, current.user);
    return { linked: true, provider };
  }
  const signedIn = await signInWithUpstreamIdentity(deps, provider, identity);
  return { linked: false, cookie: signedIn.cookie, maxAgeSeconds: signedIn.maxAgeSeconds, returnTo: flow.returnTo };
}

function identityOf(claims: oauth.IDToken): UpstreamIdentity {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    subject: claims.sub,
    email: text(claims.email),
    // Only a literal true vouches for the address.
    emailVerified: claims.email_verified === true,
    firstName: text(claims.given_name),
    lastName: text(claims.family_name),
  };
}
