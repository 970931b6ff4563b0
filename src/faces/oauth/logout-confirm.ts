// RP-initiated logout without a valid id_token_hint: nothing proves the request comes from an
// application the person uses (a cross-site link could send it), so the browser session ends only
// when the person says so here. GET /oauth/logout shows "Sign out of <product>?" with a
// CSRF-protected form; its POST (routed in faces/oauth/authorize.ts, CSRF checked there) checks the
// return address again, ends the session and goes on to the registered post-logout URI with
// `state`, or to /signin.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { planLogout, type LogoutRequest } from '../../core/rp-logout';
import type { AppEnv } from '../../http/types';
import { endBrowserSession } from '../../web/browser-session';
import { csrfField } from '../../web/csrf';
import { formText, readForm } from '../../web/form';
import { renderPage } from '../../web/layout';
import { answeringRefusals, SIGN_OUT_REFUSED } from './refusals';

/** The request's fields the form carries to its POST (the hint, if any, was no good: it is not). */
const CARRIED = { clientId: 'client_id', postLogoutRedirectUri: 'post_logout_redirect_uri', state: 'state' } as const;
const MAX_FIELD = 2048;

/** The confirmation page, for a signed-in browser whose sign-out request carries no valid hint. */
export function logoutConfirmPage(c: Context<AppEnv>, request: LogoutRequest, signedInAs: string) {
  const product = c.env.deps.config.theme.productName;
  const hidden = Object.entries(CARRIED).map(([key, name]) => {
    const value = request[key as keyof typeof CARRIED];
    return value === undefined ? '' : html`<input type="hidden" name="${name}" value="${value}">`;
  });
  return renderPage(c, {
    title: `Sign out of ${product}?`,
    body: html`<p>An application asked to sign you out. You are signed in as <strong>${signedInAs}</strong>.</p>
<form method="post" action="/oauth/logout">${csrfField(c)}${hidden}<button type="submit">Sign out</button></form>
<p class="links"><a href="/account">Stay signed in</a></p>`,
  });
}

/** POST /oauth/logout: the person confirmed. Ends this browser's session and goes where the request asked. */
export async function submitLogoutConfirm(c: Context<AppEnv>) {
  const form = await readForm(c);
  const field = (name: string) => {
    const value = formText(form, name, MAX_FIELD);
    return value === '' ? undefined : value;
  };
  return answeringRefusals(c, SIGN_OUT_REFUSED, async () => {
    const plan = await planLogout(c.env.deps, {
      clientId: field(CARRIED.clientId),
      postLogoutRedirectUri: field(CARRIED.postLogoutRedirectUri),
      state: field(CARRIED.state),
    });
    await endBrowserSession(c);
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    return c.redirect(plan.redirectTo ?? '/signin', 303);
  });
}
