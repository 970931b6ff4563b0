// Each change of a sign-in, a session, a password, an address, a client, a server token or an
// ecosystem writes its event exactly once, with who did it; and no event holds a secret the test used.
import { describe, expect, it } from 'vitest';
import { createUser, logIn, passwordGrant } from '../support/accounts';
import { json, newClient, strongPassword } from '../support/driver';
import { mailedCode, register } from '../user-service/steps';
import { allEvents, countOf, type Event, typesOf, userEvents } from './support';

describe('sign-in events', () => {
  it('records signin.succeeded with how, signin.failed with why (never the password), and user.locked once', async () => {
    const client = newClient({ vars: { LOGIN_LOCKOUT_THRESHOLD: '3' } });
    const user = await createUser(client);
    const tokens = await logIn(client, user);
    const wrong = 'not the password, but close';
    for (let i = 0; i < 3; i++) expect((await passwordGrant(client, user.email, wrong)).status).toBe(400);
    // Refused by the lock: not counted, so no second failure event and no second lock.
    expect((await passwordGrant(client, user.email, wrong)).status).toBeGreaterThanOrEqual(400);
    const events = await userEvents(client, user.id);
    expect(countOf(events, 'signin.succeeded')).toBe(1);
    expect(countOf(events, 'signin.failed')).toBe(3);
    expect(countOf(events, 'user.locked')).toBe(1);
    const succeeded = events.find((event) => event.type === 'signin.succeeded')!;
    expect(succeeded).toMatchObject({
      actor: { type: 'user', id: user.id },
      ip: expect.any(String),
      details: { how: ['password'], kind: 'refresh' },
    });
    expect(events.find((event) => event.type === 'signin.failed')!.details).toEqual({ reason: 'wrong_password', method: 'password' });
    expect(JSON.stringify(events)).not.toContain(wrong);
    expect(JSON.stringify(events)).not.toContain(tokens.refresh_token.split('.')[1]);
  });
});

describe('session and token events', () => {
  it('records session.ended, token.revoked and sessions.revoked once for their change', async () => {
    const client = newClient();
    const user = await createUser(client);
    const first = await logIn(client, user);
    await logIn(client, user);
    const sessions = await json(await client.admin('GET', `/admin/v1/users/${user.id}/sessions`));
    expect((await client.admin('DELETE', `/admin/v1/sessions/${sessions.items[0].id}`)).status).toBe(204);
    expect((await client.post('/oauth/revoke', { form: { token: first.refresh_token, client_id: 'gatehouse' } })).status).toBe(200);
    expect((await client.admin('DELETE', `/admin/v1/users/${user.id}/sessions`)).status).toBe(204);
    const events = await userEvents(client, user.id);
    expect(countOf(events, 'session.ended')).toBe(1);
    expect(countOf(events, 'sessions.revoked')).toBe(1);
    expect(events.find((event) => event.type === 'sessions.revoked')).toMatchObject({
      actor: { type: 'operator' },
      details: { reason: 'operator' },
    });
    expect(countOf(events, 'token.revoked')).toBe(1);
  });
});

describe('password and address events', () => {
  it('records password.reset_requested and password.changed by the mailed code, and email.verified by the link', async () => {
    const client = newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });
    const user = await register(client);
    const { code: confirmCode } = await mailedCode(client, user.email);
    expect((await client.get(`/v1/users/activate?code=${encodeURIComponent(confirmCode)}`)).status).toBe(200);
    // The reset mail must be the newest: mail of one millisecond has no order.
    client.clock.advance(1);
    expect((await client.post('/v1/users/newPassword', { body: { email: user.email } })).status).toBe(200);
    const { code } = await mailedCode(client, user.email);
    const password = strongPassword();
    expect((await client.post('/v1/users/resetPassword', { form: { code, password } })).status).toBe(200);
    expect((await client.post('/v1/users/resetPassword', { form: { code, password } })).status).toBe(400);
    const events = await userEvents(client, user.id);
    for (const type of ['user.created', 'email.verified', 'password.reset_requested', 'password.changed']) {
      expect(countOf(events, type), type).toBe(1);
    }
    expect(events.find((event) => event.type === 'password.changed')!.details).toEqual({ via: 'reset_code' });
    const text = JSON.stringify(events);
    for (const secret of [user.password, password, code, confirmCode]) expect(text).not.toContain(secret);
  });

  it('records signup.repeated for the holder of a taken address (pending or confirmed), never for a new one', async () => {
    const client = newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });
    const pending = await register(client);
    const confirmed = await createUser(client);
    const fresh = await register(client);
    // The taken addresses answer as a new one would; only the events tell the operator.
    for (const email of [pending.email, confirmed.email]) await register(client, { email });
    const ofPending = await userEvents(client, pending.id);
    const ofConfirmed = await userEvents(client, confirmed.id);
    const ofFresh = await userEvents(client, fresh.id);
    expect(typesOf(ofPending).sort()).toEqual(['signup.repeated', 'user.created']);
    expect(countOf(ofConfirmed, 'signup.repeated')).toBe(1);
    expect(typesOf(ofFresh)).toEqual(['user.created']);
    const repeated = ofConfirmed.find((event) => event.type === 'signup.repeated')!;
    expect(repeated).toMatchObject({ userId: confirmed.id, details: {} });
    // Whoever signed up is not the holder: the event names no one as its actor.
    expect(repeated.actor).toEqual({ type: 'user' });
  });

  it('records email.verified when a reset code proves an address no mail had proven, once', async () => {
    const client = newClient();
    const user = await createUser(client);
    expect((await client.post('/v1/users/newPassword', { body: { email: user.email } })).status).toBe(200);
    const { code } = await mailedCode(client, user.email);
    expect((await client.post('/v1/users/resetPassword', { form: { code, password: strongPassword() } })).status).toBe(200);
    const events = await userEvents(client, user.id);
    expect(countOf(events, 'email.verified')).toBe(1);
    expect(events.find((event) => event.type === 'email.verified')!.details).toEqual({ via: 'reset_code' });
    // A second reset proves nothing new.
    client.clock.advance(1);
    expect((await client.post('/v1/users/newPassword', { body: { email: user.email } })).status).toBe(200);
    const again = await mailedCode(client, user.email);
    expect((await client.post('/v1/users/resetPassword', { form: { code: again.code, password: strongPassword() } })).status).toBe(200);
    const after = await userEvents(client, user.id);
    expect(countOf(after, 'email.verified')).toBe(1);
    expect(countOf(after, 'password.changed')).toBe(2);
  });
});

describe('operator events', () => {
  it('records ecosystem.created, server_token.created/revoked and client.created/updated/deleted once each', async () => {
    const client = newClient();
    const eco = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'audited' } }));
    const issued = await json(await client.admin('POST', `/admin/v1/ecosystems/${eco.id}/server-tokens`, { body: { name: 'backend' } }));
    expect((await client.admin('DELETE', `/admin/v1/server-tokens/${issued.id}`)).status).toBe(204);
    expect((await client.admin('DELETE', `/admin/v1/server-tokens/${issued.id}`)).status).toBe(404);
    const ecoEvents = await allEvents(client, `&ecosystemId=${eco.id}`);
    expect(typesOf(ecoEvents).sort()).toEqual(['ecosystem.created', 'server_token.created', 'server_token.revoked']);
    expect(ecoEvents.every((event) => event.actor.type === 'operator')).toBe(true);

    const created = await json(
      await client.admin('POST', '/admin/v1/clients', { body: { name: 'app', redirectUris: ['https://app.example/cb'], public: false } }),
    );
    const { clientId, clientSecret } = created;
    expect((await client.admin('PATCH', `/admin/v1/clients/${clientId}`, { body: { name: 'app 2' } })).status).toBe(200);
    expect((await client.admin('DELETE', `/admin/v1/clients/${clientId}`)).status).toBe(204);
    expect((await client.admin('DELETE', `/admin/v1/clients/${clientId}`)).status).toBe(404);
    const clientEvents = (await allEvents(client)).filter((event: Event) => event.details.clientId === clientId);
    expect(typesOf(clientEvents).sort()).toEqual(['client.created', 'client.deleted', 'client.updated']);
    const text = JSON.stringify([...ecoEvents, ...clientEvents]);
    for (const secret of [issued.token, clientSecret, client.accountToken]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('who acts', () => {
  it('names the server token that made a user through the droplit face, and the request id of the answer', async () => {
    const client = newClient();
    const eco = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'droplit events' } }));
    const server = await json(await client.admin('POST', `/admin/v1/ecosystems/${eco.id}/server-tokens`, { body: { name: 'backend' } }));
    const made = await client.put(`/api/users/${eco.id};app-user-1`, {
      headers: { authorization: server.token },
      body: { email: `droplit-${crypto.randomUUID()}@example.com` },
    });
    expect(made.status, await made.clone().text()).toBe(201);
    const [created] = await allEvents(client, `&ecosystemId=${eco.id}&type=user.created`);
    expect(created).toMatchObject({ actor: { type: 'server', id: server.id }, requestId: made.headers.get('x-request-id') });
    expect(JSON.stringify(created)).not.toContain(server.token);
  });
});
