// The console's screens and actions through HTTP, as an admin's browser: each action is the operator
// API's core operation, so its effect is the API's (a disabled user's token is refused at the edge),
// and its event names the admin as the actor. Secrets are shown once and never again.
import { describe, expect, it } from 'vitest';
import { createUser, logIn, verifyStatus } from '../support/accounts';
import { json, newClient, uniqueEmail, type Client } from '../support/driver';
import { expectPage } from '../pages/support';
import { appUserId, newEcosystem, newEnvironment, raw, userPath } from '../droplit/support';
import { accepted, outboxRow, recordingFetch, serverError } from '../mail/support';
import { addPasskeyFromAccount } from '../support/second-factors';
import { act, consoleAdmin, type ConsoleAdmin } from './support';

async function eventsOf(client: Client, userId: string): Promise<{ type: string; actor: { type: string; id?: string } }[]> {
  return (await json(await client.admin('GET', `/admin/v1/users/${userId}/events`))).items;
}

const back = (response: Response) => response.headers.get('location');

async function page(admin: ConsoleAdmin, path: string, status = 200): Promise<string> {
  return expectPage(await admin.browser.get(path), status);
}

describe('the console’s users', () => {
  it('finds users by e-mail, username and unique id prefix, in keyset pages', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const tag = crypto.randomUUID().slice(0, 8);
    for (let i = 0; i < 27; i++) {
      const body = { email: `find-${tag}-${String(i).padStart(2, '0')}@example.com`, password: 'correct horse battery' };
      expect((await client.admin('POST', '/admin/v1/users', { body })).status).toBe(201);
    }
    const named = await createUser(client, { username: `nick-${tag}` });
    const eco = await newEcosystem(client);
    const app = await json(await client.put(userPath(eco.id, `uid-${tag}`), { body: { email: uniqueEmail() }, ...raw(eco.serverToken) }));

    const first = await page(admin, `/console/users?q=find-${tag}`);
    expect(first.match(new RegExp(`find-${tag}-\\d\\d@example.com</a>`, 'g'))).toHaveLength(25);
    const next = /<a href="(\/console\/users\?[^"]+)">Next page<\/a>/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = await page(admin, next!.replaceAll('&amp;', '&'));
    expect(second.match(new RegExp(`find-${tag}-\\d\\d@example.com</a>`, 'g'))).toHaveLength(2);
    expect(second).not.toContain('Next page');

    for (const q of [`nick-${tag}`, `NICK-${tag}`, named.email.slice(0, 12)]) {
      expect(await page(admin, `/console/users?q=${encodeURIComponent(q)}`), q).toContain(`href="/console/users/${named.id}"`);
    }
    const byUniqueId = await page(admin, `/console/users?q=uid-${tag}&ecosystem=${eco.id}`);
    expect(byUniqueId).toContain(`uid-${tag}`);
    expect(byUniqueId).toContain(app.email);
  });

  it('shows a user’s metadata, environments and sessions with how each began', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const eco = await newEcosystem(client);
    const env = await newEnvironment(client, eco.id);
    const created = await client.put(userPath(eco.id, appUserId()), {
      body: { email: uniqueEmail(), meta: { plan: 'gold' }, access: [{ environmentId: env, accessLevel: 'all' }] },
      ...raw(eco.serverToken),
    });
    const appUser = await json(created);
    const listed = await page(admin, `/console/users?ecosystem=${eco.id}`);
    const id = new RegExp(`href="/console/users/([^"]+)">${appUser.email}<`).exec(listed)![1]!;
    const shown = await page(admin, `/console/users/${id}`);
    expect(shown).toContain('&quot;plan&quot;: &quot;gold&quot;');
    expect(shown).toContain(`<td>${env}</td><td>all</td>`);

    const user = await createUser(client);
    await logIn(client, user);
    const withSession = await page(admin, `/console/users/${user.id}`);
    expect(withSession).toContain('<td>pwd</td>');
    expect(withSession).toContain('user.created');
    // The admin's own page: a browser session begun with password and code.
    expect(await page(admin, `/console/users/${admin.id}`)).toMatch(/<td>pwd, otp, mfa<\/td>/);
  });

  it('disables a user: their access token is refused at /auth/verify at once, and the event names the admin', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const user = await createUser(client);
    const { access_token: token } = await logIn(client, user);
    expect(await verifyStatus(client, token)).toBe(200);

    const done = await act(admin.browser, `/console/users/${user.id}/disable`);
    expect(back(done)).toBe(`/console/users/${user.id}?done=disabled`);
    expect(await verifyStatus(client, token)).toBe(401);
    expect(await eventsOf(client, user.id)).toContainEqual(
      expect.objectContaining({ type: 'user.disabled', actor: { type: 'operator', id: admin.id } }),
    );
    expect(await page(admin, back(done)!)).toContain('The user is disabled');

    expect(back(await act(admin.browser, `/console/users/${user.id}/enable`))).toBe(`/console/users/${user.id}?done=enabled`);
    expect((await json(await client.admin('GET', `/admin/v1/users/${user.id}`))).disabled).toBe(false);
  });

  it('ends one session, leaving the others, then all of them', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const user = await createUser(client);
    const one = await logIn(client, user);
    const two = await logIn(client, user);
    const sessions = (await json(await client.admin('GET', `/admin/v1/users/${user.id}/sessions`))).items as { id: string }[];
    expect(sessions).toHaveLength(2);
    const [newest] = sessions;
    // Through another user's page, the session is not found and lives on.
    const other = await createUser(client);
    expect((await act(admin.browser, `/console/users/${other.id}/sessions/end`, { session: newest!.id })).status).toBe(404);
    expect(await verifyStatus(client, two.access_token)).toBe(200);

    const ended = await act(admin.browser, `/console/users/${user.id}/sessions/end`, { session: newest!.id });
    expect(back(ended)).toBe(`/console/users/${user.id}?done=session-ended`);
    const left = (await json(await client.admin('GET', `/admin/v1/users/${user.id}/sessions`))).items as { id: string }[];
    expect(left.map((row) => row.id)).not.toContain(newest!.id);
    expect(left).toHaveLength(1);
    const statuses = [await verifyStatus(client, one.access_token), await verifyStatus(client, two.access_token)].sort();
    expect(statuses).toEqual([200, 401]);
    expect(await eventsOf(client, user.id)).toContainEqual(
      expect.objectContaining({ type: 'session.ended', actor: { type: 'operator', id: admin.id } }),
    );

    await act(admin.browser, `/console/users/${user.id}/sessions/end-all`);
    expect((await json(await client.admin('GET', `/admin/v1/users/${user.id}/sessions`))).items).toEqual([]);
    expect(await eventsOf(client, user.id)).toContainEqual(
      expect.objectContaining({ type: 'sessions.revoked', actor: { type: 'operator', id: admin.id } }),
    );
  });

  it('mails a reset, changes the role and removes second factors, each with its event', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const user = await createUser(client);
    expect(back(await act(admin.browser, `/console/users/${user.id}/reset-mail`))).toContain('done=reset-mailed');
    const mail = (await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(user.email)}`))).items;
    expect(mail).toHaveLength(1);

    expect(back(await act(admin.browser, `/console/users/${user.id}/role`, { role: 'moderator' }))).toContain('done=role-changed');
    expect((await json(await client.admin('GET', `/admin/v1/users/${user.id}`))).role).toBe('moderator');

    const factored = await consoleAdmin(client);
    expect(back(await act(admin.browser, `/console/users/${factored.id}/mfa/remove`))).toContain('done=mfa-removed');
    expect(await page(admin, `/console/users/${factored.id}`)).toContain('<p>None.</p>');
    // Removing the factors ended the other admin's sessions: the console is theirs no more.
    expect((await factored.browser.get('/console')).status).toBe(303);
    const types = (await eventsOf(client, user.id)).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['password.reset_requested', 'user.updated']));
    expect(await eventsOf(client, factored.id)).toContainEqual(
      expect.objectContaining({ type: 'mfa.removed', actor: { type: 'operator', id: admin.id } }),
    );
  });

  it('shows a passkey-only user’s passkeys and removes them, ending every session', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const user = await createUser(client);
    await addPasskeyFromAccount(client, user.email, user.password, 'Unknown phone');
    const tokens = await logIn(client, user);
    const before = await page(admin, `/console/users/${user.id}`);
    expect(before).toContain('<caption id="table-passkeys">Passkeys</caption>');
    expect(before).toContain('<td>Unknown phone</td>');
    expect(before).toContain('No authenticator app.');
    expect(before).toContain('Remove second factors');

    expect(back(await act(admin.browser, `/console/users/${user.id}/mfa/remove`))).toContain('done=mfa-removed');
    const after = await page(admin, `/console/users/${user.id}`);
    expect(after).not.toContain('Unknown phone');
    expect(after).toContain('<p>None.</p>');
    expect(after).not.toContain('Remove second factors');
    expect(await verifyStatus(client, tokens.access_token)).toBe(401);
    expect(await eventsOf(client, user.id)).toContainEqual(
      expect.objectContaining({ type: 'mfa.removed', actor: { type: 'operator', id: admin.id } }),
    );
  });

  it('deletes a user only when the name shown is typed', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const user = await createUser(client);
    const csrf = await admin.browser.csrfOf(`/console/users/${user.id}`);
    const wrong = await expectPage(await admin.browser.submit(`/console/users/${user.id}/delete`, { csrf, confirm: 'someone else' }), 400);
    expect(wrong).toContain('aria-invalid="true"');
    expect(wrong).toContain('nothing was deleted');
    expect((await client.admin('GET', `/admin/v1/users/${user.id}`)).status).toBe(200);

    const done = await admin.browser.submit(`/console/users/${user.id}/delete`, { csrf, confirm: user.email });
    expect(back(done)).toBe('/console/users?done=deleted');
    expect((await client.admin('GET', `/admin/v1/users/${user.id}`)).status).toBe(404);
  });
});

describe('the console’s own admin', () => {
  it('cannot disable, demote, strip of second factors or delete their own account there (409, nothing changed)', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const own = `/console/users/${admin.id}`;
    const csrf = await admin.browser.csrfOf(own);
    const attempts: [string, Record<string, string>][] = [
      [`${own}/disable`, {}],
      [`${own}/role`, { role: 'user' }],
      [`${own}/mfa/remove`, {}],
      [`${own}/delete`, { confirm: admin.email }],
    ];
    for (const [path, fields] of attempts) {
      const refused = await expectPage(await admin.browser.submit(path, { csrf, ...fields }), 409);
      expect(refused, path).toContain('another admin must do that');
    }
    const after = await json(await client.admin('GET', `/admin/v1/users/${admin.id}`));
    expect(after).toMatchObject({ role: 'admin', disabled: false });
    // Still signed in with the second factor: the console is still theirs.
    expect((await admin.browser.get('/console')).status).toBe(200);
    // Ending their own sessions and keeping the admin role are allowed: neither loses the account.
    expect(back(await act(admin.browser, `${own}/role`, { role: 'admin' }))).toContain('done=role-changed');
  });
});

describe('the console’s other screens', () => {
  it('registers an OAuth client, showing its secret once; edits its redirect URIs and deletes it', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const created = await expectPage(
      await act(admin.browser, '/console/clients', { name: 'Shop', redirectUris: 'https://shop.example/cb\n\nhttps://shop.example/cb2' }),
      200,
    );
    const clientId = /id="client-id">([^<]+)</.exec(created)?.[1];
    const secret = /id="client-secret">([^<]+)</.exec(created)?.[1];
    expect(clientId).toBeDefined();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const grant = await client.post('/oauth/token', {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: `Basic ${btoa(`${clientId}:${secret}`)}` },
    });
    expect(grant.status).not.toBe(401);

    // A redirect URI the rules refuse: the form again, the error on its field, what was typed kept.
    const refused = await expectPage(
      await act(admin.browser, '/console/clients', { name: 'Bad', redirectUris: 'http://evil.example/cb' }),
      400,
    );
    expect(refused).toMatch(/<textarea id="field-redirectUris"[^>]*aria-invalid="true"[^>]*>http:\/\/evil.example\/cb<\/textarea>/);
    expect(refused).toContain('Redirect URIs must hold absolute https URIs');

    for (const path of ['/console/clients', `/console/clients/${clientId}`]) {
      const shown = await page(admin, path);
      expect(shown).toContain('https://shop.example/cb2');
      expect(shown).not.toContain(secret);
    }
    const saved = await act(admin.browser, `/console/clients/${clientId}`, { redirectUris: 'https://shop.example/new' });
    expect(back(saved)).toBe(`/console/clients/${clientId}?done=updated`);
    expect((await json(await client.admin('GET', `/admin/v1/clients/${clientId}`))).redirectUris).toEqual(['https://shop.example/new']);
    expect(back(await act(admin.browser, `/console/clients/${clientId}/delete`))).toBe('/console/clients?done=deleted');
    expect((await client.admin('GET', `/admin/v1/clients/${clientId}`)).status).toBe(404);
  });

  it('retries a failed mail from the outbox', async () => {
    const http = recordingFetch(serverError);
    const client = newClient({
      vars: {
        MAIL_TRANSPORT: 'webhook',
        MAIL_WEBHOOK_URL: 'https://hooks.example/mail',
        MAIL_WEBHOOK_SECRET: 'webhook-secret-0123456789abcdef',
        MAIL_MAX_ATTEMPTS: '1',
      },
      fetch: http.fetch,
    });
    const admin = await consoleAdmin(client);
    const user = await createUser(client, { email: uniqueEmail('outbox') });
    await act(admin.browser, `/console/users/${user.id}/reset-mail`);
    const failed = await outboxRow(client, user.email);
    expect(failed.status).toBe('failed');
    const listed = await page(admin, '/console/outbox?status=failed');
    expect(listed).toContain(user.email);
    expect(listed).not.toContain(failed.text.slice(0, 40));

    http.answerWith(accepted);
    expect(back(await act(admin.browser, `/console/outbox/${failed.id}/retry`))).toBe('/console/outbox?done=retried');
    expect(await outboxRow(client, user.email)).toMatchObject({ status: 'sent' });
    expect(http.to(user.email)).toHaveLength(2);
  });

  it('creates an ecosystem, an environment and a server token shown once, and revokes the token', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const created = await act(admin.browser, '/console/ecosystems', { name: 'tenant' });
    const ecosystemPath = back(created)!;
    expect(ecosystemPath).toMatch(/^\/console\/ecosystems\/[^/]+$/);
    expect(back(await act(admin.browser, `${ecosystemPath}/environments`, { name: 'staging' }))).toBe(`${ecosystemPath}?done=environment`);
    const tokenPage = await expectPage(await act(admin.browser, `${ecosystemPath}/server-tokens`, { name: 'backend' }), 200);
    const token = /id="server-token">([^<]+)</.exec(tokenPage)![1]!;
    expect(token).toMatch(/^gst_/);
    const shown = await page(admin, ecosystemPath);
    expect(shown).toContain('staging');
    expect(shown).toContain('backend');
    expect(shown).not.toContain(token);
    const tokenId = /action="[^"]+\/server-tokens\/([^/"]+)\/revoke"/.exec(shown)![1]!;
    expect(back(await act(admin.browser, `${ecosystemPath}/server-tokens/${tokenId}/revoke`))).toBe(`${ecosystemPath}?done=revoked`);
    expect(await page(admin, ecosystemPath)).not.toContain('backend');
  });

  it('shows the configuration with every secret masked, and filters events', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const shown = await page(admin, '/console/configuration');
    expect(shown).toContain('CONSOLE_ECOSYSTEM');
    expect(shown).toContain('set (hidden)');
    for (const name of ['ACCOUNT_TOKEN', 'SIGNING_KEYS', 'MFA_ENCRYPTION_KEY']) {
      const value = client.env[name] as string;
      expect(shown).not.toContain(value);
      expect(shown).not.toContain(value.slice(0, 16));
    }
    const events = await page(admin, `/console/events?type=mfa.enrolled&userId=${admin.id}`);
    expect(events).toContain('mfa.enrolled');
    expect(events).not.toContain('<td>user.created</td>');
  });
});
