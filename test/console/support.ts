// Scenario steps for the console's tests: an admin of the console's ecosystem who enrolled an
// authenticator app and signed in with it (a browser holding that session), and reading a page.
import { expect } from 'vitest';
import { createUser, type TestUser } from '../support/accounts';
import { newBrowser, type Browser } from '../support/browser';
import type { Client } from '../support/driver';
import { enrolAuthenticator, signInWithCode, totpNow } from '../support/second-factors';

export interface ConsoleAdmin extends TestUser {
  /** A browser signed in with password and code: it may use the console. */
  browser: Browser;
  key: Uint8Array;
}

/** A user with role admin (in DEFAULT_ECOSYSTEM unless given), an authenticator app on, signed in with it. */
export async function consoleAdmin(client: Client, fields: Record<string, unknown> = {}): Promise<ConsoleAdmin> {
  const user = await createUser(client, { role: 'admin', ...fields });
  const { key } = await enrolAuthenticator(client, user.email, user.password);
  const browser = newBrowser(client);
  const signedIn = await signInWithCode(browser, user.email, user.password, totpNow(client, key), '/console');
  expect(signedIn.status).toBe(303);
  expect(signedIn.headers.get('location')).toBe('/console');
  return { ...user, browser, key };
}

/** The CSRF field of a console page (the page sets the cookie). */
export async function csrfOf(browser: Browser, path = '/console'): Promise<string> {
  return browser.csrfOf(path);
}

/** Posts a console form with the CSRF field of `from`. */
export async function act(browser: Browser, path: string, fields: Record<string, string> = {}, from = '/console'): Promise<Response> {
  return browser.submit(path, { csrf: await csrfOf(browser, from), ...fields });
}
