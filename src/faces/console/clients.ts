// The console's OAuth clients: the list and a form to register one (a confidential client's secret
// is shown on the next page, once: only its hash is kept), a client's page to change its redirect
// URIs, and deleting it. The core checks every URI and writes the client.* events.
import type { Context } from 'hono';
import { html } from 'hono/html';
import * as clients from '../../core/oauth-clients';
import type { AppEnv } from '../../http/types';
import { csrfField } from '../../web/csrf';
import { fieldErrorOf, formText, readForm, type FieldError } from '../../web/form';
import { actionButton, consolePage, notice, when } from './frame';

const NOTICES: Record<string, string> = {
  updated: 'The redirect URIs are saved.',
  deleted: 'The client is deleted; its tokens stop at the edge.',
};

/** One URI a line (blank lines skipped), as the core takes a list. */
function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

const LABELS = { name: 'Name', redirectUris: 'Redirect URIs', postLogoutRedirectUris: 'Post-logout redirect URIs' };

/** A field's error under it, tied to it (aria-describedby, aria-invalid) and focused. */
function problem(name: string, error?: FieldError) {
  const shown = error?.field === name;
  return {
    attributes: shown ? html` aria-invalid="true" aria-describedby="field-${name}-error" autofocus` : '',
    message: shown ? html`<p class="error" id="field-${name}-error">${error.message}</p>` : '',
  };
}

const textarea = (name: string, label: string, value = '', error?: FieldError) => {
  const { attributes, message } = problem(name, error);
  return html`<label for="field-${name}">${label}
<textarea id="field-${name}" name="${name}" rows="3" autocomplete="off"${attributes}>${value}</textarea></label>${message}`;
};

/** What the register form held when the core refused one of its fields. */
interface Refused {
  error: FieldError;
  name: string;
  redirectUris: string;
  isPublic: boolean;
}

/** GET /console/clients; the register form shown again (400) with the field the core refused. */
export async function clientsScreen(c: Context<AppEnv>, refused?: Refused) {
  const name = problem('name', refused?.error);
  const rows = await clients.listClients(c.env.deps);
  return consolePage(c, {
    title: 'OAuth clients',
    section: '/console/clients',
    status: refused ? 400 : 200,
    body: html`${notice(c, NOTICES)}
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-1"><table>
<caption id="table-1">Registered clients</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Client id</th><th scope="col">Type</th><th scope="col">Redirect URIs</th><th scope="col">Created</th></tr></thead>
<tbody>${
      rows.length > 0
        ? rows.map(
            (client) => html`<tr><td><a href="/console/clients/${client.id}">${client.name}</a></td><td><code>${client.id}</code></td>
<td>${client.isPublic ? 'Public' : 'Confidential'}</td><td>${client.redirectUris.join(' ')}</td><td>${when(client.createdAt)}</td></tr>`,
          )
        : html`<tr><td colspan="5">No clients yet.</td></tr>`
    }</tbody>
</table></div>
<h2>Register a client</h2>
<form method="post" action="/console/clients">${csrfField(c)}
<label for="field-name">Name <input id="field-name" name="name" type="text" autocomplete="off" required value="${refused?.name ?? ''}"${name.attributes}></label>${name.message}
${textarea('redirectUris', 'Redirect URIs, one a line', refused?.redirectUris, refused?.error)}
<label for="field-public"><span><input id="field-public" name="public" type="checkbox" value="on"${refused?.isPublic ? ' checked' : ''}> Public client (no secret: a single-page or mobile app)</span></label>
<button type="submit">Register</button>
</form>`,
  });
}

/** POST /console/clients: registers the client and shows its secret this once. */
export async function createClient(c: Context<AppEnv>) {
  const form = await readForm(c);
  const typed = { name: formText(form, 'name', 200), redirectUris: formText(form, 'redirectUris', 50_000), isPublic: form.public === 'on' };
  let created: clients.CreatedClient;
  try {
    created = await clients.createClient(c.env.deps, { ...typed, redirectUris: lines(typed.redirectUris) });
  } catch (error) {
    const refusal = fieldErrorOf(error, LABELS);
    if (!refusal) throw error;
    return clientsScreen(c, { ...typed, error: refusal });
  }
  const { client, clientSecret } = created;
  return consolePage(c, {
    title: 'Client registered',
    section: '/console/clients',
    body: html`<dl><dt>Name</dt><dd>${client.name}</dd><dt>Client id</dt><dd><code id="client-id">${client.id}</code></dd></dl>
${
  clientSecret
    ? html`<p>The client secret, shown only now: copy it into the application’s configuration. Gatehouse keeps only its hash.</p>
<p class="secret" id="client-secret">${clientSecret}</p>`
    : html`<p>A public client has no secret: it proves itself with PKCE.</p>`
}
<p class="links"><a href="/console/clients/${client.id}">The client’s page</a><a href="/console/clients">All clients</a></p>`,
  });
}

/** GET /console/clients/:id */
export async function clientScreen(c: Context<AppEnv>) {
  const client = await clients.getClient(c.env.deps, c.req.param('id') ?? '');
  const base = `/console/clients/${client.id}`;
  return consolePage(c, {
    title: client.name,
    section: '/console/clients',
    body: html`${notice(c, NOTICES)}
<dl>
<dt>Client id</dt><dd><code>${client.id}</code></dd>
<dt>Type</dt><dd>${client.isPublic ? 'Public' : 'Confidential'}</dd>
<dt>Scopes</dt><dd>${client.scopes.join(' ')}</dd>
<dt>PKCE required</dt><dd>${client.requirePkce ? 'Yes' : 'No'}</dd>
<dt>Password grant</dt><dd>${client.allowPasswordGrant ? 'Allowed' : 'No'}</dd>
<dt>Client credentials</dt><dd>${client.allowClientCredentials ? 'Allowed' : 'No'}</dd>
<dt>Created</dt><dd>${when(client.createdAt)}</dd>
<dt>Updated</dt><dd>${when(client.updatedAt)}</dd>
</dl>
<h2>Redirect URIs</h2>
<form method="post" action="${base}">${csrfField(c)}
${textarea('redirectUris', 'Redirect URIs, one a line', client.redirectUris.join('\n'))}
${textarea('postLogoutRedirectUris', 'Post-logout redirect URIs, one a line', client.postLogoutRedirectUris.join('\n'))}
<button type="submit">Save</button>
</form>
<h2>Delete</h2>
${actionButton(c, `${base}/delete`, 'Delete this client')}`,
  });
}

/** POST /console/clients/:id: the redirect URI lists. */
export async function updateClient(c: Context<AppEnv>) {
  const form = await readForm(c);
  const client = await clients.updateClient(c.env.deps, c.req.param('id') ?? '', {
    redirectUris: lines(formText(form, 'redirectUris', 50_000)),
    postLogoutRedirectUris: lines(formText(form, 'postLogoutRedirectUris', 50_000)),
  });
  return c.redirect(`/console/clients/${client.id}?done=updated`, 303);
}

/** POST /console/clients/:id/delete */
export async function deleteClient(c: Context<AppEnv>) {
  await clients.deleteClient(c.env.deps, c.req.param('id') ?? '');
  return c.redirect('/console/clients?done=deleted', 303);
}
