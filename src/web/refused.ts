// The answers every hosted form shares: a form whose CSRF check failed, and the page sent to a
// person who is not signed in.
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../http/types';
import { renderPage } from './layout';

export const refusedForm = (c: Context<AppEnv>) =>
  renderPage(c, {
    title: 'Please try again',
    status: 403,
    body: html`<p class="error" role="alert">This form expired or came from another site. Go back, reload the page and submit it again.</p>`,
  });

/** Where a browser that is not signed in goes: the sign-in page, coming back to `returnTo`. */
export const toSignIn = (c: Context<AppEnv>, returnTo: string) => c.redirect(`/signin?return=${encodeURIComponent(returnTo)}`, 303);
