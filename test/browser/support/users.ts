// Users for browser tests, made through HTTP: unique addresses (tests share one Worker), an
// operator-created account, and an access token from a password login.
import { admin, gatehouse } from './context.ts';

export const PASSWORD = 'correct horse battery staple';

/** A unique address at example.com, e.g. uniqueEmail('signup') → signup-1a2b3c4d@example.com. */
export function uniqueEmail(label = 'user'): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/** An account created by the operator (POST /admin/v1/users), confirmed, role `user` unless given. */
export async function createUser(options: { email?: string; password?: string; role?: string } = {}): Promise<TestUser> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? PASSWORD;
  const user = await admin<{ id: string }>('/users', { body: { email, password, ...(options.role ? { role: options.role } : {}) } });
  return { id: user.id, email, password };
}

/** An access token for the user (User Service password login), as the gateway and /auth/verify take it. */
export async function accessToken(user: Pick<TestUser, 'email' | 'password'>): Promise<string> {
  const response = await fetch(`${gatehouse().url}/v1/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (!response.ok || !body.accessToken) throw new Error(`login of ${user.email}: ${response.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}
