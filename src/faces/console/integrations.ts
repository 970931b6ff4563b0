// The console's identity providers (list, create, delete) and webhooks (list, a webhook's
// deliveries with a retry for any not sent). A provider's client secret is taken by the create form
// and sealed by the core; no page shows it, nor a webhook's signing secret.
import type { Context } from 'hono';
import { html } from 'hono/html';
import * as providers from '../../core/identity-providers';
import * as webhooks from '../../core/webhooks';
import type { AppEnv } from '../../http/types';
import { csrfField } from '../../web/csrf';
import { formText, readForm } from '../../web/form';
import { actionButton, consolePage, notice, when } from './frame';

const NOTICES: Record<string, string> = {
  created: 'The identity provider is created: register its redirect URI upstream.',
  deleted: 'The identity provider is deleted.',
  retried: 'The delivery is due again: it is being sent now.',
};

const input = (name: string, label: string, type = 'text', required = true) =>
  html`<label for="field-${name}">${label} <input id="field-${name}" name="${name}" type="${type}" autocomplete="off"${required ? ' required' : ''}></label>`;

/** GET /console/identity-providers */
export async function providersScreen(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const rows = await providers.listProviders(deps);
  return consolePage(c, {
    title: 'Identity providers',
    section: '/console/identity-providers',
    body: html`${notice(c, NOTICES)}
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-1"><table>
<caption id="table-1">Upstream identity providers</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Kind</th><th scope="col">Ecosystem</th><th scope="col">Redirect URI</th><th scope="col">Action</th></tr></thead>
<tbody>${
      rows.length > 0
        ? rows.map(
            (row) => html`<tr><td>${row.name}</td><td><code>${row.id}</code></td><td>${row.kind}</td><td>${row.ecosystemId}</td>
<td><code>${providers.redirectUriOf(deps, row.id)}</code></td>
<td>${actionButton(c, `/console/identity-providers/${row.id}/delete`, 'Delete', { label: `Delete the identity provider ${row.name}` })}</td></tr>`,
          )
        : html`<tr><td colspan="6">None yet.</td></tr>`
    }</tbody>
</table></div>
<h2>Add an identity provider</h2>
<form method="post" action="/console/identity-providers">${csrfField(c)}
${input('id', 'Id (letters, digits, "-"; in the redirect URI)')}
${input('name', 'Name (on the sign-in button)')}
<label for="field-kind">Kind <select id="field-kind" name="kind">${providers.PROVIDER_KINDS.map((kind) => html`<option value="${kind}">${kind}</option>`)}</select></label>
${input('issuer', 'Issuer (for oidc)', 'url', false)}
${input('clientId', 'Client id')}
${input('clientSecret', 'Client secret', 'password')}
<button type="submit">Add</button>
</form>`,
  });
}

/** POST /console/identity-providers */
export async function createProvider(c: Context<AppEnv>) {
  const form = await readForm(c);
  const text = (name: string) => formText(form, name, 2048).trim();
  await providers.createProvider(c.env.deps, {
    id: text('id'),
    name: text('name'),
    kind: text('kind'),
    clientId: text('clientId'),
    clientSecret: formText(form, 'clientSecret', 2048),
    ...(text('issuer') ? { issuer: text('issuer') } : {}),
  });
  return c.redirect('/console/identity-providers?done=created', 303);
}

/** POST /console/identity-providers/:id/delete */
export async function deleteProvider(c: Context<AppEnv>) {
  await providers.deleteProvider(c.env.deps, c.req.param('id') ?? '');
  return c.redirect('/console/identity-providers?done=deleted', 303);
}

/** GET /console/webhooks */
export async function webhooksScreen(c: Context<AppEnv>) {
  const rows = await webhooks.listWebhooks(c.env.deps);
  return consolePage(c, {
    title: 'Webhooks',
    section: '/console/webhooks',
    body: html`<div class="scroll" role="region" tabindex="0" aria-labelledby="table-2"><table>
<caption id="table-2">Webhooks (created through the operator API, <code>POST /admin/v1/webhooks</code>)</caption>
<thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Ecosystem</th><th scope="col">State</th><th scope="col">Created</th></tr></thead>
<tbody>${
      rows.length > 0
        ? rows.map(
            (
              row,
            ) => html`<tr><td><a href="/console/webhooks/${row.id}">${row.url}</a></td><td>${row.events.join(', ')}</td><td>${row.ecosystemId ?? 'all'}</td>
<td>${row.disabled ? 'Disabled' : 'On'}</td><td>${when(row.createdAt)}</td></tr>`,
          )
        : html`<tr><td colspan="5">None yet.</td></tr>`
    }</tbody>
</table></div>`,
  });
}

/** GET /console/webhooks/:id: the newest deliveries. */
export async function webhookScreen(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const id = c.req.param('id') ?? '';
  const [hook, deliveries] = await Promise.all([webhooks.getWebhook(deps, id), webhooks.listDeliveries(deps, id, 50)]);
  return consolePage(c, {
    title: `Webhook ${hook.url}`,
    section: '/console/webhooks',
    body: html`${notice(c, NOTICES)}
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-3"><table>
<caption id="table-3">The newest deliveries</caption>
<thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Queued</th><th scope="col">Sent</th><th scope="col">Action</th></tr></thead>
<tbody>${
      deliveries.length > 0
        ? deliveries.map(
            (
              row,
            ) => html`<tr><td><code>${row.eventId}</code></td><td>${row.status}</td><td>${row.attempts}</td><td>${row.lastStatus ?? row.lastError ?? '—'}</td>
<td>${when(row.createdAt)}</td><td>${when(row.sentAt)}</td>
<td>${row.status === 'sent' ? '—' : actionButton(c, `/console/webhooks/${hook.id}/deliveries/${row.id}/retry`, 'Retry', { label: `Retry the delivery of ${row.eventId}` })}</td></tr>`,
          )
        : html`<tr><td colspan="7">No deliveries yet.</td></tr>`
    }</tbody>
</table></div>`,
  });
}

/** POST /console/webhooks/:id/deliveries/:deliveryId/retry */
export async function retryDelivery(c: Context<AppEnv>) {
  const id = c.req.param('id') ?? '';
  await webhooks.retryDelivery(c.env.deps, id, c.req.param('deliveryId') ?? '');
  return c.redirect(`/console/webhooks/${id}?done=retried`, 303);
}
