import { describe, expect, it } from 'vitest';
import { json, newClient, uniqueEmail } from '../support/driver';
import { login } from './steps';

describe('per-client rate limiting on the User Service', () => {
  it('answers 429 with Retry-After once one client passes 30 logins a minute', async () => {
    const client = newClient();
    for (let i = 0; i < 30; i++) expect((await login(client, uniqueEmail('rl'), 'a wrong password')).status).toBe(401);
    const limited = await login(client, uniqueEmail('rl'), 'a wrong password');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('60');
    expect(await json(limited)).toEqual({ error: 'Too many requests; try again later.' });
    expect((await login(newClient(), uniqueEmail('rl'), 'a wrong password')).status).toBe(401);
  });
});
