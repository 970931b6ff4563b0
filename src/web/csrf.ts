// CSRF protection for every hosted form: a random token in a `__Host-` cookie (Strict, HttpOnly),
// repeated in a hidden field, compared in constant time; and a cross-site Origin refused outright.
// A sibling host cannot plant the cookie (the `__Host-` prefix), and another site's page cannot
// read it to fill the field.
import type { Context, MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { constantTimeEqual } from '../crypto/digest';
import { randomToken } from '../crypto/random';
import { readCsrfCookie, setCsrfCookie } from '../http/browser-cookies';
import type { AppEnv } from '../http/types';
import { readForm } from './form';

/** The hidden field for a form, setting the cookie when the browser has none yet. */
export function csrfField(c: Context<AppEnv>) {
  let token = c.get('csrfToken') ?? readCsrfCookie(c);
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) token = rotateCsrfToken(c);
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/**
 * Gives the browser a new CSRF token (at sign-in and sign-out): a token read or planted before the
 * session changed hands is worth nothing after it.
 */
export function rotateCsrfToken(c: Context<AppEnv>): string {
  const token = randomToken(32);
  setCsrfCookie(c, token);
  c.set('csrfToken', token);
  return token;
}

/** Whether a form POST carries the token of this browser's cookie and comes from this site. */
export function csrfValid(c: Context<AppEnv>, submitted: unknown): boolean {
  const origin = c.req.header('origin');
  const publicUrl = c.env.deps.config.publicUrl;
  const own = [new URL(c.req.url).origin, ...(publicUrl ? [new URL(publicUrl).origin] : []), ...c.env.deps.config.websiteOrigins];
  if (origin !== undefined && !own.includes(origin)) return false;
  if (c.req.header('sec-fetch-site') === 'cross-site') return false;
  const cookie = readCsrfCookie(c);
  return typeof submitted === 'string' && !!cookie && submitted.length === cookie.length && constantTimeEqual(submitted, cookie);
}

/** Refuses a POST whose CSRF token does not match with a 403 page, before the handler runs. */
export function requireCsrf(render: (c: Context<AppEnv>) => Response | Promise<Response>): MiddlewareHandler<AppEnv> {
  return async function requireCsrf(c, next) {
    const form = await readForm(c);
    if (!csrfValid(c, form.csrf)) return render(c);
    await next();
  };
}
