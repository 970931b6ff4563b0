// users, sessions and outbox commands against the real Worker: paging (one page, every page with
// a progress line only on a terminal), search, show, disable, enable, set-role; a user's sessions
// and revoking one; the outbox and retrying a message.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse, startService, type Service } from './support/cli';

let service: Service;
let webhook: Server;
let env: Record<string, string>;

beforeAll(async () => {
  // Mail goes to a webhook that always answers 500, so a message stays unsent for `outbox retry`.
  webhook = createServer((_request, response) => response.writeHead(500).end('down'));
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
  service = await startService({ MAIL_TRANSPORT: 'webhook', MAIL_WEBHOOK_URL: hook, MAIL_WEBHOOK_SECRET: 'w'.repeat(32) });
  env = { GATEHOUSE_URL: service.url, GATEHOUSE_TOKEN: service.token };
});

afterAll(async () => {
  await service?.stop();
  webhook?.close();
});

const json = <T>(text: string) => JSON.parse(text) as T;
type User = { id: string; email: string; role: string; disabled: boolean; uniqueId: string | null };

/** An ecosystem with users ann0..ann{n-1}@<tag>.test made through the operator API. */
async function ecosystemWithUsers(tag: string, count: number): Promise<string> {
  const eco = ((await (await service.call('POST', '/admin/v1/ecosystems', { name: tag })).json()) as { id: string }).id;
  for (let i = 0; i < count; i++) {
    const created = await service.call('POST', '/admin/v1/users', { ecosystemId: eco, email: `ann${i}@${tag}.test` });
    expect(created.status).toBe(201);
  }
  return eco;
}

describe('users list and search', () => {
  it('lists one page as a table and says how to get the next', async () => {
    const eco = await ecosystemWithUsers('paged', 5);
    const run = await gatehouse(['users', 'list', '--ecosystem', eco, '--limit', '2'], { env });
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+ECOSYSTEMID\s+EMAIL\s+USERNAME\s+UNIQUEID\s+ROLE\s+DISABLED\s+CREATEDAT$/);
    expect(lines).toHaveLength(3);
    expect(run.stderr).toMatch(/^More users: add --cursor \S+ \(or --all for every page\)\.$/m);
  });

  it('follows every page with --all, showing progress on a terminal only', async () => {
    const eco = await ecosystemWithUsers('all-pages', 5);
    const terminal = await gatehouse(['users', 'list', '--ecosystem', eco, '--limit', '2', '--all'], { env, tty: true });
    expect(terminal.code).toBe(0);
    expect(terminal.stdout.trim().split('\n')).toHaveLength(6);
    expect(terminal.stderr).toContain('\rFetched 2 users...');
    expect(terminal.stderr).toContain('\rFetched 5 users...');
    const piped = await gatehouse(['users', 'list', '--ecosystem', eco, '--limit', '2', '--all', '--json'], { env });
    expect(piped.stderr).toBe('');
    const page = json<{ items: User[]; next: string | null }>(piped.stdout);
    expect(page.next).toBeNull();
    expect(page.items.map((user) => user.email).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `ann${i}@all-pages.test`));
  });

  it('searches by the start of an e-mail, and refuses a bad --limit with exit 2', async () => {
    const eco = await ecosystemWithUsers('search', 3);
    const run = await gatehouse(['users', 'search', 'ann1@', '--ecosystem', eco, '--json'], { env });
    expect(run.code).toBe(0);
    expect(json<{ items: User[] }>(run.stdout).items.map((user) => user.email)).toEqual(['ann1@search.test']);
    const limit = await gatehouse(['users', 'list', '--limit', '500'], { env });
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit must be a whole number from 1 to 100 (got "500")');
  });
});

describe('users show, disable, enable, set-role', () => {
  it("changes a user's standing and shows it", async () => {
    const eco = await ecosystemWithUsers('standing', 1);
    const [user] = json<{ items: User[] }>((await gatehouse(['users', 'list', '--ecosystem', eco, '--json'], { env })).stdout).items;
    const shown = await gatehouse(['users', 'show', user!.id], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^email\s+ann0@standing\.test$/m);
    expect(shown.stdout).toMatch(/^disabled\s+false$/m);
    expect(json<User>((await gatehouse(['users', 'disable', user!.id, '--json'], { env })).stdout).disabled).toBe(true);
    expect(json<User>((await gatehouse(['users', 'enable', user!.id, '--json'], { env })).stdout).disabled).toBe(false);
    const role = await gatehouse(['users', 'set-role', user!.id, 'moderator'], { env });
    expect(role.code).toBe(0);
    expect(role.stdout).toMatch(/^role\s+moderator$/m);
    const bad = await gatehouse(['users', 'set-role', user!.id, 'emperor'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the server answered 400: INVALID_FIELD:');
    expect(bad.stderr).toContain('role');
    const missing = await gatehouse(['users', 'show', 'no-such-user'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('the server answered 404: USER_NOT_FOUND');
  });
});

describe('sessions', () => {
  it("lists a user's sessions and revokes one: its token stops working", async () => {
    const eco = ((await (await service.call('POST', '/admin/v1/ecosystems', {})).json()) as { id: string }).id;
    await service.call('PUT', `/api/users/${eco};sess`, {});
    const token = (await gatehouse(['user', 'create-token', `${eco};sess`], { env })).stdout.trim();
    const verify = () => fetch(`${service.url}/auth/verify?ecosystem=${eco}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await verify()).status).toBe(200);
    const [user] = json<{ items: User[] }>(
      (await gatehouse(['users', 'search', 'sess', '--ecosystem', eco, '--json'], { env })).stdout,
    ).items;
    const table = await gatehouse(['sessions', 'list', user!.id], { env });
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+KIND\s+CREATEDAT\s+LASTUSEDAT\s+EXPIRESAT$/);
    const sessions = json<{ id: string }[]>((await gatehouse(['sessions', 'list', user!.id, '--json'], { env })).stdout);
    expect(sessions).toHaveLength(1);
    const revoked = await gatehouse(['sessions', 'revoke', sessions[0]!.id], { env });
    expect(revoked.code).toBe(0);
    expect((await verify()).status).toBe(401);
    expect(json<unknown[]>((await gatehouse(['sessions', 'list', user!.id, '--json'], { env })).stdout)).toEqual([]);
  });
});

describe('outbox', () => {
  it('lists mail and retries an unsent message', async () => {
    const email = 'reset@outbox.test';
    expect((await service.call('POST', '/admin/v1/users', { email, password: 'a long enough passphrase' })).status).toBe(201);
    await fetch(`${service.url}/v1/users/newPassword`, { method: 'POST', body: new URLSearchParams({ email }) });
    type Mail = { id: string; to: string; status: string; attempts: number; subject: string };
    // The first attempt runs after the response: wait until the webhook's 500 is recorded.
    let mail: Mail | undefined;
    for (let tries = 0; tries < 100 && !(mail && mail.attempts > 0); tries++) {
      const run = await gatehouse(['outbox', 'list', '--to', email, '--json'], { env });
      mail = json<Mail[]>(run.stdout)[0];
      if (!mail || mail.attempts === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(mail).toMatchObject({ to: email, status: 'pending', attempts: 1 });
    const table = await gatehouse(['outbox', 'list', '--to', email], { env });
    expect(table.stdout).toMatch(new RegExp(`^${mail!.id}\\s+${email}\\s+.+\\s+pending\\s+1\\s`, 'm'));
    const retried = await gatehouse(['outbox', 'retry', mail!.id], { env });
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(new RegExp(`^id\\s+${mail!.id}$`, 'm'));
    expect(retried.stdout).not.toMatch(/^text\s/m);
    const unknown = await gatehouse(['outbox', 'retry', 'no-such-mail'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('the server answered 404: MAIL_NOT_FOUND');
    const status = await gatehouse(['outbox', 'list', '--status', 'lost'], { env });
    expect(status.code).toBe(2);
  });
});

describe('what the CLI prints of a user', () => {
  it('carries no control character a self-registered name held (ANSI, OSC, C1), in a table or in JSON', async () => {
    const hostile = 'Eve\u001b]0;pwned\u0007\u001b[31mRed\u009b2J\u007f';
    const email = `eve.${Date.now()}@hostile.test`;
    const registered = await service.call('POST', '/v1/users/register', {
      email,
      password: 'correct horse battery staple',
      firstname: hostile,
    });
    expect(registered.status).toBe(200);
    const id = ((await registered.json()) as { user: { id: string } }).user.id;
    const shown = await gatehouse(['users', 'show', id], { env });
    expect(shown.stdout).toContain('Eve]0;pwned[31mRed2J');
    expect(shown.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const asJson = await gatehouse(['users', 'show', id, '--json'], { env });
    expect(asJson.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(JSON.stringify(JSON.parse(asJson.stdout))).toContain(JSON.stringify(hostile).slice(1, -1));
  });
});
