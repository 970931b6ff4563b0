// The operator console in real Chromium, driven like an operator at 3 a.m.: an admin signs in
// (the console first sends them to enrol an authenticator app, then to sign in with it; the test is
// the app), finds a user made through the API by e-mail prefix, ends one of their sessions, disables
// them (their access token is refused at /auth/verify right after), registers a client and sees its
// secret once, retries a failed mail. A non-admin gets the 403 page; a demoted admin's next request
// is refused. Every screen passes axe, shows no CSP violation or console error, and is photographed
// at desktop and phone widths into docs/screenshots/ (docs/console.md shows them).
// The console runs on a Worker of its own (support/console-worker.ts): its mail goes to a sink that
// refuses and then accepts, so the outbox has a failed message to retry; its lists hold this file's
// records only, with fixed addresses, so the screenshots change only when the pages do.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleWorker, type ConsoleWorker } from './support/console-worker.ts';
import { checkAccessibility, screenshot, useBrowser } from './support/index.ts';

const chromium = useBrowser();
const PASSWORD = 'a long enough passphrase';
const ADMIN = 'operator@example.com';
const USER = 'grace.hopper@example.com';

let worker: ConsoleWorker;
beforeAll(async () => {
  worker = await startConsoleWorker();
  await worker.admin('/users', { body: { email: ADMIN, password: PASSWORD, role: 'admin', firstName: 'Olga' } });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
});

/** As pages.test.ts: a CSP violation, a console error or warning, a script error or a failed request is a problem. */
async function watchedContext(): Promise<{ context: BrowserContext; problems: string[] }> {
  const problems: string[] = [];
  const context = await chromium.newContext();
  await context.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
    console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline'));
  });`);
  context.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
    problems.push(`console ${message.type()} on ${message.page()?.url()}: ${message.text()}`);
  });
  context.on('weberror', (error) => problems.push(`script error: ${error.error().message}`));
  context.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  return { context, problems };
}

async function review(page: Page, name: string): Promise<void> {
  await checkAccessibility(page);
  await screenshot(page, name);
}

function path(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

async function heading(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
}

async function press(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('button', { name, exact: typeof name === 'string' }).click();
  await page.waitForLoadState();
}

async function follow(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).first().click();
  await page.waitForLoadState();
}

async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('E-mail or username').fill(login);
  await page.getByLabel('Password').fill(password);
  await press(page, 'Sign in');
}

function code(key: Uint8Array, offset = 0): string {
  return generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + offset), 6);
}

/** GET /auth/verify with a bearer token, as a reverse proxy asks. */
async function verify(token: string): Promise<number> {
  return (await fetch(`${worker.url}/auth/verify?ecosystem=*`, { headers: { authorization: `Bearer ${token}` } })).status;
}

async function login(email: string): Promise<string> {
  const response = await fetch(`${worker.url}/v1/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

describe('the operator console in Chromium', () => {
  it('an admin enrols, signs in with a code, and works every screen', async () => {
    const { context, problems } = await watchedContext();
    const page = await context.newPage();
    const base = worker.url;

    // Not signed in: to the sign-in page and back; no second factor yet: told to enrol.
    await page.goto(`${base}/console`);
    expect(path(page)).toBe('/signin?return=%2Fconsole');
    await signIn(page, ADMIN, PASSWORD);
    expect(path(page)).toBe('/console');
    expect(await heading(page)).toBe('Set up two-step sign-in first');
    await review(page, 'console-enrol');
    await follow(page, 'Your account');
    await press(page, 'Set up an authenticator app');
    const key = decodeBase32IgnorePadding((await page.locator('#totp-secret').textContent())!.trim());
    await page.getByLabel('The 6-digit code the app shows').fill(code(key));
    await press(page, 'Turn on');
    expect(await heading(page)).toBe('Two-step sign-in is on');

    // This browser's session began with the password alone: the console asks for a sign-in with the code.
    await page.goto(`${base}/console`);
    expect(await heading(page)).toBe('Sign in with your second factor');
    await follow(page, 'Sign in again');
    await signIn(page, ADMIN, PASSWORD);
    expect(await heading(page)).toBe('Enter your code');
    await page.getByLabel('Code', { exact: true }).fill(code(key, 1));
    await press(page, 'Continue');
    expect(path(page)).toBe('/console');
    expect(await heading(page)).toBe('Console');
    await review(page, 'console-overview');

    // A user made through the API, signed in twice (two sessions, two access tokens).
    const user = await worker.admin<{ id: string }>('/users', {
      body: { email: USER, password: PASSWORD, firstName: 'Grace', lastName: 'Hopper' },
    });
    const tokens = [await login(USER), await login(USER)];
    expect(await Promise.all(tokens.map(verify))).toEqual([200, 200]);

    // Found by an e-mail prefix.
    await follow(page, 'Users');
    await page.getByLabel('E-mail, username or unique id starts with').fill('grace.h');
    await press(page, 'Search');
    expect(path(page)).toBe('/console/users?q=grace.h&ecosystem=');
    await review(page, 'console-users');
    await follow(page, USER);
    expect(path(page)).toBe(`/console/users/${user.id}`);
    expect(await heading(page)).toBe(USER);
    await review(page, 'console-user');

    // One session ended: one token refused, the other still good.
    await page
      .getByRole('button', { name: /^End the app session/ })
      .first()
      .click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toBe('That session has ended.');
    expect((await Promise.all(tokens.map(verify))).sort()).toEqual([200, 401]);

    // Disabled: every token refused at the edge at once.
    await press(page, 'Disable');
    expect(await page.getByRole('status').textContent()).toContain('The user is disabled');
    expect(await Promise.all(tokens.map(verify))).toEqual([401, 401]);
    await press(page, 'Enable');

    // A reset mail the sink refuses: failed after its one attempt; retried once the sink accepts.
    await press(page, 'Send a password reset mail');
    await expect.poll(() => worker.sink.received.filter((to) => to === USER).length).toBe(1);
    await follow(page, 'Mail outbox');
    await page.getByLabel('Recipient').fill(USER);
    await page.getByLabel('Status').selectOption('failed');
    await press(page, 'Filter');
    await expect.poll(async () => (await page.reload(), await page.getByRole('button', { name: /^Retry the mail/ }).count())).toBe(1);
    await review(page, 'console-outbox');
    worker.sink.status = 200;
    await press(page, /^Retry the mail/);
    expect(await page.getByRole('status').textContent()).toContain('The message is due again');
    await expect.poll(() => worker.sink.received.filter((to) => to === USER).length).toBe(2);
    await expect
      .poll(async () => (await worker.admin<{ items: { status: string }[] }>(`/outbox?to=${encodeURIComponent(USER)}`)).items[0]?.status)
      .toBe('sent');

    // A client: its secret on the next page only.
    await follow(page, 'OAuth clients');
    await page.getByLabel('Name').fill('Shop');
    await page.getByLabel('Redirect URIs, one a line').fill('https://shop.example/callback');
    await review(page, 'console-clients');
    await press(page, 'Register');
    expect(await heading(page)).toBe('Client registered');
    const secret = (await page.locator('#client-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await review(page, 'console-client-created');
    await follow(page, 'The client’s page');
    expect(await page.content()).not.toContain(secret);
    await review(page, 'console-client');

    // The other screens.
    const screens: [string, string, string][] = [
      ['Ecosystems', 'Ecosystems', 'console-ecosystems'],
      ['Identity providers', 'Identity providers', 'console-identity-providers'],
      ['Webhooks', 'Webhooks', 'console-webhooks'],
      ['Events', 'Events', 'console-events'],
      ['Health', 'Health', 'console-health'],
      ['Configuration', 'Configuration', 'console-configuration'],
    ];
    for (const [link, title, name] of screens) {
      await follow(page, link);
      expect(await heading(page)).toBe(title);
      await review(page, name);
    }
    await follow(page, 'Ecosystems');
    await follow(page, 'default');
    expect(await heading(page)).toBe('Ecosystem default');
    await review(page, 'console-ecosystem');

    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('gives a signed-in non-admin the 403 page, and refuses a demoted admin at their next request', async () => {
    const { context, problems } = await watchedContext();
    const page = await context.newPage();
    await worker.admin('/users', { body: { email: 'linus@example.com', password: PASSWORD } });
    await page.goto(`${worker.url}/signin?return=%2Fconsole`);
    await signIn(page, 'linus@example.com', PASSWORD);
    expect(path(page)).toBe('/console');
    expect(await heading(page)).toBe('Not for this account');
    await review(page, 'console-forbidden');

    // A second admin, enrolled and signed in with a code through the pages, as above.
    const demoted = await worker.admin<{ id: string }>('/users', { body: { email: 'ada@example.com', password: PASSWORD, role: 'admin' } });
    const admin = await (await chromium.newContext()).newPage();
    await admin.goto(`${worker.url}/signin?return=%2Faccount`);
    await signIn(admin, 'ada@example.com', PASSWORD);
    await press(admin, 'Set up an authenticator app');
    const key = decodeBase32IgnorePadding((await admin.locator('#totp-secret').textContent())!.trim());
    await admin.getByLabel('The 6-digit code the app shows').fill(code(key));
    await press(admin, 'Turn on');
    await admin.goto(`${worker.url}/signin?return=%2Fconsole%2Fusers`);
    await signIn(admin, 'ada@example.com', PASSWORD);
    await admin.getByLabel('Code', { exact: true }).fill(code(key, 1));
    await press(admin, 'Continue');
    expect(path(admin)).toBe('/console/users');

    await worker.admin(`/users/${demoted.id}`, { method: 'PATCH', body: { role: 'user' } });
    await admin.reload();
    expect(path(admin)).toBe('/signin?return=%2Fconsole%2Fusers');
    expect(await heading(admin)).toBe('Sign in');
    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);
});
