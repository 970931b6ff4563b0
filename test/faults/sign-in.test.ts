// Issue 21, point 2: faults at every step of registration, sign-in and refresh rotation.
import { describe, expect, it } from 'vitest';
import { createUser, logIn, passwordGrant, refreshGrant } from '../support/accounts';
import { json, strongPassword, uniqueEmail, type Client } from '../support/driver';
import { registration } from '../gatekeeper/steps';
import { sweepFaults, type Flow } from './support';

async function canLogIn(client: Client, email: string, password: string): Promise<void> {
  const response = await passwordGrant(client, email, password);
  expect(response.status, `${email} signs in`).toBe(200);
}

async function cannotLogIn(client: Client, email: string, password: string): Promise<void> {
  const response = await passwordGrant(client, email, password);
  expect(response.status, `${email} does not sign in`).toBe(400);
}

const userServiceRegistration: Flow = {
  name: 'User Service registration',
  face: 'userService',
  partial: {
    ecosystems:
      "the user's number is spent first, in its own round trip (so the insert answers the whole row and nothing is read after it); a failed insert leaves a gap in the numbers, as a deleted user does",
  },
  async prepare() {
    const email = uniqueEmail('fault');
    const password = strongPassword();
    return {
      run: (c) => c.post('/v1/users/register', { body: { email, password, firstname: 'Ada', lastname: 'Lovelace' } }),
      secrets: [password],
      done: (healthy) => canLogIn(healthy, email, password),
      undone: (healthy) => cannotLogIn(healthy, email, password),
    };
  },
};

const gatekeeperRegistration: Flow = {
  name: 'Gatekeeper registration',
  face: 'gatekeeper',
  partial: {
    ecosystems:
      "the user's number is spent first, in its own round trip (so the insert answers the whole row and nothing is read after it); a failed insert leaves a gap in the numbers, as a deleted user does",
  },
  async prepare() {
    const body = registration('developer');
    return {
      run: (c) => c.post('/api/v2/users', { body }),
      secrets: [body.password],
      done: (healthy) => canLogIn(healthy, body.email, body.password),
      undone: (healthy) => cannotLogIn(healthy, body.email, body.password),
    };
  },
};

const passwordSignIn: Flow = {
  name: 'OAuth password grant',
  face: 'oauth',
  partial: {},
  async prepare(healthy) {
    const user = await createUser(healthy);
    return {
      run: (c) => passwordGrant(c, user.email, user.password),
      secrets: [user.password],
      done: async (h) => {
        const sessions = await json(await h.admin('GET', `/admin/v1/users/${user.id}/sessions`));
        expect(sessions.items?.length ?? sessions.length, 'a session was made').toBeGreaterThan(0);
      },
    };
  },
};

const userServiceLogin: Flow = {
  name: 'User Service login',
  face: 'userService',
  async prepare(healthy) {
    const user = await createUser(healthy);
    return {
      run: (c) => c.post('/v1/users/login', { body: { email: user.email, password: user.password } }),
      secrets: [user.password],
      done: async (h) => {
        const sessions = await json(await h.admin('GET', `/admin/v1/users/${user.id}/sessions`));
        expect(sessions.items?.length ?? sessions.length, 'a session was made').toBeGreaterThan(0);
      },
    };
  },
};

const refreshRotation: Flow = {
  name: 'Refresh rotation',
  face: 'oauth',
  async prepare(healthy) {
    const user = await createUser(healthy);
    const tokens = await logIn(healthy, user);
    return {
      run: (c) => refreshGrant(c, tokens.refresh_token),
      secrets: [user.password, tokens.refresh_token, tokens.access_token],
      // Success: the token rotated. A retry of the same token within the grace window gets the same
      // successor; the successor refreshes in turn.
      done: async (h) => {
        const again = await refreshGrant(h, tokens.refresh_token);
        expect(again.status, await again.clone().text()).toBe(200);
        const next = await json(again);
        expect((await refreshGrant(h, next.refresh_token)).status).toBe(200);
      },
    };
  },
};

describe('faults at every step', () => {
  it.each([userServiceRegistration, gatekeeperRegistration, passwordSignIn, userServiceLogin, refreshRotation])('$name', async (flow) => {
    await sweepFaults(flow);
  });
});
