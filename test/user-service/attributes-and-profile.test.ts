import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';
import { signUpAndLogIn } from './steps';

describe('attributes', () => {
  it('upserts by key', async () => {
    const client = newClient();
    const { session } = await signUpAndLogIn(client);
    const token = session.accessToken;
    await client.post('/v1/users/attributes', { token, body: { attributeKey: 'theme', attributeText: 'dark' } });
    const updated = await client.post('/v1/users/attributes', { token, form: { attributeKey: 'theme', attributeText: 'light' } });
    expect((await json(updated)).user.attributes).toEqual({ theme: 'light' });
  });

  it('deletes by key or by id at both /attributes and /attribute, in the body or the query', async () => {
    const client = newClient();
    const { user, session } = await signUpAndLogIn(client);
    const token = session.accessToken;
    for (const key of ['a', 'b', 'c', 'd']) {
      await client.post('/v1/users/attributes', { token, body: { attributeKey: key, attributeText: key } });
    }
    const byKey = await client.delete('/v1/users/attribute', { token, body: { attributeKey: 'a' } });
    expect((await json(byKey)).user.attributes).toEqual({ b: 'b', c: 'c', d: 'd' });

    const byQuery = await client.delete('/v1/users/attributes?attributeKey=b', { token });
    expect((await json(byQuery)).user.attributes).toEqual({ c: 'c', d: 'd' });

    const row = await env.DB.prepare('select id from attributes where user_id = ? and key = ?').bind(user.id, 'c').first<{ id: string }>();
    const byId = await client.delete('/v1/users/attributes', { token, form: { attributeId: row!.id } });
    expect(byId.status).toBe(200);
    expect((await json(byId)).user.attributes).toEqual({ d: 'd' });
  });

  it('answers 400 when a delete names neither a key nor an id', async () => {
    const client = newClient();
    const { session } = await signUpAndLogIn(client);
    const response = await client.delete('/v1/users/attributes', { token: session.accessToken, body: {} });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: 'attributeKey or attributeId is required.' });
  });

  it.each([
    ['a missing key', { attributeText: 'x' }, 'attributeKey is missing.'],
    ['a missing text', { attributeKey: 'k' }, 'attributeText is missing.'],
    ['a text that is not a string', { attributeKey: 'k', attributeText: 5 }, 'attributeText must be a string.'],
    ['a key over 128 characters', { attributeKey: 'k'.repeat(129), attributeText: 'x' }, 'attributeKey must be 1 to 128 characters.'],
    ['a text over 4 KiB', { attributeKey: 'k', attributeText: 'é'.repeat(2049) }, 'attributeText must be at most 4096 bytes.'],
    [
      'a key with NUL',
      { attributeKey: 'ro\u0000le', attributeText: 'x' },
      'attributeKey must not contain control characters or bidirectional formatting marks.',
    ],
    [
      'a key with a C1 control',
      { attributeKey: 'ro\u0085le', attributeText: 'x' },
      'attributeKey must not contain control characters or bidirectional formatting marks.',
    ],
    [
      'a key with a bidi override',
      { attributeKey: 'admin\u202Egnp.exe', attributeText: 'x' },
      'attributeKey must not contain control characters or bidirectional formatting marks.',
    ],
    [
      'a key with a bidi isolate',
      { attributeKey: '\u2067role', attributeText: 'x' },
      'attributeKey must not contain control characters or bidirectional formatting marks.',
    ],
    [
      'a key with a right-to-left mark',
      { attributeKey: 'role\u200F', attributeText: 'x' },
      'attributeKey must not contain control characters or bidirectional formatting marks.',
    ],
  ])('answers 400 with a reason for %s', async (_label, body, reason) => {
    const client = newClient();
    const { session } = await signUpAndLogIn(client);
    const response = await client.post('/v1/users/attributes', { token: session.accessToken, body });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: reason });
  });

  it('keeps at most 100 attributes a user, while an existing key may still change', async () => {
    const client = newClient();
    const { session } = await signUpAndLogIn(client);
    const token = session.accessToken;
    for (let i = 0; i < 100; i += 1) {
      const added = await client.post('/v1/users/attributes', { token, body: { attributeKey: `key${i}`, attributeText: 'v' } });
      expect(added.status).toBe(200);
    }
    const refused = await client.post('/v1/users/attributes', { token, body: { attributeKey: 'one-more', attributeText: 'x' } });
    expect(refused.status).toBe(400);
    expect(await json(refused)).toEqual({ error: 'A limit was exceeded: at most 100 attributes a user.' });
    const changed = await client.post('/v1/users/attributes', { token, body: { attributeKey: 'key7', attributeText: 'new' } });
    expect(changed.status).toBe(200);
    expect((await json(changed)).user.attributes.key7).toBe('new');
  });

  it('are invisible to every other user', async () => {
    const client = newClient();
    const alice = await signUpAndLogIn(client);
    const bob = await signUpAndLogIn(client);
    await client.post('/v1/users/attributes', {
      token: alice.session.accessToken,
      body: { attributeKey: 'secret', attributeText: 'alice' },
    });
    expect(await json(await client.get('/v1/users/attributes', { token: bob.session.accessToken }))).toEqual({});
    const bobsDelete = await client.delete('/v1/users/attributes', { token: bob.session.accessToken, body: { attributeKey: 'secret' } });
    expect((await json(bobsDelete)).user).toMatchObject({ id: bob.user.id, attributes: {} });
    expect(await json(await client.get('/v1/users/attributes', { token: alice.session.accessToken }))).toEqual({ secret: 'alice' });
  });
});

describe('the profile', () => {
  it('sets a field left out to null and shows the attributes, while status leaves them out', async () => {
    const client = newClient();
    const { user, session } = await signUpAndLogIn(client, { firstname: 'Barney', lastname: 'Fife' });
    const token = session.accessToken;
    await client.post('/v1/users/attributes', { token, body: { attributeKey: 'k', attributeText: 'v' } });
    const updated = await client.post('/v1/users/profile', { token, form: { lastname: 'Taylor' } });
    expect((await json(updated)).user).toMatchObject({ id: user.id, firstname: null, lastname: 'Taylor', attributes: { k: 'v' } });
    const status = await json(await client.get('/v1/users/status', { token }));
    expect(status.user).toMatchObject({ firstname: null, lastname: 'Taylor' });
    expect(status.user.attributes).toBeUndefined();
  });

  it('answers 400 for a name that is not a string', async () => {
    const client = newClient();
    const { session } = await signUpAndLogIn(client);
    const response = await client.post('/v1/users/profile', { token: session.accessToken, body: { firstname: { x: 1 } } });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: 'firstname must be a string.' });
  });

  it("is each user's own", async () => {
    const client = newClient();
    const alice = await signUpAndLogIn(client, { firstname: 'Alice' });
    const bob = await signUpAndLogIn(client, { firstname: 'Bob' });
    await client.post('/v1/users/profile', { token: bob.session.accessToken, body: { firstname: 'Robert' } });
    const aliceProfile = await json(await client.get('/v1/users/profile', { token: alice.session.accessToken }));
    expect(aliceProfile.user).toMatchObject({ id: alice.user.id, firstname: 'Alice' });
  });
});
