// An ecosystem's own password policy: son-gkeeper's own specs register users with "1234", which
// the deployment's NIST defaults (8 characters, no common password) refuse. The operator may set
// a shorter minimum and turn the common-password check off for one ecosystem; every other keeps
// the defaults, and setting the fields back to null restores them.
import { describe, expect, it } from 'vitest';
import { json, newClient, type Client } from '../support/driver';
import { expectError, logInRequest, registration } from './steps';

const policyPath = (ecosystemId: string) => `/admin/v1/ecosystems/${ecosystemId}/password-policy`;

function registerWith(client: Client, password: string) {
  return client.post('/api/v2/users', { body: registration('developer', { password }) });
}

describe('an ecosystem’s password policy', () => {
  it('lets the operator match son-gkeeper’s rules for its own ecosystem only, and go back to the defaults', async () => {
    // Its own default ecosystem, so no other test file's users meet the looser rules.
    const sonata = `sonata-${crypto.randomUUID().slice(0, 8)}`;
    const client = newClient({ vars: { DEFAULT_ECOSYSTEM: sonata } });
    await expectError(await registerWith(client, '1234'), 400);
    const before = await client.admin('GET', policyPath(sonata));
    expect(before.status).toBe(200);
    expect(await json(before)).toEqual({
      own: { minLength: null, rejectCommon: null },
      effective: { minLength: 8, maxLength: expect.any(Number), rejectCommon: true },
    });

    const set = await client.admin('PUT', policyPath(sonata), { body: { minLength: 4, rejectCommon: false } });
    expect(set.status).toBe(200);
    expect(await json(set)).toMatchObject({ own: { minLength: 4, rejectCommon: false }, effective: { minLength: 4, rejectCommon: false } });
    const body = registration('developer', { password: '1234' });
    expect((await client.post('/api/v2/users', { body })).status).toBe(201);
    expect((await logInRequest(client, body.username, '1234')).status).toBe(200);
    await expectError(await registerWith(client, '123'), 400);

    // Another ecosystem keeps the deployment's rules.
    const other = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'other' } }));
    const elsewhere = await client.admin('POST', '/admin/v1/users', {
      body: { email: `p${crypto.randomUUID().slice(0, 8)}@example.com`, password: '1234', ecosystemId: other.id },
    });
    expect(elsewhere.status).toBe(400);
    expect(await json(elsewhere)).toMatchObject({ error: { code: 'PASSWORD_TOO_SHORT' } });

    // The change is in the event log, with the operator as actor.
    const updates = await json(await client.admin('GET', `/admin/v1/events?ecosystemId=${sonata}&type=ecosystem.updated`));
    expect(updates.items).toHaveLength(1);
    expect(updates.items[0]).toMatchObject({
      actor: { type: 'operator' },
      details: { fields: ['passwordPolicy'], minLength: 4, rejectCommon: false },
    });
    const reset = await client.admin('PUT', policyPath(sonata), { body: {} });
    expect(await json(reset)).toMatchObject({
      own: { minLength: null, rejectCommon: null },
      effective: { minLength: 8, rejectCommon: true },
    });
    await expectError(await registerWith(client, '1234'), 400);
    // Passwords set under the looser rules still work: a policy applies to passwords set from then on.
    expect((await logInRequest(client, body.username, '1234')).status).toBe(200);
  });

  it('refuses a minimum below 1 or above the maximum, an unknown ecosystem, and callers without the account token', async () => {
    const client = newClient();
    const other = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'bounds' } }));
    for (const minLength of [0, -1, 1.5, 100_000, '8']) {
      const response = await client.admin('PUT', policyPath(other.id), { body: { minLength } });
      expect(response.status, String(minLength)).toBe(400);
      expect(await json(response)).toMatchObject({ error: { code: 'INVALID_FIELD' } });
    }
    expect((await client.admin('PUT', policyPath('no-such-ecosystem'), { body: { minLength: 4 } })).status).toBe(404);
    expect((await client.admin('GET', policyPath('no-such-ecosystem'))).status).toBe(404);
    const none = await json(await client.admin('GET', '/admin/v1/events?ecosystemId=no-such-ecosystem&type=ecosystem.updated'));
    expect(none.items).toEqual([]);
    expect((await client.put(policyPath(other.id), { body: { minLength: 4 } })).status).toBe(401);
  });
});
