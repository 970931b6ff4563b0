import { describe, expect, it } from 'vitest';
import { clientKeyOf } from '../../src/http/client-address';
import { json, newClient, uniqueEmail } from '../support/driver';

describe('the client key of per-client limits', () => {
  it('keys an IPv6 client by its /64 and an IPv4 client by its address', () => {
    expect(clientKeyOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:DB8:1:2::ff')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKeyOf('::ffff:192.0.2.1')).toBe('0:0:0:0::/64');
    expect(clientKeyOf('192.0.2.7')).toBe('192.0.2.7');
    expect(clientKeyOf('')).toBe('unknown');
    expect(clientKeyOf(undefined)).toBe('unknown');
    expect(clientKeyOf('not:an::address::')).toBe('not:an::address::');
  });

  it('locks out a guesser who takes a new address of the same /64 for every guess', async () => {
    const client = newClient();
    const email = uniqueEmail('v6');
    await client.admin('POST', '/admin/v1/users', { body: { email, password: 'correct horse battery staple' } });
    const guess = (n: number) =>
      client.post('/oauth/token', {
        form: { grant_type: 'password', username: email, password: 'wrong password!' },
        headers: { 'CF-Connecting-IP': `2001:db8:abcd:12::${n.toString(16)}` },
      });
    for (let n = 1; n <= 10; n++) expect((await guess(n)).status).toBe(400);
    const locked = await guess(11);
    expect(locked.status).toBe(429);
    const other = await client.post('/oauth/token', {
      form: { grant_type: 'password', username: email, password: 'correct horse battery staple' },
      headers: { 'CF-Connecting-IP': '2001:db8:abcd:13::1' },
    });
    expect(other.status, JSON.stringify(await json(other.clone()))).toBe(200);
  });
});
