// Regressions for what the robustness sweep found: passwords the hash could not keep exactly
// (NUL, unpaired surrogates), e-mail addresses with control or format characters, and a droplit
// user token ending its own session through the Gatekeeper's log-out.
import { describe, expect, it } from 'vitest';
import { json, newClient, strongPassword, uniqueEmail, type RequestOptions } from '../support/driver';
import { expectRefused, faceOf } from './shapes';
import { buildWorld, send, type World } from './world';

/** A registration through each face that takes one (the operator's token is sent, as an admin may). */
const REGISTRATIONS: [string, (email: string, password: string) => Record<string, unknown>][] = [
  ['/api/v2/users', (email, password) => ({ username: `rb_${crypto.randomUUID().slice(0, 8)}`, email, password, user_type: 'customer' })],
  ['/v1/users/register', (email, password) => ({ email, password })],
  ['/admin/v1/users', (email, password) => ({ email, password })],
];

const BAD_PASSWORD_ENDINGS: [string, string][] = [
  ['a NUL', '\u0000'],
  ['two NULs', '\u0000\u0000'],
  ['a lone high surrogate', '\ud800'],
  ['a lone low surrogate', '\udc00'],
];

const BAD_EMAIL_ENDINGS: [string, string][] = [
  ['a NUL', '\u0000'],
  ['a lone surrogate', '\ud800'],
  ['an RTL override', '\u202e'],
  ['a zero-width joiner', '\u200d'],
  ['a BOM', '\ufeff'],
];

/** Registers through `path` and expects a 400 in the face's shape, and nobody under `email`. */
async function expectNoRegistration(path: string, fields: Record<string, unknown>, email: string): Promise<void> {
  const client = newClient();
  const response = await send(client, 'POST', path, { body: fields, headers: { authorization: `Bearer ${client.accountToken}` } });
  await expectRefused(response, faceOf(path), `POST ${path}`, [400]);
  expect((await json(await client.admin('GET', `/admin/v1/users?q=${encodeURIComponent(email)}`))).items).toEqual([]);
}

type Login = (user: World['user'], password: string) => RequestOptions;

const LOGINS: [string, Login][] = [
  ['/api/v2/sessions', (user, password) => ({ body: { username: user.username, password } })],
  ['/v1/users/login', (user, password) => ({ body: { email: user.email, password } })],
  ['/oauth/token', (user, password) => ({ form: { grant_type: 'password', username: user.email, password } })],
];

describe('passwords the hash cannot keep exactly', () => {
  const cases = REGISTRATIONS.flatMap(([path, fields]) =>
    BAD_PASSWORD_ENDINGS.map(([label, ending]) => [path, label, fields, ending] as const),
  );

  it.each(cases)('POST %s refuses a password ending in %s with a 400 and creates nobody', async (path, _label, fields, ending) => {
    const email = uniqueEmail('rb');
    await expectNoRegistration(path, fields(email, `${strongPassword()}${ending}`), email);
  });

  it('PUT /api/v2/users refuses a new password with a NUL and keeps the old one', async () => {
    const client = newClient();
    const w = await buildWorld(client);
    const update = {
      username: w.user.username,
      password: `${w.user.password}\u0000`,
      email: w.user.email,
      user_type: 'developer',
      current_password: w.user.password,
    };
    await expectRefused(await send(client, 'PUT', '/api/v2/users', { body: update, token: w.tokens.gkAccess }), 'gatekeeper', 'PUT', [400]);
    expect((await send(client, 'POST', '/v1/users/login', { body: { email: w.user.email, password: w.user.password } })).status).toBe(200);
  });

  it.each(LOGINS)('POST %s does not take the password with a trailing NUL for the password', async (path, login) => {
    const client = newClient();
    const w = await buildWorld(client);
    const refused = await send(client, 'POST', path, login(w.user, `${w.user.password}\u0000`));
    await expectRefused(refused, faceOf(path), `POST ${path}`, [400, 401]);
    expect((await send(client, 'POST', path, login(w.user, w.user.password))).status).toBe(200);
  });
});

describe('e-mail addresses with control or format characters', () => {
  const cases = REGISTRATIONS.flatMap(([path, fields]) =>
    BAD_EMAIL_ENDINGS.map(([label, ending]) => [path, label, fields, ending] as const),
  );

  it.each(cases)('POST %s refuses an address ending in %s with a 400 and creates nobody', async (path, _label, fields, ending) => {
    const email = uniqueEmail('rb');
    await expectNoRegistration(path, fields(`${email}${ending}`, strongPassword()), email);
  });

  it.each(BAD_EMAIL_ENDINGS)('the droplit PUT refuses an address ending in %s and keeps the old one', async (_label, ending) => {
    const client = newClient();
    const w = await buildWorld(client);
    const before = await json(await client.admin('GET', w.app.path));
    const body = { email: `${w.tag}.new@example.com${ending}` };
    await expectRefused(
      await send(client, 'PUT', w.app.path, { body, headers: { authorization: w.tokens.account } }),
      'droplit',
      'PUT',
      [400],
    );
    expect(await json(await client.admin('GET', w.app.path))).toEqual(before);
  });
});

describe('log-out through the Gatekeeper', () => {
  it('refuses a droplit user token of another ecosystem and leaves its session alive', async () => {
    const client = newClient();
    const w = await buildWorld(client);
    const response = await send(client, 'DELETE', '/api/v2/sessions', { token: w.tokens.app });
    await expectRefused(response, 'gatekeeper', 'DELETE /api/v2/sessions', [401]);
    expect((await send(client, 'GET', '/auth/verify?ecosystem=*', { token: w.tokens.app })).status).toBe(200);
  });
});
