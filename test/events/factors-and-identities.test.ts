// The second factors' and the linked identities' events: mfa.enrolled when an authenticator app
// is turned on, mfa.removed when the user or the operator removes it, identity.linked when an
// upstream identity is linked (at the first sign-in that creates its user, too) and identity.unlinked
// when it is unlinked; each exactly once, and none for a refusal.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { json, newClient } from '../support/driver';
import { enrolAuthenticator } from '../support/second-factors';
import { startUpstream } from '../support/upstream-idp';
import { countOf, userEvents } from './support';

describe('second factor and identity events', () => {
  it('writes mfa.enrolled once when an app is turned on, and mfa.removed for the operator’s removal', async () => {
    const client = newClient();
    const user = await createUser(client);
    await enrolAuthenticator(client, user.email, user.password);
    const enrolled = await userEvents(client, user.id);
    expect(countOf(enrolled, 'mfa.enrolled')).toBe(1);
    expect(enrolled.find((event) => event.type === 'mfa.enrolled')!.details).toEqual({ factor: 'totp' });
    expect((await client.admin('DELETE', `/admin/v1/users/${user.id}/mfa`)).status).toBe(204);
    const removed = await userEvents(client, user.id);
    expect(countOf(removed, 'mfa.removed')).toBe(1);
    expect(removed.find((event) => event.type === 'mfa.removed')).toMatchObject({
      actor: { type: 'operator' },
      details: { by: 'operator' },
    });
    // Removing nothing writes nothing.
    expect((await client.admin('DELETE', `/admin/v1/users/${user.id}/mfa`)).status).toBe(204);
    expect(countOf(await userEvents(client, user.id), 'mfa.removed')).toBe(1);
  });

  it('writes identity.linked for a link from the account page, identity.unlinked once, and nothing for a refused unlink', async () => {
    const upstream = await startUpstream();
    const client = newClient({ fetch: upstream.fetch });
    const id = `idp-${crypto.randomUUID().slice(0, 8)}`;
    const created = await client.admin('POST', '/admin/v1/identity-providers', {
      body: { id, name: 'Corp', kind: 'oidc', issuer: upstream.issuer, clientId: upstream.clientId, clientSecret: upstream.clientSecret },
    });
    expect(created.status).toBe(201);
    const user = await createUser(client);
    const browser = newBrowser(client);
    await browser.signIn(user.email, user.password);
    const csrf = await browser.csrfOf('/account');
    const start = await browser.submit('/account/identities/link', { csrf, provider: id });
    const back = await browser.get(upstream.approve(start.headers.get('location')!, { sub: `sub-${crypto.randomUUID()}` }));
    expect(back.headers.get('location')).toBe('/account?done=linked');
    const linked = await userEvents(client, user.id);
    expect(countOf(linked, 'identity.linked')).toBe(1);
    expect(linked.find((event) => event.type === 'identity.linked')!.details).toEqual({ providerId: id });

    const page = await (await browser.get('/account')).text();
    const identity = /name="identity" value="([^"]+)"/.exec(page)![1]!;
    expect((await browser.submit('/account/identities/unlink', { csrf, identity })).status).toBe(303);
    expect((await browser.submit('/account/identities/unlink', { csrf, identity })).status).toBe(404);
    expect(countOf(await userEvents(client, user.id), 'identity.unlinked')).toBe(1);

    // A user the provider created has the identity as its only way in: the refused unlink writes nothing.
    const fresh = newBrowser(client);
    const first = await fresh.get(`/signin/with/${id}?return=%2Faccount`);
    expect((await fresh.get(upstream.approve(first.headers.get('location')!, { sub: `sub-${crypto.randomUUID()}` }))).status).toBe(303);
    const freshPage = await (await fresh.get('/account')).text();
    const only = /name="identity" value="([^"]+)"/.exec(freshPage)![1]!;
    const freshCsrf = /name="csrf" value="([^"]+)"/.exec(freshPage)![1]!;
    const row = await client.env.DB.prepare('SELECT user_id FROM linked_identities WHERE id = ?').bind(only).first<{ user_id: string }>();
    expect(countOf(await userEvents(client, row!.user_id), 'identity.linked')).toBe(1);
    expect((await fresh.submit('/account/identities/unlink', { csrf: freshCsrf, identity: only })).status).toBe(409);
    expect(countOf(await userEvents(client, row!.user_id), 'identity.unlinked')).toBe(0);
    expect(await json(await client.admin('GET', `/admin/v1/users/${row!.user_id}`))).toMatchObject({ id: row!.user_id });
  });
});
