// The hosted pages in real Chromium, driven like a person: fields filled by their labels, buttons
// pressed by role and name, the mailed links taken from the outbox and opened. Every page is
// checked with axe, watched for anything its CSP blocks, and photographed at desktop and phone
// widths into docs/screenshots/ (the README shows them).
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkAccessibility, gatehouse, mailLink, screenshot, useBrowser } from './support/index.ts';

const chromium = useBrowser();

// Fixed addresses, used by this file only (each run has a fresh database), so the committed
// screenshots change only when the pages do (the account page's times aside).
const PASSWORD = 'a long enough passphrase';
const NEW_PASSWORD = 'another long passphrase';

/**
 * What a page must never show: a CSP violation (reported by the document's
 * `securitypolicyviolation` event, which a DevTools init script listens to, as CSP does not
 * govern it), a console error or warning, a script error, or a request that failed. A 4xx answer
 * to a form is the page's own error page, not a failure: Chromium's line about its status is not one.
 */
async function watchedContext(): Promise<{ context: BrowserContext; problems: string[] }> {
  const problems: string[] = [];
  const context = await chromium.newContext();
  // Runs in the page (a string: this file is type-checked without the DOM library).
  await context.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
    console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' (' + event.sourceFile + ':' + event.lineNumber + ')');
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

/** The page's checks once it has settled: axe (serious or critical fails) and both screenshots. */
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

/** Presses the button of that exact name and waits for the page it leads to. */
async function press(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await page.waitForLoadState();
}

/** Follows the link of that exact name and waits for the page it leads to. */
async function follow(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click();
  await page.waitForLoadState();
}

async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('E-mail or username').fill(login);
  await page.getByLabel('Password').fill(password);
  await press(page, 'Sign in');
}

describe('the hosted pages in Chromium', () => {
  it('sign up, confirm from the mail, sign in, see the account, sign out', async () => {
    const { context, problems } = await watchedContext();
    const page = await context.newPage();
    const email = 'ada.lovelace@example.com';

    await page.goto(`${gatehouse().url}/signin`);
    await review(page, 'signin');
    await follow(page, 'Create an account');
    expect(path(page)).toBe('/signup');
    await review(page, 'signup');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Lovelace');
    await press(page, 'Create account');
    expect(await heading(page)).toBe('Check your mail');

    await page.goto(await mailLink(email, '/confirm-email'));
    expect(await heading(page)).toBe('Address confirmed');
    expect(await page.getByRole('status').textContent()).toContain('is confirmed');
    await review(page, 'confirm-email');

    await follow(page, 'Sign in');
    await signIn(page, email, PASSWORD);
    expect(path(page)).toBe('/account');
    expect(await page.getByText('Signed in as').textContent()).toBe(`Signed in as ${email} (Ada Lovelace).`);
    const here = page.locator('tr[aria-current="true"]');
    expect(await here.count()).toBe(1);
    expect(await here.textContent()).toContain('(this device)');
    await review(page, 'account');

    await press(page, 'Sign out');
    expect(path(page)).toBe('/signin');
    expect(await heading(page)).toBe('Sign in');
    await page.goto(`${gatehouse().url}/account`);
    expect(path(page)).toBe('/signin?return=%2Faccount');
    expect(problems).toEqual([]);
  });

  it('forgot password, reset from the mail, sign in with the new password; a browser signed in before is signed out', async () => {
    const email = 'grace.hopper@example.com';
    const { context, problems } = await watchedContext();
    await registerConfirmed(context, email);

    // Another browser, signed in with the old password before the reset.
    const other = await watchedContext();
    const otherPage = await other.context.newPage();
    await otherPage.goto(`${gatehouse().url}/signin?return=%2Faccount`);
    await signIn(otherPage, email, PASSWORD);
    expect(path(otherPage)).toBe('/account');

    const page = await context.newPage();
    await page.goto(`${gatehouse().url}/signin`);
    await follow(page, 'Forgot your password?');
    expect(path(page)).toBe('/forgot-password');
    await review(page, 'forgot-password');
    await page.getByLabel('E-mail').fill(email);
    await press(page, 'Send the link');
    expect(await page.getByRole('status').textContent()).toContain('If an account exists for that address');

    await page.goto(await mailLink(email, '/reset-password'));
    expect(await heading(page)).toBe('Choose a new password');
    await review(page, 'reset-password');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await press(page, 'Set the new password');
    expect(await page.getByRole('status').textContent()).toContain('Your password was changed');

    await signIn(page, email, NEW_PASSWORD);
    expect(path(page)).toBe('/account');
    expect(await page.getByText('Signed in as').textContent()).toContain(email);

    await otherPage.goto(`${gatehouse().url}/account`);
    expect(path(otherPage)).toBe('/signin?return=%2Faccount');
    // And the old password no longer opens it.
    await signIn(otherPage, email, PASSWORD);
    expect(path(otherPage)).toBe('/signin');
    expect(await heading(otherPage)).toBe('Sign in');

    await page.goto(`${gatehouse().url}/signout`);
    expect(await page.getByText('You are signed in as').textContent()).toContain(email);
    await review(page, 'signout');
    await press(page, 'Sign out');
    expect(path(page)).toBe('/signin');
    await page.goto(`${gatehouse().url}/account`);
    expect(path(page)).toBe('/signin?return=%2Faccount');
    expect([...problems, ...other.problems]).toEqual([]);
  });

  it('shows a wrong password on the password field, tied to it, and keeps the keyboard there', async () => {
    const email = 'alan.turing@example.com';
    const { context, problems } = await watchedContext();
    await registerConfirmed(context, email);
    const page = await context.newPage();
    await page.goto(`${gatehouse().url}/signin`);
    await signIn(page, email, 'not the password at all');

    expect(await heading(page)).toBe('Sign in');
    const password = page.getByLabel('Password');
    const described = await password.getAttribute('aria-describedby');
    expect(described).toBe('field-password-error');
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    const error = page.locator(`[id="${described}"]`);
    expect(await error.count()).toBe(1);
    expect(await error.textContent()).toMatch(/\S/);
    expect(await page.evaluate('document.activeElement?.id')).toBe('field-password');
    // The address typed stays; the password does not.
    expect(await page.getByLabel('E-mail or username').inputValue()).toBe(email);
    expect(await password.inputValue()).toBe('');
    await review(page, 'signin-error');
    expect(problems).toEqual([]);
  });
});

/** Registers `email` through the sign-up page and opens the confirmation link, in `context`. */
async function registerConfirmed(context: BrowserContext, email: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${gatehouse().url}/signup`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await press(page, 'Create account');
  await page.goto(await mailLink(email, '/confirm-email'));
  expect(await heading(page)).toBe('Address confirmed');
  await page.close();
}
