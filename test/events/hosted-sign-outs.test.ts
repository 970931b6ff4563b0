// The hosted pages' sign-outs write their events: signing this browser out and "sign out this
// device" write session.ended (reason sign_out, sign_out_device), "sign out all other devices"
// writes sessions.revoked; each once, and nothing for a session that is not the user's.
import { describe, expect, it } from 'vitest';
import { createUser, logIn } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { newClient } from '../support/driver';
import { userEvents } from './support';

const reasons = (events: Awaited<ReturnType<typeof userEvents>>, type: string) =>
  events.filter((event) => event.type === type).map((event) => event.details.reason);

describe('the hosted pages’ sign-out events', () => {
  it('writes session.ended for this device and another one, and sessions.revoked for all others', async () => {
    const client = newClient();
    const user = await createUser(client);
    const api = await logIn(client, user);
    const browser = newBrowser(client);
    await browser.signIn(user.email, user.password);
    const csrf = await browser.csrfOf('/account');
    const sessionId = api.refresh_token.split('.')[0]!;
    expect((await browser.submit('/account/sessions/sign-out', { csrf, session: sessionId })).status).toBe(303);
    // Someone else's session id ends nothing and writes nothing.
    const other = await createUser(client);
    const otherSession = (await logIn(client, other)).refresh_token.split('.')[0]!;
    expect((await browser.submit('/account/sessions/sign-out', { csrf, session: otherSession })).status).toBe(404);
    expect(reasons(await userEvents(client, user.id), 'session.ended')).toEqual(['sign_out_device']);
    expect(reasons(await userEvents(client, other.id), 'session.ended')).toEqual([]);

    await logIn(client, user);
    expect((await browser.submit('/account/sessions/sign-out-others', { csrf })).status).toBe(303);
    expect(reasons(await userEvents(client, user.id), 'sessions.revoked')).toEqual(['sign_out_others']);

    expect((await browser.submit('/signout', { csrf, return: '/signin' })).status).toBe(303);
    expect(reasons(await userEvents(client, user.id), 'session.ended').sort()).toEqual(['sign_out', 'sign_out_device']);
  });
});
