// Scenario steps shared by tests: operator-made users, OAuth logins, and what a token says and
// whether the edge takes it.
import { decodeJwt } from 'jose';
import { expect } from 'vitest';
import { json, strongPassword, uniqueEmail, type Client } from './driver';

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/** Creates a user through the operator route (default ecosystem unless given). */
export async function createUser(client: Client, fields: Record<string, unknown> = {}): Promise<TestUser> {
  const email = (fields.email as string) ?? uniqueEmail();
  const password = (fields.password as string) ?? strongPassword();
  const response = await client.admin('POST', '/admin/v1/users', { body: { email, password, ...fields } });
  expect(response.status, await response.clone().text()).toBe(201);
  const body = await json(response);
  return { id: body.id, email, password };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
}

export function passwordGrant(client: Client, username: string, password: string): Promise<Response> {
  return client.post('/oauth/token', { form: { grant_type: 'password', username, password } });
}

export function refreshGrant(client: Client, refreshToken: string): Promise<Response> {
  return client.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: refreshToken } });
}

/** Logs in through the OAuth password grant and returns the tokens. */
export async function logIn(client: Client, user: { email: string; password: string }): Promise<Tokens> {
  const response = await passwordGrant(client, user.email, user.password);
  expect(response.status, await response.clone().text()).toBe(200);
  return json<Tokens>(response);
}

/** GET /auth/verify with a bearer token, as a reverse proxy would: the status tells whether the edge accepts it. */
export async function verifyStatus(client: Client, token: string): Promise<number> {
  const response = await client.get('/auth/verify?ecosystem=*', { token });
  await response.arrayBuffer();
  return response.status;
}

/** A token's payload, decoded without verification (to look at claims). */
export function claimsOf(token: string): Record<string, unknown> {
  return decodeJwt(token);
}
