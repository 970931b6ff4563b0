// Issue 21, point 2: faults at every step of the flows that end tokens (disable, revoke, delete),
// password reset (request and use of the code) and an e-mail change; and a KV outage during a
// revocation, which must leave the mark queued in kv_backlog, not reported as done and lost.
import { describe, expect, it } from 'vitest';
import { createUser, logIn, passwordGrant, verifyStatus } from '../support/accounts';
import { newClient, strongPassword, uniqueEmail, type Client } from '../support/driver';
import { logIn as gatekeeperLogIn, register as gatekeeperRegister } from '../gatekeeper/steps';
import { mailedCode } from '../user-service/steps';
import { revocationDuringKvOutage, sweepFaults, type Flow } from './support';

let edge: Client | undefined;

/**
 * Whether another isolate (KV, not the memory of the one that revoked) takes the token. One such
 * Worker for the file: each token is checked there once, after its flow, so it has no memory of it.
 */
function freshVerify(token: string): Promise<number> {
  edge ??= newClient();
  edge.newAddress();
  return verifyStatus(edge, token);
}

async function userRow(client: Client, id: string): Promise<Record<string, unknown> | null> {
  return client.env.DB.prepare('SELECT * FROM users WHERE id = ?').bind(id).first();
}

/** A user signed in through OAuth: the flows below end that session's tokens. */
async function signedIn(healthy: Client) {
  const user = await createUser(healthy);
  const tokens = await logIn(healthy, user);
  expect(await verifyStatus(healthy, tokens.access_token)).toBe(200);
  return { user, tokens };
}

const disable: Flow = {
  name: 'Operator disables a user',
  face: 'management',
  async prepare(healthy) {
    const { user, tokens } = await signedIn(healthy);
    return {
      run: (c) => c.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } }),
      secrets: [user.password, tokens.access_token, tokens.refresh_token, healthy.accountToken],
      subject: user.id,
      done: async (h) => {
        expect((await userRow(h, user.id))?.disabled).toBe(1);
        expect(await freshVerify(tokens.access_token), 'the edge refuses the token').toBe(401);
      },
      undone: async (h) => {
        expect((await userRow(h, user.id))?.disabled).toBe(0);
      },
    };
  },
};

const revokeAll: Flow = {
  name: 'Operator revokes every session',
  face: 'management',
  async prepare(healthy) {
    const { user, tokens } = await signedIn(healthy);
    return {
      run: (c) => c.admin('DELETE', `/admin/v1/users/${user.id}/sessions`),
      secrets: [user.password, tokens.access_token, tokens.refresh_token, healthy.accountToken],
      subject: user.id,
      done: async () => {
        expect(await freshVerify(tokens.access_token), 'the edge refuses the token').toBe(401);
      },
    };
  },
};

const deleteUser: Flow = {
  name: 'Operator deletes a user',
  face: 'management',
  async prepare(healthy) {
    const { user, tokens } = await signedIn(healthy);
    return {
      run: (c) => c.admin('DELETE', `/admin/v1/users/${user.id}`),
      secrets: [user.password, tokens.access_token, tokens.refresh_token, healthy.accountToken],
      subject: user.id,
      done: async (h) => {
        expect(await userRow(h, user.id)).toBeNull();
        expect(await freshVerify(tokens.access_token), 'the edge refuses the token').toBe(401);
      },
      undone: async (h) => {
        expect(await userRow(h, user.id)).not.toBeNull();
      },
    };
  },
};

const resetRequest: Flow = {
  name: 'Password reset request',
  face: 'userService',
  async prepare(healthy) {
    const user = await createUser(healthy);
    return {
      run: (c) => c.post('/v1/users/newPassword', { body: { email: user.email } }),
      secrets: [user.password],
      // The answer is the same whatever happens after it (it tells nothing about the address); what
      // happened must be whole: a code with its mail, or neither.
      done: async (h) => {
        const codes = await h.env.DB.prepare("SELECT count(*) AS n FROM one_time_codes WHERE user_id = ? AND purpose = 'reset'")
          .bind(user.id)
          .first<{ n: number }>();
        const mails = await h.env.DB.prepare('SELECT count(*) AS n FROM outbox WHERE "to" = ?').bind(user.email).first<{ n: number }>();
        expect(mails?.n, 'a mail for each code').toBe(codes?.n);
        if (codes?.n) {
          const { code } = await mailedCode(h, user.email);
          const password = strongPassword();
          expect((await h.post('/v1/users/resetPassword', { body: { code, password } })).status).toBe(200);
        }
      },
    };
  },
};

const resetUse: Flow = {
  name: 'Password reset with the mailed code',
  face: 'userService',
  async prepare(healthy) {
    const { user, tokens } = await signedIn(healthy);
    expect((await healthy.post('/v1/users/newPassword', { body: { email: user.email } })).status).toBe(200);
    const { code } = await mailedCode(healthy, user.email);
    const password = strongPassword();
    return {
      run: (c) => c.post('/v1/users/resetPassword', { body: { code, password } }),
      secrets: [user.password, password, code, tokens.access_token, tokens.refresh_token],
      subject: user.id,
      done: async (h) => {
        expect((await passwordGrant(h, user.email, password)).status, 'the new password works').toBe(200);
        expect((await passwordGrant(h, user.email, user.password)).status, 'the old one does not').toBe(400);
        expect(await freshVerify(tokens.access_token), 'the edge refuses the old token').toBe(401);
      },
      undone: async (h) => {
        expect((await passwordGrant(h, user.email, user.password)).status, 'the old password still works').toBe(200);
      },
    };
  },
};

const emailChange: Flow = {
  name: 'E-mail change (Gatekeeper)',
  face: 'gatekeeper',
  everyIndex: false,
  async prepare(healthy) {
    const me = await gatekeeperLogIn(healthy, await gatekeeperRegister(healthy));
    const email = uniqueEmail('moved');
    return {
      run: (c) =>
        c.put('/api/v2/users', {
          token: me.token,
          body: { username: me.username, password: me.password, email, user_type: 'developer', current_password: me.password },
        }),
      secrets: [me.password, me.token, me.refreshToken],
      done: async (h) => {
        expect((await h.env.DB.prepare('SELECT email FROM users WHERE id = ?').bind(me.uuid).first())?.email).toBe(email);
      },
      undone: async (h) => {
        expect((await h.env.DB.prepare('SELECT email FROM users WHERE id = ?').bind(me.uuid).first())?.email).toBe(me.email);
      },
    };
  },
};

describe('faults at every step', () => {
  it.each([disable, revokeAll, deleteUser, resetRequest, resetUse, emailChange])('$name', async (flow) => {
    await sweepFaults(flow);
  });
});

describe('a revocation while KV refuses every write', () => {
  it.each([disable, revokeAll, deleteUser, resetUse])('$name: the epoch mark waits in kv_backlog, and the next Cron run lands it', (flow) =>
    revocationDuringKvOutage(flow),
  );
});
