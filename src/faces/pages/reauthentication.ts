// The account page's guarded changes (password, e-mail, passkeys, turning a second factor off) all
// refuse the same way when the sign-in is not recent: one page that says so and leads to a sign-in
// that comes back to the account page.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { minutesInWords } from '../../core/durations';
import { RECENT_SIGN_IN_MS } from '../../core/recent-sign-in';
import type { AppEnv } from '../../http/types';
import { renderPage } from '../../web/layout';

/** Where the account page lives (and where every page about it leads back to). */
export const ACCOUNT = '/account';

/** 403 "Sign in again": `what` (e.g. "Adding a passkey") needs a recent sign-in. */
export function reauthenticationPage(c: Context<AppEnv>, what: string) {
  return renderPage(c, {
    title: 'Sign in again',
    status: 403,
    body: html`<p class="error" role="alert">${what} needs a sign-in from the last ${minutesInWords(RECENT_SIGN_IN_MS / 1000)}.</p>
<p class="links"><a href="/signin?return=${encodeURIComponent(ACCOUNT)}">Sign in again</a><a href="${ACCOUNT}">Back to your account</a></p>`,
  });
}
