// Issue 9, item 5: a password or e-mail change through PUT /api/v2/users ends every other session
// and refresh token of the user and mails the old address; the caller's own session stays.
import { describe, expect, it } from 'vitest';
import { refreshGrant, verifyStatus } from '../support/accounts';
import { json, newClient, strongPassword, uniqueEmail, type Client } from '../support/driver';
import { logIn, register, type GatekeeperSession } from './steps';

function put(client: Client, me: GatekeeperSession, changes: { password?: string; email?: string }) {
  return client.put('/api/v2/users', {
    token: me.token,
    body: {
      username: me.username,
      password: me.password,
      email: me.email,
      user_type: 'developer',
      current_password: me.password,
      ...changes,
    },
  });
}

async function mailsTo(client: Client, address: string): Promise<{ subject: string }[]> {
  return (await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(address)}`))).items;
}

describe('changing the password or e-mail', () => {
  it('ends every other session, keeps the caller’s, and mails the old address', async () => {
    const client = newClient();
    const account = await register(client);
    const me = await logIn(client, account);
    const other = await logIn(client, account);
    // The PUT always carries a password: the same one again changes nothing and ends nothing.
    expect((await put(client, me, {})).status).toBe(200);
    expect(await verifyStatus(client, other.token)).toBe(200);
    expect(await mailsTo(client, account.email)).toEqual([]);
    const response = await put(client, me, { password: strongPassword() });
    expect(response.status, await response.clone().text()).toBe(200);

    expect(await verifyStatus(client, other.token)).toBe(401);
    expect(await verifyStatus(newClient({ clock: client.clock }), other.token)).toBe(401);
    expect((await refreshGrant(client, other.refreshToken)).status).toBe(400);
    // The caller's session goes on: its refresh token yields tokens that work.
    const refreshed = await refreshGrant(client, me.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(await verifyStatus(client, (await json(refreshed)).access_token)).toBe(200);
    expect((await mailsTo(client, account.email)).map((mail) => mail.subject)).toEqual(['Your password was changed']);
  });

  it('does the same for a new e-mail, mailing the address it replaces', async () => {
    const client = newClient();
    const account = await register(client);
    const me = await logIn(client, account);
    const other = await logIn(client, account);
    const email = uniqueEmail('new');
    expect((await put(client, me, { email })).status).toBe(200);
    expect(await verifyStatus(client, other.token)).toBe(401);
    expect((await refreshGrant(client, other.refreshToken)).status).toBe(400);
    expect((await mailsTo(client, account.email)).map((mail) => mail.subject)).toEqual(['Your e-mail address was changed']);
    expect(await mailsTo(client, email)).toEqual([]);
  });
});
