// What registration and password reset reveal, and where mailed links point: the reset answer
// waits on no lookup, a taken address registers like a new one under EMAIL_CONFIRMATION, and links
// come only from PUBLIC_URL or ISSUER, never from the Host a request was sent to.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/config';
import { createWorker } from '../../src/worker';
import { json, newClient, strongPassword, uniqueEmail } from '../support/driver';
import { login, mailedCode, register } from './steps';

/** The real D1 binding, but no statement reaches it before `open` is called. */
function gatedDb(real: D1Database) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let waiting = 0;
  const real_ = new WeakMap<object, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values));
        if (property === 'first' || property === 'all' || property === 'run' || property === 'raw') {
          return async (...args: unknown[]) => {
            waiting += 1;
            await gate;
            return (target[property] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    real_.set(proxy, statement);
    return proxy;
  };
  const db = new Proxy(real, {
    get(target, property) {
      if (property === 'prepare') return (query: string) => wrap(target.prepare(query));
      if (property === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          waiting += 1;
          await gate;
          return target.batch(statements.map((statement) => real_.get(statement) ?? statement));
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db, open: () => open(), waiting: () => waiting };
}

describe('asking for a new password costs the same for every address', () => {
  it('answers before any lookup, code or mail is written, for a registered and an unknown address', async () => {
    const client = newClient();
    const user = await register(client);
    for (const email of [user.email, uniqueEmail('stranger')]) {
      const gated = gatedDb(env.DB as D1Database);
      const worker = createWorker({ wrapEnv: (testEnv: Env) => ({ ...testEnv, DB: gated.db }) });
      const ctx = createExecutionContext();
      const request = new Request('https://gatehouse.test/v1/users/newPassword', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'CF-Connecting-IP': `192.0.2.${Math.floor(Math.random() * 250)}` },
        body: JSON.stringify({ email }),
      });
      const answered = (worker.fetch!(request as never, env as never, ctx) as Promise<Response>).then((response) => response);
      // Only a deadlock detector: an answer that waits on the gated D1 would never come.
      const first = await Promise.race([
        answered,
        new Promise<'waited on D1'>((resolve) => setTimeout(() => resolve('waited on D1'), 5000)),
      ]);
      gated.open();
      await waitOnExecutionContext(ctx);
      expect(first).not.toBe('waited on D1');
      expect((first as Response).status).toBe(200);
      expect(await (first as Response).json()).toEqual({ status: 'success' });
      expect(gated.waiting()).toBeGreaterThan(0);
    }
    const { link } = await mailedCode(client, user.email);
    expect(link.startsWith('https://gatehouse.test/reset-password?code=')).toBe(true);
  });
});

describe('registering a taken address with EMAIL_CONFIRMATION on', () => {
  it('answers exactly as for a new address and mails the owner instead', async () => {
    const client = newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });
    const owner = await register(client);
    // A confirmed owner: a still pending account would take the new sign-up's password instead.
    const { code } = await mailedCode(client, owner.email);
    expect((await client.post('/v1/users/activate', { body: { code } })).status).toBe(200);
    const fields = { password: 'another horse battery', firstname: 'Eve', lastname: 'Example' };
    const taken = await client.post('/v1/users/register', { body: { email: owner.email.toUpperCase(), ...fields } });
    const fresh = await client.post('/v1/users/register', { body: { email: uniqueEmail('new').toUpperCase(), ...fields } });
    expect(taken.status).toBe(fresh.status);
    const [takenBody, freshBody] = [await json(taken), await json(fresh)];
    const shape = (body: any) => ({ ...body, user: { ...body.user, id: typeof body.user.id, email: typeof body.user.email } });
    expect(shape(takenBody)).toEqual(shape(freshBody));
    expect(takenBody.user.id).not.toBe(owner.id);
    expect(takenBody.user.confirmed).toBe(false);
    const outbox = await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(owner.email)}`));
    const notices = outbox.items.filter((mail: { subject: string }) => mail.subject === 'Someone tried to sign up with your address');
    expect(notices).toHaveLength(1);
    // No link that would activate anything of the sign-up's: only the owner's own reset link.
    expect(notices[0].text).not.toMatch(/confirm-email/);
    const resetCode = decodeURIComponent(/\/reset-password\?code=(\S+)/.exec(notices[0].text)?.[1] ?? '');
    const chosen = strongPassword();
    expect((await client.post('/v1/users/resetPassword', { form: { code: resetCode, password: chosen } })).status).toBe(200);
    expect((await login(client, owner.email, fields.password)).status).toBe(401);
    expect((await login(client, owner.email, chosen)).status).toBe(200);
  });

  it('numbers a taken address like a new one under the legacy profile, whose ids are integers', async () => {
    const client = newClient({
      vars: { EMAIL_CONFIRMATION: 'on', USER_SERVICE_TOKEN_PROFILE: 'legacy', SIGNING_KEYS: env.LEGACY_SIGNING_KEYS as string },
    });
    const owner = await register(client);
    const ids = [];
    for (const email of [uniqueEmail('before'), owner.email, uniqueEmail('after')]) {
      const response = await client.post('/v1/users/register', { body: { email, password: 'another horse battery' } });
      expect(response.status).toBe(200);
      ids.push((await json(response)).user.id);
    }
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(ids).toEqual([ids[0], ids[0] + 1, ids[0] + 2]);
  });

  it('still refuses a taken address with EMAIL_CONFIRMATION off (the new user could log in at once)', async () => {
    const client = newClient();
    const owner = await register(client);
    const again = await client.post('/v1/users/register', { body: { email: owner.email, password: 'another horse battery' } });
    expect(again.status).toBe(400);
  });
});

describe('links in mail', () => {
  it('come from PUBLIC_URL, else ISSUER, even when the request was sent to attacker.example', async () => {
    for (const [vars, base] of [
      [{ PUBLIC_URL: 'https://id.example.com' }, 'https://id.example.com'],
      [{ PUBLIC_URL: '', ISSUER: 'https://issuer.example.com' }, 'https://issuer.example.com'],
    ] as const) {
      const client = newClient({ vars });
      const user = await register(client);
      const response = await client.fetch('https://attacker.example/v1/users/newPassword', {
        method: 'POST',
        headers: { 'content-type': 'application/json', Host: 'attacker.example', 'CF-Connecting-IP': '192.0.2.77' },
        body: JSON.stringify({ email: user.email }),
      });
      expect(response.status).toBe(200);
      const { link } = await mailedCode(client, user.email);
      expect(link.startsWith(`${base}/reset-password?code=`)).toBe(true);
    }
  });

  it('are refused with a configuration error naming PUBLIC_URL and ISSUER when neither is set', async () => {
    const client = newClient({ vars: { PUBLIC_URL: '', ISSUER: '', EMAIL_CONFIRMATION: 'on' } });
    const email = uniqueEmail();
    const responses = [
      await client.post('/v1/users/newPassword', { body: { email } }),
      await client.post('/v1/users/register', { body: { email, password: 'correct horse battery' } }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(500);
      const body = await json(response);
      expect(body.error.code).toBe('CONFIGURATION');
      expect(body.error.message).toContain('PUBLIC_URL');
      expect(body.error.message).toContain('ISSUER');
    }
    expect(client.logs.some((line) => line.event === 'configuration_error')).toBe(true);
    const outbox = await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(email)}`));
    expect(outbox.items).toEqual([]);
  });
});
