import { describe, expect, it } from 'vitest';
import { json, newClient, uniqueEmail } from '../support/driver';
import { login } from './steps';
import { untilLimited } from '../support/rate-limit';

describe('per-client rate limiting on the User Service', () => {
  it('answers 429 with Retry-After once one client passes 30 logins a minute', async () => {
    const client = newClient();
    const limited = await untilLimited(() => login(client, uniqueEmail('rl'), 'a wrong password'), 401);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('60');
    expect(await json(limited)).toEqual({ error: 'Too many requests; try again later.' });
    expect((await login(newClient(), uniqueEmail('rl'), 'a wrong password')).status).toBe(401);
  });
});
