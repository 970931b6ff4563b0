// Faults at every step of the device authorization grant's last step (RFC 8628): the poll that
// takes the tokens of an approved device code. The code is spent in the batch that starts the
// client's session, so a failed poll leaves it approved and unspent, and the device's next poll
// takes the tokens; a poll that answered tokens has spent it.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { json, type Client } from '../support/driver';
import { register } from '../oauth/flow';
import { sweepFaults, type Flow } from './support';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

async function sessionsOf(client: Client, userId: string, clientId: string): Promise<number> {
  const row = await client.env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ? AND client_id = ?')
    .bind(userId, clientId)
    .first<{ n: number }>();
  return row!.n;
}

const devicePoll: Flow = {
  name: 'Device grant: the poll that takes the tokens',
  face: 'oauth',
  partial: {
    device_authorizations:
      'the poll is recorded before it is answered (RFC 8628 slow_down counts polls), and the code is spent before its session starts (one conditional UPDATE, so two polls cannot both take tokens); a failure after the spend leaves it spent and no tokens out: the device starts again',
  },
  async prepare(healthy) {
    const { clientId } = await register(healthy, { name: 'Gatehouse CLI', allowDeviceGrant: true, redirectUris: [] });
    const user = await createUser(healthy);
    const browser = newBrowser(healthy);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    const started = await json<{ device_code: string; user_code: string }>(
      await healthy.post('/oauth/device_authorization', { form: { client_id: clientId, scope: 'openid email' } }),
    );
    const csrf = await browser.csrfOf(`/device?user_code=${encodeURIComponent(started.user_code)}`);
    expect((await browser.submit('/device', { csrf, user_code: started.user_code })).status).toBe(200);
    const decided = await browser.submit('/device/decide', { csrf, user_code: started.user_code, decision: 'approve' });
    expect(decided.status, await decided.clone().text()).toBe(200);
    const poll = (c: Client) =>
      c.post('/oauth/token', { form: { grant_type: DEVICE_GRANT, device_code: started.device_code, client_id: clientId } });
    return {
      run: poll,
      secrets: [user.password, started.device_code],
      subject: user.id,
      done: async (h) => {
        expect(await sessionsOf(h, user.id, clientId), 'the client has its session').toBe(1);
        // Taken once: the device code is spent (asked after the interval, so not slow_down).
        h.clock.advance(16);
        const again = await poll(h);
        expect(again.status, await again.clone().text()).toBe(400);
        expect(await json(again)).toMatchObject({ error: 'invalid_grant' });
      },
      undone: async (h) => {
        expect(await sessionsOf(h, user.id, clientId), 'no session yet').toBe(0);
      },
      afterPartial: async (h) => {
        expect(await sessionsOf(h, user.id, clientId), 'no tokens out').toBe(0);
        const row = await h.env.DB.prepare('SELECT status FROM device_authorizations WHERE client_id = ?')
          .bind(clientId)
          .first<{ status: string }>();
        h.clock.advance(16);
        const next = await poll(h);
        if (row?.status === 'spent') {
          expect(next.status, 'a spent code gets nothing').toBe(400);
          expect(await json(next)).toMatchObject({ error: 'invalid_grant' });
        } else {
          expect(next.status, `the next poll, after the interval, takes the tokens: ${await next.clone().text()}`).toBe(200);
          expect(await sessionsOf(h, user.id, clientId)).toBe(1);
        }
      },
    };
  },
};

describe('faults at every step', () => {
  it.each([devicePoll])('$name', async (flow) => {
    await sweepFaults(flow);
  });
});
