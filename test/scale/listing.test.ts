// Issue 15's listings as a client sees them: the Gatekeeper's numbered pages (each user keeps one
// page, Record-Count from the ecosystem's counter) and the admin search as index ranges over three
// key columns, merged and paged by cursor in creation order.
import { describe, expect, it } from 'vitest';
import { json, newClient, strongPassword, type Client } from '../support/driver';
import { parseLinks, register, registerAndLogIn } from '../gatekeeper/steps';

/** Every page of the Gatekeeper listing: each user's uuid → its page number, and Record-Count. */
async function gatekeeperPages(client: Client, token: string): Promise<{ pageOf: Map<string, number>; total: number }> {
  const pageOf = new Map<string, number>();
  let path: string | undefined = '/api/v2/users?offset=0&limit=2';
  let total = -1;
  for (let page = 0; path; page += 1) {
    const response = await client.get(path, { token });
    expect(response.status).toBe(200);
    total = Number(response.headers.get('Record-Count'));
    for (const user of await json<{ uuid: string }[]>(response)) {
      expect(pageOf.has(user.uuid), `${user.uuid} shown twice`).toBe(false);
      pageOf.set(user.uuid, page);
    }
    const next = parseLinks(response.headers.get('Link')).next;
    expect(next === undefined || next.searchParams.get('offset') === String(page + 1)).toBe(true);
    path = next && next.pathname + next.search;
  }
  return { pageOf, total };
}

describe('Gatekeeper numbered pages (issue 15)', () => {
  it('keeps every user on one page when an earlier user is deleted, and counts the users that remain', async () => {
    const client = newClient();
    const admin = await registerAndLogIn(client, 'admin');
    const users = [];
    for (let i = 0; i < 5; i += 1) users.push(await register(client, 'customer'));
    const before = await gatekeeperPages(client, admin.token);
    expect(before.total).toBe(before.pageOf.size);

    const gone = users[1]!;
    expect((await client.admin('DELETE', `/admin/v1/users/${gone.uuid}`)).status).toBe(204);
    const after = await gatekeeperPages(client, admin.token);

    expect(after.total).toBe(before.total - 1);
    expect(after.pageOf.size).toBe(after.total);
    expect(after.pageOf.has(gone.uuid)).toBe(false);
    // No one shifts to another page: what was on page k (OFFSET k*2) is still there.
    for (const [uuid, page] of after.pageOf) expect(page, uuid).toBe(before.pageOf.get(uuid));
  });
});

describe('admin search (issue 15)', () => {
  async function createUser(client: Client, body: Record<string, unknown>): Promise<string> {
    const response = await client.admin('POST', '/admin/v1/users', { body: { password: strongPassword(), ...body } });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await json(response)).id;
  }

  it('pages the union of the e-mail, username and unique-id matches in creation order, across ecosystems', async () => {
    const client = newClient();
    const tag = `sx${crypto.randomUUID().replaceAll('-', '').slice(0, 8)}`;
    const made: string[] = [];
    made.push(await createUser(client, { email: `${tag}.mail@example.com` }));
    client.clock.advance(1);
    made.push(await createUser(client, { email: `other.${tag}@example.com`, username: `${tag.toUpperCase()}_name` }));
    client.clock.advance(1);
    const eco = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: tag } }));
    const app = await client.admin('PUT', `/api/users/${eco.id};${tag}-app`, { body: { email: `app.${crypto.randomUUID()}@example.com` } });
    expect(app.status).toBe(201);
    client.clock.advance(1);
    // Neighbours of the prefix's range, on each side: not matches.
    await createUser(client, { email: `${tag.slice(0, -1)}.mail@example.com` });
    await createUser(client, { email: `${`${tag}`.replace(/.$/, (c) => String.fromCharCode(c.charCodeAt(0) + 1))}@example.com` });

    const seen: string[] = [];
    let path: string | undefined = `/admin/v1/users?limit=1&q=${tag.toUpperCase()}`;
    while (path) {
      const page: { items: { id: string }[]; next: string | null } = await json(await client.admin('GET', path));
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((user: { id: string }) => user.id));
      path = page.next ? `/admin/v1/users?limit=1&q=${tag.toUpperCase()}&cursor=${encodeURIComponent(page.next)}` : undefined;
    }
    // E-mail and username match case-insensitively; the unique id is case-sensitive, so not the app user.
    expect(seen).toEqual(made.slice(0, 2));

    const inEco = await json(await client.admin('GET', `/admin/v1/users?limit=10&q=${tag}&ecosystemId=${eco.id}`));
    expect(inEco.items).toHaveLength(1);
    expect(inEco.items[0].uniqueId).toBe(`${tag}-app`);
    const lower = await json(await client.admin('GET', `/admin/v1/users?limit=10&q=${tag}`));
    expect(lower.items.map((user: { id: string }) => user.id)).toEqual([...made, inEco.items[0].id]);
  });
});
