// GET /account: who is signed in, their live sessions (this browser marked) with a form per session
// to end it, one to end all the others, and sign-out. Every POST is CSRF-checked (in index.ts) and
// needs the browser session; a session id is ended only if it is the signed-in user's (the core's
// statement checks the owner).
import { ACCOUNT } from './reauthentication';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { resolveBrowserSession, sessionsOf, signOutDevice, signOutOtherDevices, type BrowserSession } from '../../core/browser-sessions';
import { AppError } from '../../core/errors';
import { passkeysOfUser } from '../../core/passkeys';
import { secondFactorState } from '../../core/second-factors';
import { signInChoices } from '../../core/identity-providers';
import { linkedIdentitiesOf, unlinkIdentity } from '../../core/linked-identities';
import { readSessionCookie } from '../../http/browser-cookies';
import type { AppEnv } from '../../http/types';
import type { SessionRow } from '../../core/sessions';
import { endBrowserSession } from '../../web/browser-session';
import { csrfField } from '../../web/csrf';
import { formText, readForm } from '../../web/form';
import { renderPage, signedInName } from '../../web/layout';
import { toSignIn } from '../../web/refused';
import { credentialSection } from './credential-pages';
import { passkeySection } from './passkey-pages';
import { secondFactorSection } from './second-factor-pages';
import { PASSKEY_SCRIPT } from '../../web/passkey-script';

const KIND_NAMES: Record<string, string> = { browser: 'Browser', refresh: 'App', user_token: 'API token' };

const NOTICES: Record<string, string> = {
  device: 'That device was signed out.',
  others: 'Every other device was signed out.',
  'mfa-off': 'Two-step sign-in is off.',
  'passkey-added': 'The passkey was added: you can sign in with it now.',
  'passkey-removed': 'The passkey was removed.',
  password: 'Your password was changed, and your other devices were signed out.',
  email: 'Your e-mail address was changed, and your other devices were signed out.',
  unlinked: 'That identity was unlinked.',
  linked: 'That identity is linked: you can sign in with it now.',
};

function when(ms: number) {
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function sessionRow(c: Context<AppEnv>, row: SessionRow, current: BrowserSession) {
  const kind = KIND_NAMES[row.kind] ?? row.kind;
  const here = row.id === current.session.id;
  const label = `${kind} session started ${new Date(row.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return html`<tr${here ? html` aria-current="true"` : ''}>
<td>${kind}${here ? html` <strong>(this device)</strong>` : ''}</td><td>${when(row.createdAt)}</td><td>${when(row.lastUsedAt)}</td>
<td><form method="post" action="/account/sessions/sign-out">${csrfField(c)}<input type="hidden" name="session" value="${row.id}">
<button type="submit" class="secondary" aria-label="Sign out this device: ${label}">Sign out this device</button></form></td>
</tr>`;
}

export async function accountPage(c: Context<AppEnv>) {
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) return toSignIn(c, ACCOUNT);
  const { user } = current;
  const [rows, factors, passkeys, identities, choices] = await Promise.all([
    sessionsOf(c.env.deps, current),
    secondFactorState(c.env.deps, user.id),
    passkeysOfUser(c.env.deps, user.id),
    linkedIdentitiesOf(c.env.deps, user.id),
    // The sign-in page's providers are DEFAULT_ECOSYSTEM's: a user of another ecosystem has none to link here.
    user.ecosystemId === c.env.deps.config.defaultEcosystem ? signInChoices(c.env.deps) : Promise.resolve([]),
  ]);
  const linkAnother =
    choices.length === 0
      ? ''
      : html`<section aria-labelledby="link-another"><h2 id="link-another">Link another identity</h2>
<ul class="providers">${choices.map(
          (
            choice,
          ) => html`<li><form method="post" action="/account/identities/link">${csrfField(c)}<input type="hidden" name="provider" value="${choice.id}">
<button type="submit" class="secondary">Link ${choice.name}</button></form></li>`,
        )}</ul></section>`;
  const linked =
    identities.length === 0
      ? ''
      : html`<table>
<caption>Identities you sign in with</caption>
<thead><tr><th scope="col">Provider</th><th scope="col">E-mail there</th><th scope="col">Linked</th><th scope="col">Action</th></tr></thead>
<tbody>${identities.map(
          (identity) => html`<tr><td>${identity.providerName}</td><td>${identity.email ?? ''}</td><td>${when(identity.createdAt)}</td>
<td><form method="post" action="/account/identities/unlink">${csrfField(c)}<input type="hidden" name="identity" value="${identity.id}">
<button type="submit" class="secondary" aria-label="Unlink ${identity.providerName}">Unlink</button></form></td></tr>`,
        )}</tbody>
</table>`;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  const notice = NOTICES[c.req.query('done') ?? ''];
  return renderPage(c, {
    title: 'Your account',
    body: html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<p>Signed in as <strong>${signedInName(user)}</strong>${name ? html` (${name})` : ''}.</p>
<table>
<caption>Your sessions</caption>
<thead><tr><th scope="col">Kind</th><th scope="col">Started</th><th scope="col">Last used</th><th scope="col">Action</th></tr></thead>
<tbody>${rows.map((row) => sessionRow(c, row, current))}</tbody>
</table>
${linked}
${linkAnother}
<form method="post" action="/account/sessions/sign-out-others">${csrfField(c)}<button type="submit" class="secondary">Sign out all other devices</button></form>
${secondFactorSection(c, factors)}
${passkeySection(c, passkeys)}
${credentialSection(c)}
<form method="post" action="/signout">${csrfField(c)}<input type="hidden" name="return" value="/signin"><button type="submit">Sign out</button></form>`,
    script: PASSKEY_SCRIPT,
  });
}

/** POST /account/sessions/sign-out: ends one of the user's sessions (this browser's: a sign-out). */
export async function submitSignOutDevice(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const current = await resolveBrowserSession(deps, readSessionCookie(c));
  if (!current) return toSignIn(c, ACCOUNT);
  const sessionId = formText(await readForm(c), 'session', 64);
  if (sessionId === current.session.id) {
    await endBrowserSession(c);
    return c.redirect('/signin', 303);
  }
  try {
    await signOutDevice(deps, current, sessionId);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'SESSION_NOT_FOUND')) throw error;
    return renderPage(c, {
      title: 'No such session',
      status: 404,
      body: html`<p class="error" role="alert">That is not one of your signed-in devices, or it was already signed out.</p>
<p class="links"><a href="${ACCOUNT}">Back to your account</a></p>`,
    });
  }
  return c.redirect(`${ACCOUNT}?done=device`, 303);
}

/** POST /account/sessions/sign-out-others: ends every session and token of the user but this browser's. */
export async function submitSignOutOthers(c: Context<AppEnv>) {
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) return toSignIn(c, ACCOUNT);
  await signOutOtherDevices(c.env.deps, current);
  return c.redirect(`${ACCOUNT}?done=others`, 303);
}

/** POST /account/identities/unlink: unlinks one of the user's upstream identities, unless it is their only way in. */
export async function submitUnlinkIdentity(c: Context<AppEnv>) {
  const current = await resolveBrowserSession(c.env.deps, readSessionCookie(c));
  if (!current) return toSignIn(c, ACCOUNT);
  const linkId = formText(await readForm(c), 'identity', 64);
  try {
    await unlinkIdentity(c.env.deps, current.user.id, linkId);
  } catch (error) {
    if (!(error instanceof AppError) || !['LAST_SIGN_IN_METHOD', 'LINKED_IDENTITY_NOT_FOUND'].includes(error.code)) throw error;
    return renderPage(c, {
      title: 'Not unlinked',
      status: error.code === 'LAST_SIGN_IN_METHOD' ? 409 : 404,
      body: html`<p class="error" role="alert">${
        error.code === 'LAST_SIGN_IN_METHOD'
          ? 'This is your only way to sign in: set a password or link another identity first.'
          : 'That is not one of your linked identities.'
      }</p>
<p class="links"><a href="${ACCOUNT}">Back to your account</a></p>`,
    });
  }
  return c.redirect(`${ACCOUNT}?done=unlinked`, 303);
}
