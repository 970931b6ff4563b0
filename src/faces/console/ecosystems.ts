// The console's ecosystems: the list and creating one; an ecosystem's page with its environments
// (create) and server tokens (create, shown once on the next page; revoke). The same core
// operations as the operator API, with their events.
import type { Context } from 'hono';
import { html } from 'hono/html';
import * as ecosystems from '../../core/ecosystems';
import type { AppEnv } from '../../http/types';
import { csrfField } from '../../web/csrf';
import { formText, readForm } from '../../web/form';
import { actionButton, consolePage, notice, when } from './frame';

const NOTICES: Record<string, string> = {
  environment: 'The environment is created.',
  revoked: 'The server token is revoked: it stops working now.',
};

const nameField = (label: string) =>
  html`<label for="field-name">${label} <input id="field-name" name="name" type="text" autocomplete="off" required maxlength="200"></label>`;

/** A name as typed, or undefined for the core's default. */
const nameOf = async (c: Context<AppEnv>) => formText(await readForm(c), 'name', 200).trim() || undefined;

/** GET /console/ecosystems */
export async function ecosystemsScreen(c: Context<AppEnv>) {
  const rows = await ecosystems.listEcosystems(c.env.deps);
  return consolePage(c, {
    title: 'Ecosystems',
    section: '/console/ecosystems',
    body: html`<div class="scroll" role="region" tabindex="0" aria-labelledby="table-1"><table>
<caption id="table-1">Ecosystems</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Users</th><th scope="col">Created</th></tr></thead>
<tbody>${rows.map(
      (row) =>
        html`<tr><td><a href="/console/ecosystems/${row.id}">${row.name}</a></td><td><code>${row.id}</code></td><td>${row.userCount}</td><td>${when(row.createdAt)}</td></tr>`,
    )}</tbody>
</table></div>
<h2>Create an ecosystem</h2>
<form method="post" action="/console/ecosystems" class="inline">${csrfField(c)}${nameField('Name')}<button type="submit">Create</button></form>`,
  });
}

/** POST /console/ecosystems */
export async function createEcosystem(c: Context<AppEnv>) {
  const row = await ecosystems.createEcosystem(c.env.deps, await nameOf(c));
  return c.redirect(`/console/ecosystems/${row.id}`, 303);
}

/** GET /console/ecosystems/:id */
export async function ecosystemScreen(c: Context<AppEnv>) {
  const { ecosystem, environments, serverTokens } = await ecosystems.describeEcosystem(c.env.deps, c.req.param('id') ?? '');
  const base = `/console/ecosystems/${ecosystem.id}`;
  return consolePage(c, {
    title: `Ecosystem ${ecosystem.name}`,
    section: '/console/ecosystems',
    body: html`${notice(c, NOTICES)}
<dl><dt>Id</dt><dd><code>${ecosystem.id}</code></dd><dt>Users</dt><dd><a href="/console/users?ecosystem=${ecosystem.id}">${ecosystem.userCount}</a></dd><dt>Created</dt><dd>${when(ecosystem.createdAt)}</dd></dl>
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-2"><table>
<caption id="table-2">Environments</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Created</th></tr></thead>
<tbody>${environments.length > 0 ? environments.map((env) => html`<tr><td>${env.name}</td><td><code>${env.id}</code></td><td>${when(env.createdAt)}</td></tr>`) : html`<tr><td colspan="3">None.</td></tr>`}</tbody>
</table></div>
<form method="post" action="${base}/environments" class="inline">${csrfField(c)}${nameField('New environment’s name')}<button type="submit" class="secondary">Create environment</button></form>
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-3"><table>
<caption id="table-3">Server tokens</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Created</th><th scope="col">Action</th></tr></thead>
<tbody>${
      serverTokens.length > 0
        ? serverTokens.map(
            (token) => html`<tr><td>${token.name}</td><td><code>${token.id}</code></td><td>${when(token.createdAt)}</td>
<td>${actionButton(c, `${base}/server-tokens/${token.id}/revoke`, 'Revoke', { label: `Revoke the server token ${token.name}` })}</td></tr>`,
          )
        : html`<tr><td colspan="4">None.</td></tr>`
    }</tbody>
</table></div>
<form method="post" action="${base}/server-tokens" class="inline">${csrfField(c)}<label for="field-token-name">New token’s name <input id="field-token-name" name="name" type="text" autocomplete="off" required maxlength="200"></label><button type="submit" class="secondary">Create server token</button></form>`,
  });
}

/** POST /console/ecosystems/:id/environments */
export async function createEnvironment(c: Context<AppEnv>) {
  const row = await ecosystems.createEnvironment(c.env.deps, c.req.param('id') ?? '', await nameOf(c));
  return c.redirect(`/console/ecosystems/${row.ecosystemId}?done=environment`, 303);
}

/** POST /console/ecosystems/:id/server-tokens: the token, shown this once. */
export async function createServerToken(c: Context<AppEnv>) {
  const ecosystemId = c.req.param('id') ?? '';
  const created = await ecosystems.createServerToken(c.env.deps, ecosystemId, await nameOf(c));
  return consolePage(c, {
    title: 'Server token created',
    section: '/console/ecosystems',
    body: html`<p>The token, shown only now: copy it into the application server’s configuration. Gatehouse keeps only its hash.</p>
<p class="secret" id="server-token">${created.token}</p>
<p class="links"><a href="/console/ecosystems/${ecosystemId}">Back to the ecosystem</a></p>`,
  });
}

/** POST /console/ecosystems/:id/server-tokens/:tokenId/revoke */
export async function revokeServerToken(c: Context<AppEnv>) {
  await ecosystems.revokeServerToken(c.env.deps, c.req.param('tokenId') ?? '');
  return c.redirect(`/console/ecosystems/${c.req.param('id')}?done=revoked`, 303);
}
