// The browser's side of OAuth: GET /oauth/authorize (authorization code with PKCE; OpenID Connect)
// and GET /oauth/logout (RP-initiated logout). Until the client and redirect URI are known good,
// a refusal is a page, never a redirect; after, it goes back to the client with `error`, `state`
// and `iss` (RFC 9207). Not signed in (or not freshly enough) sends the browser to /signin,
// which returns here.
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import {
  AuthorizePageError,
  AuthorizeRedirectError,
  issueCode,
  judgeSession,
  parseAuthorizationRequest,
  resolveClient,
  type Params,
} from '../../core/authorization';
import { resolveBrowserSession, signOut } from '../../core/browser-sessions';
import { planLogout } from '../../core/rp-logout';
import { clearSessionCookie, readSessionCookie } from '../../http/browser-cookies';
import type { AppEnv } from '../../http/types';
import { requireCsrf } from '../pages/csrf';
import { renderPage } from '../pages/layout';
import { logoutConfirmPage, submitLogoutConfirm } from '../pages/logout-confirm';
import { refusedForm } from '../pages/refused';

export const browserRoutes = new Hono<AppEnv>();

function refusalPage(c: Context<AppEnv>, reason: string) {
  return renderPage(c, {
    title: 'This sign-in request cannot be completed',
    status: 400,
    body: html`<p class="error" role="alert">${reason}</p><p>Go back to the application and try again, or contact its support.</p>`,
  });
}

function redirectTo(c: Context<AppEnv>, location: string) {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.redirect(location, 302);
}

/** The one value of a parameter, or undefined when absent, empty or repeated. */
const one = (params: Params, name: string) => (params[name]?.length === 1 && params[name]![0] !== '' ? params[name]![0] : undefined);

browserRoutes.get('/authorize', async (c) => {
  const deps = c.env.deps;
  const params: Params = c.req.queries() ?? {};
  let target;
  try {
    target = await resolveClient(deps, params);
  } catch (error) {
    if (error instanceof AuthorizePageError) return refusalPage(c, error.reason);
    throw error;
  }
  const back = (fields: Record<string, string | undefined>) => {
    const url = new URL(target.redirectUri);
    for (const [name, value] of Object.entries({ ...fields, iss: deps.issuer })) if (value !== undefined) url.searchParams.append(name, value);
    return redirectTo(c, url.toString());
  };
  let request;
  try {
    request = parseAuthorizationRequest(target.client, params);
  } catch (error) {
    if (!(error instanceof AuthorizeRedirectError)) throw error;
    const state = one(params, 'state');
    return back({ error: error.error, error_description: error.description, state: state !== undefined && state.length <= 1024 ? state : undefined });
  }
  const session = await resolveBrowserSession(deps, readSessionCookie(c));
  const verdict = judgeSession(deps, request, session);
  if (!verdict.ok || !session) {
    if (request.prompt === 'none') return back({ error: 'login_required', error_description: 'no fitting sign-in', state: request.state });
    // Coming back must not ask again: prompt=login and max_age become "a sign-in at or after T".
    const again = new URL(c.req.url);
    if (!verdict.ok && verdict.signInAfter !== undefined) {
      again.searchParams.delete('prompt');
      again.searchParams.delete('max_age');
      again.searchParams.set('auth_after', String(verdict.signInAfter));
    }
    return redirectTo(c, `/signin?return=${encodeURIComponent(again.pathname + again.search)}`);
  }
  const code = await issueCode(deps, { ...target, request, session });
  return back({ code, state: request.state });
});

browserRoutes.get('/logout', async (c) => {
  const deps = c.env.deps;
  const params: Params = c.req.queries() ?? {};
  const request = {
    idTokenHint: one(params, 'id_token_hint'),
    clientId: one(params, 'client_id'),
    postLogoutRedirectUri: one(params, 'post_logout_redirect_uri'),
    state: one(params, 'state'),
  };
  let plan;
  try {
    plan = await planLogout(deps, request);
  } catch (error) {
    if (error instanceof AuthorizePageError) return refusalPage(c, error.reason);
    throw error;
  }
  const cookie = readSessionCookie(c);
  const current = await resolveBrowserSession(deps, cookie);
  // No hint: a cross-site link could have sent it, so the person confirms (pages/logout-confirm.ts).
  if (current && plan.subject === null) return logoutConfirmPage(c, request, current.user.email ?? current.user.username ?? current.user.id);
  // A hint for another user ends nothing: that is not this browser's session to end.
  if (current && plan.subject === current.user.id) {
    await signOut(deps, cookie);
    clearSessionCookie(c);
  } else if (!current && cookie !== undefined) {
    clearSessionCookie(c);
  }
  return redirectTo(c, plan.redirectTo ?? '/signin');
});

// The confirmation page's form (RP-initiated logout without a valid id_token_hint).
browserRoutes.post('/logout', requireCsrf(refusedForm), submitLogoutConfirm);
