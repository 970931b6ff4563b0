// The console's overview, events (filtered, in keyset pages), health and configuration (secrets
// masked by the core's report).
import type { Context } from 'hono';
import { html } from 'hono/html';
import { configurationReport } from '../../core/configuration-report';
import { pageEvents } from '../../core/event-listing';
import { EVENT_TYPES } from '../../core/events';
import { checkHealth } from '../../core/health';
import type { AppEnv } from '../../http/types';
import { consolePage, SECTIONS, when } from './frame';

const EVENTS_PAGE = 50;

/** GET /console: what is here, and the health at a glance. */
export async function overviewScreen(c: Context<AppEnv>) {
  const health = await checkHealth(c.env.deps);
  return consolePage(c, {
    title: 'Console',
    section: '/console',
    body: html`<p>Health: <strong>${health.status}</strong>${health.outbox ? `; mail waiting: ${health.outbox.pending}, failed: ${health.outbox.failed}` : ''}.</p>
<ul>${SECTIONS.slice(1).map((section) => html`<li><a href="${section.path}">${section.name}</a></li>`)}</ul>`,
  });
}

const filterField = (name: string, label: string, value: string, type = 'search') =>
  html`<label for="field-${name}">${label} <input id="field-${name}" name="${name}" type="${type}" value="${value}" autocomplete="off"></label>`;

/** GET /console/events?type=&userId=&ecosystemId=&since=&until=&cursor= */
export async function eventsScreen(c: Context<AppEnv>) {
  const q = (name: string) => c.req.query(name) ?? '';
  const page = await pageEvents(c.env.deps, {
    type: q('type') || undefined,
    userId: q('userId') || undefined,
    ecosystemId: q('ecosystemId') || undefined,
    since: q('since') || undefined,
    until: q('until') || undefined,
    cursor: q('cursor') || undefined,
    limit: EVENTS_PAGE,
  });
  const next = new URL(c.req.url);
  if (page.nextCursor) next.searchParams.set('cursor', page.nextCursor);
  return consolePage(c, {
    title: 'Events',
    section: '/console/events',
    body: html`<form method="get" action="/console/events" class="inline" role="search">
<label for="field-type">Type <select id="field-type" name="type"><option value="">Any</option>${EVENT_TYPES.map(
      (type) => html`<option value="${type}"${type === q('type') ? ' selected' : ''}>${type}</option>`,
    )}</select></label>
${filterField('userId', 'User id', q('userId'))}
${filterField('ecosystemId', 'Ecosystem id', q('ecosystemId'))}
${filterField('since', 'Since (ISO time)', q('since'))}
${filterField('until', 'Until (ISO time)', q('until'))}
<button type="submit">Filter</button>
</form>
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-1"><table>
<caption id="table-1">Events, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">User</th><th scope="col">Actor</th><th scope="col">Details</th><th scope="col">Request</th></tr></thead>
<tbody>${
      page.items.length > 0
        ? page.items.map(
            (event) => html`<tr><td>${when(Date.parse(event.at))}</td><td>${event.type}</td>
<td>${event.userId ? html`<a href="/console/users/${event.userId}">${event.userId}</a>` : '—'}</td>
<td>${event.actor.type}${event.actor.id ? ` ${event.actor.id}` : ''}</td><td><code>${JSON.stringify(event.details)}</code></td><td><code>${event.requestId}</code></td></tr>`,
          )
        : html`<tr><td colspan="6">No events.</td></tr>`
    }</tbody>
</table></div>
${page.nextCursor ? html`<p class="links"><a href="${next.pathname}${next.search}">Older events</a></p>` : ''}`,
  });
}

/** GET /console/health */
export async function healthScreen(c: Context<AppEnv>) {
  const health = await checkHealth(c.env.deps);
  return consolePage(c, {
    title: 'Health',
    section: '/console/health',
    body: html`<dl>
<dt>Status</dt><dd>${health.status}</dd>
<dt>D1</dt><dd>${health.d1}</dd>
<dt>KV</dt><dd>${health.kv}</dd>
<dt>Migrations</dt><dd>${health.migrations ?? '—'}</dd>
<dt>Mail waiting</dt><dd>${health.outbox ? health.outbox.pending : '—'}</dd>
<dt>Mail failed</dt><dd>${health.outbox ? html`<a href="/console/outbox?status=failed">${health.outbox.failed}</a>` : '—'}</dd>
<dt>Last upkeep</dt><dd>${health.upkeep ? when(Date.parse(String(health.upkeep.ranAt))) : 'none yet'}</dd>
</dl>`,
  });
}

/** GET /console/configuration */
export function configurationScreen(c: Context<AppEnv>) {
  const entries = configurationReport(c.env.deps.config);
  return consolePage(c, {
    title: 'Configuration',
    section: '/console/configuration',
    body: html`<p>As this Worker read its vars and secrets; secrets only say whether they are set.</p>
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-2"><table>
<caption id="table-2">Vars and secrets</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
<tbody>${entries.map((entry) => html`<tr><th scope="row"><code>${entry.name}</code></th><td>${entry.value}</td></tr>`)}</tbody>
</table></div>`,
  });
}
