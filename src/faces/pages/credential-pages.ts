// The account page's password and e-mail changes: a form each, guarded by a sign-in from the last 5
// minutes (else a page asks to sign in again, with the password and code or a passkey). A change
// ends every other session and token of the person, keeps this browser's, and mails the old
// address (core/account-changes.ts). Every POST is CSRF-checked (index.ts).
import { ACCOUNT, reauthenticationPage } from './reauthentication';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { changeOwnEmail, changeOwnPassword } from '../../core/account-changes';
import { resolveBrowserSession } from '../../core/browser-sessions';
import { AppError } from '../../core/errors';
import { EMAIL_MAX_LENGTH } from '../../core/users';
import { passwordFieldMaxLength } from '../../http/body';
import { readSessionCookie } from '../../http/browser-cookies';
import type { AppEnv } from '../../http/types';
import { csrfField } from '../../web/csrf';
import { fieldErrorOf, formText, readForm } from '../../web/form';
import { field, renderPage } from '../../web/layout';
import { toSignIn } from '../../web/refused';

/** The account page's section: a new password, a new e-mail address. */
export function credentialSection(c: Context<AppEnv>, errors: { password?: string; email?: string } = {}) {
  return html`<section aria-labelledby="credentials"><h2 id="credentials">Password and e-mail</h2>
<p>Changing either needs a sign-in from the last 5 minutes and signs out your other devices.</p>
<form method="post" action="/account/password" novalidate>${csrfField(c)}
${field({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', error: errors.password })}
<button type="submit" class="secondary">Change password</button>
</form>
<form method="post" action="/account/email" novalidate>${csrfField(c)}
${field({ name: 'email', label: 'New e-mail address', type: 'email', autocomplete: 'email', error: errors.email })}
<button type="submit" class="secondary">Change e-mail</button>
</form></section>`;
}

function refusedPage(c: Context<AppEnv>, name: 'password' | 'email', message: string, status: 400 | 409) {
  return renderPage(c, {
    title: name === 'password' ? 'Password not changed' : 'E-mail not changed',
    status,
    body: html`${credentialSection(c, { [name]: message })}
<p class="links"><a href="${ACCOUNT}">Back to your account</a></p>`,
  });
}

async function change(c: Context<AppEnv>, name: 'password' | 'email', max: number, what: string) {
  const deps = c.env.deps;
  const current = await resolveBrowserSession(deps, readSessionCookie(c));
  if (!current) return toSignIn(c, ACCOUNT);
  const value = formText(await readForm(c), name, max);
  const typed = name === 'email' ? value.trim() : value;
  if (typed === '') return refusedPage(c, name, name === 'password' ? 'Enter a new password.' : 'Enter a new e-mail address.', 400);
  try {
    if (name === 'password') await changeOwnPassword(deps, current, typed);
    else await changeOwnEmail(deps, current, typed);
  } catch (error) {
    if (error instanceof AppError && error.code === 'REAUTHENTICATION_REQUIRED') return reauthenticationPage(c, what);
    const refused = fieldErrorOf(error, { password: 'Password', email: 'E-mail' });
    if (!refused) throw error;
    return refusedPage(c, name, refused.message, error instanceof AppError && error.code === 'EMAIL_TAKEN' ? 409 : 400);
  }
  return c.redirect(`${ACCOUNT}?done=${name}`, 303);
}

/** POST /account/password: a new password (the policy's rules). */
export function submitNewPassword(c: Context<AppEnv>) {
  return change(c, 'password', passwordFieldMaxLength(c.env.deps.config), 'Changing your password');
}

/** POST /account/email: a new e-mail address. */
export function submitNewEmail(c: Context<AppEnv>) {
  return change(c, 'email', EMAIL_MAX_LENGTH + 1, 'Changing your e-mail address');
}
