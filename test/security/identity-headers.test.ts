// Identity headers are stripped by rule, not only by list: whatever a client spells them as, no
// header an origin could read as who the caller is reaches it, but the gateway's own.
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayClient, resetOrigin, signedInUser, stubOrigin } from '../gateway/support';

afterEach(resetOrigin);

const SPOOFED = [
  'X.User.Role',
  'X-Auth-User',
  'X-Role',
  'X-Roles',
  'X-Username',
  'X_Username',
  'Username',
  'X-Email',
  'X-Mail-Email',
  'Forwarded-User',
  'X-Forwarded-Username',
  'X-Identity',
  'X-Principal',
  'X-Groups',
  'X-Tenant-Id',
  'X-Is-Admin',
  'X-Permissions',
  'X-Scopes',
  'X-Claims',
  'X-Login',
  'User',
];
const ORDINARY = ['User-Agent', 'Accept-Language', 'X-Request-Id', 'X-Csrf-Token', 'X-Trace', 'Content-Type'];

describe('headers a client sends through the gateway', () => {
  it('never reach the origin when their name, separators folded, holds an identity word', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/app/' }]);
    const user = await signedInUser(client);
    const headers = Object.fromEntries([...SPOOFED, ...ORDINARY].map((name) => [name, 'admin']));
    const response = await client.get('/app/', { token: user.accessToken, headers });
    expect(response.status).toBe(200);
    const sent = origin.calls[0]!.headers;
    expect(SPOOFED.filter((name) => sent.has(name))).toEqual([]);
    expect(ORDINARY.filter((name) => sent.get(name) !== 'admin')).toEqual([]);
    // The gateway's own identity headers are there, with the verified values.
    expect(sent.get('x-user-id')).toBe(user.id);
    expect(sent.get('x-user-role')).toBe('user');
    expect(sent.get('x-user-email')).toBe(user.email);
  });

  it('are stripped on a public route too, where nobody was verified', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/open/', require: { public: true } }]);
    await client.get('/open/', { headers: Object.fromEntries(SPOOFED.map((name) => [name, 'admin'])) });
    expect([...origin.calls[0]!.headers.keys()].filter((name) => SPOOFED.some((s) => s.toLowerCase() === name))).toEqual([]);
  });
});
