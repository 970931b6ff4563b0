// A local stand-in for GitHub's OAuth app endpoints and user API, in GitHub's shapes: the web
// flow's /login/oauth/authorize and /login/oauth/access_token (client credentials in the body,
// JSON with Accept: application/json, PKCE S256 checked), and /api/user and /api/user/emails with
// the bearer token. The Worker reaches it through its outbound fetch; its origin is a loopback
// address, the only kind a github provider's `issuer` override may name.
import { expect } from 'vitest';

export interface GitHubPerson {
  id: number;
  login: string;
  name?: string;
  email?: string | null;
  emails?: { email: string; primary: boolean; verified: boolean }[];
}

const sha256url = async (text: string) => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
};

export function startGitHub() {
  const origin = `http://127.0.0.1:${20_000 + Math.floor(Math.random() * 20_000)}`;
  const clientId = `Iv1.${crypto.randomUUID().slice(0, 8)}`;
  const clientSecret = crypto.randomUUID().replaceAll('-', '');
  const codes = new Map<string, { person: GitHubPerson; challenge: string; redirectUri: string }>();
  const tokens = new Map<string, GitHubPerson>();

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== origin) return new Response('not here', { status: 502 });
    if (url.pathname === '/login/oauth/access_token' && request.method === 'POST') {
      const form = new URLSearchParams(await request.text());
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        return Response.json({ error: 'incorrect_client_credentials' });
      }
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (
        !grant ||
        grant.redirectUri !== form.get('redirect_uri') ||
        (await sha256url(form.get('code_verifier') ?? '')) !== grant.challenge
      ) {
        return Response.json({ error: 'bad_verification_code' }, { status: 400 });
      }
      const token = `gho_${crypto.randomUUID().replaceAll('-', '')}`;
      tokens.set(token, grant.person);
      return Response.json({ access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const person = tokens.get(/^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '');
    if (url.pathname.startsWith('/api/') && !person) return Response.json({ message: 'Bad credentials' }, { status: 401 });
    if (url.pathname === '/api/user')
      return Response.json({ id: person!.id, login: person!.login, name: person!.name ?? null, email: person!.email ?? null });
    if (url.pathname === '/api/user/emails') return Response.json(person!.emails ?? []);
    return new Response('not found', { status: 404 });
  };

  /** The person at GitHub's authorize page, approving the app: the callback path on Gatehouse. */
  function approve(authorizationUrl: string, person: GitHubPerson): string {
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${origin}/login/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe(clientId);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const code = crypto.randomUUID().replaceAll('-', '').slice(0, 20);
    const redirectUri = url.searchParams.get('redirect_uri')!;
    codes.set(code, { person, challenge: url.searchParams.get('code_challenge')!, redirectUri });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state')!);
    return back.pathname + back.search;
  }

  return { origin, clientId, clientSecret, fetch, approve };
}
