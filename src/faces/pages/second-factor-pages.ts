// The account page's second factors: "Set up an authenticator app" (a QR code and the secret in
// base32, then a first code turns it on and the ten recovery codes are shown once, as a list), a new
// set of recovery codes, and turning it off (a sign-in from the last 5 minutes). Every POST is
// CSRF-checked (index.ts) and needs the browser session.
import { ACCOUNT, reauthenticationPage } from './reauthentication';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { resolveBrowserSession, signInWithEnrolment, type BrowserSession } from '../../core/browser-sessions';
import { enrolmentSetup } from '../../core/sign-in-challenges';
import { AppError } from '../../core/errors';
import {
  confirmTotpSetup,
  pendingTotpSetup,
  renewRecoveryCodes,
  startTotpSetup,
  turnOffSecondFactors,
  type SecondFactorState,
  type TotpSetup,
} from '../../core/second-factors';
import { readSessionCookie } from '../../http/browser-cookies';
import type { AppEnv } from '../../http/types';
import { csrfField } from '../../web/csrf';
import { formText, readForm } from '../../web/form';
import { field, renderPage } from '../../web/layout';
import { qrCodeSvg } from '../../web/qr';
import { toSignIn } from '../../web/refused';
import { replaceBrowserSession } from '../../web/browser-session';
import { pageMessageOf } from '../../web/errors';
import { safeReturnPath } from '../../web/return-path';
import { signInPage, STATUS_OF_FAILURE } from './signin-page';

/** The account page's section on second factors. */
export function secondFactorSection(c: Context<AppEnv>, state: SecondFactorState) {
  if (!state.totp) {
    return html`<h2>Two-step sign-in</h2>
<p>Off. With an authenticator app, signing in needs a code from your phone as well as your password.</p>
<form method="post" action="/account/mfa/totp">${csrfField(c)}<button type="submit" class="secondary">Set up an authenticator app</button></form>`;
  }
  return html`<h2>Two-step sign-in</h2>
<p>On: an authenticator app. Recovery codes left: ${state.recoveryCodesLeft}.</p>
<form method="post" action="/account/mfa/recovery-codes">${csrfField(c)}<button type="submit" class="secondary">Make new recovery codes</button></form>
<form method="post" action="/account/mfa/off">${csrfField(c)}<button type="submit" class="secondary">Turn off two-step sign-in</button></form>`;
}

function setupPage(c: Context<AppEnv>, setup: TotpSetup, error?: string) {
  return renderPage(c, {
    title: 'Set up an authenticator app',
    status: error ? 400 : 200,
    body: html`<p>Scan this code with your authenticator app.</p>
${qrCodeSvg(setup.uri, 'QR code of the authenticator app setup')}
<p>Cannot scan? Enter this key in the app instead: <code id="totp-secret">${setup.keyText}</code></p>
<form method="post" action="/account/mfa/totp/confirm" novalidate>${csrfField(c)}
${field({ name: 'code', label: 'The 6-digit code the app shows', type: 'text', autocomplete: 'one-time-code', error, autofocus: true })}
<button type="submit">Turn on</button>
</form>
<p class="links"><a href="${ACCOUNT}">Cancel</a></p>`,
  });
}

function recoveryCodesPage(c: Context<AppEnv>, title: string, codes: readonly string[]) {
  return renderPage(c, {
    title,
    body: html`<p>Keep these recovery codes somewhere safe. Each one signs you in once if you lose your phone. They are shown only now.</p>
<ul class="codes" aria-label="Recovery codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
<p class="links"><a href="${ACCOUNT}">Back to your account</a></p>`,
  });
}

async function signedIn(c: Context<AppEnv>): Promise<BrowserSession | null> {
  return resolveBrowserSession(c.env.deps, readSessionCookie(c));
}

/** POST /account/mfa/totp: a new pending secret, shown as a QR code and as text. */
export async function submitTotpSetup(c: Context<AppEnv>) {
  const current = await signedIn(c);
  if (!current) return toSignIn(c, ACCOUNT);
  return setupPage(c, await startTotpSetup(c.env.deps, current.user));
}

/** POST /account/mfa/totp/confirm: the first code turns the app on; the recovery codes follow. */
export async function submitTotpConfirm(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const current = await signedIn(c);
  if (!current) return toSignIn(c, ACCOUNT);
  const code = formText(await readForm(c), 'code', 64).trim();
  try {
    return recoveryCodesPage(c, 'Two-step sign-in is on', await confirmTotpSetup(deps, current.user, code));
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'INVALID_CODE')) throw error;
    const pending = await pendingTotpSetup(deps, current.user);
    if (!pending) return c.redirect(ACCOUNT, 303);
    return setupPage(
      c,
      pending,
      code === '' ? 'Enter the code the app shows.' : 'That code is not right. Check the app and try the new code.',
    );
  }
}

/** POST /account/mfa/recovery-codes: a new set; the old one stops working. */
export async function submitNewRecoveryCodes(c: Context<AppEnv>) {
  const current = await signedIn(c);
  if (!current) return toSignIn(c, ACCOUNT);
  return recoveryCodesPage(c, 'New recovery codes', await renewRecoveryCodes(c.env.deps, current.user));
}

/** POST /account/mfa/off: needs a sign-in from the last 5 minutes, else asks for one. */
export async function submitTurnOff(c: Context<AppEnv>) {
  const current = await signedIn(c);
  if (!current) return toSignIn(c, ACCOUNT);
  try {
    await turnOffSecondFactors(c.env.deps, current);
  } catch (error) {
    if (error instanceof AppError && error.code === 'FORBIDDEN') {
      return renderPage(c, {
        title: 'Two-step sign-in stays on',
        status: 403,
        body: html`<p class="error" role="alert">Your account must have two-step sign-in: it cannot be turned off.</p>
<p class="links"><a href="${ACCOUNT}">Back to your account</a></p>`,
      });
    }
    if (!(error instanceof AppError && error.code === 'REAUTHENTICATION_REQUIRED')) throw error;
    return reauthenticationPage(c, 'Turning off two-step sign-in');
  }
  return c.redirect(`${ACCOUNT}?done=mfa-off`, 303);
}

interface EnrolmentForm {
  challenge: string;
  returnTo: string;
  setup: TotpSetup;
  error?: string;
  status?: 400 | 401 | 429;
}

/**
 * The sign-in's enrolment page: the account must have a second factor and has none, so before any
 * session exists it sets up an authenticator app (QR code and base32 secret) and sends its first code.
 */
export function enrolmentPage(c: Context<AppEnv>, form: EnrolmentForm) {
  return renderPage(c, {
    title: 'Set up two-step sign-in',
    status: form.error ? (form.status ?? 400) : 200,
    body: html`<p>This account needs a second step to sign in. Scan this code with your authenticator app, then enter the code it shows.</p>
${qrCodeSvg(form.setup.uri, 'QR code of the authenticator app setup')}
<p>Cannot scan? Enter this key in the app instead: <code id="totp-secret">${form.setup.keyText}</code></p>
<form method="post" action="/signin/enrol" novalidate>${csrfField(c)}
<input type="hidden" name="return" value="${form.returnTo}"><input type="hidden" name="challenge" value="${form.challenge}">
${field({ name: 'code', label: 'The 6-digit code the app shows', type: 'text', autocomplete: 'one-time-code', error: form.error, autofocus: true })}
<button type="submit">Turn on and sign in</button>
</form>
<p class="links"><a href="/signin">Start over</a></p>`,
  });
}

/** POST /signin/enrol: the new app's first code turns it on and signs in; the recovery codes are shown once. */
export async function submitEnrolment(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const form = await readForm(c);
  const returnTo = safeReturnPath(form.return);
  const challenge = formText(form, 'challenge', 200);
  const code = formText(form, 'code', 64).trim();
  try {
    if (code === '') throw new AppError('INVALID_CODE', { field: 'otp' });
    const { cookie, maxAgeSeconds, recoveryCodes } = await signInWithEnrolment(deps, challenge, code);
    await replaceBrowserSession(c, cookie, maxAgeSeconds);
    return renderPage(c, {
      title: 'Two-step sign-in is on',
      body: html`<p>You are signed in. Keep these recovery codes somewhere safe. Each one signs you in once if you lose your phone. They are shown only now.</p>
<ul class="codes" aria-label="Recovery codes">${recoveryCodes.map((one) => html`<li><code>${one}</code></li>`)}</ul>
<p class="links"><a href="${returnTo}">Continue</a></p>`,
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'INVALID_CODE' && error.detail.field === 'challenge') {
      return signInPage(c, { returnTo, error: 'That sign-in took too long or was already used. Sign in again.', status: 400 });
    }
    const status = error.code === 'INVALID_CODE' ? 401 : STATUS_OF_FAILURE[error.code];
    if (status !== 401 && status !== 429) throw error;
    const retry = error.detail.retryAfterSeconds;
    if (retry !== undefined) c.header('Retry-After', String(retry));
    const setup = await enrolmentSetup(deps, challenge);
    const message =
      code === ''
        ? 'Enter the code the app shows.'
        : error.code === 'INVALID_CODE'
          ? 'That code is not right. Check the app and try the new code.'
          : pageMessageOf(error);
    return enrolmentPage(c, { challenge, returnTo, setup, error: message, status });
  }
}
