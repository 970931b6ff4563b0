// The console's door, run before every console route: the core's verdict on this browser's session
// (src/core/console-access.ts), judged on every request. Not signed in: to the sign-in page, coming
// back here. Signed in but no admin of the console's ecosystem: a 403 page. An admin whose sign-in
// used no second factor: a 403 page saying how to get one (enrol on the account page, or sign in
// again with it). An Authorization header counts for nothing here: no token is a console login.
import type { Context, MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { resolveBrowserSession } from '../../core/browser-sessions';
import { judgeConsoleAccess } from '../../core/console-access';
import { readSessionCookie } from '../../http/browser-cookies';
import type { AppEnv } from '../../http/types';
import { renderPage } from '../../web/layout';
import { toSignIn } from '../../web/refused';
import { safeReturnPath } from '../../web/return-path';

/** Where sign-in brings the browser back: this page for a GET, the console's start for a form. */
function returnPathOf(c: Context<AppEnv>): string {
  if (c.req.method !== 'GET') return '/console';
  const url = new URL(c.req.url);
  return safeReturnPath(url.pathname + url.search) === url.pathname + url.search ? url.pathname + url.search : '/console';
}

function refusal(c: Context<AppEnv>, title: string, message: string, links: ReturnType<typeof html>) {
  return renderPage(c, { title, status: 403, body: html`<p class="error" role="alert">${message}</p>${links}` });
}

export const requireConsoleAdmin: MiddlewareHandler<AppEnv> = async function requireConsoleAdmin(c, next) {
  const deps = c.env.deps;
  const verdict = await judgeConsoleAccess(deps, await resolveBrowserSession(deps, readSessionCookie(c)));
  switch (verdict.kind) {
    case 'signed_out':
      return toSignIn(c, returnPathOf(c));
    case 'not_admin':
      return refusal(
        c,
        'Not for this account',
        'The console is for the operator’s admins. This account is not one of them.',
        html`<p class="links"><a href="/account">Your account</a></p>`,
      );
    case 'second_factor_needed':
      return verdict.enrolled
        ? refusal(
            c,
            'Sign in with your second factor',
            'The console needs a sign-in that used your second factor. This browser signed in without it.',
            html`<p class="links"><a href="/signin?return=%2Fconsole">Sign in again</a></p>`,
          )
        : refusal(
            c,
            'Set up two-step sign-in first',
            'The console needs a second factor. Set up an authenticator app on your account page, then sign in again with it.',
            html`<p class="links"><a href="/account">Your account</a></p>`,
          );
  }
  c.set('consoleAdmin', verdict.current);
  await next();
};
