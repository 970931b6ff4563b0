// GET and POST /signup, when OPEN_REGISTRATION is on (a 404 page otherwise): the User Service's
// registration (registerUser) behind a form. With EMAIL_CONFIRMATION on, every accepted form gets
// the same "we sent you a link" page, a taken address included (the core mails its owner instead,
// as the API does); with it off the new user is signed in at once, and a taken address is refused
// on its field, as the API refuses it.
import type { Context, MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { startBrowserSession } from '../../core/browser-sessions';
import { registerUser } from '../../core/email-accounts';
import { AppError } from '../../core/errors';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../core/users';
import { passwordFieldMaxLength } from '../../http/body';
import type { AppEnv } from '../../http/types';
import { replaceBrowserSession } from '../../web/browser-session';
import { csrfField } from '../../web/csrf';
import { fieldErrorOf, formText, readForm, type FieldError } from '../../web/form';
import { field, renderPage, type PageOptions } from '../../web/layout';
import { safeReturnPath } from '../../web/return-path';

/** As the User Service reads names (firstname, lastname). */

const LABELS = { email: 'E-mail', password: 'Password', firstName: 'First name', lastName: 'Last name' };

interface SignUpForm {
  email?: string;
  firstName?: string;
  lastName?: string;
  returnTo: string;
  error?: FieldError;
  status?: PageOptions['status'];
}

/** Registration closed: the pages answer as if there were no such page. */
export const registrationOpen: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.env.deps.config.openRegistration) throw new AppError('ROUTE_NOT_FOUND');
  await next();
};

export function signUpPage(c: Context<AppEnv>, form: SignUpForm) {
  const errorOf = (name: string) => (form.error?.field === name ? form.error.message : undefined);
  const focusFirst = !form.error;
  return renderPage(c, {
    title: 'Create an account',
    status: form.status,
    body: html`<form method="post" action="/signup" novalidate>
${csrfField(c)}<input type="hidden" name="return" value="${form.returnTo}">
${field({ name: 'email', label: LABELS.email, type: 'email', autocomplete: 'email', value: form.email, error: errorOf('email'), autofocus: focusFirst })}
${field({ name: 'password', label: `${LABELS.password} (at least ${c.env.deps.config.passwordMinLength} characters)`, type: 'password', autocomplete: 'new-password', error: errorOf('password') })}
${field({ name: 'firstName', label: `${LABELS.firstName} (optional)`, type: 'text', autocomplete: 'given-name', value: form.firstName, error: errorOf('firstName'), required: false })}
${field({ name: 'lastName', label: `${LABELS.lastName} (optional)`, type: 'text', autocomplete: 'family-name', value: form.lastName, error: errorOf('lastName'), required: false })}
<button type="submit">Create account</button>
</form>
<p class="links"><a href="/signin">Already have an account? Sign in</a></p>`,
  });
}

function checkMailPage(c: Context<AppEnv>) {
  return renderPage(c, {
    title: 'Check your mail',
    body: html`<p class="notice" role="status">We sent a message to the address you gave. Open the link in it to confirm your address, then sign in.</p>
<p class="links"><a href="/signin">Sign in</a></p>`,
  });
}

export async function submitSignUp(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const form = await readForm(c);
  const returnTo = safeReturnPath(form.return);
  const email = formText(form, 'email', EMAIL_MAX_LENGTH).trim();
  const password = formText(form, 'password', passwordFieldMaxLength(deps.config));
  const firstName = formText(form, 'firstName', NAME_MAX_LENGTH).trim();
  const lastName = formText(form, 'lastName', NAME_MAX_LENGTH).trim();
  const again = (error: FieldError) => signUpPage(c, { email, firstName, lastName, returnTo, error, status: 400 });
  if (email === '') return again({ field: 'email', message: 'Enter your e-mail address.' });
  if (password === '') return again({ field: 'password', message: 'Choose a password.' });
  for (const [name, value] of [
    ['firstName', firstName],
    ['lastName', lastName],
  ] as const) {
    if (value.length > NAME_MAX_LENGTH)
      return again({ field: name, message: `${LABELS[name]} must be at most ${NAME_MAX_LENGTH} characters.` });
  }
  let user: Awaited<ReturnType<typeof registerUser>>;
  try {
    const input = { email, password, firstName: firstName || null, lastName: lastName || null, language: 'en' };
    user = await registerUser(deps, input, undefined);
  } catch (error) {
    const refused = fieldErrorOf(error, LABELS);
    if (!refused) throw error;
    return signUpPage(c, {
      email,
      firstName,
      lastName,
      returnTo,
      error: refused,
      status: error instanceof AppError && error.code === 'EMAIL_TAKEN' ? 409 : 400,
    });
  }
  if (deps.config.emailConfirmation) return checkMailPage(c);
  const { cookie, maxAgeSeconds } = await startBrowserSession(deps, user);
  await replaceBrowserSession(c, cookie, maxAgeSeconds);
  return c.redirect(returnTo, 303);
}
