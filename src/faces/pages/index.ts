// The hosted pages, for people in a browser: server-rendered HTML on Gatehouse's own host, no
// script, every form CSRF-protected, every answer under a strict CSP (see layout.ts).
import { Hono } from 'hono';
import { html } from 'hono/html';
import { resolveBrowserSession, signOut } from '../../core/browser-sessions';
import { clearAccessCookie, clearSessionCookie, readSessionCookie } from '../../http/browser-cookies';
import { rateLimitPerClient } from '../../http/rate-limit';
import type { AppEnv } from '../../http/types';
import { csrfField, requireCsrf } from './csrf';
import { renderPageError } from './errors';
import { renderPage } from './layout';
import { safeReturnPath } from './return-path';
import { signInPage, submitSignIn } from './signin';

/** The paths this face answers (and whose errors it renders as pages). */
export const PAGE_PATH = /^\/(signin|signout)(\/|$)/;

export const pagesFace = new Hono<AppEnv>();

const refusedForm = (c: Parameters<typeof renderPage>[0]) =>
  renderPage(c, {
    title: 'Please try again',
    status: 403,
    body: html`<p class="error" role="alert">This form expired or came from another site. Go back, reload the page and submit it again.</p>`,
  });

pagesFace.get('/signin', (c) => signInPage(c, { returnTo: safeReturnPath(c.req.query('return')) }));
pagesFace.post('/signin', rateLimitPerClient({ scope: 'pages-signin' }), requireCsrf(refusedForm), submitSignIn);

pagesFace.get('/signout', async (c) => {
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) return c.redirect('/signin', 303);
  return renderPage(c, {
    title: 'Sign out',
    body: html`<p>You are signed in as ${current.user.email ?? current.user.username ?? current.user.id}.</p>
<form method="post" action="/signout">${csrfField(c)}<input type="hidden" name="return" value="${safeReturnPath(c.req.query('return') ?? '/signin')}">
<button type="submit">Sign out</button></form>`,
  });
});

pagesFace.post('/signout', requireCsrf(refusedForm), async (c) => {
  const form = await c.req.parseBody();
  await signOut(c.env.deps, readSessionCookie(c));
  clearSessionCookie(c);
  clearAccessCookie(c);
  return c.redirect(safeReturnPath(form.return ?? '/signin'), 303);
});

export { renderPageError };
