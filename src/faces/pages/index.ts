// The hosted pages, for people in a browser: server-rendered HTML on Gatehouse's own host, no
// script but the passkey forms' one, every form CSRF-protected, every answer under a strict CSP (see layout.ts). Each route's
// first middleware documents it in /openapi.json (openapi.ts); the pages read their forms themselves.
import { Hono } from 'hono';
import { html } from 'hono/html';
import { resolveBrowserSession } from '../../core/browser-sessions';
import { readSessionCookie } from '../../http/browser-cookies';
import { rateLimitPerClient } from '../../http/rate-limit';
import type { AppEnv } from '../../http/types';
import { devicePage, submitDeviceCode, submitDeviceDecision } from './device';
import { accountPage, submitSignOutDevice, submitSignOutOthers, submitUnlinkIdentity } from './account';
import { endBrowserSession } from '../../web/browser-session';
import { csrfField, requireCsrf } from '../../web/csrf';
import { readForm } from '../../web/form';
import { renderPage, signedInName } from '../../web/layout';
import { DESCRIBE } from './openapi';
import { confirmEmailPage, forgotPasswordPage, resetPasswordForm, submitForgotPassword, submitResetPassword } from './password-pages';
import { refusedForm } from '../../web/refused';
import { safeReturnPath } from '../../web/return-path';
import { submitNewEmail, submitNewPassword } from './credential-pages';
import {
  submitAddPasskey,
  submitAddPasskeyOptions,
  submitPasskeySignIn,
  submitPasskeySignInOptions,
  submitRemovePasskey,
} from './passkey-pages';
import { submitEnrolment, submitNewRecoveryCodes, submitTotpConfirm, submitTotpSetup, submitTurnOff } from './second-factor-pages';
import { submitSignIn, submitSignInCode } from './signin';
import { loginHintOf, signInPage } from './signin-page';
import { completeUpstreamSignIn, startLinkingIdentity, startUpstreamSignIn } from './upstream';
import { registrationOpen, signUpPage, submitSignUp } from './signup';

export const pagesFace = new Hono<AppEnv>();

pagesFace.get('/signin', DESCRIBE.signInPage, (c) => {
  const returnTo = safeReturnPath(c.req.query('return'));
  return signInPage(c, { returnTo, login: loginHintOf(returnTo) });
});
pagesFace.post('/signin', DESCRIBE.signIn, rateLimitPerClient({ scope: 'pages-signin' }), requireCsrf(refusedForm), submitSignIn);
pagesFace.post(
  '/signin/code',
  DESCRIBE.signInCode,
  rateLimitPerClient({ scope: 'pages-signin' }),
  requireCsrf(refusedForm),
  submitSignInCode,
);
// An account the policy requires a second factor of, without one: the enrolment's first code.
pagesFace.post(
  '/signin/enrol',
  DESCRIBE.signInEnrol,
  rateLimitPerClient({ scope: 'pages-signin' }),
  requireCsrf(refusedForm),
  submitEnrolment,
);
// Passkeys: the options (JSON, for the page's script) and the answers.
pagesFace.post(
  '/signin/passkey/options',
  DESCRIBE.passkeySignInOptions,
  rateLimitPerClient({ scope: 'pages-signin' }),
  requireCsrf(refusedForm),
  submitPasskeySignInOptions,
);
pagesFace.post(
  '/signin/passkey',
  DESCRIBE.passkeySignIn,
  rateLimitPerClient({ scope: 'pages-signin' }),
  requireCsrf(refusedForm),
  submitPasskeySignIn,
);
// An upstream identity provider: the start (from the sign-in page's buttons) and the redirect URI registered upstream.
pagesFace.get('/signin/with/:providerId', DESCRIBE.upstreamStart, rateLimitPerClient({ scope: 'pages-signin' }), startUpstreamSignIn);
pagesFace.get('/signin/callback/:providerId', DESCRIBE.upstreamCallback, completeUpstreamSignIn);

// Sign-up and the reset request count against the API's own per-client budgets (register, password-reset).
pagesFace.get('/signup', DESCRIBE.signUpPage, registrationOpen, (c) => signUpPage(c, { returnTo: safeReturnPath(c.req.query('return')) }));
pagesFace.post(
  '/signup',
  DESCRIBE.signUp,
  registrationOpen,
  rateLimitPerClient({ scope: 'register' }),
  requireCsrf(refusedForm),
  submitSignUp,
);
pagesFace.get('/forgot-password', DESCRIBE.forgotPasswordPage, (c) => forgotPasswordPage(c));
pagesFace.post(
  '/forgot-password',
  DESCRIBE.forgotPassword,
  rateLimitPerClient({ scope: 'password-reset' }),
  requireCsrf(refusedForm),
  submitForgotPassword,
);
pagesFace.get('/reset-password', DESCRIBE.resetPasswordPage, resetPasswordForm);
pagesFace.post('/reset-password', DESCRIBE.resetPassword, requireCsrf(refusedForm), submitResetPassword);
pagesFace.get('/confirm-email', DESCRIBE.confirmEmail, confirmEmailPage);

pagesFace.get('/account', DESCRIBE.account, accountPage);
pagesFace.post('/account/sessions/sign-out', DESCRIBE.signOutDevice, requireCsrf(refusedForm), submitSignOutDevice);
pagesFace.post('/account/sessions/sign-out-others', DESCRIBE.signOutOthers, requireCsrf(refusedForm), submitSignOutOthers);
pagesFace.post('/account/mfa/totp', DESCRIBE.totpSetup, requireCsrf(refusedForm), submitTotpSetup);
pagesFace.post('/account/mfa/totp/confirm', DESCRIBE.totpConfirm, requireCsrf(refusedForm), submitTotpConfirm);
pagesFace.post('/account/mfa/recovery-codes', DESCRIBE.newRecoveryCodes, requireCsrf(refusedForm), submitNewRecoveryCodes);
pagesFace.post('/account/mfa/off', DESCRIBE.turnOffMfa, requireCsrf(refusedForm), submitTurnOff);
pagesFace.post('/account/password', DESCRIBE.newPassword, requireCsrf(refusedForm), submitNewPassword);
pagesFace.post('/account/email', DESCRIBE.newEmail, requireCsrf(refusedForm), submitNewEmail);
pagesFace.post('/account/passkeys/options', DESCRIBE.addPasskeyOptions, requireCsrf(refusedForm), submitAddPasskeyOptions);
pagesFace.post('/account/passkeys', DESCRIBE.addPasskey, requireCsrf(refusedForm), submitAddPasskey);
pagesFace.post('/account/passkeys/remove', DESCRIBE.removePasskey, requireCsrf(refusedForm), submitRemovePasskey);
pagesFace.post('/account/identities/unlink', DESCRIBE.unlinkIdentity, requireCsrf(refusedForm), submitUnlinkIdentity);
pagesFace.post('/account/identities/link', DESCRIBE.linkIdentity, requireCsrf(refusedForm), startLinkingIdentity);

// The device authorization grant's page (RFC 8628): looking a code up counts against a per-address budget.
pagesFace.get('/device', DESCRIBE.devicePage, devicePage);
pagesFace.post('/device', DESCRIBE.deviceCode, rateLimitPerClient({ scope: 'pages-device' }), requireCsrf(refusedForm), submitDeviceCode);
pagesFace.post(
  '/device/decide',
  DESCRIBE.deviceDecide,
  rateLimitPerClient({ scope: 'pages-device' }),
  requireCsrf(refusedForm),
  submitDeviceDecision,
);

pagesFace.get('/signout', DESCRIBE.signOutPage, async (c) => {
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) return c.redirect('/signin', 303);
  return renderPage(c, {
    title: 'Sign out',
    body: html`<p>You are signed in as ${signedInName(current.user)}.</p>
<form method="post" action="/signout">${csrfField(c)}<input type="hidden" name="return" value="${safeReturnPath(c.req.query('return') ?? '/signin')}">
<button type="submit">Sign out</button></form>`,
  });
});

pagesFace.post('/signout', DESCRIBE.signOut, requireCsrf(refusedForm), async (c) => {
  const form = await readForm(c);
  await endBrowserSession(c);
  return c.redirect(safeReturnPath(form.return ?? '/signin'), 303);
});
