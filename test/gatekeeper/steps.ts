// Scenario steps for the Gatekeeper face: register through /api/v2/users, log in through
// /api/v2/sessions, and read its error body.
import { expect } from 'vitest';
import { json, strongPassword, uniqueEmail, type Client } from '../support/driver';

export type UserType = 'developer' | 'customer' | 'admin';

export interface GatekeeperAccount {
  uuid: string;
  username: string;
  email: string;
  password: string;
}

export interface GatekeeperSession extends GatekeeperAccount {
  token: string;
  refreshToken: string;
  sessionState: string;
}

export function uniqueUsername(label = 'user'): string {
  return `${label}_${crypto.randomUUID().slice(0, 8)}`;
}

export function registration(userType: UserType = 'developer', extra: Record<string, unknown> = {}) {
  return { username: uniqueUsername(userType), password: strongPassword(), email: uniqueEmail(userType), user_type: userType, ...extra };
}

/** Registers a user; an admin is registered with the account token unless a token is given. */
export async function register(
  client: Client,
  userType: UserType = 'developer',
  options: { extra?: Record<string, unknown>; token?: string } = {},
): Promise<GatekeeperAccount> {
  const body = registration(userType, options.extra);
  const token = options.token ?? (userType === 'admin' ? client.accountToken : undefined);
  const response = await client.post('/api/v2/users', { body, token });
  expect(response.status, await response.clone().text()).toBe(201);
  const user = await json(response);
  return { uuid: user.uuid, username: body.username, email: body.email, password: body.password };
}

export function logInRequest(client: Client, username: string, password: string): Promise<Response> {
  return client.post('/api/v2/sessions', { body: { username, password } });
}

export async function logIn(client: Client, account: GatekeeperAccount): Promise<GatekeeperSession> {
  const response = await logInRequest(client, account.username, account.password);
  expect(response.status, await response.clone().text()).toBe(200);
  const body = await json(response);
  return { ...account, token: body.token.access_token, refreshToken: body.token.refresh_token, sessionState: body.token.session_state };
}

export async function registerAndLogIn(client: Client, userType: UserType = 'developer', extra?: Record<string, unknown>) {
  return logIn(client, await register(client, userType, { extra }));
}

/** Asserts the Gatekeeper error body and returns its message. */
export async function expectError(response: Response, status: number, message?: string | RegExp): Promise<string> {
  expect(response.status).toBe(status);
  const body = await json(response);
  expect(body).toEqual({ error: { code: status, message: expect.any(String) } });
  if (typeof message === 'string') expect(body.error.message).toBe(message);
  else if (message) expect(body.error.message).toMatch(message);
  return body.error.message;
}

/** The rel → URL map of an RFC 8288 Link header. */
export function parseLinks(header: string | null): Record<string, URL> {
  const links: Record<string, URL> = {};
  for (const part of (header ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="([a-z]+)"/.exec(part.trim());
    if (match) links[match[2]!] = new URL(match[1]!);
  }
  return links;
}
