// Lockout per account and client: a client that guesses is locked out of that identifier, other
// clients are not; only the account ceiling (100 failures from all clients) locks everyone out;
// no lock lasts past 15 minutes; the owner is mailed once per lock; and a lock found through the
// username does not tell which e-mail shares the account.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { json, newClient, type Client } from '../support/driver';
import { register } from '../gatekeeper/steps';

const attempt = (client: Client, username: string, password: string, ip?: string) =>
  client.post('/oauth/token', {
    form: { grant_type: 'password', username, password },
    ...(ip ? { headers: { 'CF-Connecting-IP': ip } } : {}),
  });

async function lockMails(client: Client, to: string): Promise<unknown[]> {
  const body = await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(to)}`));
  return body.items.filter((mail: { subject: string }) => mail.subject === 'Your account was locked');
}

describe('login lockout per account and client', () => {
  it("does not lock another client out with an attacker's 10 guesses", async () => {
    const client = newClient();
    const user = await createUser(client);
    for (let i = 0; i < 10; i++) expect((await attempt(client, user.email, 'wrong password!', '198.51.100.7')).status).toBe(400);
    expect((await attempt(client, user.email, user.password, '198.51.100.7')).status).toBe(429);
    expect((await attempt(client, user.email, user.password, '203.0.113.9')).status).toBe(200);
  });

  it('locks the account for every client after 100 failures from many clients, for 15 minutes', async () => {
    const client = newClient();
    const user = await createUser(client);
    for (let ip = 1; ip <= 10; ip++) {
      for (let i = 0; i < 10; i++) expect((await attempt(client, user.email, 'wrong password!', `198.51.100.${ip}`)).status).toBe(400);
    }
    const locked = await attempt(client, user.email, user.password, '203.0.113.50');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('Retry-After'))).toBe(900);
    client.clock.advance(901);
    expect((await attempt(client, user.email, user.password, '203.0.113.50')).status).toBe(200);
  });

  it('never locks a client for more than 15 minutes, however long it keeps guessing', async () => {
    const client = newClient();
    const user = await createUser(client);
    for (let i = 0; i < 10; i++) await attempt(client, user.email, 'wrong password!');
    let retryAfter = 0;
    for (let round = 0; round < 8; round++) {
      const refused = await attempt(client, user.email, 'wrong password!');
      expect(refused.status).toBe(429);
      retryAfter = Number(refused.headers.get('Retry-After'));
      expect(retryAfter).toBeLessThanOrEqual(900);
      client.clock.advance(retryAfter + 1);
      expect((await attempt(client, user.email, 'wrong password!')).status).toBe(400);
    }
    expect(retryAfter).toBe(900);
    client.clock.advance(901);
    expect((await attempt(client, user.email, user.password)).status).toBe(200);
  });

  it('mails the owner once when a lock starts, not for every refused attempt', async () => {
    const client = newClient();
    const user = await createUser(client);
    for (let i = 0; i < 10; i++) await attempt(client, user.email, 'wrong password!');
    for (let i = 0; i < 5; i++) expect((await attempt(client, user.email, 'wrong password!')).status).toBe(429);
    expect(await lockMails(client, user.email)).toHaveLength(1);
  });

  it('answers the e-mail of an account locked through its username as any other e-mail', async () => {
    const client = newClient();
    const account = await register(client, 'customer');
    for (let i = 0; i < 10; i++) await attempt(client, account.username, 'wrong password!');
    expect((await attempt(client, account.username, account.password)).status).toBe(429);
    const sameAccount = await attempt(client, account.email, 'wrong password!');
    const otherAccount = await attempt(client, `nobody.${crypto.randomUUID()}@example.com`, 'wrong password!');
    expect(sameAccount.status).toBe(400);
    expect(otherAccount.status).toBe(400);
    expect(await sameAccount.text()).toBe(await otherAccount.text());
  });
});
