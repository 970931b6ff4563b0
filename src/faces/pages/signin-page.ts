// The sign-in form itself (GET /signin and every answer that shows it again): e-mail or username
// and password, the passkey form (hidden until the page's script finds WebAuthn), the upstream
// providers' buttons. Its own module so that every page that falls back to it can import it.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { signInChoices } from '../../core/identity-providers';
import { EMAIL_MAX_LENGTH } from '../../core/users';
import type { AppEnv } from '../../http/types';
import { csrfField } from '../../web/csrf';
import { field, renderPage, type PageOptions } from '../../web/layout';
import { PASSKEY_SCRIPT } from '../../web/passkey-script';

export interface SignInForm {
  login?: string;
  returnTo: string;
  error?: string;
  notice?: string;
  /** Why a sign-in with a passkey failed (shown in the passkey form). */
  passkeyError?: string;
  status?: PageOptions['status'];
}

/** The sign-in page's passkey form: hidden until the page's script finds WebAuthn (web/passkey-script.ts). */
function passkeySignInForm(c: Context<AppEnv>, returnTo: string) {
  return html`<form method="post" action="/signin/passkey" data-passkey="get" data-options="/signin/passkey/options" data-failed="The passkey did not sign you in. Try again, or use your password." hidden>
${csrfField(c)}<input type="hidden" name="return" value="${returnTo}"><input type="hidden" name="challenge" value=""><input type="hidden" name="response" value="">
<button type="submit" class="secondary">Sign in with a passkey</button>
<p class="error" aria-live="polite" data-passkey-status></p>
</form>`;
}

/**
 * The `login_hint` of the authorization request the sign-in returns to (OpenID Connect Core
 * 3.1.2.1), to fill the form with: only from a return path to /oauth/authorize, and only as text.
 */
export function loginHintOf(returnTo: string): string | undefined {
  if (!returnTo.startsWith('/oauth/authorize?')) return undefined;
  const hint = new URLSearchParams(returnTo.slice('/oauth/authorize?'.length)).get('login_hint')?.trim();
  return hint && hint.length <= EMAIL_MAX_LENGTH ? hint : undefined;
}

export async function signInPage(c: Context<AppEnv>, form: SignInForm) {
  const choices = await signInChoices(c.env.deps);
  const back = encodeURIComponent(form.returnTo);
  const upstream =
    choices.length === 0
      ? ''
      : html`<ul class="providers">${choices.map(
          (choice) => html`<li><a class="button" href="/signin/with/${choice.id}?return=${back}">Continue with ${choice.name}</a></li>`,
        )}</ul>`;
  const signUp = c.env.deps.config.openRegistration ? html`<a href="/signup">Create an account</a>` : '';
  const notice = form.passkeyError
    ? html`<p class="error" role="alert">${form.passkeyError}</p>`
    : form.notice
      ? html`<p class="notice" role="status">${form.notice}</p>`
      : '';
  return renderPage(c, {
    title: 'Sign in',
    status: form.status,
    body: html`${notice}<form method="post" action="/signin" novalidate>
${csrfField(c)}<input type="hidden" name="return" value="${form.returnTo}">
${field({ name: 'login', label: 'E-mail or username', type: 'text', autocomplete: 'username', value: form.login, autofocus: !form.error })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', error: form.error })}
<button type="submit">Sign in</button>
</form>
${passkeySignInForm(c, form.returnTo)}
<p class="links"><a href="/forgot-password">Forgot your password?</a>${signUp}</p>${upstream}`,
    script: PASSKEY_SCRIPT,
  });
}

export const STATUS_OF_FAILURE: Partial<Record<string, PageOptions['status']>> = {
  INVALID_CREDENTIALS: 401,
  ACCOUNT_LOCKED: 429,
  RATE_LIMITED: 429,
  USER_NOT_CONFIRMED: 403,
};
