#!/usr/bin/env node
// `npm run bench:profile`: where a request's CPU goes. Runs the Worker as `npm run bench` does
// (built like `wrangler deploy`, in workerd through miniflare), attaches V8's sampling profiler
// through workerd's inspector, sends each scenario's requests under load, and prints the self
// time of each part of the bundle (our layers, each library) and the busiest functions.
// `(program)` is time outside JavaScript: workerd's own C++ (HTTP, the D1 and KV glue, WebCrypto).
// Loopback only, bounded loops, a watchdog. Findings: bench/README.md, "Where the time goes".
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations, buildWorker, startWorker } from './lib/harness.mjs';
import { keepAliveAgent, runLoad } from './lib/load.mjs';
import { benchSecrets, ISSUER } from './lib/tokens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WATCHDOG_SECONDS = 300;
const REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 4000);
const WARMUP = 400;
const CONCURRENCY = 8;
/** Sampling interval, microseconds (V8's default is 1,000; a request takes a few hundred). */
const SAMPLING_US = 50;
const TOP = Number(process.env.PROFILE_TOP ?? 12);

const watchdog = setTimeout(() => {
  console.error(`bench:profile: still running after ${WATCHDOG_SECONDS} s; giving up`);
  process.exit(1);
}, WATCHDOG_SECONDS * 1000);
watchdog.unref();

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A minimal Chrome DevTools Protocol client over workerd's inspector WebSocket. */
async function inspector(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => t.webSocketDebuggerUrl) ?? targets[0];
  const socket = new WebSocket(target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${target.id}`);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data));
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(JSON.stringify(message.error)));
    else waiter.resolve(message.result);
  });
  return {
    send(method, params = {}) {
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    close: () => socket.close(),
  };
}

/**
 * The bundle's parts by line: esbuild marks where each module starts with a `// path` comment.
 * Each part is named by its layer (`src/core`, `src/faces/oauth`) or its package (`hono`, `zod`).
 */
function bundleParts(scriptPath) {
  const marks = [];
  readFileSync(scriptPath, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const match = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(line);
      if (match) marks.push({ line: index, part: partOf(match[1]) });
    });
  return (line) => {
    let low = 0;
    let high = marks.length - 1;
    let found = '(bundle prelude)';
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (marks[mid].line <= line) {
        found = marks[mid].part;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  };
}

function partOf(path) {
  if (path.startsWith('src/')) {
    const parts = path.split('/');
    return parts.length > 3 ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/').replace(/\.ts$/, '');
  }
  const pkg = path
    .replace(/^node_modules\//, '')
    .split('/node_modules/')
    .pop()
    .split('/');
  return pkg[0].startsWith('@') ? `${pkg[0]}/${pkg[1]}` : pkg[0];
}

/** The Worker's own script (workerd's JS modules, such as the D1 binding's, have their own URLs). */
const isBundle = (url) => /(^|\/)index\.js$/.test(url) || url.includes('worker');

/** Self time of the profile by part of the bundle and by function, in ms per request. */
function summarise(profile, partAt, requests) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const parts = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') continue;
    total += us;
    // V8's own entries: (program), (garbage collector), (root).
    const special = callFrame.functionName.startsWith('(');
    const name = callFrame.functionName || '(anonymous)';
    const part = special
      ? name
      : !callFrame.url
        ? '(workerd built-ins)'
        : isBundle(callFrame.url)
          ? partAt(callFrame.lineNumber)
          : `(${callFrame.url.split('/').pop()})`;
    parts.set(part, (parts.get(part) ?? 0) + us);
    const key = `${part}  ${name}${callFrame.url && !special ? `:${callFrame.lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const perRequest = (us) => us / 1000 / requests;
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: perRequest(us), share: us / total }));
  return { msPerRequest: perRequest(total), parts: sorted(parts), functions: sorted(functions) };
}

async function fetchJson(url, init, what) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function main() {
  const outdir = join(root, 'bench', '.results', 'profile-build');
  rmSync(outdir, { recursive: true, force: true });
  console.log('bench:profile: building the Worker (wrangler deploy --dry-run)');
  const scriptPath = buildWorker(root, outdir);
  const partAt = bundleParts(scriptPath);
  const secrets = await benchSecrets();
  const port = await freePort();
  const worker = await startWorker(
    scriptPath,
    { ACCOUNT_TOKEN: secrets.ACCOUNT_TOKEN, SIGNING_KEYS: secrets.SIGNING_KEYS, ISSUER, PASSWORD_HASH: 'scrypt:ln=1,r=1,p=1' },
    {
      d1Databases: { DB: 'profile-db' },
      kvNamespaces: { TOKENS: 'profile-tokens' },
      ratelimits: { AUTH_RATE_LIMITER: { namespace_id: '1001', simple: { limit: 1_000_000, period: 60 } } },
      inspectorPort: port,
    },
  );
  try {
    await applyMigrations(worker.mf, root);
    const admin = { authorization: `Bearer ${secrets.ACCOUNT_TOKEN}`, 'content-type': 'application/json' };
    const user = { email: `profile.${randomUUID()}@example.com`, password: 'correct horse battery staple' };
    await fetchJson(`${worker.url}/admin/v1/users`, { method: 'POST', headers: admin, body: JSON.stringify(user) }, 'create user');
    const form = new URLSearchParams({ grant_type: 'password', username: user.email, password: user.password }).toString();
    const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
    const tokens = await fetchJson(`${worker.url}/oauth/token`, { method: 'POST', headers: formHeaders, body: form }, 'sign in');
    const login = await fetchJson(
      `${worker.url}/v1/users/login`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) },
      'login',
    );
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    const scenarios = [
      { name: 'edge check GET /auth/verify (warm)', path: '/auth/verify', headers: bearer },
      { name: 'GET /.well-known/jwks.json', path: '/.well-known/jwks.json', headers: {} },
      { name: 'who-am-I GET /v1/users/status', path: '/v1/users/status', headers: bearer },
      {
        name: 'mint POST /v1/users/accessToken',
        path: '/v1/users/accessToken',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: login.refreshToken }),
      },
      { name: 'sign-in POST /oauth/token (scrypt ln=1)', path: '/oauth/token', method: 'POST', headers: formHeaders, body: form },
    ];
    const only = process.env.PROFILE_SCENARIOS?.split(',');
    const client = await inspector(port);
    await client.send('Profiler.enable');
    await client.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
    const agent = keepAliveAgent(CONCURRENCY);
    for (const scenario of scenarios) {
      if (only && !only.some((word) => scenario.name.includes(word))) continue;
      const load = (count) =>
        runLoad({
          url: `${worker.url}${scenario.path}`,
          count,
          concurrency: CONCURRENCY,
          agent,
          method: scenario.method,
          body: scenario.body,
          headersFor: () => scenario.headers,
        });
      await load(WARMUP);
      await client.send('Profiler.start');
      const run = await load(REQUESTS);
      const { profile } = await client.send('Profiler.stop');
      const bad = Object.keys(run.statuses).filter((status) => status !== '200');
      if (bad.length > 0) throw new Error(`${scenario.name}: statuses ${JSON.stringify(run.statuses)}`);
      const summary = summarise(profile, partAt, run.count);
      console.log(`\n${scenario.name}: ${summary.msPerRequest.toFixed(3)} ms of sampled CPU per request (${run.count} requests)`);
      console.log('  by part                                   ms/req   share');
      for (const part of summary.parts.slice(0, TOP))
        console.log(`  ${part.name.padEnd(40)} ${part.ms.toFixed(3).padStart(7)}  ${(part.share * 100).toFixed(1).padStart(5)}%`);
      console.log('  busiest functions');
      for (const fn of summary.functions.slice(0, TOP))
        console.log(`  ${fn.name.slice(0, 60).padEnd(60)} ${fn.ms.toFixed(3).padStart(7)}  ${(fn.share * 100).toFixed(1).padStart(5)}%`);
    }
    agent.destroy();
    client.close();
  } finally {
    await worker.mf.dispose();
  }
}

main()
  .then(() => clearTimeout(watchdog))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
