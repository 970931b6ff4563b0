// The github kind against a local stand-in speaking GitHub's OAuth and user API shapes
// (test/support/upstream-github.ts): the subject is GitHub's numeric id, the address is the primary
// one GitHub lists as verified, and a public profile address is not vouched for.
import { describe, expect, it } from 'vitest';
import { newBrowser } from '../support/browser';
import { json, newClient } from '../support/driver';
import { startGitHub, type GitHubPerson } from '../support/upstream-github';

async function setUp(fields: Record<string, unknown> = {}) {
  const github = startGitHub();
  const client = newClient({ fetch: github.fetch });
  const id = `gh-${crypto.randomUUID().slice(0, 8)}`;
  const created = await client.admin('POST', '/admin/v1/identity-providers', {
    body: {
      id,
      name: 'GitHub',
      kind: 'github',
      clientId: github.clientId,
      clientSecret: github.clientSecret,
      issuer: github.origin,
      ...fields,
    },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  return { github, client, id };
}

const person = (more: Partial<GitHubPerson> = {}): GitHubPerson => {
  const n = Math.floor(Math.random() * 1e9);
  return { id: n, login: `octo${n}`, name: 'Mona Lisa Octocat', ...more };
};

describe('the github kind', () => {
  it('refuses a github issuer override that is not on loopback', async () => {
    const response = await newClient().admin('POST', '/admin/v1/identity-providers', {
      body: {
        id: `gh-${crypto.randomUUID().slice(0, 8)}`,
        name: 'GitHub',
        kind: 'github',
        clientId: 'x',
        clientSecret: 'y',
        issuer: 'https://github.example',
      },
    });
    expect(response.status).toBe(400);
  });

  it('signs in by GitHub’s numeric id with the primary verified address, and reuses the user', async () => {
    const { github, client, id } = await setUp();
    const mona = person({ emails: [{ email: `mona-${crypto.randomUUID().slice(0, 6)}@example.com`, primary: true, verified: true }] });
    const browser = newBrowser(client);
    const start = await browser.get(`/signin/with/${id}`);
    expect(start.status).toBe(302);
    const done = await browser.get(github.approve(start.headers.get('location')!, mona));
    expect(done.status, await done.clone().text()).toBe(303);
    const session = browser.cookies.get('__Host-gatehouse-session')!;
    const row = await client.env.DB.prepare(
      'SELECT u.id, u.unique_id, u.email, u.email_verified_at, s.amr, s.idp FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?',
    )
      .bind(session.split('.')[0])
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({ unique_id: `${id}|${mona.id}`, email: mona.emails![0]!.email, amr: '["fed"]', idp: id });
    expect(row!.email_verified_at).not.toBeNull();

    const again = newBrowser(client);
    const second = await again.get(
      github.approve((await again.get(`/signin/with/${id}`)).headers.get('location')!, { ...mona, login: 'renamed' }),
    );
    expect(second.status).toBe(303);
    const users = await json(await client.admin('GET', `/admin/v1/users?q=${encodeURIComponent(`${id}|`)}`));
    expect(users.items.filter((user: { uniqueId: string }) => user.uniqueId === `${id}|${mona.id}`)).toHaveLength(1);
  });

  it('does not vouch for a public profile address: it links nothing and is stored unverified', async () => {
    const { github, client, id } = await setUp({ linkByVerifiedEmail: true });
    const email = `public-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const browser = newBrowser(client);
    const done = await browser.get(github.approve((await browser.get(`/signin/with/${id}`)).headers.get('location')!, person({ email })));
    expect(done.status).toBe(303);
    const row = await client.env.DB.prepare('SELECT email_verified_at FROM users WHERE email_key = ?')
      .bind(email)
      .first<{ email_verified_at: number | null }>();
    expect(row).toEqual({ email_verified_at: null });
  });
});
