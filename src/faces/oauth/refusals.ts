// How the browser's OAuth routes answer: a redirect that leaks nothing onward (no Referer, never
// cached), back to the client with its fields and `iss` (RFC 9207), and the one place an
// AuthorizationError becomes an answer: back at the client when it may redirect, else a page.
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import { AuthorizationError, type AuthorizationRedirect } from '../../core/authorization';
import type { AppEnv } from '../../http/types';
import { renderPage } from '../../web/layout';

export function redirectTo(c: Context<AppEnv>, location: string) {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.redirect(location, 302);
}

/** The one script of the form_post answer, allowed by its hash: nothing else may run. */
const SUBMIT_SCRIPT = 'document.forms[0].submit();';
/** base64(SHA-256(SUBMIT_SCRIPT)); test/oauth/certification.test.ts recomputes it. */
const SUBMIT_SCRIPT_HASH = 'sha256-8lDeP0UDwCO6/RhblgeH/ctdBzjVpJxrXizsnIk3cEQ=';

/**
 * OAuth 2.0 Form Post Response Mode: a page whose form posts the fields to the redirect URI and
 * submits itself (a button when scripts are off). Its CSP lets the form go only to that origin.
 */
function formPostToClient(c: Context<AppEnv>, uri: string, fields: [string, string][]) {
  c.header(
    'Content-Security-Policy',
    `default-src 'none'; script-src '${SUBMIT_SCRIPT_HASH}'; form-action ${new URL(uri).origin}; base-uri 'none'; frame-ancestors 'none'`,
  );
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  const inputs = fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return c.html(
    html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Returning to the application</title></head>
<body>
<form method="post" action="${uri}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>
<script>${raw(SUBMIT_SCRIPT)}</script>
</body>
</html>`,
  );
}

/** The client's redirect URI with the answer's fields (those given) and `iss` (RFC 9207), in the query or as a posted form. */
export function backToClient(c: Context<AppEnv>, target: AuthorizationRedirect, fields: Record<string, string | undefined>) {
  const given = Object.entries({ ...fields, iss: c.env.deps.issuer }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (target.mode === 'form_post') return formPostToClient(c, target.uri, given);
  const url = new URL(target.uri);
  for (const [name, value] of given) url.searchParams.append(name, value);
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
    return backToClient(c, redirect, { error: error.error, error_description: error.description, state: redirect.state });
  }
}

export const SIGN_IN_REFUSED = 'This sign-in request cannot be completed';
export const SIGN_OUT_REFUSED = 'This sign-out request cannot be completed';
