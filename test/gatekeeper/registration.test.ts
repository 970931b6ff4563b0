import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';
import { expectError, logIn, register, registerAndLogIn, registration } from './steps';
import { untilLimited } from '../support/rate-limit';

describe('POST /api/v2/users', () => {
  it('registers a developer and answers 201 with the user object and its Location', async () => {
    const client = newClient();
    const body = registration('developer', { first_name: 'Demo', last_name: 'User', phone_number: '+351 21 000 0000' });
    const response = await client.post('/api/v2/users', { body });
    expect(response.status).toBe(201);
    const user = await json(response);
    expect(user).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      username: body.username,
      email: body.email,
      user_type: 'developer',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/),
      first_name: 'Demo',
      last_name: 'User',
      phone_number: '+351 21 000 0000',
    });
    expect(response.headers.get('Location')).toBe(`/api/v2/users/${user.uuid}`);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });

  it('never shows a password, a hash or a secret', async () => {
    const client = newClient();
    const body = registration('customer');
    const response = await client.post('/api/v2/users', { body });
    const text = await response.text();
    expect(text).not.toContain(body.password);
    expect(Object.keys(JSON.parse(text))).not.toEqual(expect.arrayContaining(['password']));
    for (const key of ['password', 'password_hash', 'passwordHash', 'secret']) expect(JSON.parse(text)).not.toHaveProperty(key);
    expect(JSON.stringify(client.logs)).not.toContain(body.password);
  });

  it('keeps a public key and a certificate for a developer', async () => {
    const client = newClient();
    const response = await client.post('/api/v2/users', {
      body: registration('developer', { public_key: 'ssh-ed25519 AAAA', certificate: 'CERT' }),
    });
    expect(response.status).toBe(201);
    expect(await json(response)).toMatchObject({ public_key: 'ssh-ed25519 AAAA', certificate: 'CERT' });
  });

  it('refuses a public key or a certificate for anyone but a developer', async () => {
    const client = newClient();
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { public_key: 'k' }) }),
      400,
      'Public key is only for developers',
    );
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { certificate: 'c' }) }),
      400,
      'Certificate is only for developers',
    );
  });

  it.each([
    ['username', 'User name is missing'],
    ['password', 'Password is missing'],
    ['email', 'Email is missing'],
    ['user_type', 'User type is missing'],
  ])('answers 400 when %s is missing or empty', async (field, message) => {
    const client = newClient();
    const body: Record<string, unknown> = registration('customer');
    delete body[field];
    await expectError(await client.post('/api/v2/users', { body }), 400, message);
    await expectError(await client.post('/api/v2/users', { body: { ...body, [field]: '' } }), 400, message);
  });

  it('answers 400 naming the field for a value of the wrong type', async () => {
    const client = newClient();
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { username: 42 }) }),
      400,
      'User name must be a string',
    );
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { password: ['x'] }) }),
      400,
      'Password must be a string',
    );
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { first_name: {} }) }),
      400,
      'First name must be a string',
    );
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { user_type: true }) }),
      400,
      'User type must be a string',
    );
  });

  it('answers 400 for an unknown user type, a bad username, a bad e-mail and a weak password', async () => {
    const client = newClient();
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { user_type: 'root' }) }),
      400,
      /^User type must be one of/,
    );
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { username: 'a b' }) }),
      400,
      /^User name may hold only/,
    );
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { username: 'x'.repeat(65) }) }),
      400,
      /^User name must be at most 64/,
    );
    await expectError(await client.post('/api/v2/users', { body: registration('customer', { email: 'not-an-address' }) }), 400, /^Email /);
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { password: 'short' }) }),
      400,
      /^Password must be at least/,
    );
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { password: 'password123' }) }),
      400,
      /^Password /,
    );
  });

  it('answers 400 for a body that is not a JSON object', async () => {
    const client = newClient();
    const headers = { 'content-type': 'application/json' };
    await expectError(await client.post('/api/v2/users', { raw: '{"username":', headers }), 400, /^Unprocessable entity/);
    await expectError(await client.post('/api/v2/users', { raw: '[1,2]', headers }), 400, /^Unprocessable entity/);
    await expectError(await client.post('/api/v2/users', { raw: '', headers }), 400, 'User name is missing');
  });

  it('answers 409 for a username or an e-mail already in use, leaving nothing behind', async () => {
    const client = newClient();
    const first = await register(client, 'customer');
    const again = registration('customer', { username: first.username });
    await expectError(await client.post('/api/v2/users', { body: again }), 409, 'User name already in use');
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer', { email: first.email }) }),
      409,
      'Email already in use',
    );
    // The refused registration did not take the e-mail it carried.
    await register(client, 'customer', { extra: { email: again.email } });
  });

  it('registers an admin only for the account token or an admin', async () => {
    const client = newClient();
    await expectError(await client.post('/api/v2/users', { body: registration('admin') }), 401, /^Unauthorized/);
    const developer = await registerAndLogIn(client, 'developer');
    await expectError(
      await client.post('/api/v2/users', { body: registration('admin'), token: developer.token }),
      403,
      'Forbidden: only an admin may register an admin',
    );
    const admin = await logIn(client, await register(client, 'admin', { token: client.accountToken }));
    const second = await client.post('/api/v2/users', { body: registration('admin'), token: admin.token });
    expect(second.status).toBe(201);
    expect(await json(second)).toMatchObject({ user_type: 'admin' });
  });

  it('checks a token presented with a registration', async () => {
    const client = newClient();
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer'), token: 'not-a-token' }),
      401,
      'Unauthorized: token is not active',
    );
    await expectError(
      await client.post('/api/v2/users', { body: registration('customer'), headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
      400,
      'Unprocessable entity: authorization header must be "Bearer <token>"',
    );
  });

  it('closes self-registration when OPEN_REGISTRATION is off, but not for an admin', async () => {
    const client = newClient({ vars: { OPEN_REGISTRATION: 'off' } });
    await expectError(await client.post('/api/v2/users', { body: registration('customer') }), 403, 'Forbidden: registration is closed');
    const response = await client.post('/api/v2/users', { body: registration('customer'), token: client.accountToken });
    expect(response.status).toBe(201);
  });

  it('answers 429 in its own shape once a client has registered too often', async () => {
    const client = newClient();
    const limited = await untilLimited(() => client.post('/api/v2/users', { body: registration('customer', { password: 'short' }) }), 400);
    await expectError(limited, 429, 'Too many requests: try again later');
    expect(limited.headers.get('Retry-After')).toBe('60');
    // Another client is not affected.
    expect((await newClient().post('/api/v2/users', { body: registration('customer') })).status).toBe(201);
  });
});
