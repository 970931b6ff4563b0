// The browser's side of OAuth: GET /oauth/authorize (authorization code with PKCE; OpenID Connect)
// and GET /oauth/logout (RP-initiated logout). Until the client and redirect URI are known good,
// a refusal is a page, never a redirect; after, it goes back to the client with `error`, `state`
// and `iss` (RFC 9207). Not signed in (or not freshly enough) sends the browser to /signin,
// which returns here. The query is checked by the core (its order decides page or redirect), so
// its schemas (schemas.ts) only document it.
import { Hono } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import { z } from 'zod';
import {
  AuthorizationError,
  issueCode,
  judgeSession,
  parseAuthorizationRequest,
  redirectFor,
  resolveClient,
  withAuthorizationRedirect,
  type Params,
} from '../../core/authorization';
import { resolveBrowserSession } from '../../core/browser-sessions';
import { planLogout } from '../../core/rp-logout';
import { clearSessionCookies, readSessionCookie } from '../../http/browser-cookies';
import type { AppEnv } from '../../http/types';
import { documentOnly } from '../../http/validate';
import { operation, SECURITY, TAGS } from '../../openapi/describe';
import { endBrowserSession } from '../../web/browser-session';
import { requireCsrf } from '../../web/csrf';
import { signedInName } from '../../web/layout';
import { refusedForm } from '../../web/refused';
import { logoutConfirmPage, submitLogoutConfirm } from './logout-confirm';
import { answeringRefusals, backToClient, redirectTo, SIGN_IN_REFUSED, SIGN_OUT_REFUSED } from './refusals';
import { AuthorizeQuery, LogoutQuery } from './schemas';

export const browserRoutes = new Hono<AppEnv>();

const REFUSAL_PAGE = {
  400: {
    description: 'A page saying why (the client or a URI cannot be trusted with a redirect)',
    content: { 'text/html': { schema: { type: 'string' as const } } },
  },
};
const redirect = (description: string, location: string, cookie?: string) => ({
  302: {
    description,
    headers: {
      Location: { description: location, schema: { type: 'string' as const } },
      ...(cookie ? { 'Set-Cookie': { description: cookie, schema: { type: 'string' as const } } } : {}),
    },
  },
});

const describeAuthorize = describeRoute(
  operation(
    TAGS.oauth,
    'Authorize: a code for the signed-in browser (authorization code with PKCE, OpenID Connect)',
    SECURITY.browser,
    {
      ...redirect(
        'To the client with a code or an error, or to sign in first',
        'The redirect URI with `code`, `state` and `iss` (RFC 9207), or with `error`, `error_description`, `state` and `iss`; or /signin?return=… when the browser is not signed in (freshly enough)',
      ),
      ...REFUSAL_PAGE,
    },
    'A parameter given twice is refused. Every registered client is a first-party application: there is no consent screen.',
  ),
);

const HTML = { content: { 'text/html': { schema: { type: 'string' as const } } } };

const describeLogout = describeRoute(
  operation(TAGS.oauth, 'Sign out this browser (OpenID Connect RP-initiated logout)', SECURITY.browser, {
    200: { description: 'Without a valid id_token_hint of the signed-in user: a page asking to confirm (a form POSTing here)', ...HTML },
    ...redirect(
      'Signed out at once (a valid id_token_hint), or not signed in',
      'The post-logout URI with `state`, or /signin',
      'Clears the browser session cookie.',
    ),
    ...REFUSAL_PAGE,
  }),
);

const LogoutConfirmForm = z.object({
  csrf: z.string().meta({ description: 'The hidden field of the confirmation page: the value of the __Host-gatehouse-csrf cookie.' }),
  client_id: z.string().optional(),
  post_logout_redirect_uri: z.string().optional().meta({ description: 'Checked again: one of the client’s registered post-logout URIs.' }),
  state: z.string().optional(),
});

const describeLogoutConfirm = describeRoute({
  ...operation(TAGS.oauth, 'Confirm signing out this browser (the confirmation page’s form)', SECURITY.browser, {
    303: {
      description: 'Signed out',
      headers: {
        Location: { description: 'The post-logout URI with `state`, or /signin', schema: { type: 'string' as const } },
        'Set-Cookie': { description: 'Clears the browser session and access cookies.', schema: { type: 'string' as const } },
      },
    },
    ...REFUSAL_PAGE,
    403: { description: 'The form expired or came from another site (CSRF): nothing ends', ...HTML },
  }),
  requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: resolver(LogoutConfirmForm) } } },
});

/** The one value of a parameter, or undefined when absent, empty or repeated. */
const one = (params: Params, name: string) => (params[name]?.length === 1 && params[name]![0] !== '' ? params[name]![0] : undefined);

browserRoutes.get('/authorize', describeAuthorize, documentOnly('query', AuthorizeQuery), (c) =>
  answeringRefusals(c, SIGN_IN_REFUSED, async () => {
    const deps = c.env.deps;
    const params: Params = c.req.queries() ?? {};
    const target = await resolveClient(deps, params);
    const redirect = redirectFor(target, params);
    return withAuthorizationRedirect(redirect, async () => {
      const request = parseAuthorizationRequest(target.client, params);
      const session = await resolveBrowserSession(deps, readSessionCookie(c));
      const verdict = judgeSession(deps, request, session);
      if (!verdict.ok || !session) {
        if (request.prompt === 'none') throw new AuthorizationError('login_required', 'no fitting sign-in');
        // Coming back must not ask again: prompt=login and max_age become "a sign-in at or after T".
        const again = new URL(c.req.url);
        if (!verdict.ok && verdict.signInAfter !== undefined) {
          again.searchParams.delete('prompt');
          again.searchParams.delete('max_age');
          again.searchParams.set('auth_after', String(verdict.signInAfter));
        }
        // identity_provider=<id> (Keycloak's kc_idp_hint): straight to that upstream provider.
        const upstream = one(params, 'identity_provider');
        const signIn = upstream ? `/signin/with/${encodeURIComponent(upstream)}` : '/signin';
        return redirectTo(c, `${signIn}?return=${encodeURIComponent(again.pathname + again.search)}`);
      }
      const code = await issueCode(deps, { ...target, request, session });
      return backToClient(c, redirect, { code, state: request.state });
    });
  }),
);

/** The longest authorization request a POST may carry on to GET (browsers and proxies take 8 KB URLs). */
const MAX_POSTED_QUERY = 8000;

const describeAuthorizePost = describeRoute({
  ...operation(TAGS.oauth, 'Authorize, the request as a form (OpenID Connect Core 3.1.2.1)', SECURITY.none, {
    303: {
      description: 'To GET /oauth/authorize with the same parameters, which answers as above',
      headers: { Location: { description: '/oauth/authorize?<the form’s fields>', schema: { type: 'string' as const } } },
    },
    ...REFUSAL_PAGE,
  }),
  requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: resolver(AuthorizeQuery) } } },
});

// A relying party's form posted from its own site carries no SameSite=Lax session cookie: the
// same request continues as a top-level GET, which does, so both methods answer alike.
browserRoutes.post('/authorize', describeAuthorizePost, async (c) => {
  const type = c.req.header('content-type') ?? '';
  const text = /^application\/x-www-form-urlencoded\b/i.test(type) ? await c.req.text() : null;
  if (text === null || text.length > MAX_POSTED_QUERY) {
    return answeringRefusals(c, SIGN_IN_REFUSED, () => {
      throw new AuthorizationError(
        'invalid_request',
        'The request must be a form (application/x-www-form-urlencoded) of at most 8000 bytes.',
      );
    });
  }
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.redirect(`/oauth/authorize?${new URLSearchParams(text).toString()}`, 303);
});

browserRoutes.get('/logout', describeLogout, documentOnly('query', LogoutQuery), (c) =>
  answeringRefusals(c, SIGN_OUT_REFUSED, async () => {
    const deps = c.env.deps;
    const params: Params = c.req.queries() ?? {};
    const request = {
      idTokenHint: one(params, 'id_token_hint'),
      clientId: one(params, 'client_id'),
      postLogoutRedirectUri: one(params, 'post_logout_redirect_uri'),
      state: one(params, 'state'),
    };
    const plan = await planLogout(deps, request);
    const cookie = readSessionCookie(c);
    const current = await resolveBrowserSession(deps, cookie);
    // No hint: a cross-site link could have sent it, so the person confirms (logout-confirm.ts).
    if (current && plan.subject === null) return logoutConfirmPage(c, request, signedInName(current.user));
    // A hint for another user ends nothing: that is not this browser's session to end.
    if (current && plan.subject === current.user.id) await endBrowserSession(c);
    else if (!current && cookie !== undefined) clearSessionCookies(c);
    return redirectTo(c, plan.redirectTo ?? '/signin');
  }),
);

// The confirmation page's form (RP-initiated logout without a valid id_token_hint).
browserRoutes.post('/logout', describeLogoutConfirm, requireCsrf(refusedForm), submitLogoutConfirm);
