// The second-factor policy in real Chromium: where the operator made a second factor required, a
// person without one signs in with their password and, before any session exists, sets up an
// authenticator app on the enrolment page (the test is the app: it reads the base32 secret the page
// shows); its first code signs them in and the recovery codes are shown once. A Worker of its own,
// so the policy touches no other file's users. Every page passes axe.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, useBrowser } from './support/index.ts';
import { reserveSiteWorkerUrl, startSiteWorker, type SiteWorker } from './support/site-worker.ts';

const chromium = useBrowser();

let worker: SiteWorker;
beforeAll(async () => {
  const url = await reserveSiteWorkerUrl();
  worker = await startSiteWorker(url, url);
  await worker.admin('/ecosystems/default/mfa-policy', { method: 'PUT', body: { mfa: 'required' } });
});
afterAll(async () => {
  await worker?.stop();
});

async function heading(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
}

async function press(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
}

async function sessionCookie(page: Page): Promise<boolean> {
  return (await page.context().cookies(worker.url)).some((cookie) => cookie.name === '__Host-gatehouse-session');
}

describe('mfa: required in Chromium', () => {
  it('a person without a second factor sets one up at sign-in, before any session exists', async () => {
    const user = await worker.createUser();
    const context = await chromium.newContext();
    const page = await context.newPage();
    await page.goto(`${worker.url}/signin?return=%2Faccount`);
    await page.getByLabel('E-mail or username').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await press(page, 'Sign in');
    expect(await heading(page)).toBe('Set up two-step sign-in');
    expect(await sessionCookie(page)).toBe(false);
    expect(await page.getByRole('img', { name: /QR code/ }).count()).toBe(1);
    await checkAccessibility(page);

    const codeField = page.getByLabel('The 6-digit code the app shows');
    await codeField.fill('000000');
    await press(page, 'Turn on and sign in');
    expect(await page.getByText('That code is not right.').count()).toBe(1);
    expect(await page.getByLabel('The 6-digit code the app shows').getAttribute('aria-invalid')).toBe('true');
    expect(await sessionCookie(page)).toBe(false);

    const key = decodeBase32IgnorePadding((await page.locator('#totp-secret').textContent())!.trim());
    await page.getByLabel('The 6-digit code the app shows').fill(generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000)), 6));
    await press(page, 'Turn on and sign in');
    expect(await heading(page)).toBe('Two-step sign-in is on');
    expect(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
    expect(await sessionCookie(page)).toBe(true);
    await checkAccessibility(page);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Continue' }).click()]);
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(await page.getByText('On: an authenticator app.').count()).toBe(1);
    await context.close();
  });
});
