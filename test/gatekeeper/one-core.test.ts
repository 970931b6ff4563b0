import { describe, expect, it } from 'vitest';
import { passwordGrant, refreshGrant } from '../support/accounts';
import { json, newClient } from '../support/driver';
import { expectError, logIn, register } from './steps';

describe('one core behind every face', () => {
  it('lets a user registered here log in through the User Service by e-mail', async () => {
    const client = newClient();
    const account = await register(client, 'developer');
    const response = await client.post('/v1/users/login', { body: { email: account.email, password: account.password } });
    expect(response.status, await response.clone().text()).toBe(200);
    const { accessToken } = await json(response);
    expect(await json(await client.get('/api/v2/users', { token: accessToken }))).toMatchObject({
      uuid: account.uuid,
      user_type: 'developer',
    });
  });

  it('lets a user registered here use the OAuth password grant by username, and refresh a Gatekeeper session', async () => {
    const client = newClient();
    const account = await register(client, 'customer');
    const granted = await passwordGrant(client, account.username, account.password);
    expect(granted.status, await granted.clone().text()).toBe(200);
    const session = await logIn(client, account);
    const refreshed = await refreshGrant(client, session.refreshToken);
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    const { access_token } = await json(refreshed);
    expect((await client.get('/api/v2/users', { token: access_token })).status).toBe(200);
  });

  it('refuses, on this face, the token of a session logged out here', async () => {
    const client = newClient();
    const account = await register(client, 'customer');
    const response = await client.post('/v1/users/login', { body: { email: account.email, password: account.password } });
    const { accessToken } = await json(response);
    expect((await client.delete('/api/v2/sessions', { token: accessToken })).status).toBe(204);
    await expectError(await client.get('/api/v2/users', { token: accessToken }), 401);
  });
});
