import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createUser, logIn, passwordGrant } from '../support/accounts';
import type { Env } from '../../src/config';
import { json, newClient, uniqueEmail } from '../support/driver';

async function storedHash(userId: string): Promise<string> {
  const row = await env.DB.prepare('select password_hash from users where id = ?').bind(userId).first<{ password_hash: string }>();
  return row!.password_hash;
}

describe('password hashing', () => {
  it('stores a self-describing hash and verifies the password it was made from', async () => {
    const client = newClient();
    const user = await createUser(client);
    expect(await storedHash(user.id)).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    await logIn(client, user);
    expect((await passwordGrant(client, user.email, `${user.password}x`)).status).toBe(400);
  });

  it('hashes at the OWASP minimum (scrypt N=2^14, r=8, p=5) by default', async () => {
    const withoutHashVar = (testEnv: Env): Env => {
      const { PASSWORD_HASH: _cheapForTests, ...rest } = testEnv;
      return rest as Env;
    };
    const client = newClient({ wrapEnv: withoutHashVar });
    const user = await createUser(client);
    expect(await storedHash(user.id)).toMatch(/^\$scrypt\$ln=14,r=8,p=5\$/);
  });

  it('rehashes on the next successful login when the configured parameters change', async () => {
    const before = newClient();
    const user = await createUser(before);
    const after = newClient({ vars: { PASSWORD_HASH: 'argon2id:m=1024,t=1,p=1' } });
    await logIn(after, user);
    expect(await storedHash(user.id)).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    await logIn(after, user);
    await logIn(before, user);
    expect(await storedHash(user.id)).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
  });

  it('does not rehash after a failed login', async () => {
    const user = await createUser(newClient());
    const after = newClient({ vars: { PASSWORD_HASH: 'scrypt:ln=11,r=8,p=1' } });
    expect((await passwordGrant(after, user.email, 'not the password at all')).status).toBe(400);
    expect(await storedHash(user.id)).toMatch(/^\$scrypt\$ln=10,/);
  });

  it('refuses a hash configuration that needs more than 32 MiB, naming the variable', async () => {
    const client = newClient({ vars: { PASSWORD_HASH: 'scrypt:ln=17,r=8,p=1' } });
    const response = await client.get('/.well-known/jwks.json');
    expect(response.status).toBe(500);
    expect((await json(response)).error.message).toContain('PASSWORD_HASH');
  });
});

describe('the password policy', () => {
  const attempt = (password: unknown) => newClient().admin('POST', '/admin/v1/users', { body: { email: uniqueEmail(), password } });

  it('refuses a password shorter than 8 characters', async () => {
    const response = await attempt('short7c');
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('PASSWORD_TOO_SHORT');
  });

  it('counts characters, not bytes', async () => {
    expect((await attempt('ééééééé')).status).toBe(400);
    expect((await attempt('éééééééé')).status).toBe(201);
  });

  it.each(['password', '12345678', 'iloveyou', 'baseball', 'Sunshine', 'qwertyuiop'])(
    'refuses the common password %s',
    async (password) => {
      const response = await attempt(password);
      expect(response.status).toBe(400);
      expect((await json(response)).error.code).toBe('PASSWORD_TOO_COMMON');
    },
  );

  it('accepts a 256-character password and refuses one over the maximum', async () => {
    expect((await attempt('a'.repeat(200) + 'b'.repeat(56))).status).toBe(201);
    const tooLong = await attempt('c'.repeat(1025));
    expect(tooLong.status).toBe(400);
    expect((await json(tooLong)).error.code).toBe('PASSWORD_TOO_LONG');
  });

  it('has no composition rules: a long lower-case phrase is fine', async () => {
    expect((await attempt('purple elephants dance quietly')).status).toBe(201);
  });

  it('compares passwords exactly: no trimming and no truncation', async () => {
    const client = newClient();
    const long = 'x'.repeat(100);
    const user = await createUser(client, { password: `${long}-one` });
    expect((await passwordGrant(client, user.email, `${long}-two`)).status).toBe(400);
    expect((await passwordGrant(client, user.email, ` ${long}-one`)).status).toBe(400);
    expect((await passwordGrant(client, user.email, `${long}-one`)).status).toBe(200);
  });
});
