// POST /signin (the form is signin-page.ts): e-mail or username and password, into a browser session cookie. A wrong
// password and an unknown account read the same (issue 7's enumeration rule); lockout and the
// per-client rate limit apply as on the API, and a confirmed address is required. An account with a
// second factor gets the code page instead of a session: its challenge in a hidden field, a code from
// the authenticator app or a recovery code; a wrong code shows it again and counts toward the
// lockout, a spent or expired challenge starts over. An account the policy requires a second factor
// of, without one, gets the enrolment page (second-factor-pages.ts) instead.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { signIn, signInWithCode } from '../../core/browser-sessions';
import { signInEcosystemFor } from '../../core/console-access';
import { AppError } from '../../core/errors';
import { enrolmentSetup } from '../../core/sign-in-challenges';
import { EMAIL_MAX_LENGTH } from '../../core/users';
import { passwordFieldMaxLength } from '../../http/body';
import type { AppEnv } from '../../http/types';
import { replaceBrowserSession } from '../../web/browser-session';
import { csrfField } from '../../web/csrf';
import { pageMessageOf } from '../../web/errors';
import { formText, readForm } from '../../web/form';
import { field, renderPage, type PageOptions } from '../../web/layout';
import { safeReturnPath } from '../../web/return-path';
import { enrolmentPage } from './second-factor-pages';
import { signInPage, STATUS_OF_FAILURE } from './signin-page';

export async function submitSignIn(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const form = await readForm(c);
  const returnTo = safeReturnPath(form.return);
  const login = formText(form, 'login', EMAIL_MAX_LENGTH).trim();
  const password = formText(form, 'password', passwordFieldMaxLength(deps.config));
  if (login === '' || password === '') {
    return signInPage(c, { login, returnTo, error: 'Enter your e-mail or username and your password.', status: 400 });
  }
  try {
    const outcome = await signIn(deps, login, password, signInEcosystemFor(deps, returnTo));
    if (outcome.challenge !== undefined && outcome.kind === 'enrol') {
      return enrolmentPage(c, { challenge: outcome.challenge, returnTo, setup: await enrolmentSetup(deps, outcome.challenge) });
    }
    if (outcome.challenge !== undefined) return signInCodePage(c, { challenge: outcome.challenge, returnTo });
    await replaceBrowserSession(c, outcome.cookie, outcome.maxAgeSeconds);
    return c.redirect(returnTo, 303);
  } catch (error) {
    const status = error instanceof AppError ? STATUS_OF_FAILURE[error.code] : undefined;
    if (!(error instanceof AppError) || !status) throw error;
    const retry = error.detail.retryAfterSeconds;
    if (retry !== undefined) c.header('Retry-After', String(retry));
    return signInPage(c, { login, returnTo, error: pageMessageOf(error), status });
  }
}

interface CodeForm {
  challenge: string;
  returnTo: string;
  error?: string;
  status?: PageOptions['status'];
}

export function signInCodePage(c: Context<AppEnv>, form: CodeForm) {
  return renderPage(c, {
    title: 'Enter your code',
    status: form.status,
    body: html`<p>Open your authenticator app and enter the code it shows for this account. Lost your phone? Enter one of your recovery codes.</p>
<form method="post" action="/signin/code" novalidate>
${csrfField(c)}<input type="hidden" name="return" value="${form.returnTo}"><input type="hidden" name="challenge" value="${form.challenge}">
${field({ name: 'code', label: 'Code', type: 'text', autocomplete: 'one-time-code', error: form.error, autofocus: true })}
<button type="submit">Continue</button>
</form>
<p class="links"><a href="/signin">Start over</a></p>`,
  });
}

export async function submitSignInCode(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const form = await readForm(c);
  const returnTo = safeReturnPath(form.return);
  const challenge = formText(form, 'challenge', 200);
  const code = formText(form, 'code', 64).trim();
  if (code === '') return signInCodePage(c, { challenge, returnTo, error: 'Enter the code from your authenticator app.', status: 400 });
  try {
    const { cookie, maxAgeSeconds } = await signInWithCode(deps, challenge, code);
    await replaceBrowserSession(c, cookie, maxAgeSeconds);
    return c.redirect(returnTo, 303);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'INVALID_CODE' && error.detail.field === 'challenge') {
      return signInPage(c, { returnTo, error: 'That sign-in took too long or was already used. Sign in again.', status: 400 });
    }
    if (error.code === 'INVALID_CODE') {
      return signInCodePage(c, { challenge, returnTo, error: 'That code is not right, or was already used.', status: 401 });
    }
    const status = STATUS_OF_FAILURE[error.code];
    if (!status) throw error;
    const retry = error.detail.retryAfterSeconds;
    if (retry !== undefined) c.header('Retry-After', String(retry));
    return signInCodePage(c, { challenge, returnTo, error: pageMessageOf(error), status });
  }
}
