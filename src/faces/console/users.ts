// The console's users: search (e-mail, username or unique id prefix, in keyset pages), and a user's
// page with everything Gatehouse holds of them. The actions are in user-actions.ts.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { userGrants } from '../../core/access';
import { decodeAmr } from '../../core/amr';
import { listAttributes } from '../../core/attributes';
import { listEcosystems } from '../../core/ecosystems';
import { pageEvents } from '../../core/event-listing';
import { linkedIdentitiesOf } from '../../core/linked-identities';
import { passkeysOfUser } from '../../core/passkeys';
import { secondFactorState } from '../../core/second-factors';
import { listLiveSessions, type SessionRow } from '../../core/sessions';
import { pageUsers, searchPrefix } from '../../core/user-listing';
import { getUser, ROLES, type UserRow } from '../../core/users';
import type { AppEnv } from '../../http/types';
import { csrfField } from '../../web/csrf';
import { actionButton, consolePage, notice, when } from './frame';

const PAGE_SIZE = 25;

const KIND_NAMES: Record<string, string> = { browser: 'Browser', refresh: 'App', user_token: 'API token' };

export const USER_NOTICES: Record<string, string> = {
  disabled: 'The user is disabled: every session and token of theirs has ended.',
  enabled: 'The user is enabled again.',
  'sessions-ended': 'Every session and token of the user has ended.',
  'session-ended': 'That session has ended.',
  'reset-mailed': 'A password reset mail is on its way to the user’s address.',
  'mfa-removed': 'The user’s second factors are removed, and their sessions ended.',
  'role-changed': 'The role is changed; the user’s sessions ended (tokens carry the role).',
  deleted: 'The user is deleted.',
};

/** How the console names a user: e-mail, else username, else id. */
export function userName(user: Pick<UserRow, 'id' | 'email' | 'username'>): string {
  return user.email ?? user.username ?? user.id;
}

function nextLink(c: Context<AppEnv>, next: string | null) {
  if (!next) return '';
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', next);
  return html`<p class="links"><a href="${url.pathname}${url.search}">Next page</a></p>`;
}

/** GET /console/users: the search form and a page of users. */
export async function usersScreen(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const q = c.req.query('q') ?? '';
  const ecosystemId = c.req.query('ecosystem') || undefined;
  const [page, ecosystems] = await Promise.all([
    pageUsers(deps, { ecosystemId, prefix: searchPrefix(q.trim()), limit: PAGE_SIZE, cursor: c.req.query('cursor') || undefined }),
    listEcosystems(deps),
  ]);
  const rows = page.items.map(
    (user) => html`<tr><td><a href="/console/users/${user.id}">${userName(user)}</a></td><td>${user.username ?? ''}</td>
<td>${user.uniqueId ?? ''}</td><td>${user.ecosystemId}</td><td>${user.role}</td><td>${user.disabled ? 'Disabled' : 'Active'}</td><td>${when(user.createdAt)}</td></tr>`,
  );
  return consolePage(c, {
    title: 'Users',
    section: '/console/users',
    body: html`${notice(c, USER_NOTICES)}
<form method="get" action="/console/users" class="inline" role="search">
<label for="field-q">E-mail, username or unique id starts with
<input id="field-q" name="q" type="search" value="${q}" autocomplete="off"></label>
<label for="field-ecosystem">Ecosystem
<select id="field-ecosystem" name="ecosystem"><option value="">All ecosystems</option>${ecosystems.map(
      (eco) => html`<option value="${eco.id}"${eco.id === ecosystemId ? ' selected' : ''}>${eco.name}</option>`,
    )}</select></label>
<button type="submit">Search</button>
</form>
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-1"><table>
<caption id="table-1">${q ? `Users matching “${q}”` : 'Users, oldest first'}</caption>
<thead><tr><th scope="col">User</th><th scope="col">Username</th><th scope="col">Unique id</th><th scope="col">Ecosystem</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Created</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7">No users found.</td></tr>`}</tbody>
</table></div>
${nextLink(c, page.next)}`,
  });
}

function sessionRow(c: Context<AppEnv>, user: UserRow, row: SessionRow) {
  const amr = decodeAmr(row.amr)?.join(', ') ?? '—';
  const kind = KIND_NAMES[row.kind] ?? row.kind;
  return html`<tr><td>${kind}${row.clientId ? html` (client ${row.clientId})` : ''}</td><td>${amr}</td><td>${row.idp ?? '—'}</td>
<td>${when(row.createdAt)}</td><td>${when(row.lastUsedAt)}</td><td>${when(row.expiresAt)}</td>
<td>${actionButton(c, `/console/users/${user.id}/sessions/end`, 'End', {
    fields: { session: row.id },
    label: `End the ${kind.toLowerCase()} session started ${new Date(row.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  })}</td></tr>`;
}

function profile(user: UserRow) {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  const meta = user.meta && Object.keys(user.meta).length > 0 ? JSON.stringify(user.meta, null, 1) : '—';
  return html`<dl>
<dt>Id</dt><dd>${user.id}</dd>
<dt>Ecosystem</dt><dd>${user.ecosystemId}</dd>
<dt>E-mail</dt><dd>${user.email ?? '—'} ${user.email ? (user.emailVerifiedAt ? '(verified)' : '(not verified)') : ''}</dd>
<dt>Username</dt><dd>${user.username ?? '—'}</dd>
<dt>Unique id</dt><dd>${user.uniqueId ?? '—'}</dd>
<dt>Name</dt><dd>${name || '—'}</dd>
<dt>Role</dt><dd>${user.role}</dd>
<dt>State</dt><dd>${user.disabled ? 'Disabled' : 'Active'}${user.confirmed ? '' : ', address not confirmed'}</dd>
<dt>Created</dt><dd>${when(user.createdAt)}</dd>
<dt>Updated</dt><dd>${when(user.updatedAt)}</dd>
<dt>Metadata</dt><dd><code>${meta}</code></dd>
</dl>`;
}

function roleForm(c: Context<AppEnv>, user: UserRow) {
  return html`<form method="post" action="/console/users/${user.id}/role" class="inline">${csrfField(c)}
<label for="field-role">Role <select id="field-role" name="role">${ROLES.map(
    (role) => html`<option value="${role}"${role === user.role ? ' selected' : ''}>${role}</option>`,
  )}</select></label>
<button type="submit" class="secondary">Change role</button></form>`;
}

function deleteForm(c: Context<AppEnv>, user: UserRow, error?: string) {
  const described = error ? html` aria-invalid="true" aria-describedby="field-confirm-error" autofocus` : '';
  return html`<h2 id="delete">Delete this user</h2>
<form method="post" action="/console/users/${user.id}/delete">${csrfField(c)}
<label for="field-confirm"><span>Type <strong>${userName(user)}</strong> to confirm</span>
<input id="field-confirm" name="confirm" type="text" autocomplete="off" required${described}></label>
${error ? html`<p class="error" id="field-confirm-error">${error}</p>` : ''}
<button type="submit">Delete the user</button></form>`;
}

/** Why an action on the user page was refused: the typed confirmation (`delete`) or the action itself. */
export interface UserPageRefusal {
  delete?: string;
  action?: string;
}

/** GET /console/users/:id: the user's page; with a refusal, the same page saying why (400, or 409 for an action). */
export async function userScreen(c: Context<AppEnv>, refused: UserPageRefusal = {}) {
  const deps = c.env.deps;
  const user = await getUser(deps, c.req.param('id') ?? '');
  const [sessions, attributes, grants, identities, factors, passkeys, events] = await Promise.all([
    listLiveSessions(deps, user.id),
    listAttributes(deps, user.id),
    userGrants(deps, user.id),
    linkedIdentitiesOf(deps, user.id),
    secondFactorState(deps, user.id),
    passkeysOfUser(deps, user.id),
    pageEvents(deps, { userId: user.id, limit: 20 }),
  ]);
  // A passkey is a second factor too (and a way in): one added by whoever took the account over
  // must be as visible, and as removable, as an authenticator app.
  const anyFactor = factors.totp || passkeys.length > 0;
  const base = `/console/users/${user.id}`;
  return consolePage(c, {
    title: userName(user),
    section: '/console/users',
    status: refused.action ? 409 : refused.delete ? 400 : 200,
    body: html`${notice(c, USER_NOTICES)}
${refused.action ? html`<p class="error" role="alert">${refused.action}</p>` : ''}
${profile(user)}
<h2>Actions</h2>
<div class="links">
${user.disabled ? actionButton(c, `${base}/enable`, 'Enable') : actionButton(c, `${base}/disable`, 'Disable')}
${actionButton(c, `${base}/sessions/end-all`, 'End all sessions')}
${user.email ? actionButton(c, `${base}/reset-mail`, 'Send a password reset mail') : ''}
${anyFactor ? actionButton(c, `${base}/mfa/remove`, 'Remove second factors') : ''}
</div>
${roleForm(c, user)}
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-2"><table>
<caption id="table-2">Live sessions</caption>
<thead><tr><th scope="col">Kind</th><th scope="col">Signed in with (amr)</th><th scope="col">Identity provider</th><th scope="col">Started</th><th scope="col">Last used</th><th scope="col">Ends</th><th scope="col">Action</th></tr></thead>
<tbody>${sessions.length > 0 ? sessions.map((row) => sessionRow(c, user, row)) : html`<tr><td colspan="7">No live sessions.</td></tr>`}</tbody>
</table></div>
<h2>Second factors</h2>
<p>${factors.totp ? `Authenticator app on; recovery codes left: ${factors.recoveryCodesLeft}.` : anyFactor ? 'No authenticator app.' : 'None.'}</p>
${
  passkeys.length > 0
    ? html`<div class="scroll" role="region" tabindex="0" aria-labelledby="table-passkeys"><table>
<caption id="table-passkeys">Passkeys</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Added</th><th scope="col">Last used</th></tr></thead>
<tbody>${passkeys.map((key) => html`<tr><td>${key.name}</td><td>${key.synced ? 'synced' : 'this device only'}</td><td>${when(key.createdAt)}</td><td>${key.lastUsedAt === null ? 'never' : when(key.lastUsedAt)}</td></tr>`)}</tbody>
</table></div>`
    : ''
}
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-3"><table>
<caption id="table-3">Linked identities</caption>
<thead><tr><th scope="col">Provider</th><th scope="col">E-mail there</th><th scope="col">Linked</th></tr></thead>
<tbody>${identities.length > 0 ? identities.map((link) => html`<tr><td>${link.providerName}</td><td>${link.email ?? '—'}</td><td>${when(link.createdAt)}</td></tr>`) : html`<tr><td colspan="3">None.</td></tr>`}</tbody>
</table></div>
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-4"><table>
<caption id="table-4">Attributes</caption>
<thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead>
<tbody>${attributes.length > 0 ? attributes.map((row) => html`<tr><td>${row.key}</td><td>${row.text}</td></tr>`) : html`<tr><td colspan="2">None.</td></tr>`}</tbody>
</table></div>
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-5"><table>
<caption id="table-5">Environments</caption>
<thead><tr><th scope="col">Environment</th><th scope="col">Level</th></tr></thead>
<tbody>${grants.length > 0 ? grants.map((grant) => html`<tr><td>${grant.environmentId}</td><td>${grant.accessLevel}</td></tr>`) : html`<tr><td colspan="2">None.</td></tr>`}</tbody>
</table></div>
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-6"><table>
<caption id="table-6">Recent events (<a href="/console/events?userId=${user.id}">all</a>)</caption>
<thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Actor</th></tr></thead>
<tbody>${events.items.length > 0 ? events.items.map((event) => html`<tr><td>${when(Date.parse(event.at))}</td><td>${event.type}</td><td>${event.actor.type}${event.actor.id ? ` ${event.actor.id}` : ''}</td></tr>`) : html`<tr><td colspan="3">None.</td></tr>`}</tbody>
</table></div>
${deleteForm(c, user, refused.delete)}`,
  });
}
