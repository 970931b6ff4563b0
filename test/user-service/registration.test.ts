import { describe, expect, it } from 'vitest';
import { json, newClient, strongPassword, uniqueEmail } from '../support/driver';
import { logIn, mailedCode, register } from './steps';

describe('registering through the User Service', () => {
  it('accepts a form-encoded body, as the original did', async () => {
    const client = newClient();
    const email = uniqueEmail('form');
    const response = await client.post('/v2/users/register', { form: { email, password: strongPassword(), firstname: 'Ann' } });
    expect(response.status).toBe(200);
    expect((await json(response)).user).toMatchObject({ email, firstname: 'Ann', lastname: null, language: 'en', confirmed: true });
  });

  it('refuses an e-mail that is already registered, whatever its case', async () => {
    const client = newClient();
    const user = await register(client);
    const response = await client.post('/v1/users/register', { body: { email: user.email.toUpperCase(), password: strongPassword() } });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: 'This email is already registered.' });
  });

  it.each([
    ['a missing e-mail', { password: 'correct horse battery' }, 'email is missing.'],
    ['a missing password', { email: 'x@example.com' }, 'password is missing.'],
    ['an e-mail of the wrong type', { email: 42, password: 'correct horse battery' }, 'email must be a string.'],
    ['an invalid e-mail', { email: 'not-an-address', password: 'correct horse battery' }, 'email is not a valid e-mail address.'],
    ['a short password', { email: 'short@example.com', password: 'abc' }, 'password must be at least 8 characters.'],
    ['a common password', { email: 'common@example.com', password: 'password123' }, 'password is one of the most common passwords.'],
    [
      'a bad language',
      { email: 'lang@example.com', password: 'correct horse battery', language: '<script>' },
      expect.stringContaining('language'),
    ],
    [
      'a firstname that is not text',
      { email: 'fn@example.com', password: 'correct horse battery', firstname: ['x'] },
      'firstname must be a string.',
    ],
  ])('answers 400 with a reason for %s', async (_label, body, reason) => {
    const client = newClient();
    const response = await client.post('/v1/users/register', { body });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: reason });
  });

  it('answers 400 for a body that is not valid JSON', async () => {
    const client = newClient();
    const response = await client.post('/v1/users/register', { raw: '{"email": ', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: expect.any(String) });
  });

  it('gives every new user the standard permission level, and the operator may raise it', async () => {
    const client = newClient();
    const user = await register(client);
    const raised = await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { permissionLevel: 1 } });
    expect(raised.status).toBe(200);
    const { user: shown } = await json(await client.post('/v1/users/login', { body: { email: user.email, password: user.password } }));
    expect(shown.permissionLevel).toBe(1);
  });
});

describe('activating an account (EMAIL_CONFIRMATION on)', () => {
  const confirming = () => newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });

  it('mails a single-use code of at least 128 bits as a link, and activates by POST too', async () => {
    const client = confirming();
    const user = await register(client);
    const { code } = await mailedCode(client, user.email);
    expect(code.length).toBeGreaterThanOrEqual(22);
    const response = await client.post('/v1/users/activate', { form: { code } });
    expect(response.status).toBe(200);
    expect((await json(response)).user.confirmed).toBe(true);
    await logIn(client, user);
  });

  it('answers an unknown or missing code with a 400 and a reason', async () => {
    const client = confirming();
    const unknown = await client.get('/v1/users/activate?code=not-a-code');
    expect(unknown.status).toBe(400);
    expect(await json(unknown)).toEqual({ error: 'No user found with the given code.' });
    const missing = await client.post('/v1/users/activate', { body: {} });
    expect(missing.status).toBe(400);
    expect(await json(missing)).toEqual({ error: 'code is missing.' });
  });

  it('keeps the code out of the logs', async () => {
    const client = confirming();
    const user = await register(client);
    const { code } = await mailedCode(client, user.email);
    expect(JSON.stringify(client.logs)).not.toContain(code);
  });
});

describe('closed registration (OPEN_REGISTRATION off)', () => {
  const closed = () => newClient({ vars: { OPEN_REGISTRATION: 'off' } });
  const body = () => ({ email: uniqueEmail('closed'), password: strongPassword() });

  it('refuses anyone without a token', async () => {
    const response = await closed().post('/v1/users/register', { body: body() });
    expect(response.status).toBe(403);
    expect(await json(response)).toEqual({ error: 'Registration is closed.' });
  });

  it('lets the account token register users', async () => {
    const client = closed();
    const response = await client.admin('POST', '/v1/users/register', { body: body() });
    expect(response.status).toBe(200);
  });

  it("lets an admin's token register users, but not a standard user's", async () => {
    const client = closed();
    const admin = { ...body() };
    const created = await json(await client.admin('POST', '/v1/users/register', { body: admin }));
    const standard = await logIn(client, admin);
    const refused = await client.post('/v1/users/register', { body: body(), token: standard.accessToken });
    expect(refused.status).toBe(403);

    await client.admin('PATCH', `/admin/v1/users/${created.user.id}`, { body: { permissionLevel: 0 } });
    const { accessToken } = await logIn(client, admin);
    const accepted = await client.post('/v1/users/register', { body: body(), token: accessToken });
    expect(accepted.status).toBe(200);
    expect((await json(accepted)).user.permissionLevel).toBe(2);
  });
});
