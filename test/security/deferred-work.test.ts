// Work deferred past the response (sending mail, the reset lookup) starts only after the Worker has
// answered, on every enumeration-sensitive route; and before the answer a known and an unknown
// identity do the very same D1 work: the same statements in the same round trips, none failing.
// Registration and the failure that starts a lock queue their mail (the owner's notice or link) in
// the request's own batch, whoever holds the address, and only send it after the answer. Timing
// itself is measured by bench/timing.mjs: workerd's clock stands still while a test's code runs.
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

  it('registering under EMAIL_CONFIRMATION does the same D1 work before the answer for a new, a pending and a confirmed address', async () => {
    const { log, client } = loggedClient();
    const confirmed = await createUser(client);
    const pending = uniqueEmail('pending');
    expect((await client.post('/v1/users/register', { body: { email: pending, password: strongPassword() } })).status).toBe(200);
    const register = (email: string) => () => client.post('/v1/users/register', { body: { email, password: strongPassword() } });
    const signUp = (email: string) => async () => {
      const browser = newBrowser(client);
      const csrf = await browser.csrfOf('/signup');
      log.begin();
      return browser.submit('/signup', { csrf, email, password: strongPassword() });
    };
    for (const send of [register, signUp]) {
      const work = async (email: string) => {
        log.begin();
        const response = await send(email)();
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
        // After the answer only the mail is sent: nothing is looked up or queued then.
        expect(log.afterAnswer().filter((sql) => OWNER_LOOKUP.test(sql) || /^insert into "outbox"/.test(sql))).toEqual([]);
        return log.workBeforeAnswer();
      };
      const fresh = await work(uniqueEmail('new'));
      // The ecosystem's password rules read, the user number spent, then one batch; none fails.
      expect(fresh.roundTrips, fresh.sql.join('\n')).toBe(3);
      expect(fresh.failedRoundTrips).toBe(0);
      expect(fresh.sql.filter((sql) => /^insert into "outbox"/.test(sql))).toHaveLength(2);
      expect(fresh.sql.filter((sql) => MAIL_WORK.test(sql) && !sql.startsWith('insert'))).toEqual([]);
      // The very same statements, in the same round trips, whoever holds the address.
      expect(await work(pending)).toEqual(fresh);
      expect(await work(confirmed.email)).toEqual(fresh);
    }
    // The batch before each answer queued the owners' mail: a notice to the confirmed owner per try,
    // a new link to the pending address per try (after its first).
    const subjects = async (to: string) => ((await outboxOf(client, to)) as { subject: string }[]).map((mail) => mail.subject).sort();
    expect(await subjects(confirmed.email)).toEqual(Array(2).fill('Someone tried to sign up with your address'));
    expect(await subjects(pending)).toEqual(Array(3).fill('Confirm your e-mail address'));
  });

  it('a wrong password that starts a lock does the same D1 work before the answer for a known and an unknown account, on the API and the hosted page', async () => {
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
    const work = async (send: () => Promise<Response>) => {
      log.begin();
      const response = await send();
      expect(response.status).toBeLessThan(500);
      await response.arrayBuffer();
      // After the answer the outbox is only sent: nothing is queued then.
      expect(log.afterAnswer().filter((sql) => /^insert into "outbox"/.test(sql))).toEqual([]);
      return log.workBeforeAnswer();
    };
    for (const via of [viaApi, viaPage]) {
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const known = await work(via(user.email));
        // Every counted failure's batch holds the lock notice's insert (it writes only when the
        // failure starts a lock); a failure refused by a running lock is not counted at all.
        const counted = known.sql.filter((sql) => /^insert into "login_failures"/.test(sql)).length / 2;
        expect(
          known.sql.filter((sql) => /^insert into "outbox"/.test(sql)),
          known.sql.join('\n'),
        ).toHaveLength(counted);
        expect(known.sql.filter((sql) => MAIL_WORK.test(sql) && !sql.startsWith('insert'))).toEqual([]);
        expect(known.failedRoundTrips).toBe(0);
        expect(await work(via(stranger)), `attempt ${attempt}`).toEqual(known);
      }
      client.clock.advance(16 * 60);
    }
    // Both locks were noticed, by the batches before their answers, with the lock's length filled in.
    const notices = (await outboxOf(client, user.email)) as { subject: string; text: string }[];
    expect(notices.map((mail) => mail.subject)).toEqual(Array(2).fill('Your account was locked'));
    // The API's third failure started a lock of a minute; after it ran out, the page's first (the
    // fourth in a row from this client) one of two; the text says "minute" for one.
    expect(notices.map((mail) => /paused for (\d+ minutes?)\./.exec(mail.text)?.[1]).sort()).toEqual(['1 minute', '2 minutes']);
  });
});
