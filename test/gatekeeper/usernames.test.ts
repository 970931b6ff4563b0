import { describe, expect, it } from 'vitest';
import { json, newClient, strongPassword, uniqueEmail } from '../support/driver';
import { expectError, logInRequest, register } from './steps';

describe('usernames, as Keycloak treats them', () => {
  it('are unique whatever their case, and log in in any case', async () => {
    const client = newClient();
    const account = await register(client, 'developer', { extra: { username: `Alice_${crypto.randomUUID().slice(0, 6)}` } });
    const twin = await client.post('/api/v2/users', {
      body: { username: account.username.toLowerCase(), password: strongPassword(), email: uniqueEmail(), user_type: 'customer' },
    });
    await expectError(twin, 409, 'User name already in use');
    const login = await logInRequest(client, account.username.toUpperCase(), account.password);
    expect(login.status).toBe(200);
    expect((await json(login)).username).toBe(account.username);
  });
});

describe('a DEFAULT_ECOSYSTEM the migrations did not create', () => {
  it('comes into being with its first user instead of failing', async () => {
    const client = newClient({ vars: { DEFAULT_ECOSYSTEM: `fresh-${crypto.randomUUID().slice(0, 8)}` } });
    const account = await register(client, 'customer');
    expect((await logInRequest(client, account.username, account.password)).status).toBe(200);
    const registered = await client.post('/v1/users/register', { body: { email: uniqueEmail(), password: strongPassword() } });
    expect(registered.status).toBe(200);
  });
});
