// Issue 21, point 2: faults at every step of the authorization code exchange, mail delivery (the
// webhook, after the answer), and the Cron upkeep; and KV reads that fail at the edge check.
import { afterEach, describe, expect, it } from 'vitest';
import { createUser, logIn, verifyStatus } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { newClient, strongPassword, uniqueEmail, type Client } from '../support/driver';
import { faults } from '../support/faults';
import { authorizationQuery } from '../support/pkce';
import { CALLBACK, register as registerApp } from '../oauth/flow';
import { accepted, recordingFetch, serverError } from '../mail/support';
import { gatewayClient, resetOrigin, stubOrigin } from '../gateway/support';
import { sweepFaults, type Flow } from './support';

async function sessionCount(client: Client, userId: string): Promise<number> {
  const row = await client.env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL')
    .bind(userId)
    .first<{ n: number }>();
  return row!.n;
}

const codeExchange: Flow = {
  name: 'Authorization code exchange',
  face: 'oauth',
  everyIndex: false,
  partial: {
    authorization_codes:
      'the code is spent before its session is started (one conditional UPDATE, so two exchanges cannot both win); a failure after it leaves the code spent and no tokens out: the client starts again at /oauth/authorize',
    sessions: 'a session started but not yet recorded on its code: no token of it was handed out',
  },
  async prepare(healthy) {
    const app = await registerApp(healthy);
    const user = await createUser(healthy);
    const browser = newBrowser(healthy);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    const { query, pkce } = await authorizationQuery(app.clientId, CALLBACK, {});
    const answer = await browser.get(`/oauth/authorize?${query}`);
    expect(answer.status).toBe(302);
    const code = new URL(answer.headers.get('location')!).searchParams.get('code')!;
    const sessionsBefore = await sessionCount(healthy, user.id);
    const form = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: app.clientId, code_verifier: pkce.verifier };
    return {
      run: (c) => c.post('/oauth/token', { form }),
      secrets: [user.password, code, pkce.verifier],
      done: async (h) => {
        expect(await sessionCount(h, user.id), 'the exchange made its session').toBe(sessionsBefore + 1);
        // The code is spent.
        expect((await h.post('/oauth/token', { form })).status).toBe(400);
      },
      undone: async (h) => {
        expect(await sessionCount(h, user.id)).toBe(sessionsBefore);
      },
      afterPartial: async (h) => {
        // The spent code gets nothing (and ends what its exchange recorded, if anything).
        const again = await h.post('/oauth/token', { form });
        expect(again.status).toBe(400);
        expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
      },
    };
  },
};

const WEBHOOK = {
  MAIL_TRANSPORT: 'webhook',
  MAIL_WEBHOOK_URL: 'https://hooks.example/mail',
  MAIL_WEBHOOK_SECRET: 'webhook-secret-0123456789abcdef',
};
const http = recordingFetch(accepted);

const mailDelivery: Flow = {
  name: 'Registration under confirmation, its mail by webhook',
  face: 'userService',
  vars: { EMAIL_CONFIRMATION: 'on', ...WEBHOOK },
  fetch: http.fetch,
  partial: { ecosystems: 'a user number spent before the insert that failed (a gap), as for every registration' },
  async prepare() {
    const email = uniqueEmail('mail');
    const password = strongPassword();
    return {
      run: (c) => c.post('/v1/users/register', { body: { email, password } }),
      secrets: [password, WEBHOOK.MAIL_WEBHOOK_SECRET],
      // Whatever failed after the answer, the mail is delivered by the Cron runs that follow (at
      // least once), and marked sent.
      done: async (h) => {
        for (let run = 0; run < 2; run++) {
          h.clock.advance(600);
          await h.scheduled();
        }
        const row = await h.env.DB.prepare('SELECT status FROM outbox WHERE "to" = ?').bind(email).first<{ status: string }>();
        expect(row?.status, 'the mail was delivered').toBe('sent');
        expect(http.to(email).length).toBeGreaterThanOrEqual(1);
      },
    };
  },
};

/** Work for one Cron run: a revocation mark waiting in kv_backlog, a mail due again, an ended session. */
const upkeep: Flow = {
  name: 'Cron upkeep',
  face: 'management',
  vars: WEBHOOK,
  fetch: http.fetch,
  everyIndex: false,
  async prepare(healthy) {
    const user = await createUser(healthy);
    const tokens = await logIn(healthy, user);
    const now = healthy.clock.now();
    await healthy.env.DB.prepare('INSERT INTO kv_backlog (key, value, expires_at, created_at) VALUES (?, ?, NULL, ?)')
      .bind(`epoch:${user.id}`, '7', now)
      .run();
    await healthy.env.DB.prepare('UPDATE users SET token_epoch = 7 WHERE id = ?').bind(user.id).run();
    // A confirmation mail whose first send failed: pending, due again a minute later.
    const email = uniqueEmail('cron');
    const failing = newClient({
      vars: { EMAIL_CONFIRMATION: 'on', ...WEBHOOK },
      fetch: recordingFetch(serverError).fetch,
      clock: healthy.clock,
    });
    expect((await failing.post('/v1/users/register', { body: { email, password: strongPassword() } })).status).toBe(200);
    healthy.clock.advance(120);
    return {
      // A Cron run has no caller: it must not lose work, whatever it gave up on.
      run: async (c) => {
        await c.scheduled().catch(() => undefined);
      },
      secrets: [],
      done: async (h) => {
        h.clock.advance(600);
        await h.scheduled();
        const backlog = await h.env.DB.prepare('SELECT count(*) AS n FROM kv_backlog WHERE key = ?')
          .bind(`epoch:${user.id}`)
          .first<{ n: number }>();
        expect(backlog?.n, 'the backlogged mark was published').toBe(0);
        expect(await h.env.TOKENS.get(`epoch:${user.id}`)).toBe('7');
        expect(await verifyStatus(newClient(), tokens.access_token)).toBe(401);
        const mail = await h.env.DB.prepare('SELECT status FROM outbox WHERE "to" = ?').bind(email).first<{ status: string }>();
        expect(mail?.status, 'the due mail was delivered').toBe('sent');
      },
    };
  },
};

describe('faults at every step', () => {
  it.each([codeExchange, mailDelivery, upkeep])('$name', async (flow) => {
    await sweepFaults(flow);
  });
});

describe('the edge check when KV reads fail', () => {
  /** A client whose KV reads all fail (an outage), or time out. */
  function kvReadsDown(mode: 'throw' | 'timeout') {
    const f = faults();
    const client = newClient({ wrapEnv: f.wrapEnv });
    f.arm({ binding: 'kv', index: 0, mode, sticky: true, match: (call) => call.op === 'get' || call.op === 'getWithMetadata' });
    return { client, f };
  }

  it.each(['throw', 'timeout'] as const)('never allows a revoked token (%s)', async (mode) => {
    const healthy = newClient();
    const user = await createUser(healthy);
    const tokens = await logIn(healthy, user);
    expect((await healthy.admin('DELETE', `/admin/v1/users/${user.id}/sessions`)).status).toBeLessThan(300);
    const { client, f } = kvReadsDown(mode);
    const response = await client.get('/auth/verify?ecosystem=*', { token: tokens.access_token });
    const body = await response.text();
    expect(response.status, body).not.toBe(200);
    // Refused by D1's answer: KV unreadable is never taken for "no revocation mark".
    expect(response.status, body).toBe(401);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(body).not.toContain(tokens.access_token);
    expect(f.failed().length, 'KV was asked and failed').toBeGreaterThan(0);
  });

  it.each(['throw', 'timeout'] as const)('answers a live token from D1 (%s)', async (mode) => {
    const healthy = newClient();
    const tokens = await logIn(healthy, await createUser(healthy));
    const { client, f } = kvReadsDown(mode);
    const response = await client.get('/auth/verify?ecosystem=*', { token: tokens.access_token });
    expect(response.status, await response.text()).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(f.failed().length, 'KV was asked and failed').toBeGreaterThan(0);
  });
});

describe('the gateway when KV reads fail', () => {
  afterEach(resetOrigin);

  it.each(['throw', 'timeout'] as const)('never forwards a revoked token to the origin (%s)', async (mode) => {
    const healthy = newClient();
    const user = await createUser(healthy);
    const tokens = await logIn(healthy, user);
    expect((await healthy.admin('DELETE', `/admin/v1/users/${user.id}/sessions`)).status).toBeLessThan(300);
    const origin = stubOrigin();
    const f = faults();
    const client = gatewayClient([{ prefix: '/app/' }], { wrapEnv: f.wrapEnv });
    f.arm({ binding: 'kv', index: 0, mode, sticky: true, match: (call) => call.op === 'get' || call.op === 'getWithMetadata' });
    const response = await client.get('/app/thing', { token: tokens.access_token });
    const body = await response.text();
    expect(response.status, body).toBe(401);
    expect(origin.calls, 'the origin never saw the request').toEqual([]);
    expect(body).not.toContain(tokens.access_token);
    expect(f.failed().length, 'KV was asked and failed').toBeGreaterThan(0);
  });

  it.each(['throw', 'timeout'] as const)('forwards a live token, checked in D1 (%s)', async (mode) => {
    const healthy = newClient();
    const tokens = await logIn(healthy, await createUser(healthy));
    const origin = stubOrigin();
    const f = faults();
    const client = gatewayClient([{ prefix: '/app/' }], { wrapEnv: f.wrapEnv });
    f.arm({ binding: 'kv', index: 0, mode, sticky: true, match: (call) => call.op === 'get' || call.op === 'getWithMetadata' });
    const response = await client.get('/app/thing', { token: tokens.access_token });
    expect(response.status, await response.text()).toBe(200);
    expect(origin.calls).toHaveLength(1);
    expect(f.failed().length, 'KV was asked and failed').toBeGreaterThan(0);
  });
});
