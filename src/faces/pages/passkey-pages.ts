// Passkeys on the hosted pages: "Sign in with a passkey" on the sign-in page (no username), and on the
// account page the list (name, added, last used), "Add a passkey" with a name, and removal. The
// forms are hidden until the page's script finds WebAuthn (web/passkey-script.ts); it asks the
// `.../options` routes (JSON) for a ceremony's options and posts the browser's answer in the form.
// Adding and removing need a sign-in from the last 5 minutes; every POST is CSRF-checked (index.ts).
import { ACCOUNT, reauthenticationPage } from './reauthentication';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { resolveBrowserSession, signInWithPasskey } from '../../core/browser-sessions';
import { AppError } from '../../core/errors';
import {
  addPasskey,
  PASSKEY_NAME_MAX_LENGTH,
  PASSKEY_RESPONSE_MAX_LENGTH,
  removePasskey,
  startAddingPasskey,
  startPasskeySignIn,
  type PasskeySummary,
} from '../../core/passkeys';
import { readSessionCookie } from '../../http/browser-cookies';
import type { AppEnv } from '../../http/types';
import { replaceBrowserSession } from '../../web/browser-session';
import { csrfField } from '../../web/csrf';
import { formText, readForm } from '../../web/form';
import { field, renderPage } from '../../web/layout';
import { toSignIn } from '../../web/refused';
import { safeReturnPath } from '../../web/return-path';
import { signInPage } from './signin-page';

function when(ms: number | null) {
  if (ms === null) return 'Never';
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

/** The account page's passkeys: the list with a removal form each, and the form that adds one. */
export function passkeySection(c: Context<AppEnv>, passkeys: readonly PasskeySummary[]) {
  const list =
    passkeys.length === 0
      ? html`<p>No passkeys yet. A passkey signs you in with your device's screen lock instead of a password.</p>`
      : html`<table>
<caption>Your passkeys</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col">Action</th></tr></thead>
<tbody>${passkeys.map(
          (passkey) => html`<tr><td>${passkey.name}</td><td>${when(passkey.createdAt)}</td><td>${when(passkey.lastUsedAt)}</td>
<td><form method="post" action="/account/passkeys/remove">${csrfField(c)}<input type="hidden" name="passkey" value="${passkey.id}">
<button type="submit" class="secondary" aria-label="Remove passkey ${passkey.name}">Remove</button></form></td></tr>`,
        )}</tbody>
</table>`;
  return html`<section aria-labelledby="passkeys"><h2 id="passkeys">Passkeys</h2>
${list}
<form method="post" action="/account/passkeys" data-passkey="create" data-options="/account/passkeys/options" data-failed="No passkey was added. Try again." hidden>
${csrfField(c)}<input type="hidden" name="challenge" value=""><input type="hidden" name="response" value="">
${field({ name: 'name', label: 'Name of the new passkey (optional)', type: 'text', autocomplete: 'off', required: false })}
<button type="submit" class="secondary">Add a passkey</button>
<p class="error" aria-live="polite" data-passkey-status></p>
</form></section>`;
}

function passkeyRefusedPage(c: Context<AppEnv>, message: string, status: 400 | 404 = 400) {
  return renderPage(c, {
    title: 'No passkey was added',
    status,
    body: html`<p class="error" role="alert">${message}</p>
<p class="links"><a href="${ACCOUNT}">Back to your account</a></p>`,
  });
}

/** POST /account/passkeys/options: the options for adding a passkey, as JSON (the script's). */
export async function submitAddPasskeyOptions(c: Context<AppEnv>) {
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) throw new AppError('UNAUTHENTICATED');
  c.header('Cache-Control', 'no-store');
  return c.json(await startAddingPasskey(c.env.deps, current));
}

/** POST /account/passkeys: adds the passkey the browser made, with its name. */
export async function submitAddPasskey(c: Context<AppEnv>) {
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) return toSignIn(c, ACCOUNT);
  const form = await readForm(c);
  try {
    await addPasskey(c.env.deps, current, {
      challengeId: formText(form, 'challenge', 64),
      response: formText(form, 'response', PASSKEY_RESPONSE_MAX_LENGTH),
      name: formText(form, 'name', PASSKEY_NAME_MAX_LENGTH),
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'REAUTHENTICATION_REQUIRED') return reauthenticationPage(c, 'Adding a passkey');
    if (error.code === 'INVALID_FIELD') return passkeyRefusedPage(c, `The name can be at most ${PASSKEY_NAME_MAX_LENGTH} characters.`);
    if (error.code === 'LIMIT_EXCEEDED')
      return passkeyRefusedPage(c, 'You have as many passkeys as an account may have: remove one first.');
    if (error.code === 'PASSKEY_REFUSED') return passkeyRefusedPage(c, 'The passkey was not accepted, or took too long. Try again.');
    throw error;
  }
  return c.redirect(`${ACCOUNT}?done=passkey-added`, 303);
}

/** POST /account/passkeys/remove: removes one of the user's passkeys. */
export async function submitRemovePasskey(c: Context<AppEnv>) {
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) return toSignIn(c, ACCOUNT);
  try {
    await removePasskey(c.env.deps, current, formText(await readForm(c), 'passkey', 1024));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'REAUTHENTICATION_REQUIRED') return reauthenticationPage(c, 'Removing a passkey');
    if (error.code === 'PASSKEY_NOT_FOUND') return passkeyRefusedPage(c, 'That is not one of your passkeys.', 404);
    throw error;
  }
  return c.redirect(`${ACCOUNT}?done=passkey-removed`, 303);
}

/** POST /signin/passkey/options: the options for a sign-in with any passkey, as JSON (the script's). */
export async function submitPasskeySignInOptions(c: Context<AppEnv>) {
  c.header('Cache-Control', 'no-store');
  return c.json(await startPasskeySignIn(c.env.deps));
}

/** POST /signin/passkey: the browser's answer signs in, with the passkey alone. */
export async function submitPasskeySignIn(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const form = await readForm(c);
  const returnTo = safeReturnPath(form.return);
  try {
    const { cookie, maxAgeSeconds } = await signInWithPasskey(
      deps,
      formText(form, 'challenge', 64),
      formText(form, 'response', PASSKEY_RESPONSE_MAX_LENGTH),
    );
    await replaceBrowserSession(c, cookie, maxAgeSeconds);
    return c.redirect(returnTo, 303);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const messages: Partial<Record<string, string>> = {
      PASSKEY_REFUSED: 'That passkey did not sign you in, or it took too long. Try again, or use your password.',
      MFA_REQUIRED:
        'This passkey did not verify you (no PIN or biometric), and your account needs two steps: sign in with your password and code.',
      MFA_ENROLLMENT_REQUIRED:
        'This passkey did not verify you (no PIN or biometric), and your account needs two steps: sign in with your password to set them up.',
      USER_NOT_CONFIRMED: 'Confirm your e-mail address first: follow the link in the message we sent you.',
    };
    const message = messages[error.code];
    if (!message) throw error;
    return signInPage(c, { returnTo, passkeyError: message, status: error.code === 'USER_NOT_CONFIRMED' ? 403 : 401 });
  }
}
