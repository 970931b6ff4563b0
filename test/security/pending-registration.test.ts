// Pre-registration takeover under EMAIL_CONFIRMATION: someone registers a victim's address with
// their own password first; the victim's own sign-up must replace it, so no confirmation link
// ever activates a password the person confirming did not choose. And a pending account expires.
import { describe, expect, it } from 'vitest';
import { json, newClient, strongPassword, uniqueEmail, type Client } from '../support/driver';
import { login, mailedCode, register } from '../user-service/steps';

function confirmingClient(): Client {
  return newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });
}

async function confirmationCodes(client: Client, to: string): Promise<string[]> {
  const { items } = await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(to)}`));
  // Newest first.
  return items
    .filter((item: { subject: string }) => item.subject === 'Confirm your e-mail address')
    .map((item: { text: string }) => new URL(/https?:\/\/\S+/.exec(item.text)![0]).searchParams.get('code')!);
}

describe('a pending registration', () => {
  it("is taken over by the address owner's sign-up: the first link no longer activates the first password", async () => {
    const client = confirmingClient();
    const victim = uniqueEmail('victim');
    const attackerPassword = strongPassword();
    const victimPassword = strongPassword();
    await register(client, { email: victim, password: attackerPassword });
    client.clock.advance(60); // the outbox lists newest first
    await register(client, { email: victim, password: victimPassword });
    const [second, first] = await confirmationCodes(client, victim);
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    // The link of the attacker's registration activates nothing now.
    const stale = await client.post('/v1/users/activate', { body: { code: first } });
    expect(stale.status).toBe(400);
    expect((await login(client, victim, attackerPassword)).status).not.toBe(200);
    // The victim's own link activates the victim's password, and only that.
    expect((await client.post('/v1/users/activate', { body: { code: second } })).status).toBe(200);
    expect((await login(client, victim, victimPassword)).status).toBe(200);
    const refused = await login(client, victim, attackerPassword);
    expect(refused.status).toBe(401);
  });

  it('answers a second sign-up exactly as a first one', async () => {
    const client = confirmingClient();
    const email = uniqueEmail('twice');
    const first = await client.post('/v1/users/register', { body: { email, password: strongPassword() } });
    const second = await client.post('/v1/users/register', { body: { email, password: strongPassword() } });
    expect(second.status).toBe(first.status);
    const [a, b] = [await json(first), await json(second)];
    expect(Object.keys(b.user).sort()).toEqual(Object.keys(a.user).sort());
    expect(b.user.confirmed).toBe(false);
  });

  it('leaves a confirmed account alone: its owner is told, and its password stays', async () => {
    const client = confirmingClient();
    const owner = await register(client);
    const { code } = await mailedCode(client, owner.email);
    expect((await client.post('/v1/users/activate', { body: { code } })).status).toBe(200);
    await register(client, { email: owner.email, password: strongPassword() });
    expect((await login(client, owner.email, owner.password)).status).toBe(200);
    const { items } = await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(owner.email)}`));
    const subjects = items.map((item: { subject: string }) => item.subject);
    expect(subjects.filter((subject: string) => subject === 'Someone tried to sign up with your address')).toHaveLength(1);
    // No new link: the confirmed account's credentials are not in play.
    expect(subjects.filter((subject: string) => subject === 'Confirm your e-mail address')).toHaveLength(1);
  });

  it('expires a day after its last link did, and the address is free again', async () => {
    const client = confirmingClient();
    const email = uniqueEmail('pending');
    await register(client, { email });
    const listed = async () => (await json(await client.admin('GET', `/admin/v1/users?q=${encodeURIComponent(email)}`))).items;
    expect(await listed()).toHaveLength(1);
    client.clock.advance(259_200 + 86_400 - 60);
    await client.scheduled();
    expect(await listed()).toHaveLength(1);
    client.clock.advance(120);
    await client.scheduled();
    expect(await listed()).toHaveLength(0);
    // A confirmed account is never expired, however old.
    const kept = await register(client);
    const { code } = await mailedCode(client, kept.email);
    await client.post('/v1/users/activate', { body: { code } });
    client.clock.advance(400 * 86_400);
    await client.scheduled();
    expect((await login(client, kept.email, kept.password)).status).toBe(200);
  });
});
