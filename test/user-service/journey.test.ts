import { describe, expect, it } from 'vitest';
import { claimsOf } from '../support/accounts';
import { json, newClient, strongPassword, uniqueEmail } from '../support/driver';
import { logIn, login, mailedCode } from './steps';

describe('a client walking the whole User Service', () => {
  it('registers, logs in, uses every protected route, refreshes and resets the password by the mailed code', async () => {
    const client = newClient();
    const email = uniqueEmail('walk');
    const password = strongPassword();

    const registered = await client.post('/v1/users/register', { body: { email, password, firstname: 'Barney', lastname: 'Fife' } });
    expect(registered.status).toBe(200);
    const { user } = await json(registered);
    expect(user).toEqual({
      id: user.id,
      email,
      firstname: 'Barney',
      lastname: 'Fife',
      language: 'en',
      confirmed: true,
      permissionLevel: 2,
    });

    const loggedIn = await login(client, email, password);
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.headers.get('Cache-Control')).toBe('no-store');
    const session = await json(loggedIn);
    expect(session).toEqual({ status: 'success', accessToken: expect.any(String), refreshToken: expect.any(String), user });
    const token = session.accessToken;

    const status = await json(await client.get('/v1/users/status', { token }));
    expect(status).toEqual({ status: 'success', user });

    const added = await client.post('/v1/users/attributes', {
      token,
      body: { attributeKey: 'key_one', attributeText: 'env="CLIENT_ID=1"' },
    });
    expect(added.status).toBe(200);
    expect(await json(added)).toEqual({ status: 'success', user: { ...user, attributes: { key_one: 'env="CLIENT_ID=1"' } } });
    await client.post('/v1/users/attributes', { token, body: { attributeKey: 'key_two', attributeText: 'two' } });
    expect(await json(await client.get('/v1/users/attributes', { token }))).toEqual({ key_one: 'env="CLIENT_ID=1"', key_two: 'two' });

    const removed = await client.delete('/v1/users/attributes', { token, body: { attributeKey: 'key_two' } });
    expect((await json(removed)).user.attributes).toEqual({ key_one: 'env="CLIENT_ID=1"' });

    const profile = await client.post('/v1/users/profile', { token, body: { firstname: 'Andy' } });
    expect(await json(profile)).toEqual({
      status: 'success',
      user: { ...user, firstname: 'Andy', lastname: null, attributes: { key_one: 'env="CLIENT_ID=1"' } },
    });
    expect((await json(await client.get('/v1/users/profile', { token }))).user.firstname).toBe('Andy');

    client.clock.advance(60);
    const refreshed = await client.post('/v1/users/accessToken', { body: { refreshToken: session.refreshToken } });
    expect(refreshed.status).toBe(200);
    const { accessToken: newToken, ...rest } = await json(refreshed);
    expect(rest).toEqual({ status: 'success' });
    expect(newToken).not.toBe(token);
    expect(claimsOf(newToken).firstname).toBe('Andy');
    expect((await client.get('/v1/users/status', { token: newToken })).status).toBe(200);

    const asked = await client.post('/v1/users/newPassword', { body: { email } });
    expect(await json(asked)).toEqual({ status: 'success' });
    const { link, code } = await mailedCode(client, email);
    expect(new URL(link).pathname).toBe('/reset-password');
    const landing = await client.get(`/v1/users/resetPassword?code=${encodeURIComponent(code)}`);
    expect(landing.status).toBe(200);
    expect(await landing.text()).not.toContain(code);

    const newPassword = strongPassword();
    const reset = await client.post('/v1/users/resetPassword', { body: { code, password: newPassword } });
    expect(reset.status).toBe(200);
    expect((await json(reset)).user).toMatchObject({ id: user.id, email, firstname: 'Andy' });

    expect((await login(client, email, password)).status).toBe(401);
    expect((await client.post('/v1/users/accessToken', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    expect((await client.get('/v1/users/status', { token: newToken })).status).toBe(401);
    const fresh = await logIn(client, { email, password: newPassword });
    expect((await client.get('/v1/users/profile', { token: fresh.accessToken })).status).toBe(200);

    const logged = JSON.stringify(client.logs);
    for (const secret of [password, newPassword, code, session.refreshToken, fresh.refreshToken]) {
      expect(logged).not.toContain(secret);
    }
  });

  it('with EMAIL_CONFIRMATION on, activates the account by the mailed code before the first login', async () => {
    const client = newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });
    const user = { email: uniqueEmail('confirm'), password: strongPassword() };
    const registered = await client.post('/v1/users/register', { body: { ...user, language: 'de' } });
    expect(registered.status).toBe(200);
    const { user: created } = await json(registered);
    expect(created).toMatchObject({ email: user.email, confirmed: false });

    const early = await login(client, user.email, user.password);
    expect(early.status).toBe(400);
    expect(await json(early)).toEqual({ error: 'User not activated.' });

    const { link, code } = await mailedCode(client, user.email);
    expect(new URL(link).pathname).toBe('/confirm-email');
    const activated = await client.get(`/v1/users/activate?code=${encodeURIComponent(code)}`);
    expect(activated.status).toBe(200);
    expect(await json(activated)).toEqual({
      status: 'success',
      user: { id: created.id, email: user.email, firstname: null, lastname: null, language: 'de', confirmed: true, permissionLevel: 2 },
    });

    const again = await client.post('/v1/users/activate', { body: { code } });
    expect(again.status).toBe(400);
    expect(await json(again)).toEqual({ error: 'User already activated.' });

    const { accessToken } = await logIn(client, user);
    expect(claimsOf(accessToken)).toMatchObject({ id: created.id, email: user.email, language: 'de', permissionLevel: 2 });
  });
});
