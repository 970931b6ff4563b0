// droplit without a server of its own: a browser-only app (a public OAuth client) signs its people
// in through an upstream provider of its ecosystem with /oauth/authorize?identity_provider=, and the
// access token it gets is accepted wherever that ecosystem's user tokens are: forward-auth with
// ?ecosystem= and the gateway's environment routes with the user's grants (the provider's default
// environments). The user is in the droplit face as `<provider>|<subject>`.
import { describe, expect, it } from 'vitest';
import { newBrowser } from '../support/browser';
import { json, newClient } from '../support/driver';
import { authorizationQuery } from '../support/pkce';
import { startUpstream } from '../support/upstream-idp';
import { CALLBACK, publicClientTokens, register } from '../oauth/flow';

const ORIGIN = 'https://origin.test';

describe('server-less droplit through an upstream provider', () => {
  it('gives a public client a token that forward-auth and the environment route accept for the provider’s ecosystem', async () => {
    const upstream = await startUpstream();
    const originCalls: string[] = [];
    const outbound: typeof fetch = async (input, init) => {
      const url = new Request(input as RequestInfo, init).url;
      if (url.startsWith(upstream.issuer)) return upstream.fetch(input as RequestInfo, init);
      originCalls.push(url);
      return new Response('from the origin');
    };
    const admin = newClient();
    const eco = await json(await admin.admin('POST', '/admin/v1/ecosystems', { body: { name: 'spa' } }));
    const granted = await json(await admin.admin('POST', `/admin/v1/ecosystems/${eco.id}/environments`, { body: { name: 'prod' } }));
    const other = await json(await admin.admin('POST', `/admin/v1/ecosystems/${eco.id}/environments`, { body: { name: 'staging' } }));
    const routes = [
      { prefix: '/environments/:environmentId/', origin: ORIGIN, ecosystem: eco.id, require: { environment: ':environmentId' } },
    ];
    const client = newClient({ fetch: outbound, vars: { GATEWAY_ROUTES: JSON.stringify(routes) } });
    const id = `spa-${crypto.randomUUID().slice(0, 8)}`;
    const created = await client.admin('POST', '/admin/v1/identity-providers', {
      body: {
        id,
        name: 'Corp',
        kind: 'oidc',
        issuer: upstream.issuer,
        clientId: upstream.clientId,
        clientSecret: upstream.clientSecret,
        ecosystemId: eco.id,
        defaultEnvironments: [granted.id],
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);

    // The browser-only app: a public client, PKCE, straight to the provider.
    const app = await register(client, { public: true });
    const browser = newBrowser(client);
    const { query, pkce } = await authorizationQuery(app.clientId, CALLBACK, { identity_provider: id });
    const toProvider = (await browser.get(`/oauth/authorize?${query}`)).headers.get('location')!;
    const start = await browser.get(toProvider);
    const sub = `person-${crypto.randomUUID()}`;
    const back = await browser.get(
      upstream.approve(start.headers.get('location')!, { sub, email: `${sub}@example.com`, email_verified: true }),
    );
    expect(back.status).toBe(303);
    const coded = await browser.get(back.headers.get('location')!);
    const tokens = await publicClientTokens(client, app.clientId, coded.headers.get('location')!, pkce);
    const token = tokens.access_token;

    // In the droplit face of its ecosystem, under <provider>|<subject>, with the default environment.
    const droplit = await client.admin('GET', `/api/users/${eco.id};${encodeURIComponent(`${id}|${sub}`)}`);
    expect(droplit.status, await droplit.clone().text()).toBe(200);
    expect(JSON.stringify(await json(droplit))).toContain(granted.id);

    // Forward-auth for its ecosystem (not the default one).
    expect((await client.get(`/auth/verify?ecosystem=${eco.id}`, { token })).status).toBe(200);
    expect((await client.get('/auth/verify', { token })).status).toBe(401);

    // The gateway's environment route: the granted environment passes, another does not.
    const through = await client.get(`/environments/${granted.id}/data`, { token });
    expect(through.status, await through.clone().text()).toBe(200);
    expect(originCalls).toEqual([`${ORIGIN}/environments/${granted.id}/data`]);
    expect((await client.get(`/environments/${other.id}/data`, { token })).status).toBe(403);
  });
});
