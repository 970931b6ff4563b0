// How the browser's OAuth routes answer: a redirect that leaks nothing onward (no Referer, never
// cached), back to the client with its fields and `iss` (RFC 9207), and the one place an
// AuthorizationError becomes an answer: back at the client when it may redirect, else a page.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { AuthorizationError } from '../../core/authorization';
import type { AppEnv } from '../../http/types';
import { renderPage } from '../../web/layout';

export function redirectTo(c: Context<AppEnv>, location: string) {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.redirect(location, 302);
}

/** The client's redirect URI with the answer's fields (those given) and `iss` (RFC 9207). */
export function backToClient(c: Context<AppEnv>, uri: string, fields: Record<string, string | undefined>) {
  const url = new URL(uri);
  for (const [name, value] of Object.entries({ ...fields, iss: c.env.deps.issuer }))
    if (value !== undefined) url.searchParams.append(name, value);
  return redirectTo(c, url.toString());
}

function refusalPage(c: Context<AppEnv>, title: string, reason: string) {
  return renderPage(c, {
    title,
    status: 400,
    body: html`<p class="error" role="alert">${reason}</p><p>Go back to the application and try again, or contact its support.</p>`,
  });
}

/** Runs a browser route; its AuthorizationError goes back to the client when it may, else it is a page titled `title`. */
export async function answeringRefusals(c: Context<AppEnv>, title: string, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AuthorizationError)) throw error;
    const { redirect } = error;
    if (!redirect) return refusalPage(c, title, error.description);
    return backToClient(c, redirect.uri, { error: error.error, error_description: error.description, state: redirect.state });
  }
}

export const SIGN_IN_REFUSED = 'This sign-in request cannot be completed';
export const SIGN_OUT_REFUSED = 'This sign-out request cannot be completed';
