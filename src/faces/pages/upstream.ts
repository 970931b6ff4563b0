// Signing in with an upstream identity provider from the hosted pages (issue 22): GET
// /signin/with/:providerId sends the browser to the provider with a sealed state cookie, and GET
// /signin/callback/:providerId (the redirect URI registered upstream) completes it. Every failure
// ends on a page saying what happened, never a 500 and never a redirect to an unregistered place:
// the only redirects are to the provider's own authorization endpoint and to a path on this host.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { AppError } from '../../core/errors';
import { beginUpstreamSignIn, finishUpstreamSignIn, UPSTREAM_STATE_TTL_SECONDS, UpstreamSignInFailure } from '../../core/upstream-sign-in';
import type { UpstreamFailureKind } from '../../core/upstream-failures';
import { resolveBrowserSession } from '../../core/browser-sessions';
import { clearUpstreamCookie, readSessionCookie, readUpstreamCookie, setUpstreamCookie } from '../../http/browser-cookies';
import { formText, readForm } from '../../web/form';
import type { AppEnv } from '../../http/types';
import { replaceBrowserSession } from '../../web/browser-session';
import { pageMessageOf } from '../../web/errors';
import { renderPage, type PageOptions } from '../../web/layout';
import { DEFAULT_RETURN, safeReturnPath } from '../../web/return-path';

/** A return path kept in the state cookie: longer ones would not fit a cookie, so they become the default. */
const MAX_KEPT_RETURN_LENGTH = 2500;

const FAILURES: Record<UpstreamFailureKind, { status: PageOptions['status']; message: string }> = {
  denied: { status: 403, message: 'The sign-in was cancelled or refused at the identity provider.' },
  state: {
    status: 400,
    message: 'This sign-in could not be matched to one started in this browser (it expired, or the link was altered). Start again.',
  },
  upstream: {
    status: 502,
    message: 'The identity provider could not be reached or gave an answer that could not be trusted. Try again later.',
  },
  account_exists: {
    status: 409,
    message:
      'An account with this e-mail address exists already. Sign in with your password, then link this identity from your account page.',
  },
  disabled: { status: 403, message: 'This account is disabled.' },
  unsupported: { status: 400, message: 'Signing in with this identity provider is not available.' },
  linked_elsewhere: {
    status: 409,
    message: 'This identity is linked to another account. Sign in with it to use that account, or unlink it there first.',
  },
};

function failurePage(c: Context<AppEnv>, kind: UpstreamFailureKind, providerName?: string) {
  const { status, message } = FAILURES[kind];
  const title = providerName ? `Signing in with ${providerName} did not work` : 'Signing in did not work';
  return renderPage(c, {
    title,
    status,
    body: html`<p class="error" role="alert">${message}</p><p><a href="/signin">Back to sign in</a></p>`,
  });
}

/** Runs a step of the upstream sign-in; any failure becomes its page (logged with what was seen, never a token). */
async function answeringFailures(c: Context<AppEnv>, step: () => Promise<Response>): Promise<Response> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof AppError && error.code !== 'INTERNAL' && error.code !== 'TEMPORARILY_UNAVAILABLE') {
      return renderPage(c, {
        title: 'Signing in did not work',
        status: error.code === 'IDENTITY_PROVIDER_NOT_FOUND' ? 404 : 400,
        body: html`<p class="error" role="alert">${pageMessageOf(error)}</p><p><a href="/signin">Back to sign in</a></p>`,
      });
    }
    const kind: UpstreamFailureKind = error instanceof UpstreamSignInFailure ? error.kind : 'upstream';
    const detail = error instanceof UpstreamSignInFailure ? error.detail : error instanceof Error ? error.name : 'unknown';
    c.env.deps.log.info('upstream_sign_in_failed', { providerId: c.req.param('providerId'), kind, detail, requestId: c.get('requestId') });
    return failurePage(c, kind);
  }
}

export function startUpstreamSignIn(c: Context<AppEnv>) {
  return answeringFailures(c, async () => {
    const wanted = safeReturnPath(c.req.query('return'));
    const returnTo = wanted.length > MAX_KEPT_RETURN_LENGTH ? DEFAULT_RETURN : wanted;
    const { location, stateCookie } = await beginUpstreamSignIn(c.env.deps, c.req.param('providerId')!, returnTo);
    setUpstreamCookie(c, stateCookie, UPSTREAM_STATE_TTL_SECONDS);
    c.header('Cache-Control', 'no-store');
    return c.redirect(location, 302);
  });
}

/** POST /account/identities/link: the account page's "link another"; the provider's answer links instead of signing in. */
export function startLinkingIdentity(c: Context<AppEnv>) {
  return answeringFailures(c, async () => {
    const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
    if (!current) return c.redirect('/signin?return=%2Faccount', 303);
    const providerId = formText(await readForm(c), 'provider', 64);
    const { location, stateCookie } = await beginUpstreamSignIn(c.env.deps, providerId, '/account', current);
    setUpstreamCookie(c, stateCookie, UPSTREAM_STATE_TTL_SECONDS);
    c.header('Cache-Control', 'no-store');
    return c.redirect(location, 303);
  });
}

export function completeUpstreamSignIn(c: Context<AppEnv>) {
  return answeringFailures(c, async () => {
    const stateCookie = readUpstreamCookie(c);
    // The state is single-use: whatever happens next, this browser's cookie goes.
    clearUpstreamCookie(c);
    const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
    const done = await finishUpstreamSignIn(c.env.deps, c.req.param('providerId')!, new URL(c.req.url), stateCookie, current);
    if (done.linked) return c.redirect('/account?done=linked', 303);
    await replaceBrowserSession(c, done.cookie, done.maxAgeSeconds);
    return c.redirect(safeReturnPath(done.returnTo), 303);
  });
}
