// A second Worker for the forward-auth website tests: the run's build, its own in-memory D1 and KV,
// and PUBLIC_URL set to the proxy's address. A deployment puts one public host in front of both the
// website and Gatehouse's hosted pages (README "Websites through forward-auth"): `__Host-` cookies
// belong to that host, /auth/verify?login=1 sends the browser to `<PUBLIC_URL>/signin`, and the
// pages accept a form posted from PUBLIC_URL. The shared Worker's PUBLIC_URL is its own address
// (the other tests' mail links and forms), so a proxy in front of it needs a Worker of its own.
import { join } from 'node:path';
import { applyMigrations, startWorker } from '../../../bench/lib/harness.mjs';
import { generateSigningKey } from '../../../scripts/signing-keys.mjs';
import { RATE_LIMIT, workerBindings } from './config.ts';
import { gatehouse } from './context.ts';
import { freePort } from './ports.ts';
import type { TestUser } from './users.ts';
import { PASSWORD, uniqueEmail } from './users.ts';

const HOST = '127.0.0.1';
const root = join(import.meta.dirname, '..', '..', '..');

export interface SiteWorker {
  /** The Worker's own address, `http://127.0.0.1:<port>` (the proxy's upstream; also ISSUER). */
  url: string;
  /** An operator-created, confirmed user of this Worker. */
  createUser(): Promise<TestUser>;
  /** A call to this Worker's operator API (`/admin/v1...`); throws on a non-2xx answer. */
  admin(path: string, init: { method: string; body?: unknown }): Promise<unknown>;
  stop(): Promise<void>;
}

/** A free port for the Worker, so that the proxy in front of it can be started first (its address is PUBLIC_URL). */
export async function reserveSiteWorkerUrl(): Promise<string> {
  return `http://${HOST}:${await freePort(HOST)}`;
}

/** A Worker of the run's build on `url`, its own in-memory D1 and KV (named `name`), with these vars over the shared Worker's. */
export async function startOwnWorker(
  url: string,
  vars: Record<string, string>,
  name: string,
): Promise<{ accountToken: string; stop: () => Promise<void> }> {
  const { build, originUrl } = gatehouse();
  const accountToken = `acct_${crypto.randomUUID().replaceAll('-', '')}`;
  const secrets = {
    ACCOUNT_TOKEN: accountToken,
    SIGNING_KEYS: JSON.stringify({ keys: [generateSigningKey('ES256', `browser-${name}-es256-1`)] }),
    MFA_ENCRYPTION_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'),
  };
  const worker = await startWorker(
    join(build, 'index.js'),
    { ...workerBindings(url, originUrl, secrets), ...vars },
    {
      unsafeDirectSockets: [{ host: HOST, port: Number(new URL(url).port) }],
      modulesRoot: build,
      d1Databases: { DB: `browser-${name}-db` },
      kvNamespaces: { TOKENS: `browser-${name}-tokens` },
      ratelimits: { AUTH_RATE_LIMITER: { namespace_id: name === 'site' ? '1002' : '1003', simple: { ...RATE_LIMIT } } },
    },
  );
  try {
    if (worker.url !== url) throw new Error(`the ${name} Worker listens on ${worker.url}, expected ${url}`);
    await applyMigrations(worker.mf, root);
  } catch (error) {
    await worker.mf.dispose();
    throw error;
  }
  return { accountToken, stop: () => worker.mf.dispose() };
}

/** Starts the run's build on `url` (from reserveSiteWorkerUrl) with PUBLIC_URL = `publicUrl`. */
export async function startSiteWorker(url: string, publicUrl: string): Promise<SiteWorker> {
  const { accountToken, stop } = await startOwnWorker(url, { PUBLIC_URL: publicUrl }, 'site');
  return {
    url,
    async createUser() {
      const email = uniqueEmail('site');
      const response = await fetch(`${url}/admin/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accountToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      const body = (await response.json()) as { id?: string };
      if (!response.ok || !body.id) throw new Error(`POST /admin/v1/users on the site Worker: ${response.status} ${JSON.stringify(body)}`);
      return { id: body.id, email, password: PASSWORD };
    },
    async admin(path, init) {
      const response = await fetch(`${url}/admin/v1${path}`, {
        method: init.method,
        headers: { authorization: `Bearer ${accountToken}`, 'content-type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${init.method} /admin/v1${path} on the site Worker: ${response.status} ${text}`);
      return text === '' ? undefined : JSON.parse(text);
    },
    stop,
  };
}
