// Websites behind Gatehouse, driven in Chromium as a person would: a `"login": true` gateway route
// and the same site through nginx auth_request (/auth/verify?login=1), each from the first visit
// (sent to sign in) through sign-in, a second page load and sign-out; and the /docs reference.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  gatehouse,
  HEADERS_MORE,
  originHeaders,
  screenshot,
  startNginx,
  useBrowser,
  type Nginx,
  type TestUser,
} from './support/index.ts';
import { reserveSiteWorkerUrl, startSiteWorker, type SiteWorker } from './support/site-worker.ts';

const chromium = useBrowser();
const ACCESS_COOKIE = '__Host-gatehouse-access';
const SESSION_COOKIE = '__Host-gatehouse-session';

/** A page in a context of its own, whose steps fail (naming the step) well before the test's timeout. */
async function newPage(): Promise<Page> {
  const page = await chromium.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** Fills the hosted sign-in form by its labels and submits it. */
async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel('E-mail or username').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs out on the hosted /signout page (its confirming form). */
async function signOut(page: Page, site: string): Promise<void> {
  await page.goto(`${site}/signout`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname === '/signin');
}

/** The names of the cookies the browser holds for `site`. */
async function cookieNames(page: Page, site: string): Promise<string[]> {
  return (await page.context().cookies(site)).map((cookie) => cookie.name);
}

/** The whole flow on one site: `site` serves both the hosted pages and the website under `prefix`. */
async function websiteFlow(site: string, prefix: string, user: TestUser): Promise<void> {
  const page = await newPage();
  const asked = `${prefix}orders?page=2`;
  // The website's own cookie, which the origin must keep getting without Gatehouse's beside it.
  await page.context().addCookies([{ name: 'theme', value: 'dark', url: site }]);

  // First visit: sent to the sign-in page on the same host, with the page asked for as `return`.
  await page.goto(`${site}${asked}`);
  const signin = new URL(page.url());
  expect(signin.origin).toBe(site);
  expect(signin.pathname).toBe('/signin');
  expect(signin.searchParams.get('return')).toBe(asked);
  expect(await originHeaders(page)).toEqual({});

  // Signed in: back on the page asked for, which the origin served with the identity headers and
  // without any of Gatehouse's cookies.
  await signIn(page, user);
  await expect.poll(() => page.url(), { timeout: 10_000 }).toBe(`${site}${asked}`);
  await page.waitForLoadState();
  const headers = await originHeaders(page);
  expect(headers['x-user-id']).toBe(user.id);
  expect(headers['x-user-email']).toBe(user.email);
  expect(headers.cookie).toBe('theme=dark');
  expect(await page.locator('#url').textContent()).toBe(asked);
  // The access cookie minted from the session reached the browser (through nginx: the check's Set-Cookie passed on).
  expect(await cookieNames(page, site)).toEqual(expect.arrayContaining([ACCESS_COOKIE, SESSION_COOKIE]));

  // A second page load: no sign-in again.
  const again = await page.goto(`${site}${prefix}account/settings`);
  expect(again?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe(`${prefix}account/settings`);
  expect(await originHeaders(page)).toMatchObject({ 'x-user-id': user.id, cookie: 'theme=dark' });

  // Signed out: the next visit is sent to sign in again.
  await signOut(page, site);
  expect(await cookieNames(page, site)).not.toContain(SESSION_COOKIE);
  await page.goto(`${site}${asked}`);
  expect(new URL(page.url()).pathname).toBe('/signin');
  expect(await originHeaders(page)).toEqual({});
  await page.context().close();
}

describe('a website behind a "login": true gateway route', () => {
  it('sends a first visit to sign in, comes back to the page with identity headers, keeps the session, and signs out', async () => {
    await websiteFlow(gatehouse().url, '/site-login/', await createUser());
  });

  it('answers an API request without a token 401, not a redirect', async () => {
    const response = await fetch(`${gatehouse().url}/site-login/orders`, { headers: { accept: 'application/json' }, redirect: 'manual' });
    expect(response.status).toBe(401);
  });
});

describe('a website through nginx auth_request (/auth/verify?login=1)', () => {
  // One public host in front of both, as a deployment has: nginx serves the website under /site/
  // and proxies the hosted pages to a Worker whose PUBLIC_URL is nginx's address.
  let nginx: Nginx;
  let worker: SiteWorker;
  beforeAll(async () => {
    const workerUrl = await reserveSiteWorkerUrl();
    nginx = await startNginx({ gatehouseUrl: workerUrl });
    worker = await startSiteWorker(workerUrl, nginx.url);
  });
  afterAll(async () => {
    await nginx?.stop();
    await worker?.stop();
  });

  it('runs the documented block for websites: ?login=1, error_page 401 to the Location, Set-Cookie passed back, cookies kept from the app', () => {
    const page = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'forward-auth.md'), 'utf8');
    const section = page.slice(page.indexOf('## Websites through forward-auth'));
    const block = section.slice(section.indexOf('```nginx'), section.indexOf('```', section.indexOf('```nginx') + 3));
    const directive =
      /^\s*(map |default |"~\*|auth_request|error_page|add_header|proxy_set_header (X-User|X-Ecosystem|Authorization|Cookie|Content-Length|X-Original-URI)|proxy_method|proxy_pass_request_body|internal|more_clear_input_headers|"X-Forwarded-)/;
    const normalise = (line: string) => line.replace(/#.*$/, '').replace(/\s+/g, ' ').trim();
    // Without the headers-more module (a separate Debian package) the harness leaves out its one directive.
    const headersMore = existsSync(HEADERS_MORE);
    const wanted = block
      .split('\n')
      .filter((line) => directive.test(line) && (headersMore || !/more_clear_input_headers|"X-Forwarded-/.test(line)))
      .map(normalise);
    expect(wanted.length).toBeGreaterThan(25);
    const have = new Set(nginx.config.split('\n').map(normalise));
    expect(wanted.filter((line) => !have.has(line))).toEqual([]);
    expect(nginx.config).toContain('/auth/verify?login=1;');
  });

  it('sends a first visit to sign in through nginx, comes back with identity headers, keeps the session, and signs out', async () => {
    await websiteFlow(nginx.url, '/site/', await worker.createUser());
  });
});

describe('/docs', () => {
  it('renders Scalar’s reference of the API in Chromium, its bundle served as a static asset, nothing blocked by the CSP', async () => {
    const page = await newPage();
    // Scalar lays out every operation of the document (some 150 with the console's) in one long page:
    // its full-page screenshot takes well past the other steps' 10 s on a busy machine.
    page.setDefaultTimeout(30_000);
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) blocked.push(message.text());
    });
    page.on('requestfailed', (request) => blocked.push(`${request.url()}: ${request.failure()?.errorText}`));
    const bundle = page.waitForResponse((response) => new URL(response.url()).pathname === '/docs/scalar.js');
    const response = await page.goto(`${gatehouse().url}/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    const served = await bundle;
    expect(served.status()).toBe(200);
    expect(served.headers()['content-type']).toMatch(/javascript/);

    await expect.poll(() => page.getByRole('heading', { name: 'Gatehouse', level: 1 }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    for (const name of ['Forward-auth: is this token valid here?', 'This OpenAPI 3.1 document']) {
      await expect.poll(() => page.getByText(name, { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    }
    expect(await page.title()).toBe('Gatehouse API');
    expect(blocked).toEqual([]);
    await screenshot(page, 'docs');
  }, 90_000);
});
