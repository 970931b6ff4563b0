// Delivery that loses nothing: a failed or unanswered send leaves the row pending and a later
// Cron run delivers it; the retry limit marks it failed for the operator, who may retry it; a
// sent row is never sent again; two senders never both take one attempt.
import { describe, expect, it } from 'vitest';
import { json, newClient, uniqueEmail, type Client } from '../support/driver';
import { accepted, outboxRow, recordingFetch, serverError, silent } from './support';

const WEBHOOK = {
  MAIL_TRANSPORT: 'webhook',
  MAIL_WEBHOOK_URL: 'https://hooks.example/mail',
  MAIL_WEBHOOK_SECRET: 'webhook-secret-0123456789abcdef',
};

function mailClient(http: ReturnType<typeof recordingFetch>, vars: Record<string, string> = {}): Client {
  return newClient({ vars: { EMAIL_CONFIRMATION: 'on', ...WEBHOOK, ...vars }, fetch: http.fetch });
}

async function registerConfirming(client: Client): Promise<string> {
  const email = uniqueEmail('retry');
  const response = await client.post('/v1/users/register', { body: { email, password: 'correct horse battery' } });
  expect(response.status, await response.clone().text()).toBe(200);
  return email;
}

describe('a send that fails', () => {
  it('on a 500 from the provider leaves the row pending, and the scheduled run delivers it once due', async () => {
    const http = recordingFetch(serverError);
    const client = mailClient(http);
    const email = await registerConfirming(client);

    expect(http.to(email)).toHaveLength(1);
    const pending = await outboxRow(client, email);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastError: 'webhook: answered HTTP 500', sentAt: null });
    expect(JSON.stringify(pending.lastError)).not.toContain(WEBHOOK.MAIL_WEBHOOK_SECRET);

    http.answerWith(accepted);
    await client.scheduled(); // not due yet: the first retry waits a minute
    expect(http.to(email)).toHaveLength(1);
    client.clock.advance(60);
    await client.scheduled();
    expect(http.to(email)).toHaveLength(2);
    expect(http.to(email)[1]!.body).toBe(http.to(email)[0]!.body);
    expect(await outboxRow(client, email)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('when the provider does not answer within the timeout, stays pending and is delivered later', async () => {
    const http = recordingFetch(silent);
    const client = mailClient(http, { MAIL_SEND_TIMEOUT_SECONDS: '1' });
    const email = await registerConfirming(client);

    expect(await outboxRow(client, email)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'webhook: no answer within 1 s' });
    http.answerWith(accepted);
    client.clock.advance(60);
    await client.scheduled();
    expect(http.to(email)).toHaveLength(2);
    expect((await outboxRow(client, email)).status).toBe('sent');
  });

  it('is marked failed after MAIL_MAX_ATTEMPTS, shown to the operator, and sent again when the operator retries it', async () => {
    const http = recordingFetch(serverError);
    const client = mailClient(http, { MAIL_MAX_ATTEMPTS: '3' });
    const email = await registerConfirming(client);
    for (const minutes of [1, 5]) {
      client.clock.advance(minutes * 60);
      await client.scheduled();
    }
    expect(http.to(email)).toHaveLength(3);
    const failed = await outboxRow(client, email);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, lastError: 'webhook: answered HTTP 500', nextAttemptAt: null });

    client.clock.advance(86_400);
    await client.scheduled();
    expect(http.to(email)).toHaveLength(3);
    const listed = await json(await client.admin('GET', '/admin/v1/outbox?status=failed&limit=100'));
    expect(listed.items.map((item: { id: string }) => item.id)).toContain(failed.id);
    expect(listed.items.every((item: { status: string }) => item.status === 'failed')).toBe(true);

    http.answerWith(accepted);
    const retried = await client.admin('POST', `/admin/v1/outbox/${failed.id}/retry`);
    expect(retried.status).toBe(202);
    expect(http.to(email)).toHaveLength(4);
    expect(await outboxRow(client, email)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

describe('a sent message', () => {
  it('is not sent again by later runs nor by an operator retry', async () => {
    const http = recordingFetch(accepted);
    const client = mailClient(http);
    const email = await registerConfirming(client);
    const row = await outboxRow(client, email);
    expect(row.status).toBe('sent');
    for (let run = 0; run < 3; run++) {
      client.clock.advance(3600);
      await client.scheduled();
    }
    const retried = await client.admin('POST', `/admin/v1/outbox/${row.id}/retry`);
    expect(retried.status).toBe(409);
    expect((await json(retried)).error.code).toBe('MAIL_ALREADY_SENT');
    expect(http.to(email)).toHaveLength(1);
  });

  it('is sent once when two Cron runs race for the same due row', async () => {
    const http = recordingFetch(serverError);
    const client = mailClient(http);
    const email = await registerConfirming(client);
    http.answerWith(accepted);
    client.clock.advance(60);
    await Promise.all([client.scheduled(), client.scheduled(), client.scheduled()]);
    expect(http.to(email)).toHaveLength(2);
    expect(await outboxRow(client, email)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('the operator outbox routes', () => {
  it('reject an unknown status filter and an unknown id with 4xx', async () => {
    const client = newClient();
    const bad = await client.admin('GET', '/admin/v1/outbox?status=lost');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('INVALID_FIELD');
    const missing = await client.admin('POST', `/admin/v1/outbox/${crypto.randomUUID()}/retry`);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe('MAIL_NOT_FOUND');
  });
});
