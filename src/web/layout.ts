// The frame of every hosted page: one server-rendered HTML document, styled by one inline <style>
// allowed by a per-response nonce, themed by PRODUCT_NAME, LOGO_URL and ACCENT_COLOR. Every page
// answers with a strict Content-Security-Policy (nothing may load but the logo, nothing may frame
// it) and is never cached. A page runs no script, but for the passkey pages' one script (web/
// passkey-script.ts), allowed by the same nonce, which may only call this host back.
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { randomToken } from '../crypto/random';
import type { AppEnv } from '../http/types';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageOptions {
  title: string;
  body: Html;
  status?: 200 | 400 | 401 | 403 | 404 | 409 | 429 | 502 | 503;
  /** The page's one script (a constant, never built from input): allowed by the response's nonce. */
  script?: string;
  /** A navigation bar under the header (the console's). */
  nav?: Html;
  /** A wide page for tables (the console), still one column at phone width. */
  wide?: boolean;
}

const STYLE = `
:root { color-scheme: light dark; --accent: ACCENT; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: Canvas; color: CanvasText; }
main { max-width: 26rem; margin: 3rem auto; padding: 0 1.25rem; }
header { display: flex; align-items: center; gap: .75rem; margin-bottom: 1.5rem; }
header img { max-height: 2.5rem; max-width: 8rem; }
header p { font-weight: 600; margin: 0; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
form { display: grid; gap: 1rem; margin: 0 0 1rem; }
label { display: grid; gap: .25rem; font-weight: 500; }
input[type=email], input[type=text], input[type=password] { font: inherit; padding: .6rem .7rem; border: 1px solid GrayText; border-radius: .4rem; background: Field; color: FieldText; }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button { font: inherit; font-weight: 600; padding: .65rem 1rem; border: 0; border-radius: .4rem; background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: inherit; border: 1px solid GrayText; }
a { color: inherit; text-decoration-color: var(--accent); text-underline-offset: .2em; }
.error { color: #b00020; font-weight: 500; margin: 0; }
@media (prefers-color-scheme: dark) { .error { color: #ff8a80; } }
.notice { border-left: 4px solid var(--accent); padding: .5rem .75rem; margin: 0 0 1rem; }
.links { display: flex; flex-wrap: wrap; gap: 1rem; font-size: .95rem; }
table { width: 100%; border-collapse: collapse; margin: 0 0 1rem; font-size: .95rem; }
th, td { text-align: left; padding: .4rem .3rem; border-bottom: 1px solid GrayText; vertical-align: top; }
td form { margin: 0; }
main.wide { max-width: 72rem; margin-top: 1.5rem; }
main.wide h1 { overflow-wrap: anywhere; }
main.wide caption { text-align: left; font-weight: 600; padding: 0 0 .25rem; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: 0 0 1.5rem; }
nav a[aria-current=page] { font-weight: 700; }
main.wide h2 { font-size: 1.2rem; margin: 1.5rem 0 .75rem; }
main.wide :is(select, textarea, input[type=search]) { font: inherit; padding: .5rem .6rem; border: 1px solid GrayText; border-radius: .4rem; background: Field; color: FieldText; }
form.inline { display: flex; flex-wrap: wrap; align-items: end; gap: .5rem 1rem; }
main.wide dl { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
main.wide dt { font-weight: 600; } main.wide dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; margin: 0 0 1rem; }
.scroll table { margin: 0; }
.scroll td, .scroll th { overflow-wrap: normal; }
.scroll th { white-space: nowrap; }
.secret { font-family: ui-monospace, monospace; padding: .5rem; border: 2px dashed var(--accent); overflow-wrap: anywhere; }
@media (max-width: 40rem) { main.wide dl { grid-template-columns: 1fr; } main.wide dd { margin-bottom: .5rem; } }
main.wide label > span { font-weight: 500; }
`;

/** Renders a page with the security headers every hosted page carries. */
export function renderPage(c: Context<AppEnv>, options: PageOptions): Response | Promise<Response> {
  const theme = c.env.deps.config.theme;
  const nonce = randomToken(16);
  const logoSource = theme.logoUrl ? ` ${new URL(theme.logoUrl).origin}` : '';
  c.header(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self'${logoSource}; ${options.script ? `script-src 'nonce-${nonce}'; connect-src 'self'; ` : ''}base-uri 'none'; frame-ancestors 'none'`,
  );
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  // No referrer (a reset link's code) leaves this host; not 'no-referrer', under which Chromium
  // sends `Origin: null` with the page's own form POSTs and the CSRF check refuses every form.
  c.header('Referrer-Policy', 'same-origin');
  c.header('Cache-Control', 'no-store');
  const logo = theme.logoUrl ? html`<img src="${theme.logoUrl}" alt="">` : '';
  return c.html(
    html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${theme.productName}</title>
<style nonce="${nonce}">${raw(STYLE.replace('ACCENT', theme.accentColor))}</style>
</head>
<body>
<main${options.wide ? raw(' class="wide"') : ''}>
<header>${logo}<p>${theme.productName}</p></header>
${options.nav ?? ''}
<h1>${options.title}</h1>
${options.body}
</main>${
      options.script
        ? html`
<script nonce="${nonce}">${raw(options.script)}</script>`
        : ''
    }
</body>
</html>`,
    options.status ?? 200,
  );
}

/**
 * An input with its label; an error is shown under it, tied to it by aria-describedby and
 * aria-invalid, so a screen reader reads it with the field.
 */
export function field(options: {
  name: string;
  label: string;
  type: 'email' | 'text' | 'password';
  autocomplete: string;
  value?: string;
  error?: string;
  autofocus?: boolean;
  /** Whether the field must be filled (default true). */
  required?: boolean;
}): Html {
  const id = `field-${options.name}`;
  const errorId = `${id}-error`;
  const described = options.error ? html` aria-invalid="true" aria-describedby="${errorId}"` : '';
  const focus = options.autofocus || options.error ? raw(' autofocus') : '';
  return html`<label for="${id}">${options.label}
<input id="${id}" name="${options.name}" type="${options.type}" autocomplete="${options.autocomplete}" value="${options.value ?? ''}"${options.required === false ? '' : raw(' required')}${described}${focus}>
</label>${options.error ? html`<p class="error" id="${errorId}">${options.error}</p>` : ''}`;
}

/** How a page names the signed-in person: their e-mail, else their username, else their id. */
export function signedInName(user: { id: string; email: string | null; username: string | null }): string {
  return user.email ?? user.username ?? user.id;
}
