// A gateway route marked "mfa": true lets through only a session signed in with a second factor
// (its token's amr says mfa): a password-only session is refused with a 403.
import { afterEach, describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { json } from '../support/driver';
import { enrolAuthenticator, totpNow } from '../support/second-factors';
import { gatewayClient, resetOrigin, stubOrigin } from './support';

afterEach(resetOrigin);

describe('a route with "mfa": true', () => {
  it('refuses a password-only session and lets a password + code session through', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/secure/', mfa: true }, { prefix: '/open/' }]);
    const plain = await createUser(client);
    const passwordOnly = (
      await json(await client.post('/oauth/token', { form: { grant_type: 'password', username: plain.email, password: plain.password } }))
    ).access_token as string;
    const refused = await client.get('/secure/x', { token: passwordOnly });
    expect(refused.status).toBe(403);
    expect(await json(refused)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await client.get('/open/x', { token: passwordOnly })).status).toBe(200);

    const user = await createUser(client);
    const { key } = await enrolAuthenticator(client, user.email, user.password);
    const withCode = await client.post('/oauth/token', {
      form: { grant_type: 'password', username: user.email, password: user.password, otp: totpNow(client, key) },
    });
    expect(withCode.status).toBe(200);
    const token = (await json(withCode)).access_token as string;
    expect((await client.get('/secure/x', { token })).status).toBe(200);
    expect(origin.calls).toHaveLength(2);
  });
});
