// A stolen access token alone cannot take an account over: the Gatekeeper's profile update
// changes the password or the e-mail only with the current password.
import { describe, expect, it } from 'vitest';
import { json, newClient, strongPassword, uniqueEmail } from '../support/driver';
import { registerAndLogIn } from '../gatekeeper/steps';

describe('PUT /api/v2/users', () => {
  it('refuses a new password or e-mail without the current password, and takes them with it', async () => {
    const client = newClient();
    const me = await registerAndLogIn(client, 'developer');
    const base = { username: me.username, email: me.email, user_type: 'developer' };
    const stolen = strongPassword();
    for (const body of [
      { ...base, password: stolen },
      { ...base, password: stolen, current_password: 'not the password at all' },
      { ...base, password: 'a guess at the password', email: uniqueEmail('thief') },
    ]) {
      const refused = await client.put('/api/v2/users', { token: me.token, body });
      expect(refused.status).toBe(403);
    }
    expect((await client.post('/api/v2/sessions', { body: { username: me.username, password: me.password } })).status).toBe(200);
    // The current password as `password` proves it too: the e-mail may change then.
    const email = uniqueEmail('moved');
    const moved = await client.put('/api/v2/users', { token: me.token, body: { ...base, email, password: me.password } });
    expect(moved.status).toBe(200);
    expect((await json(moved)).email).toBe(email);
  });
});
