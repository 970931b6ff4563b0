// Bad input on every console route, as a signed-in admin sends it: each path parameter replaced by
// something huge, broken, encoded or unicode; query strings broken, repeated and huge; each form
// field huge, with a NUL, repeated or missing; a body that is no form. The console answers a page
// (HTML under its CSP, the problem said in an alert or on its field), never a 500. The routes are
// the app's own list, so a new console route is swept without a word here.
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { createUser } from '../support/accounts';
import { json, newClient } from '../support/driver';
import { consoleAdmin } from './support';

const HUGE = 'x'.repeat(5000);
const PATH_PROBES = [HUGE, '%00', '%zz', '..%2F..%2Fadmin', '%E2%80%AE%F0%9F%92%A9', 'a;b=c', '%20', "'%22<b>"];
const FIELD_PROBES = [HUGE, 'a\u0000b', '\ud800', '', '<script>alert(1)</script>'];
const QUERY_PROBES = [
  `q=${HUGE}`,
  'q=%zz&cursor=%00',
  'cursor=bm90IGEgY3Vyc29y',
  'q=a&q=b&ecosystem=nope&ecosystem=other',
  'status=lost&to=%00',
  `to=${HUGE}`,
  'type=nope&since=tomorrow&until=%ff',
  'userId=%E2%80%AE&ecosystemId[]=x',
  'done=%3Cb%3E',
];

/** Every console route the app registers, as `METHOD /path`. */
function consoleRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return buildApp()
    .routes.filter((route) => route.path.startsWith('/console') && (route.method === 'GET' || route.method === 'POST'))
    .filter((route) => !seen.has(`${route.method} ${route.path}`) && seen.add(`${route.method} ${route.path}`));
}

/** The form fields a console route's page would post (its documented fields, and a few more). */
const FIELDS = [
  'name',
  'redirectUris',
  'postLogoutRedirectUris',
  'public',
  'role',
  'session',
  'confirm',
  'id',
  'kind',
  'issuer',
  'clientId',
  'clientSecret',
];

async function expectHandled(response: Response, label: string): Promise<void> {
  const page = await response.text();
  expect.soft(response.status, `${label} -> ${response.status} ${page.slice(0, 200)}`).toBeLessThan(500);
  if (response.status < 400) return;
  expect.soft(response.headers.get('content-type'), label).toMatch(/^text\/html/);
  expect.soft(response.headers.get('content-security-policy'), label).toContain("default-src 'none'");
  expect.soft(page, label).toMatch(/role="alert"|aria-invalid="true"/);
  expect.soft(page, label).not.toContain('<script>alert(1)</script>');
}

describe('bad input on the console', () => {
  it('answers every route’s bad path parameters, query strings and form fields with a page, never a 500', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const target = await createUser(client);
    const created = await client.admin('POST', '/admin/v1/clients', {
      body: { name: 'Target', redirectUris: ['https://target.example/cb'] },
    });
    const clientId = (await json(created)).clientId as string;
    /** A working value of a parameter, by the route's section. */
    const real = (path: string, param: string): string => {
      if (param !== 'id') return 'none';
      if (path.startsWith('/console/users')) return target.id;
      if (path.startsWith('/console/clients')) return clientId;
      if (path.startsWith('/console/ecosystems')) return 'default';
      return 'none';
    };
    const fill = (path: string, replace?: { param: string; value: string }) =>
      path.replace(/:(\w+)/g, (_, param: string) => (replace?.param === param ? replace.value : encodeURIComponent(real(path, param))));
    const csrf = await admin.browser.csrfOf('/console');
    const routes = consoleRoutes();
    expect(routes.length).toBeGreaterThan(30);

    for (const route of routes) {
      const send = (path: string, fields: Record<string, string> = {}) =>
        route.method === 'GET' ? admin.browser.get(path) : admin.browser.submit(path, { csrf, ...fields });
      for (const param of [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]!)) {
        for (const value of PATH_PROBES) {
          const path = fill(route.path, { param, value });
          await expectHandled(await send(path), `${route.method} ${path.slice(0, 120)}`);
        }
      }
      if (route.method === 'GET') {
        for (const query of QUERY_PROBES) {
          const path = `${fill(route.path)}?${query}`;
          await expectHandled(await send(path), `GET ${path.slice(0, 120)}`);
        }
        continue;
      }
      for (const value of FIELD_PROBES) {
        const fields = Object.fromEntries(FIELDS.map((name) => [name, value]));
        await expectHandled(
          await send(fill(route.path), fields),
          `POST ${route.path} with every field ${JSON.stringify(value.slice(0, 20))}`,
        );
      }
      const notAForm = await client.post(fill(route.path), {
        raw: '{"csrf": 1}',
        headers: { 'content-type': 'application/json', cookie: [...admin.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      expect(notAForm.status, `POST ${route.path} with a JSON body`).toBe(403);
    }
    // The admin's session came through all of it.
    expect((await admin.browser.get('/console')).status).toBe(200);
  }, 120_000);
});
