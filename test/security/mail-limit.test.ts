// A stranger cannot flood someone's inbox through us: at most five reset, confirmation or notice
// mails go to one recipient an hour, whoever asks and from however many addresses, and the
// answers say nothing of it.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { json, newClient, strongPassword, type Client } from '../support/driver';

async function mailsTo(client: Client, to: string): Promise<number> {
  return (await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(to)}`))).items.length;
}

describe('the per-recipient mail limit', () => {
  it('sends five reset mails an hour to one address, however many are asked for, and answers each the same', async () => {
    const asker = newClient();
    const user = await createUser(asker);
    const answers = new Set<string>();
    for (let i = 0; i < 8; i += 1) {
      // Each from its own client address, as a distributed sender would.
      const response = await newClient({ clock: asker.clock }).post('/v1/users/newPassword', { body: { email: user.email } });
      answers.add(`${response.status} ${await response.text()}`);
    }
    expect([...answers]).toEqual(['200 {"status":"success"}']);
    expect(await mailsTo(asker, user.email)).toBe(5);
    asker.clock.advance(3601);
    await asker.post('/v1/users/newPassword', { body: { email: user.email } });
    expect(await mailsTo(asker, user.email)).toBe(6);
  });

  it('counts confirmation links and the notices of repeated sign-ups against the same limit', async () => {
    const client = newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });
    const email = `limit.${crypto.randomUUID().slice(0, 8)}@example.com`;
    for (let i = 0; i < 8; i += 1) {
      const response = await client.post('/v1/users/register', { body: { email, password: strongPassword() } });
      expect(response.status).toBe(200);
    }
    expect(await mailsTo(client, email)).toBe(5);
  });
});
