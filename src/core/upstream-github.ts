// GitHub's sign-in (issue 22): OAuth 2.0 without OpenID Connect. The code exchange goes through
// oauth4webapi (PKCE S256, state checked by the caller), then the person is read from GitHub's user
// and e-mails APIs with the access token, which is dropped after this request. The subject is
// GitHub's numeric user id (a login can be renamed and reused); the e-mail is the primary address
// GitHub lists as verified. The endpoints are GitHub's own; a provider whose `issuer` is on loopback
// points them at a local stand-in (development and tests only: identity-providers.ts refuses any other).
import type * as oauth from 'oauth4webapi';
import type { Deps } from './deps';
import type { IdentityProviderRow } from './identity-providers';
import type { UpstreamIdentity } from './linked-identities';
import { UpstreamSignInFailure } from './upstream-failures';

const UPSTREAM_TIMEOUT_SECONDS = 10;

interface GitHubEndpoints {
  as: oauth.AuthorizationServer;
  api: string;
}

export function githubEndpoints(provider: IdentityProviderRow): GitHubEndpoints {
  const web = provider.issuer ?? 'https://github.com';
  return {
    as: {
      issuer: web,
      authorization_endpoint: `${web}/login/oauth/authorize`,
      token_endpoint: `${web}/login/oauth/access_token`,
    },
    api: provider.issuer ? `${provider.issuer}/api` : 'https://api.github.com',
  };
}

async function readJson(deps: Deps, url: string, accessToken: string): Promise<unknown> {
  const response = await deps.fetch(url, {
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: 'application/vnd.github+json',
      'user-agent': 'Gatehouse',
      'x-github-api-version': '2022-11-28',
    },
    signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_SECONDS * 1000),
  });
  if (!response.ok) throw new UpstreamSignInFailure('upstream', `github api ${response.status}`);
  return response.json();
}

/** The person behind a GitHub access token: numeric id, and the primary verified address if any. */
export async function githubIdentity(deps: Deps, provider: IdentityProviderRow, accessToken: string): Promise<UpstreamIdentity> {
  const { api } = githubEndpoints(provider);
  const user = (await readJson(deps, `${api}/user`, accessToken)) as { id?: unknown; name?: unknown; email?: unknown };
  if (typeof user.id !== 'number' && typeof user.id !== 'string') throw new UpstreamSignInFailure('upstream', 'github user without id');
  let emails: { email?: unknown; primary?: unknown; verified?: unknown }[] = [];
  if (provider.scopes.includes('user:email') || provider.scopes.includes('user')) {
    const listed = await readJson(deps, `${api}/user/emails`, accessToken);
    if (Array.isArray(listed)) emails = listed;
  }
  const primary = emails.find((entry) => entry.primary === true && entry.verified === true && typeof entry.email === 'string');
  const publicEmail = typeof user.email === 'string' && user.email !== '' ? user.email : undefined;
  const [firstName, ...rest] = typeof user.name === 'string' ? user.name.trim().split(/\s+/) : [];
  return {
    subject: String(user.id),
    email: (primary?.email as string | undefined) ?? publicEmail,
    // Only an address GitHub lists as verified is vouched for; a public profile address is not.
    emailVerified: primary !== undefined,
    firstName: firstName || undefined,
    lastName: rest.length > 0 ? rest.join(' ') : undefined,
  };
}
