// Issue 21, point 2: faults at every step of the droplit face's user upsert (PUT /api/users/:user,
// with grants and a token), which is idempotent: a failure after its batch is repaired by the retry.
import { describe, expect, it } from 'vitest';
import { json, uniqueEmail } from '../support/driver';
import { appUserId, newEcosystem, newEnvironment, raw, userPath } from '../droplit/support';
import { sweepFaults, type Flow } from './support';

const droplitPut: Flow = {
  name: 'droplit user upsert with grants and a token',
  face: 'droplit',
  everyIndex: false,
  partial: {
    users:
      'the upsert commits in one batch, then reads the user and grants back: a failure there answers 5xx for a user that was written; the PUT is idempotent, so the retry answers it',
    access_grants: 'written in the same batch as the user',
    sessions: 'the FixedTtl token made in that batch, never handed out; it ends by its own expiry',
    ecosystems: 'the ecosystem’s user count and number, kept by the insert’s triggers',
    events: 'the user.created event, written in the same batch as the user it records',
  },
  async prepare(healthy) {
    const eco = await newEcosystem(healthy);
    const environment = await newEnvironment(healthy, eco.id);
    const id = appUserId();
    const body = { email: uniqueEmail('droplit'), access: [{ environmentId: environment, accessLevel: 'all' }] };
    const path = `${userPath(eco.id, id)}?generateToken=true&expiryType=FixedTtl&ttl=3600`;
    return {
      run: (c) => c.put(path, { body, ...raw(eco.serverToken) }),
      secrets: [eco.serverToken],
      done: async (h) => {
        const fetched = await h.get(userPath(eco.id, id), raw(eco.serverToken));
        expect(fetched.status).toBe(200);
        expect(await json(fetched)).toMatchObject({ email: body.email, access: body.access });
      },
    };
  },
};

describe('faults at every step', () => {
  it.each([droplitPut])('$name', async (flow) => {
    await sweepFaults(flow);
  });
});
