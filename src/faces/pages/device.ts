// The device authorization's hosted page (RFC 8628 3.3): a signed-in person types the code their
// device shows (or follows verification_uri_complete, which fills it in), sees which application
// asks and for what, and approves or denies. Not signed in: the sign-in page first, coming back
// here. Looking a code up is rate-limited per address (index.ts); the code is never in a log.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { resolveBrowserSession } from '../../core/browser-sessions';
import { decideDeviceRequest, pendingDeviceRequest } from '../../core/device-authorization';
import { readSessionCookie } from '../../http/browser-cookies';
import type { AppEnv } from '../../http/types';
import { csrfField } from '../../web/csrf';
import { field, renderPage, signedInName } from '../../web/layout';
import { formText, readForm } from '../../web/form';
import { toSignIn } from '../../web/refused';

const DEVICE = '/device';
const USER_CODE_MAX = 32;

const SCOPE_WORDS: Record<string, string> = {
  openid: 'Know who you are (your account id)',
  profile: 'Your name and username',
  email: 'Your e-mail address',
};

function codeForm(c: Context<AppEnv>, name: string, value: string, error?: string, status: 200 | 400 = 200) {
  return renderPage(c, {
    title: 'Connect a device',
    status,
    body: html`<p>Signed in as ${name}. Enter the code your device shows.</p>
<form method="post" action="${DEVICE}">${csrfField(c)}
${field({ name: 'user_code', label: 'Code', type: 'text', autocomplete: 'off', value, autofocus: true, ...(error ? { error } : {}) })}
<button type="submit">Continue</button></form>`,
  });
}

/** GET /device: the code form, filled in from `?user_code=` (verification_uri_complete). */
export async function devicePage(c: Context<AppEnv>) {
  const typed = (c.req.query('user_code') ?? '').slice(0, USER_CODE_MAX);
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) return toSignIn(c, typed ? `${DEVICE}?user_code=${encodeURIComponent(typed)}` : DEVICE);
  return codeForm(c, signedInName(current.user), typed);
}

/** POST /device: the code looked up; the approval question, or the form again. */
export async function submitDeviceCode(c: Context<AppEnv>) {
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) return toSignIn(c, DEVICE);
  const typed = formText(await readForm(c), 'user_code', USER_CODE_MAX);
  const request = await pendingDeviceRequest(c.env.deps, typed);
  if (!request)
    return codeForm(c, signedInName(current.user), typed, 'That code is not valid, or has expired. Check it and try again.', 400);
  return renderPage(c, {
    title: `Allow ${request.clientName}?`,
    body: html`<p><strong>${request.clientName}</strong> on the device showing <strong>${request.userCode}</strong> asks to use your account, ${signedInName(current.user)}. It will be able to:</p>
<ul>${request.scopes.map((scope) => html`<li>${SCOPE_WORDS[scope] ?? scope}</li>`)}</ul>
<p>Allow it only if you started this on your own device just now.</p>
<form method="post" action="${DEVICE}/decide">${csrfField(c)}<input type="hidden" name="user_code" value="${request.userCode}">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button></form>`,
  });
}

/** POST /device/decide: the person's answer, recorded once. */
export async function submitDeviceDecision(c: Context<AppEnv>) {
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) return toSignIn(c, DEVICE);
  const form = await readForm(c);
  const approve = formText(form, 'decision', 16) === 'approve';
  const decided = await decideDeviceRequest(c.env.deps, formText(form, 'user_code', USER_CODE_MAX), current, approve);
  if (!decided) {
    return renderPage(c, {
      title: 'This code is no longer waiting',
      status: 400,
      body: html`<p class="error" role="alert">The code was answered already, or it expired. Start again on your device.</p>`,
    });
  }
  return renderPage(c, {
    title: approve ? 'Device connected' : 'Request denied',
    body: approve
      ? html`<p class="notice" role="status">You can go back to your device: it is signed in now.</p>`
      : html`<p class="notice" role="status">Nothing was connected. You can close this page.</p>`,
  });
}
