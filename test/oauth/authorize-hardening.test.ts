// Two ways a crafted authorize link could strand a person between sign-in and the application:
// an auth_after in the future (never met: sign-in forever) and a long state (the way back cut off).
import { describe, expect, it } from 'vitest';
import { authorize, callbackOf, setUp } from './flow';

describe('GET /oauth/authorize', () => {
  it('refuses an auth_after in the future instead of sending the person round sign-in forever', async () => {
    const s = await setUp();
    const { response } = await authorize(s, { auth_after: String(Math.floor(s.client.clock.now() / 1000) + 3600) });
    const callback = callbackOf(response);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toContain('auth_after');
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('still takes the auth_after it wrote itself, once the person signed in after it', async () => {
    const s = await setUp();
    const now = Math.floor(s.client.clock.now() / 1000);
    s.client.clock.advance(5);
    expect((await s.browser.signIn(s.user.email, s.user.password)).status).toBe(303);
    const { response } = await authorize(s, { auth_after: String(now) });
    expect(callbackOf(response).searchParams.get('code')).toMatch(/./);
  });

  it('keeps the way back through sign-in for a long state', async () => {
    const s = await setUp();
    s.browser.cookies.delete('__Host-gatehouse-session');
    const { response } = await authorize(s, { state: 'é'.repeat(500) });
    expect(response.status).toBe(302);
    const signIn = new URL(response.headers.get('location')!, 'https://gatehouse.test');
    expect(signIn.pathname).toBe('/signin');
    const back = await s.browser.signIn(s.user.email, s.user.password, signIn.searchParams.get('return')!);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toMatch(/^\/oauth\/authorize\?/);
  });
});
