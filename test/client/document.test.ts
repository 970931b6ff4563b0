// The client's types are generated from client/openapi.json, which `npm run client:generate`
// saves from the Worker. This fails when a route or schema changed and the saved copy was not
// regenerated: the typed client would then describe a service that no longer exists.
import { describe, expect, it } from 'vitest';
import saved from '../../client/openapi.json';
import { newClient } from '../support/driver';

describe('client/openapi.json', () => {
  it('is the document the Worker serves (run `npm run client:generate` after changing a route)', async () => {
    // All but `servers`, which names the deployment that answered (the client is given its base URL).
    const { servers: _servers, ...served } = (await (await newClient().get('/openapi.json')).json()) as Record<string, unknown>;
    expect(saved).toEqual(served);
  });
});
