// The typed client's operator flow against the Worker in workerd: ecosystems, users (list, search,
// get, role, disable, enable), sessions (list, revoke), server tokens, the outbox and OAuth clients.
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../client/src/index.ts';
import { logIn, passwordGrant, verifyStatus } from '../support/accounts';
import { newClient, strongPassword, uniqueEmail } from '../support/driver';
import { accepted, recordingFetch, serverError } from '../mail/support';
import { all, gatehouseFor } from './support';

describe('the typed client on the operator routes', () => {
  it('runs an operator flow: ecosystems, users, roles, disable and enable, sessions', async () => {
    const client = newClient();
    const { admin } = gatehouseFor(client, { accountToken: client.accountToken }).gatehouse;
    const eco = await admin.ecosystems.create('operator-flow');
    expect((await admin.ecosystems.list()).map((row) => row.id)).toContain(eco.id);

    const tag = crypto.randomUUID().slice(0, 8);
    const password = strongPassword();
    const ada = await admin.users.create({ email: `ada.${tag}@example.com`, password, ecosystemId: eco.id });
    await admin.users.create({ email: `alan.${tag}@example.com`, password: strongPassword(), ecosystemId: eco.id });
    await admin.users.create({ email: `grace.${tag}@example.com`, password: strongPassword(), ecosystemId: eco.id });
    expect(ada).toMatchObject({ ecosystemId: eco.id, role: 'user', disabled: false });

    const everyone = await all(admin.users.list({ ecosystemId: eco.id, limit: 2 }));
    expect(everyone.pages).toBe(2);
    expect(everyone.items).toHaveLength(3);
    const found = await all(admin.users.search(`ada.${tag}`));
    expect(found.items.map((user) => user.id)).toEqual([ada.id]);
    expect(await admin.users.get(ada.id)).toEqual(ada);
    expect(await admin.users.setRole(ada.id, 'moderator')).toMatchObject({ role: 'moderator', permissionLevel: 1 });

    // Sessions: a login makes one; revoking it ends its access token.
    const defaultUser = await admin.users.create({ email: uniqueEmail('sessions'), password });
    const tokens = await logIn(client, { email: defaultUser.email!, password });
    const sessions = await admin.sessions.list(defaultUser.id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ kind: 'refresh' });
    expect(await verifyStatus(client, tokens.access_token)).toBe(200);
    await admin.sessions.revoke(sessions[0]!.id);
    expect(await verifyStatus(client, tokens.access_token)).toBe(401);
    expect(await admin.sessions.list(defaultUser.id)).toEqual([]);

    // Disabling ends every token and refuses logins; enabling lets the user log in again.
    const again = await logIn(client, { email: defaultUser.email!, password });
    expect(await admin.users.disable(defaultUser.id)).toMatchObject({ disabled: true });
    expect(await verifyStatus(client, again.access_token)).toBe(401);
    expect((await passwordGrant(client, defaultUser.email!, password)).status).toBe(400);
    expect(await admin.users.enable(defaultUser.id)).toMatchObject({ disabled: false });
    expect((await passwordGrant(client, defaultUser.email!, password)).status).toBe(200);
  });

  it('lists failed mail in the outbox and retries it', async () => {
    const http = recordingFetch(serverError);
    const client = newClient({
      vars: {
        EMAIL_CONFIRMATION: 'on',
        MAIL_MAX_ATTEMPTS: '1',
        MAIL_TRANSPORT: 'webhook',
        MAIL_WEBHOOK_URL: 'https://hooks.example/mail',
        MAIL_WEBHOOK_SECRET: 'webhook-secret-0123456789abcdef',
      },
      fetch: http.fetch,
    });
    const { admin } = gatehouseFor(client, { accountToken: client.accountToken }).gatehouse;
    const email = uniqueEmail('outbox');
    expect((await client.post('/v1/users/register', { body: { email, password: strongPassword() } })).status).toBe(200);

    const [failed] = await admin.outbox.list({ to: email });
    expect(failed).toMatchObject({ to: email, status: 'failed', attempts: 1 });
    expect((await admin.outbox.list({ status: 'failed', limit: 100 })).map((item) => item.id)).toContain(failed!.id);

    http.answerWith(accepted);
    expect(await admin.outbox.retry(failed!.id)).toMatchObject({ id: failed!.id, status: 'pending' });
    expect(await admin.outbox.list({ to: email })).toMatchObject([{ status: 'sent' }]);
    await expect(admin.outbox.retry(failed!.id)).rejects.toMatchObject({ status: 409, code: 'MAIL_ALREADY_SENT' });
  });

  it('revokes a server token, and reports a wrong account token without echoing it', async () => {
    const client = newClient();
    const { admin } = gatehouseFor(client, { accountToken: client.accountToken }).gatehouse;
    const eco = await admin.ecosystems.create('revoke');
    const issued = await admin.serverTokens.create(eco.id);
    const backend = gatehouseFor(client, { serverToken: issued.token }).gatehouse;
    await backend.users.put(eco.id, 'u1');
    await admin.serverTokens.revoke(issued.id);
    await expect(backend.users.get(eco.id, 'u1')).rejects.toMatchObject({ status: 401 });
    await expect(admin.serverTokens.revoke(issued.id)).rejects.toMatchObject({ status: 404, code: 'SERVER_TOKEN_NOT_FOUND' });

    const wrongToken = `${client.accountToken}x`;
    const stranger = gatehouseFor(client, { accountToken: wrongToken }).gatehouse;
    const error = (await stranger.admin.ecosystems.list().catch((caught: unknown) => caught)) as GatehouseError;
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', requestId: expect.any(String) });
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(wrongToken);
    // Without an account token the operator API refuses before sending anything.
    await expect(gatehouseFor(client).gatehouse.admin.ecosystems.list()).rejects.toMatchObject({ status: 0, code: 'NO_TOKEN' });
  });

  it('registers, reads, changes and deletes an OAuth client, and names the call that failed', async () => {
    const client = newClient();
    const { admin } = gatehouseFor(client, { accountToken: client.accountToken }).gatehouse;
    const redirectUris = ['https://client-flow.example/callback'];
    const registered = await admin.clients.create({ name: 'client-flow', redirectUris, public: false });
    expect(registered).toMatchObject({ name: 'client-flow', public: false, redirectUris, clientSecret: expect.any(String) });
    expect((await admin.clients.list()).map((row) => row.clientId)).toContain(registered.clientId);
    const { clientSecret: _secret, ...stored } = registered;
    expect(await admin.clients.get(registered.clientId)).toMatchObject({ ...stored, updatedAt: expect.any(String) });
    expect(await admin.clients.update(registered.clientId, { name: 'renamed', allowPasswordGrant: true })).toMatchObject({
      name: 'renamed',
      allowPasswordGrant: true,
    });
    await admin.clients.delete(registered.clientId);
    const error = (await admin.clients.get(registered.clientId).catch((caught: unknown) => caught)) as GatehouseError;
    expect(error).toMatchObject({ status: 404, request: { method: 'GET', path: `/admin/v1/clients/${registered.clientId}` } });
    expect(error.body).toMatchObject({ error: { code: error.code } });
  });

  it('configures, reads, changes and deletes an identity provider, never seeing its secret', async () => {
    const client = newClient();
    const { admin } = gatehouseFor(client, { accountToken: client.accountToken }).gatehouse;
    const id = `client-${crypto.randomUUID().slice(0, 8)}`;
    const created = await admin.identityProviders.create({ id, name: 'Corp', kind: 'google', clientId: 'x', clientSecret: 'never-shown' });
    expect(created).toMatchObject({ id, kind: 'google', redirectUri: expect.stringContaining(`/signin/callback/${id}`) });
    expect(JSON.stringify(created)).not.toContain('never-shown');
    expect((await admin.identityProviders.list()).map((row) => row.id)).toContain(id);
    expect(await admin.identityProviders.get(id)).toEqual(created);
    expect(await admin.identityProviders.update(id, { name: 'Renamed' })).toMatchObject({ name: 'Renamed' });
    await admin.identityProviders.delete(id);
    await expect(admin.identityProviders.get(id)).rejects.toMatchObject({ status: 404 });
  });

  it('reports a success that is not JSON as NOT_JSON, naming the call', async () => {
    const { createGatehouse } = await import('../../client/src/index.ts');
    const gatehouse = createGatehouse({
      baseUrl: 'https://parked.example',
      accountToken: 'x',
      fetch: async () => new Response('<html>parked</html>', { headers: { 'content-type': 'text/html' } }),
    });
    await expect(gatehouse.admin.ecosystems.list()).rejects.toMatchObject({
      status: 200,
      code: 'NOT_JSON',
      request: { method: 'GET', path: '/admin/v1/ecosystems' },
    });
  });
});
