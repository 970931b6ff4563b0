// Client steps for the User Service face: register, activate, log in, read mailed codes.
import { expect } from 'vitest';
import { json, strongPassword, uniqueEmail, type Client } from '../support/driver';

export interface ServiceUser {
  id: string;
  email: string;
  password: string;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

export async function register(client: Client, fields: Record<string, unknown> = {}): Promise<ServiceUser> {
  const email = (fields.email as string) ?? uniqueEmail('us');
  const password = (fields.password as string) ?? strongPassword();
  const response = await client.post('/v1/users/register', { body: { email, password, ...fields } });
  expect(response.status, await response.clone().text()).toBe(200);
  const body = await json(response);
  return { id: body.user.id, email, password };
}

export function login(client: Client, email: string, password: string): Promise<Response> {
  return client.post('/v1/users/login', { body: { email, password } });
}

export async function logIn(client: Client, user: { email: string; password: string }): Promise<Session> {
  const response = await login(client, user.email, user.password);
  expect(response.status, await response.clone().text()).toBe(200);
  return json<Session>(response);
}

export async function signUpAndLogIn(client: Client, fields: Record<string, unknown> = {}) {
  const user = await register(client, fields);
  return { user, session: await logIn(client, user) };
}

/** The newest mail sent to `to`, read through the operator's outbox route. */
export async function lastMail(client: Client, to: string): Promise<{ subject: string; text: string }> {
  const response = await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(to)}`);
  expect(response.status).toBe(200);
  const { items } = await json(response);
  expect(items.length).toBeGreaterThan(0);
  return items[0];
}

/** The link and the `code=` it carries, from the newest mail to `to`. */
export async function mailedCode(client: Client, to: string): Promise<{ link: string; code: string }> {
  const response = await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(to)}`);
  // The newest mail with a code: a lock notice (no link) may have been queued in the same millisecond.
  const mail = (await json(response)).items.find((item: { text: string }) => item.text.includes('code='));
  const link = mail && /https?:\/\/\S+/.exec(mail.text)?.[0];
  expect(link).toBeDefined();
  const code = new URL(link!).searchParams.get('code');
  expect(code).toBeTruthy();
  return { link: link!, code: code! };
}
