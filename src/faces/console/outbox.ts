// The console's mail outbox: the newest messages (filter by recipient and status) with their delivery
// state, and a retry for any not sent. A message's text is not shown: reset and confirmation mail
// carries a code that is the recipient's alone.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { invalidField } from '../../core/errors';
import { listOutbox, OUTBOX_STATUSES, retryMail, type OutboxStatus } from '../../core/mail';
import type { AppEnv } from '../../http/types';
import { actionButton, consolePage, notice, when } from './frame';

const LIMIT = 50;
const NOTICES = { retried: 'The message is due again: it is being sent now.' };

/** GET /console/outbox?to=&status= */
export async function outboxScreen(c: Context<AppEnv>) {
  const to = (c.req.query('to') ?? '').trim();
  const status = c.req.query('status') ?? '';
  if (status !== '' && !(OUTBOX_STATUSES as readonly string[]).includes(status)) {
    throw invalidField('status', `must be one of ${OUTBOX_STATUSES.join(', ')}`);
  }
  if (to.length > 254) throw invalidField('to', 'must be at most 254 characters');
  const rows = await listOutbox(c.env.deps, { to: to || undefined, status: (status || undefined) as OutboxStatus | undefined }, LIMIT);
  return consolePage(c, {
    title: 'Mail outbox',
    section: '/console/outbox',
    body: html`${notice(c, NOTICES)}
<form method="get" action="/console/outbox" class="inline" role="search">
<label for="field-to">Recipient <input id="field-to" name="to" type="search" value="${to}" autocomplete="off"></label>
<label for="field-status">Status <select id="field-status" name="status"><option value="">Any</option>${OUTBOX_STATUSES.map(
      (name) => html`<option value="${name}"${name === status ? ' selected' : ''}>${name}</option>`,
    )}</select></label>
<button type="submit">Filter</button>
</form>
<div class="scroll" role="region" tabindex="0" aria-labelledby="table-1"><table>
<caption id="table-1">The newest ${LIMIT} messages</caption>
<thead><tr><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Queued</th><th scope="col">Sent</th><th scope="col">Action</th></tr></thead>
<tbody>${
      rows.length > 0
        ? rows.map(
            (
              mail,
            ) => html`<tr><td>${mail.to}</td><td>${mail.subject}</td><td>${mail.status}</td><td>${mail.attempts}</td><td>${mail.lastError ?? '—'}</td>
<td>${when(mail.createdAt)}</td><td>${when(mail.sentAt)}</td>
<td>${mail.status === 'sent' ? '—' : actionButton(c, `/console/outbox/${mail.id}/retry`, 'Retry', { label: `Retry the mail “${mail.subject}” to ${mail.to}` })}</td></tr>`,
          )
        : html`<tr><td colspan="8">No messages.</td></tr>`
    }</tbody>
</table></div>`,
  });
}

/** POST /console/outbox/:id/retry */
export async function retryOutboxMail(c: Context<AppEnv>) {
  await retryMail(c.env.deps, c.req.param('id') ?? '');
  return c.redirect('/console/outbox?done=retried', 303);
}
