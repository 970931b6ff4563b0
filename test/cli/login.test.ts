// `gatehouse login`: the device authorization grant from the command line. The command prints the
// /device page and the code (on stderr), a person signs in on the hosted pages and approves, and
// the command stores the token in the config file (mode 600) without printing it. Real HTTP to the
// Worker in workerd; the person is a cookie jar speaking to the hosted pages.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/src/main';
import type { Io } from '../../cli/src/io';
import { gatehouse, root, startService, type Service } from './support/cli';

let service: Service;
let clientId: string;

beforeAll(async () => {
  service = await startService();
  const response = await service.call('POST', '/admin/v1/clients', {
    name: 'Gatehouse CLI',
    public: true,
    redirectUris: [],
    allowDeviceGrant: true,
  });
  expect(response.status).toBe(201);
  clientId = ((await response.json()) as { clientId: string }).clientId;
});

afterAll(async () => {
  await service?.stop();
});

/** A person's browser against the service: cookies kept by name, forms posted from the service's origin. */
function personAt(base: string) {
  const cookies = new Map<string, string>();
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  };
  const cookie = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const get = async (path: string) => remember(await fetch(base + path, { headers: { cookie: cookie() }, redirect: 'manual' }));
  const csrfOf = async (path: string) => /name="csrf" value="([^"]+)"/.exec(await (await get(path)).text())![1]!;
  const submit = async (path: string, fields: Record<string, string>) =>
    remember(
      await fetch(base + path, {
        method: 'POST',
        headers: { cookie: cookie(), origin: base, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      }),
    );
  return { get, csrfOf, submit };
}

/** Runs `gatehouse login` in-process; `onCode` gets the user code the moment it is printed. */
function login(home: string, onCode: (code: string) => void, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  let seen = false;
  const io: Io = {
    env: { GATEHOUSE_URL: service.url, GATEHOUSE_CLIENT_ID: clientId, ...env },
    cwd: root,
    home,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: {
      write: (text: string) => {
        stderr += text;
        const code = /enter the code ([A-Z]{4}-[A-Z]{4})/.exec(stderr)?.[1];
        if (code && !seen) {
          seen = true;
          onCode(code);
        }
      },
    },
    fetch: globalThis.fetch,
  };
  return main(['login'], io).then((code) => ({ code, stdout, stderr }));
}

describe('gatehouse login', () => {
  it('prints the page and the code, and once approved on /device stores the token (mode 600) without printing it', async () => {
    const email = `cli.${crypto.randomUUID().slice(0, 8)}@example.com`;
    const password = `correct horse ${crypto.randomUUID().slice(0, 8)}`;
    expect((await service.call('POST', '/admin/v1/users', { email, password })).status).toBe(201);
    const home = mkdtempSync(join(tmpdir(), 'gatehouse-cli-login-'));
    const person = personAt(service.url);
    let approval: Promise<Response> | undefined;
    const run = await login(home, (code) => {
      approval = (async () => {
        const csrf = await person.csrfOf('/signin?return=/device');
        expect((await person.submit('/signin', { csrf, login: email, password, return: '/device' })).status).toBe(303);
        const fresh = await person.csrfOf(`/device?user_code=${code}`);
        return person.submit('/device/decide', { csrf: fresh, user_code: code, decision: 'approve' });
      })();
    });
    expect((await approval!).status).toBe(200);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('https://gatehouse.test/device');
    expect(run.stdout).toContain(`Signed in as ${email}.`);
    const path = join(home, '.config', 'gatehouse', 'config.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(path, 'utf8'));
    expect(stored).toMatchObject({
      url: service.url,
      user: { clientId, accessToken: expect.any(String), refreshToken: expect.any(String) },
    });
    expect(run.stdout + run.stderr).not.toContain(stored.user.accessToken);
    expect(run.stdout + run.stderr).not.toContain(stored.user.refreshToken);
    // The stored token is the person's.
    const userinfo = await fetch(`${service.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${stored.user.accessToken}` } });
    expect(((await userinfo.json()) as { email: string }).email).toBe(email);
  }, 60_000);

  it('exits 1 when the person denies, storing nothing; exits 2 without a client', async () => {
    const email = `cli.${crypto.randomUUID().slice(0, 8)}@example.com`;
    const password = `correct horse ${crypto.randomUUID().slice(0, 8)}`;
    expect((await service.call('POST', '/admin/v1/users', { email, password })).status).toBe(201);
    const home = mkdtempSync(join(tmpdir(), 'gatehouse-cli-login-'));
    const person = personAt(service.url);
    const run = await login(home, (code) => {
      void (async () => {
        const csrf = await person.csrfOf('/signin?return=/device');
        await person.submit('/signin', { csrf, login: email, password, return: '/device' });
        const fresh = await person.csrfOf('/device');
        await person.submit('/device/decide', { csrf: fresh, user_code: code, decision: 'deny' });
      })();
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('denied');
    expect(() => statSync(join(home, '.config', 'gatehouse', 'config.json'))).toThrow();

    const none = await gatehouse(['login', '--url', service.url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--client-id');
  }, 60_000);
});
