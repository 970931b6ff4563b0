// The password grant through a registered OAuth client: refused unless the operator allowed it
// (however the client authenticates), and the refresh token it gives is bound to that client, as
// an authorization code's is.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { json, newClient } from '../support/driver';
import { register } from '../oauth/flow';

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`,
});

describe('the password grant of a registered client', () => {
  it('binds the refresh token to the client: no client or another one gets invalid_grant, and the token still works', async () => {
    const client = newClient();
    const user = await createUser(client);
    const app = await register(client, { allowPasswordGrant: true });
    const other = await register(client, { allowPasswordGrant: true });
    const login = await client.post('/oauth/token', {
      form: { grant_type: 'password', username: user.email, password: user.password, client_id: app.clientId },
    });
    expect(login.status).toBe(200);
    const refreshToken = (await json(login)).refresh_token;
    const refresh = (fields: Record<string, string>) =>
      client.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: refreshToken, ...fields } });
    for (const fields of [{}, { client_id: other.clientId }] as Record<string, string>[]) {
      const refused = await refresh(fields);
      expect(refused.status).toBe(400);
      expect(await json(refused)).toMatchObject({ error: 'invalid_grant' });
    }
    // A client id that names no registered client cannot authenticate as one.
    const unknown = await refresh({ client_id: 'gatehouse' });
    expect(unknown.status).toBe(401);
    expect(await json(unknown)).toMatchObject({ error: 'invalid_client' });
    expect((await refresh({ client_id: app.clientId })).status).toBe(200);
  });

  it('is refused to a confidential client without allowPasswordGrant, authenticated by Basic or in the body', async () => {
    const client = newClient();
    const user = await createUser(client);
    const closed = await register(client, { public: false });
    const form = { grant_type: 'password', username: user.email, password: user.password };
    const viaBasic = await client.post('/oauth/token', { form, headers: basic(closed.clientId, closed.clientSecret!) });
    const viaBody = await client.post('/oauth/token', {
      form: { ...form, client_id: closed.clientId, client_secret: closed.clientSecret! },
    });
    for (const refused of [viaBasic, viaBody]) {
      expect(refused.status).toBe(400);
      expect(await json(refused)).toMatchObject({ error: 'unauthorized_client' });
    }
  });
});
