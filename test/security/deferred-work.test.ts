// Work deferred past the response (mail, the reset lookup, the lock notice) starts only after the
// Worker has answered, on every enumeration-sensitive route: before the answer a known and an
// unknown identity prepare as many D1 statements, and none of them is the deferred work's (a mail
// read or claimed, a lock notice queued, the owner of a taken address looked up). Timing itself is
// measured by bench/timing.mjs: workerd's clock stands still while a test's code runs.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { json, newClient, strongPassword, uniqueEmail, type Client } from '../support/driver';
import { statementLog } from '../support/statement-log';

/** Statements only deferred work prepares: reading, claiming or recording mail; queueing a lock notice. */
const MAIL_WORK = /(from|update|into) "outbox"/;
const OWNER_LOOKUP = /from "users" where .*"email_key"/;

function loggedClient(vars: Record<string, string> = {}) {
  const log = statementLog();
  const client = newClient({
    vars: { EMAIL_CONFIRMATION: 'on', LOGIN_LOCKOUT_THRESHOLD: '3', ...vars },
    wrapEnv: log.wrapEnv,
    onAnswer: log.onAnswer,
  });
  return { log, client };
}

/** The statements `send` prepared before the Worker answered (its deferred work then runs to the end). */
async function beforeAnswer(log: ReturnType<typeof statementLog>, send: () => Promise<Response>): Promise<string[]> {
  log.begin();
  const response = await send();
  expect(response.status).toBeLessThan(500);
  await response.arrayBuffer();
  return log.beforeAnswer();
}

async function outboxOf(client: Client, to: string): Promise<unknown[]> {
  return (await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(to)}`))).items;
}

describe('deferred work starts after the answer', () => {
  it('asking for a reset prepares no statement before the answer, on the API and the hosted page', async () => {
    const { log, client } = loggedClient();
    const user = await createUser(client);
    for (const email of [user.email, uniqueEmail('stranger')]) {
      expect(await beforeAnswer(log, () => client.post('/v1/users/newPassword', { body: { email } }))).toEqual([]);
      const browser = newBrowser(client);
      const csrf = await browser.csrfOf('/forgot-password');
      expect(await beforeAnswer(log, () => browser.submit('/forgot-password', { csrf, email }))).toEqual([]);
    }
    // The work was done, after the answers: two reset mails to the known address.
    expect(await outboxOf(client, user.email)).toHaveLength(2);
  });

  it('registering a taken address under EMAIL_CONFIRMATION looks its owner up only after the answer', async () => {
    const { log, client } = loggedClient();
    const user = await createUser(client);
    const register = (email: string) => () => client.post('/v1/users/register', { body: { email, password: strongPassword() } });
    const signUp = (email: string) => async () => {
      const browser = newBrowser(client);
      const csrf = await browser.csrfOf('/signup');
      log.begin();
      return browser.submit('/signup', { csrf, email, password: strongPassword() });
    };
    for (const send of [register, signUp]) {
      const taken = await beforeAnswer(log, send(user.email));
      const fresh = await beforeAnswer(log, send(uniqueEmail('new')));
      expect(taken.length).toBe(fresh.length);
      expect(taken.filter((sql) => OWNER_LOOKUP.test(sql) || (MAIL_WORK.test(sql) && !sql.startsWith('insert')))).toEqual([]);
      expect(fresh.filter((sql) => MAIL_WORK.test(sql) && !sql.startsWith('insert'))).toEqual([]);
    }
    expect((await outboxOf(client, user.email)).length).toBeGreaterThanOrEqual(1);
  });

  it('a wrong password that starts a lock queues the notice only after the answer, on the API and the hosted page', async () => {
    const { log, client } = loggedClient();
    const user = await createUser(client);
    const stranger = uniqueEmail('stranger');
    const viaApi = (email: string) => () => client.post('/v1/users/login', { body: { email, password: 'not the password at all' } });
    const viaPage = (email: string) => async () => {
      const browser = newBrowser(client);
      const csrf = await browser.csrfOf('/signin');
      log.begin();
      return browser.submit('/signin', { csrf, login: email, password: 'not the password at all', return: '/account' });
    };
    for (const via of [viaApi, viaPage]) {
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const known = await beforeAnswer(log, via(user.email));
        const unknown = await beforeAnswer(log, via(stranger));
        expect(known.length, `attempt ${attempt}`).toBe(unknown.length);
        expect(known.filter((sql) => MAIL_WORK.test(sql))).toEqual([]);
      }
      client.clock.advance(16 * 60);
    }
    // Both locks were noticed, after their answers.
    expect((await outboxOf(client, user.email)).length).toBe(2);
  });
});
