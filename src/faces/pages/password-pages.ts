// Forgot password, reset password and confirm e-mail: the pages the mailed links open, over the
// API's core (requestPasswordReset, resetPassword, confirmEmail). Asking for a reset answers the
// same page for every address; a reset code is read on GET and spent only by the POST that brings
// the new password, which ends every session of the user as the API's reset does.
import { minutesInWords } from '../../core/durations';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { AppError } from '../../core/errors';
import { confirmEmail, isResetCodeLive, requestPasswordReset, resetPassword } from '../../core/password-reset';
import { EMAIL_MAX_LENGTH } from '../../core/users';
import { passwordFieldMaxLength } from '../../http/body';
import { clearSessionCookies } from '../../http/browser-cookies';
import type { AppEnv } from '../../http/types';
import { csrfField } from '../../web/csrf';
import { fieldErrorOf, formText, readForm, type FieldError } from '../../web/form';
import { field, renderPage, type PageOptions } from '../../web/layout';
import { signInPage } from './signin-page';

/** As the User Service reads codes. */
const CODE_MAX_CHARS = 256;

export function forgotPasswordPage(c: Context<AppEnv>, form: { email?: string; error?: string; status?: PageOptions['status'] } = {}) {
  return renderPage(c, {
    title: 'Forgot your password?',
    status: form.status,
    body: html`<p>Enter the e-mail address of your account. We will send you a link to choose a new password.</p>
<form method="post" action="/forgot-password" novalidate>
${csrfField(c)}
${field({ name: 'email', label: 'E-mail', type: 'email', autocomplete: 'email', value: form.email, error: form.error, autofocus: true })}
<button type="submit">Send the link</button>
</form>
<p class="links"><a href="/signin">Back to sign in</a></p>`,
  });
}

export async function submitForgotPassword(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const email = formText(await readForm(c), 'email', EMAIL_MAX_LENGTH).trim();
  if (email === '') return forgotPasswordPage(c, { email, error: 'Enter your e-mail address.', status: 400 });
  if (email.length > EMAIL_MAX_LENGTH) return forgotPasswordPage(c, { email: '', error: 'Enter a valid e-mail address.', status: 400 });
  await requestPasswordReset(deps, deps.config.defaultEcosystem, email);
  return renderPage(c, {
    title: 'Check your mail',
    body: html`<p class="notice" role="status">If an account exists for that address, we sent it a link to choose a new password. The link works for ${minutesInWords(deps.config.resetCodeTtlSeconds)}.</p>
<p class="links"><a href="/signin">Back to sign in</a></p>`,
  });
}

function badResetLink(c: Context<AppEnv>) {
  return renderPage(c, {
    title: 'This link does not work',
    status: 400,
    body: html`<p class="error" role="alert">This password reset link is not valid: it was already used, it expired, or it was copied incompletely.</p>
<p class="links"><a href="/forgot-password">Ask for a new link</a><a href="/signin">Sign in</a></p>`,
  });
}

function resetPasswordPage(c: Context<AppEnv>, code: string, error?: FieldError) {
  const min = c.env.deps.config.passwordMinLength;
  return renderPage(c, {
    title: 'Choose a new password',
    status: error ? 400 : 200,
    body: html`<form method="post" action="/reset-password" novalidate>
${csrfField(c)}<input type="hidden" name="code" value="${code}">
${field({ name: 'password', label: `New password (at least ${min} characters)`, type: 'password', autocomplete: 'new-password', error: error?.message, autofocus: true })}
<button type="submit">Set the new password</button>
</form>
<p>Every device signed in to your account will be signed out.</p>`,
  });
}

/** GET /reset-password?code=: the form, if the code could still be spent; the code is not spent. */
export async function resetPasswordForm(c: Context<AppEnv>) {
  const code = c.req.query('code') ?? '';
  if (code === '' || code.length > CODE_MAX_CHARS || !(await isResetCodeLive(c.env.deps, code))) return badResetLink(c);
  return resetPasswordPage(c, code);
}

export async function submitResetPassword(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const form = await readForm(c);
  const code = formText(form, 'code', CODE_MAX_CHARS);
  const password = formText(form, 'password', passwordFieldMaxLength(deps.config));
  if (code === '' || code.length > CODE_MAX_CHARS) return badResetLink(c);
  if (password === '') return resetPasswordPage(c, code, { field: 'password', message: 'Choose a new password.' });
  try {
    await resetPassword(deps, code, password);
  } catch (error) {
    if (error instanceof AppError && error.code === 'INVALID_CODE') return badResetLink(c);
    const refused = fieldErrorOf(error, { password: 'Password' });
    if (!refused) throw error;
    return resetPasswordPage(c, code, refused);
  }
  // The reset ended every session, this browser's too: its cookie goes with it.
  clearSessionCookies(c);
  return signInPage(c, {
    returnTo: '/account',
    notice: 'Your password was changed, and every device was signed out. Sign in with your new password.',
  });
}

/** GET /confirm-email?code=: the mailed confirmation link confirms, and says so. */
export async function confirmEmailPage(c: Context<AppEnv>) {
  const code = c.req.query('code') ?? '';
  const done = (title: string, text: string, status: PageOptions['status'] = 200) =>
    renderPage(c, {
      title,
      status,
      body: html`<p class="${status === 200 ? 'notice' : 'error'}" role="${status === 200 ? 'status' : 'alert'}">${text}</p>
<p class="links"><a href="/signin">Sign in</a></p>`,
    });
  try {
    if (code === '' || code.length > CODE_MAX_CHARS) throw new AppError('INVALID_CODE', { field: 'code' });
    await confirmEmail(c.env.deps, code);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'USER_ALREADY_CONFIRMED')
      return done('Already confirmed', 'Your e-mail address was already confirmed. You can sign in.');
    if (error.code === 'INVALID_CODE') {
      return done(
        'This link does not work',
        'This confirmation link is not valid: it was already used, it expired, or it was copied incompletely.',
        400,
      );
    }
    throw error;
  }
  return done('Address confirmed', 'Your e-mail address is confirmed. You can now sign in.');
}
