import { describe, expect, it } from 'vitest';
import { json, newClient, strongPassword, uniqueEmail } from '../support/driver';
import { logIn, login, mailedCode, register, signUpAndLogIn } from './steps';

describe('asking for a new password', () => {
  it('answers the same for a known and an unknown address, and mails only the known one', async () => {
    const client = newClient();
    const user = await register(client);
    const stranger = uniqueEmail('stranger');
    const known = await client.post('/v1/users/newPassword', { body: { email: user.email } });
    const unknown = await client.post('/v1/users/newPassword', { form: { email: stranger } });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(await json(known)).toEqual({ status: 'success' });
    expect(await json(unknown)).toEqual({ status: 'success' });
    const outbox = await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(stranger)}`));
    expect(outbox.items).toEqual([]);
    const mail = await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(user.email)}`));
    expect(mail.items[0].text).not.toContain(user.password);
  });

  it('answers 400 when the e-mail is missing', async () => {
    const response = await newClient().post('/v1/users/newPassword', { body: {} });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: 'email is missing.' });
  });
});

describe('resetting the password by the mailed code', () => {
  it('works once, and ends every session of the user', async () => {
    const client = newClient();
    const { user, session } = await signUpAndLogIn(client);
    const other = await logIn(client, user);
    await client.post('/v1/users/newPassword', { body: { email: user.email } });
    const { code } = await mailedCode(client, user.email);
    const password = strongPassword();
    expect((await client.post('/v1/users/resetPassword', { form: { code, password } })).status).toBe(200);

    for (const refreshToken of [session.refreshToken, other.refreshToken]) {
      expect((await client.post('/v1/users/accessToken', { body: { refreshToken } })).status).toBe(401);
    }
    const reused = await client.post('/v1/users/resetPassword', { body: { code, password: strongPassword() } });
    expect(reused.status).toBe(400);
    expect(await json(reused)).toEqual({ error: 'The code is invalid, used or expired.' });
    await logIn(client, { email: user.email, password });
  });

  it('refuses a code after 30 minutes', async () => {
    const client = newClient();
    const user = await register(client);
    await client.post('/v1/users/newPassword', { body: { email: user.email } });
    const { code } = await mailedCode(client, user.email);
    client.clock.advance(30 * 60 + 1);
    const response = await client.post('/v1/users/resetPassword', { body: { code, password: strongPassword() } });
    expect(response.status).toBe(400);
    await logIn(client, user);
  });

  it('holds the new password to the policy and keeps the code usable after a refusal', async () => {
    const client = newClient();
    const user = await register(client);
    await client.post('/v1/users/newPassword', { body: { email: user.email } });
    const { code } = await mailedCode(client, user.email);
    const weak = await client.post('/v1/users/resetPassword', { body: { code, password: 'short' } });
    expect(weak.status).toBe(400);
    expect(await json(weak)).toEqual({ error: 'password must be at least 8 characters.' });
    expect((await client.post('/v1/users/resetPassword', { body: { code, password: strongPassword() } })).status).toBe(200);
  });

  it('answers 400 for an unknown code or missing fields', async () => {
    const client = newClient();
    const unknown = await client.post('/v1/users/resetPassword', { body: { code: 'made-up', password: strongPassword() } });
    expect(unknown.status).toBe(400);
    expect((await client.post('/v1/users/resetPassword', { body: { password: strongPassword() } })).status).toBe(400);
    expect((await client.get('/v1/users/resetPassword')).status).toBe(400);
  });

  it('clears the login lockout', async () => {
    const client = newClient();
    const user = await register(client);
    for (let attempt = 0; attempt < 10; attempt += 1) await login(client, user.email, 'wrong password here');
    expect((await login(client, user.email, user.password)).status).toBe(429);
    await client.post('/v1/users/newPassword', { body: { email: user.email } });
    const { code } = await mailedCode(client, user.email);
    const password = strongPassword();
    await client.post('/v1/users/resetPassword', { body: { code, password } });
    await logIn(client, { email: user.email, password });
  });
});
