// Passkeys in real Chromium with its virtual authenticator (CDP WebAuthn: CTAP2, internal, resident
// keys, user verification): add a passkey from the account page, sign out, sign in with the passkey
// alone (no username), and pass a gateway route that needs a second factor; remove it. A relying
// party id cannot be an IP address, so this file starts a Worker of its own whose PUBLIC_URL is
// `http://localhost:<port>` (a secure context for Chromium). Every page passes axe.
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, originHeaders, useBrowser } from './support/index.ts';
import { reserveSiteWorkerUrl, startSiteWorker, type SiteWorker } from './support/site-worker.ts';

const chromium = useBrowser();

let worker: SiteWorker;
let site: string;
beforeAll(async () => {
  const url = await reserveSiteWorkerUrl();
  site = url.replace('127.0.0.1', 'localhost');
  worker = await startSiteWorker(url, site);
});
afterAll(async () => {
  await worker?.stop();
});

function path(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

async function press(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState();
}

/** Chromium's virtual platform authenticator, as a phone or laptop with a screen lock. */
async function virtualAuthenticator(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return cdp;
}

describe('passkeys in Chromium', () => {
  it('add a passkey on the account page, sign out, sign in with it alone, pass an "mfa" route, remove it', async () => {
    const user = await worker.createUser();
    const context = await chromium.newContext();
    const page = await context.newPage();
    await virtualAuthenticator(page);

    // A password sign-in: one factor, so the "mfa" website refuses it.
    await page.goto(`${site}/signin?return=%2Faccount`);
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible()).toBe(true);
    await checkAccessibility(page);
    await page.getByLabel('E-mail or username').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await press(page, 'Sign in');
    expect(path(page)).toBe('/account');
    expect((await page.goto(`${site}/site-mfa/orders`))?.status()).toBe(403);

    await page.goto(`${site}/account`);
    await checkAccessibility(page);
    await page.getByLabel('Name of the new passkey (optional)').fill('Virtual laptop');
    await press(page, 'Add a passkey');
    expect(path(page)).toBe('/account?done=passkey-added');
    expect(await page.getByRole('cell', { name: 'Virtual laptop', exact: true }).count()).toBe(1);
    await checkAccessibility(page);

    await press(page, 'Sign out');
    expect(path(page)).toBe('/signin');

    // The passkey alone: no username typed.
    await page.goto(`${site}/signin?return=%2Fsite-mfa%2Forders`);
    await press(page, 'Sign in with a passkey');
    await expect.poll(() => path(page), { timeout: 10_000 }).toBe('/site-mfa/orders');
    expect((await originHeaders(page))['x-user-id']).toBe(user.id);

    await page.goto(`${site}/account`);
    const row = page.getByRole('row').filter({ hasText: 'Virtual laptop' });
    expect(await row.locator('td').nth(2).textContent()).not.toBe('Never');
    await page.getByRole('button', { name: 'Remove passkey Virtual laptop' }).click();
    await page.waitForURL(`${site}/account?done=passkey-removed`);
    expect(await page.getByRole('cell', { name: 'Virtual laptop', exact: true }).count()).toBe(0);
    await checkAccessibility(page);
    await context.close();
  });

  it('without script the passkey buttons are absent and the password still signs in', async () => {
    const user = await worker.createUser();
    const context = await chromium.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${site}/signin?return=%2Faccount`);
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(0);
    await page.getByLabel('E-mail or username').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await press(page, 'Sign in');
    expect(path(page)).toBe('/account');
    expect(await page.getByRole('button', { name: 'Add a passkey' }).count()).toBe(0);
    await context.close();
  });
});
