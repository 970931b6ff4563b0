// The event-log commands against the real Worker: `events list` shows the newest events with their
// filters, `events tail` prints the newest oldest first and then follows new ones as they are written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse, startService, type Service } from './support/cli';

let service: Service;
let env: Record<string, string>;

beforeAll(async () => {
  service = await startService();
  env = { GATEHOUSE_URL: service.url, GATEHOUSE_TOKEN: service.token };
});

afterAll(async () => {
  await service?.stop();
});

async function createUser(email: string): Promise<string> {
  const response = await service.call('POST', '/admin/v1/users', { email, password: 'correct horse battery staple' });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

describe('gatehouse events', () => {
  it('lists the newest events as a table and as JSON, filtered by user and type', async () => {
    const userId = await createUser(`events-${crypto.randomUUID().slice(0, 8)}@example.com`);
    const table = await gatehouse(['events', 'list', '--user', userId], { env });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^AT\s+TYPE\s+USERID\s+ACTOR\s+ECOSYSTEMID\s+REQUESTID$/);
    expect(table.stdout).toMatch(new RegExp(`^\\S+\\s+user\\.created\\s+${userId}\\s+operator\\s`, 'm'));
    const listed = await gatehouse(['events', 'list', '--type', 'user.created', '--limit', '5', '--json'], { env });
    const events = JSON.parse(listed.stdout) as { type: string; userId: string }[];
    expect(events.length).toBeLessThanOrEqual(5);
    expect(events.every((event) => event.type === 'user.created')).toBe(true);
    expect(events[0]!.userId).toBe(userId);
    const bad = await gatehouse(['events', 'list', '--limit', '0'], { env });
    expect(bad.code).toBe(2);
  });

  it('tails: the newest first, then a new event as it is written', async () => {
    const first = await createUser(`tail-${crypto.randomUUID().slice(0, 8)}@example.com`);
    const tail = gatehouse(['events', 'tail', '--type', 'user.created', '--lines', '1', '--interval', '1', '--count', '2', '--json'], {
      env,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await createUser(`tail-${crypto.randomUUID().slice(0, 8)}@example.com`);
    const run = await tail;
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; userId: string });
    expect(lines.map((event) => event.userId)).toEqual([first, second]);
  });
});
