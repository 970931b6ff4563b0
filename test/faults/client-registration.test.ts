// Faults at every step of dynamic client registration (RFC 7591) with an operator's initial access
// token good for one use: the token's use is counted in the batch that registers the client, so a
// failed registration leaves the token unspent and its retry registers; a registration that
// answered has used it up.
import { describe, expect, it } from 'vitest';
import { json, type Client } from '../support/driver';
import { CALLBACK } from '../oauth/flow';
import { sweepFaults, type Flow } from './support';

async function clientsNamed(client: Client, name: string): Promise<number> {
  const row = await client.env.DB.prepare('SELECT count(*) AS n FROM oauth_clients WHERE name = ?').bind(name).first<{ n: number }>();
  return row!.n;
}

const registration: Flow = {
  name: 'Dynamic client registration with a one-use initial access token',
  face: 'oauth',
  async prepare(healthy) {
    const made = await healthy.admin('POST', '/admin/v1/initial-access-tokens', { body: { name: 'one use', maxUses: 1 } });
    expect(made.status, await made.clone().text()).toBe(201);
    const { token } = await json<{ token: string }>(made);
    const name = `Notes ${crypto.randomUUID().slice(0, 8)}`;
    const metadata = { client_name: name, redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' };
    const register = (c: Client) => c.post('/oauth/register', { body: metadata, token });
    return {
      run: register,
      secrets: [token, healthy.accountToken],
      done: async (h) => {
        expect(await clientsNamed(h, name), 'the client is registered').toBe(1);
        // The token's one use is spent.
        const again = await register(h);
        expect(again.status, await again.clone().text()).toBe(401);
        expect(await clientsNamed(h, name)).toBe(1);
      },
      undone: async (h) => {
        expect(await clientsNamed(h, name), 'no client').toBe(0);
      },
    };
  },
};

describe('faults at every step', () => {
  it.each([registration])('$name', async (flow) => {
    await sweepFaults(flow);
  });
});
