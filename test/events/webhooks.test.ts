// Webhooks (issue 24): deliveries are queued with their event, sent after the response, signed per
// Standard Webhooks (verified here by the `standardwebhooks` package, as a receiver would), retried
// by the Cron run after a failure, marked failed after WEBHOOK_MAX_ATTEMPTS, and never sent twice.
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { json, newClient, TestClock, type ClientOptions } from '../support/driver';
import { accepted, recordingFetch, serverError, type RecordedRequest } from '../mail/support';

const RECEIVER = 'https://receiver.example/hooks';

/**
 * A client whose outbound HTTP is a recording receiver. Tests of a file share one database, so
 * another test's webhooks deliver here too: `receiver.requests` holds only those to this test's URL.
 */
function setUp(options: ClientOptions = {}) {
  const recording = recordingFetch(accepted);
  const url = `${RECEIVER}/${crypto.randomUUID()}`;
  const client = newClient({ ...options, fetch: recording.fetch });
  const receiver = {
    get requests() {
      return recording.requests.filter((request) => request.url === url);
    },
    answerWith: recording.answerWith,
  };
  return { client, receiver, url };
}

/** Verifies a delivery as a receiver would, with the Standard Webhooks library; returns its payload. */
function verified(secret: string, request: RecordedRequest) {
  const headers = Object.fromEntries(
    ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, request.headers.get(name)!]),
  );
  return new Webhook(secret).verify(request.body, headers) as { type: string; timestamp: string; data: Record<string, any> };
}

/**
 * Every test file shares the database: a webhook left enabled would receive other files' events
 * (through their fetch). Each hook here is scoped to an ecosystem of its own and deleted after its test.
 */
const made: { client: ReturnType<typeof newClient>; id: string }[] = [];
afterEach(async () => {
  for (const { client, id } of made.splice(0)) await client.admin('DELETE', `/admin/v1/webhooks/${id}`);
});

async function createHook(client: ReturnType<typeof newClient>, url: string, body: Record<string, unknown>) {
  const ecosystemId =
    (body.ecosystemId as string) ?? (await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'hooks' } }))).id;
  const response = await client.admin('POST', '/admin/v1/webhooks', { body: { url, ...body, ecosystemId } });
  expect(response.status, await response.clone().text()).toBe(201);
  const hook = await json<{ id: string; secret: string }>(response);
  made.push({ client, id: hook.id });
  return { ...hook, ecosystemId: ecosystemId as string };
}

describe('webhook deliveries', () => {
  it('delivers an event after the response, signed so a Standard Webhooks receiver verifies it, and only once', async () => {
    const { client, receiver, url } = setUp();
    const eco = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'hooked' } }));
    const hook = await createHook(client, url, { events: ['user.created'], ecosystemId: eco.id });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const user = await createUser(client, { ecosystemId: eco.id });
    await createUser(client); // another ecosystem's: not this webhook's
    expect(receiver.requests).toHaveLength(1);
    const payload = verified(hook.secret, receiver.requests[0]!);
    expect(payload).toMatchObject({ type: 'user.created', data: { type: 'user.created', userId: user.id, ecosystemId: eco.id } });
    expect(payload.timestamp).toBe(payload.data.at);
    await client.scheduled();
    expect(receiver.requests).toHaveLength(1);
    const deliveries = await json(await client.admin('GET', `/admin/v1/webhooks/${hook.id}/deliveries`));
    expect(deliveries.items).toEqual([
      expect.objectContaining({
        id: receiver.requests[0]!.headers.get('webhook-id'),
        eventId: payload.data.id,
        status: 'sent',
        attempts: 1,
        lastStatus: 200,
      }),
    ]);
    expect(JSON.stringify(deliveries)).not.toContain(hook.secret);
    expect(await (await client.admin('GET', `/admin/v1/webhooks/${hook.id}`)).text()).not.toContain(hook.secret);
  });

  it('gets a delivery the receiver refused to it again after the Cron run, with the same id', async () => {
    const { client, receiver, url } = setUp();
    const hook = await createHook(client, url, { events: ['*'] });
    receiver.answerWith(serverError);
    const user = await createUser(client, { ecosystemId: hook.ecosystemId });
    const first = receiver.requests.filter((request) => verified(hook.secret, request).data.userId === user.id);
    expect(first).toHaveLength(1);
    receiver.answerWith(accepted);
    await client.scheduled(); // not due yet: the backoff's first minute has not passed
    expect(receiver.requests.filter((r) => r.headers.get('webhook-id') === first[0]!.headers.get('webhook-id'))).toHaveLength(1);
    client.clock.advance(61);
    await client.scheduled();
    const again = receiver.requests.filter((r) => r.headers.get('webhook-id') === first[0]!.headers.get('webhook-id'));
    expect(again).toHaveLength(2);
    expect(verified(hook.secret, again[1]!).data.userId).toBe(user.id);
    client.clock.advance(3600);
    await client.scheduled();
    expect(receiver.requests.filter((r) => r.headers.get('webhook-id') === first[0]!.headers.get('webhook-id'))).toHaveLength(2);
  });

  it('marks a delivery failed after WEBHOOK_MAX_ATTEMPTS, and the retry route sends it again', async () => {
    // Started an hour and a minute back, so the retry route's delivery is stamped with the real time
    // again: the receiver library refuses a timestamp more than five minutes from its clock.
    const clock = new TestClock(Date.now() - 3661_000);
    const { client, receiver, url } = setUp({ vars: { WEBHOOK_MAX_ATTEMPTS: '2' }, clock });
    const hook = await createHook(client, url, { events: ['user.created'] });
    receiver.answerWith(serverError);
    await createUser(client, { ecosystemId: hook.ecosystemId });
    client.clock.advance(61);
    await client.scheduled();
    client.clock.advance(3600);
    await client.scheduled();
    expect(receiver.requests).toHaveLength(2);
    const [failed] = (await json(await client.admin('GET', `/admin/v1/webhooks/${hook.id}/deliveries`))).items;
    expect(failed).toMatchObject({ status: 'failed', attempts: 2, lastStatus: 500, lastError: 'answered HTTP 500' });
    receiver.answerWith(accepted);
    const retried = await client.admin('POST', `/admin/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`);
    expect(retried.status).toBe(202);
    expect(receiver.requests).toHaveLength(3);
    expect(verified(hook.secret, receiver.requests[2]!).type).toBe('user.created');
    const again = await client.admin('POST', `/admin/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`);
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('DELIVERY_ALREADY_SENT');
    expect((await client.admin('POST', `/admin/v1/webhooks/${hook.id}/deliveries/msg_nope/retry`)).status).toBe(404);
  });
});

describe('managing webhooks', () => {
  it('lists, changes, rotates the secret of and deletes a webhook', async () => {
    const { client, receiver, url } = setUp();
    const hook = await createHook(client, url, { events: ['user.deleted'] });
    const listed = await json(await client.admin('GET', '/admin/v1/webhooks'));
    expect(listed.items).toContainEqual(
      expect.objectContaining({ id: hook.id, url, events: ['user.deleted'], ecosystemId: hook.ecosystemId }),
    );
    const patched = await client.admin('PATCH', `/admin/v1/webhooks/${hook.id}`, { body: { events: ['user.created'] } });
    expect(patched.status).toBe(200);
    expect((await json(patched)).events).toEqual(['user.created']);
    const rotated = await json(await client.admin('POST', `/admin/v1/webhooks/${hook.id}/rotate-secret`));
    expect(rotated.secret).not.toBe(hook.secret);
    await createUser(client, { ecosystemId: hook.ecosystemId });
    expect(verified(rotated.secret, receiver.requests[0]!).type).toBe('user.created');
    expect(() => verified(hook.secret, receiver.requests[0]!)).toThrow();
    expect((await client.admin('DELETE', `/admin/v1/webhooks/${hook.id}`)).status).toBe(204);
    expect((await client.admin('DELETE', `/admin/v1/webhooks/${hook.id}`)).status).toBe(404);
    await createUser(client, { ecosystemId: hook.ecosystemId });
    expect(receiver.requests).toHaveLength(1);
  });

  it('refuses a plain http:// URL but loopback, an unknown event type, an unknown ecosystem', async () => {
    const client = newClient();
    const refused: [Record<string, unknown>, number][] = [
      [{ url: 'http://receiver.example/hooks', events: ['*'] }, 400],
      [{ url: 'ftp://receiver.example/hooks', events: ['*'] }, 400],
      [{ url: 'not a url', events: ['*'] }, 400],
      [{ url: RECEIVER, events: ['user.exploded'] }, 400],
      [{ url: RECEIVER, events: [] }, 400],
      [{ url: RECEIVER }, 400],
      [{ url: RECEIVER, events: ['*'], ecosystemId: 'nope' }, 404],
    ];
    for (const [body, status] of refused) {
      const response = await client.admin('POST', '/admin/v1/webhooks', { body });
      expect(response.status, JSON.stringify(body)).toBe(status);
    }
    for (const url of ['http://localhost:8080/hooks', 'http://127.0.0.1/hooks', 'http://[::1]:9000/']) {
      // A reserved type nothing writes yet: these hooks never receive anything.
      const response = await client.admin('POST', '/admin/v1/webhooks', { body: { url, events: ['ecosystem.deleted'] } });
      expect(response.status, url).toBe(201);
      made.push({ client, id: (await json(response)).id });
    }
    expect((await client.admin('GET', '/admin/v1/webhooks/nope')).status).toBe(404);
    expect((await client.get('/admin/v1/webhooks')).status).toBe(401);
  });
});
