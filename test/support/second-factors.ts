// Scenario steps for second factors: enrolling an authenticator app through the account page, as a
// person would (the test acts as the app: it reads the base32 secret the page shows and computes
// codes at the client's clock), and the codes of a step.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { expect } from 'vitest';
import { newBrowser, ORIGIN, type Browser } from './browser';
import { softwarePasskey, type SoftwarePasskey } from './passkey-authenticator';
import type { Client } from './driver';

export interface Enrolled {
  key: Uint8Array;
  recoveryCodes: string[];
  browser: Browser;
}

/** The 6-digit code of the client's current 30-second step, or of one `offset` steps away. */
export function totpNow(client: Client, key: Uint8Array, offset = 0): string {
  return generateHOTP(key, BigInt(Math.floor(client.clock.now() / 30_000) + offset), 6);
}

/** The challenge of a code page. */
export function challengeOf(page: string): string {
  const challenge = /name="challenge" value="([^"]+)"/.exec(page)?.[1];
  expect(challenge, 'no challenge on the code page').toBeDefined();
  return challenge!;
}

/**
 * Signs in through the pages with a password and then a code; the code page's answer. The browser
 * holds a session only when that answer is a 303.
 */
export async function signInWithCode(browser: Browser, login: string, password: string, code: string, returnTo = '/account') {
  const codePage = await browser.signIn(login, password, returnTo);
  const page = await codePage.text();
  expect(codePage.status, page).toBe(200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  return browser.submit('/signin/code', { csrf, challenge: challengeOf(page), code, return: returnTo });
}

/** The recovery codes a page lists, one `<li>` each. */
export function listedCodes(page: string): string[] {
  return [...page.matchAll(/<li><code>([a-z2-7-]+)<\/code><\/li>/g)].map((m) => m[1]!);
}

/**
 * Signs in through the pages, sets up an authenticator app from the account page and turns it on
 * with a first code; then moves the clock one step on, so the next code is a fresh one.
 */
export async function enrolAuthenticator(client: Client, login: string, password: string, signedIn?: Browser): Promise<Enrolled> {
  const browser = signedIn ?? newBrowser(client);
  if (!signedIn) expect((await browser.signIn(login, password)).status).toBe(303);
  const csrf = await browser.csrfOf('/account');
  const setup = await browser.submit('/account/mfa/totp', { csrf });
  const page = await setup.text();
  expect(setup.status, page).toBe(200);
  const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page)?.[1];
  expect(secret).toBeDefined();
  const key = decodeBase32IgnorePadding(secret!);
  const confirmed = await browser.submit('/account/mfa/totp/confirm', { csrf, code: totpNow(client, key) });
  const codesPage = await confirmed.text();
  expect(confirmed.status, codesPage).toBe(200);
  const recoveryCodes = listedCodes(codesPage);
  expect(recoveryCodes).toHaveLength(10);
  client.clock.advance(30);
  return { key, recoveryCodes, browser };
}

/**
 * Signs in through the pages with a password and adds a passkey (a software authenticator for the
 * pages' origin) from the account page, as a person would.
 */
export async function addPasskeyFromAccount(client: Client, login: string, password: string, name = 'Laptop'): Promise<SoftwarePasskey> {
  const browser = newBrowser(client);
  expect((await browser.signIn(login, password)).status).toBe(303);
  const passkey = await softwarePasskey(ORIGIN);
  const csrf = await browser.csrfOf('/account');
  const ceremony = await browser.submit('/account/passkeys/options', { csrf });
  expect(ceremony.status, await ceremony.clone().text()).toBe(200);
  const { challengeId, options } = (await ceremony.json()) as { challengeId: string; options: Parameters<SoftwarePasskey['register']>[0] };
  const added = await browser.submit('/account/passkeys', {
    csrf,
    challenge: challengeId,
    response: await passkey.register(options),
    name,
  });
  expect(added.status, await added.clone().text()).toBe(303);
  return passkey;
}

/** A passkey sign-in on the sign-in page, up to the signed answer: the fields its form posts to /signin/passkey. */
export async function passkeySignInFields(browser: Browser, passkey: SoftwarePasskey): Promise<Record<string, string>> {
  const csrf = await browser.csrfOf('/signin');
  const ceremony = await browser.submit('/signin/passkey/options', { csrf });
  expect(ceremony.status, await ceremony.clone().text()).toBe(200);
  const { challengeId, options } = (await ceremony.json()) as { challengeId: string; options: Parameters<SoftwarePasskey['signIn']>[0] };
  return { csrf, challenge: challengeId, response: await passkey.signIn(options), return: '/account' };
}
