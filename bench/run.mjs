#!/usr/bin/env node
// `npm run bench`: the gateway's cost, in one run, against a pass-through route (the same
// forwarding to the same loopback origin, without a token check), plus the CPU of a login's
// password check at the default cost. Loopback only, bounded loops, stops by itself (a watchdog
// ends it after WATCHDOG_SECONDS). Method and results: bench/README.md.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOrigin as startLoopbackOrigin } from './lib/origin-process.mjs';
import { applyMigrations, buildPasswordWorker, buildWorker, startWorker } from './lib/harness.mjs';
import { keepAliveAgent, runLoad } from './lib/load.mjs';
import { cpuSeconds, memory, resetPeakMemory } from './lib/proc.mjs';
import { machine, printReport } from './lib/report.mjs';
import { accessToken, benchSecrets, ISSUER, slidingUserToken } from './lib/tokens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench', '.results');
const WATCHDOG_SECONDS = 420;
const PASSWORD_HASH = 'scrypt:ln=14,r=8,p=5';
/** The hash of the sign-in scenario's Gatehouse: so cheap that a sign-in's other work shows. */
const SIGN_IN_HASH = 'scrypt:ln=1,r=1,p=1';
const SIGN_IN_USERS = 100;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = 5;
const MEASURED_REQUESTS = 800;
const WARMUP_REQUESTS = 200;
const PASSWORD_CHECKS = 10;
const LOGINS = 8;
const SLIDING_TTL_SECONDS = 20;
const SLIDING_BURST_SECONDS = 12;

/** Processes this run started (workerd, the origin), ended by their ids if the run is cut short. */
const children = new Set();

function abort(reason) {
  console.error(`bench: ${reason}`);
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  process.exit(1);
}

const watchdog = setTimeout(() => abort(`still running after ${WATCHDOG_SECONDS} s; giving up`), WATCHDOG_SECONDS * 1000);
watchdog.unref();
process.once('SIGINT', () => abort('interrupted'));

async function startOrigin() {
  const origin = await startLoopbackOrigin();
  children.add(origin.child.pid);
  return origin;
}

async function fetchOk(url, init, what) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

/** The password check alone, in its own workerd process: CPU per check and peak memory added. */
async function measurePasswordCheck(scriptPath, passwordHash = PASSWORD_HASH, checks = PASSWORD_CHECKS) {
  const worker = await startWorker(scriptPath, { PASSWORD_HASH: passwordHash });
  children.add(worker.pid);
  try {
    await fetchOk(`${worker.url}/`, {}, 'password worker start');
    // The baseline is taken before the first hash, so the peak shows the hash's whole working set.
    const baseline = memory(worker.pid).rss;
    const peakReset = resetPeakMemory(worker.pid);
    await fetchOk(`${worker.url}/hash`, {}, 'password worker hash');
    await fetchOk(`${worker.url}/verify`, {}, 'password worker warm-up');
    const cpu = cpuSeconds(worker.pid);
    const started = performance.now();
    for (let i = 0; i < checks; i += 1) await fetchOk(`${worker.url}/verify`, {}, 'password check');
    return {
      checks,
      cpuMsPerCheck: ((cpuSeconds(worker.pid) - cpu) * 1000) / checks,
      wallMsPerCheck: (performance.now() - started) / checks,
      peakAddedMiB: peakReset ? (memory(worker.pid).peak - baseline) / 2 ** 20 : null,
      scryptMemoryMiB: (128 * 2 ** 14 * 8) / 2 ** 20,
    };
  } finally {
    await worker.mf.dispose();
    children.delete(worker.pid);
  }
}

/** Logins through POST /oauth/token at the default cost; null when that route does not answer yet. */
async function measureLogins(worker, user) {
  const form = () => new URLSearchParams({ grant_type: 'password', username: user.email, password: user.password });
  const first = await fetch(`${worker.url}/oauth/token`, { method: 'POST', body: form() });
  if (first.status !== 200) return { available: false, status: first.status };
  const tokens = await first.json();
  const baseline = memory(worker.pid).rss;
  const peakReset = resetPeakMemory(worker.pid);
  const cpu = cpuSeconds(worker.pid);
  const started = performance.now();
  for (let i = 0; i < LOGINS; i += 1) await fetchOk(`${worker.url}/oauth/token`, { method: 'POST', body: form() }, 'login');
  return {
    available: true,
    logins: LOGINS,
    cpuMsPerLogin: ((cpuSeconds(worker.pid) - cpu) * 1000) / LOGINS,
    wallMsPerLogin: (performance.now() - started) / LOGINS,
    peakAddedMiB: peakReset ? (memory(worker.pid).peak - baseline) / 2 ** 20 : null,
    accessToken: tokens.access_token,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sum = (values) => values.reduce((total, value) => total + value, 0);

/** One measured run of a scenario: throughput and workerd CPU per request. */
async function measure(gatehouse, agent, scenario, count) {
  const worker = scenario.worker ?? gatehouse;
  const cpu = cpuSeconds(worker.pid);
  const run = await runLoad({
    url: `${worker.url}${scenario.path}`,
    count,
    concurrency: CONCURRENCY,
    agent,
    headersFor: scenario.headersFor,
    method: scenario.method,
    body: scenario.body,
  });
  const cpuUsed = cpuSeconds(worker.pid) - cpu;
  const unexpected = Object.keys(run.statuses).filter((status) => status !== '200');
  if (unexpected.length > 0) throw new Error(`${scenario.name}: unexpected statuses ${JSON.stringify(run.statuses)}`);
  return { rps: run.count / run.seconds, requests: run.count, cpuSeconds: cpuUsed };
}

/**
 * Every scenario in turn, ROUNDS times, so slow spells of a shared machine hit all of them alike.
 * Throughput: the median over rounds of each round's ratio to that round's pass-through. CPU:
 * workerd's CPU over all measured requests of the scenario, and in its least disturbed round.
 */
async function measureScenarios(worker, scenarios) {
  const agent = keepAliveAgent(CONCURRENCY);
  const samples = Object.fromEntries(scenarios.map((scenario) => [scenario.name, []]));
  for (const scenario of scenarios) await measure(worker, agent, scenario, WARMUP_REQUESTS * 2);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const scenario of scenarios) {
      await measure(worker, agent, scenario, WARMUP_REQUESTS);
      samples[scenario.name].push(await measure(worker, agent, scenario, MEASURED_REQUESTS));
    }
  }
  agent.destroy();
  const pass = samples[scenarios[0].name];
  return scenarios.map(({ name, label }) => {
    const rounds = samples[name];
    return {
      name,
      label,
      rps: median(rounds.map((sample) => sample.rps)),
      ratioToPass: median(rounds.map((sample, i) => sample.rps / pass[i].rps)),
      cpuMsPerRequest: (sum(rounds.map((sample) => sample.cpuSeconds)) * 1000) / sum(rounds.map((sample) => sample.requests)),
      // Other work on the machine only ever adds time: the best round is the least disturbed one.
      bestCpuMsPerRequest: Math.min(...rounds.map((sample) => (sample.cpuSeconds * 1000) / sample.requests)),
      rounds,
    };
  });
}

/** A busy SlidingTtl token for SLIDING_BURST_SECONDS; counts its KV writes by watching its key. */
async function countSlidingWrites(worker, privateKey, user) {
  const sessionId = randomUUID();
  const token = await slidingUserToken(privateKey, user, sessionId, SLIDING_TTL_SECONDS);
  const kv = await worker.mf.getKVNamespace('TOKENS');
  const seen = new Set();
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const value = await kv.get(`slide:${sessionId}`);
      if (value !== null) seen.add(value);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const agent = keepAliveAgent(CONCURRENCY);
  const run = await runLoad({
    url: `${worker.url}/app/sliding`,
    count: 1_000_000,
    seconds: SLIDING_BURST_SECONDS,
    concurrency: CONCURRENCY,
    agent,
    headersFor: () => ({ authorization: `Bearer ${token}` }),
  });
  agent.destroy();
  await new Promise((resolve) => setTimeout(resolve, 300));
  polling = false;
  await poll;
  const tenth = SLIDING_TTL_SECONDS / 10;
  return {
    ttlSeconds: SLIDING_TTL_SECONDS,
    seconds: run.seconds,
    requests: run.count,
    kvWrites: seen.size,
    allowed: Math.floor(run.seconds / tenth) + 1,
    statuses: run.statuses,
  };
}

/**
 * wrangler.toml's [assets], as miniflare takes them (null without the block): the bench measures
 * the Worker as it is configured, the static-asset router included when it stands in front.
 * BENCH_ASSETS=none|worker-first|assets-first overrides it, to compare the arrangements.
 */
function assetsOption() {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8');
  const block = /^\[assets\]\s*\n((?:(?!\[).*\n?)*)/m.exec(toml)?.[1];
  const mode =
    process.env.BENCH_ASSETS ??
    (block === undefined ? 'none' : /^run_worker_first\s*=\s*true/m.test(block) ? 'worker-first' : 'assets-first');
  if (mode === 'none') return { mode, options: {} };
  const routerConfig = { has_user_worker: true, invoke_user_worker_ahead_of_assets: mode === 'worker-first' };
  return { mode, options: { assets: { directory: join(root, 'public'), binding: 'ASSETS', routerConfig } } };
}

/** The Worker with the bench's routes: the same loopback origin, with and without a token check. */
async function startGatehouse(scriptPath, originUrl, secrets, assets, passwordHash = PASSWORD_HASH) {
  const routes = [
    { prefix: '/pass/', origin: originUrl, require: { public: true } },
    { prefix: '/app/', origin: originUrl },
  ];
  const worker = await startWorker(
    scriptPath,
    {
      ACCOUNT_TOKEN: secrets.ACCOUNT_TOKEN,
      SIGNING_KEYS: secrets.SIGNING_KEYS,
      ISSUER,
      PASSWORD_HASH: passwordHash,
      GATEWAY_ROUTES: JSON.stringify(routes),
    },
    {
      d1Databases: { DB: 'bench-db' },
      kvNamespaces: { TOKENS: 'bench-tokens' },
      ratelimits: { AUTH_RATE_LIMITER: { namespace_id: '1001', simple: { limit: 1_000_000, period: 60 } } },
      ...assets.options,
    },
  );
  children.add(worker.pid);
  await applyMigrations(worker.mf, root);
  return worker;
}

async function createBenchUser(worker, secrets) {
  const credentials = { email: `bench.${randomUUID()}@example.com`, password: 'correct horse battery staple' };
  const created = await fetchOk(
    `${worker.url}/admin/v1/users`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${secrets.ACCOUNT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    },
    'create the bench user',
  );
  return { ...(await created.json()), password: credentials.password };
}

/** A User Service login (a session that does not rotate): its refresh token mints access tokens. */
async function userServiceRefreshToken(worker, user) {
  const response = await fetchOk(
    `${worker.url}/v1/users/login`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    },
    'User Service login',
  );
  return (await response.json()).refreshToken;
}

/** The scenarios, each request ready to send; first-seen tokens are minted beforehand. */
async function benchScenarios(secrets, user, warmToken, refreshToken, trivial, signIn) {
  const tokenCount = WARMUP_REQUESTS * 2 + ROUNDS * (WARMUP_REQUESTS + MEASURED_REQUESTS) + 10;
  const sessionId = randomUUID();
  console.log(`bench: minting ${tokenCount * 3} first-seen tokens`);
  const sameSession = await Promise.all(Array.from({ length: tokenCount }, () => accessToken(secrets.privateKey, user, sessionId)));
  const verifySession = await Promise.all(Array.from({ length: tokenCount }, () => accessToken(secrets.privateKey, user, sessionId)));
  const newSessions = await Promise.all(Array.from({ length: tokenCount }, () => accessToken(secrets.privateKey, user)));
  // A TTL longer than a whole round of scenarios, so the token stays alive between its turns.
  const sliding = await slidingUserToken(secrets.privateKey, user, randomUUID(), 600);
  const bearer = (token) => () => ({ authorization: `Bearer ${token}` });
  const fromPool = (pool) => {
    let next = 0;
    return () => ({ authorization: `Bearer ${pool[next++]}` });
  };
  const scenarios = [
    // The baseline gets the very same request (token included, ignored by the public route), so
    // the difference is the check and the identity headers, not the bytes the client sends.
    { name: 'pass', label: 'pass-through route (no token check)', path: '/pass/hello', headersFor: bearer(warmToken) },
    { name: 'trivial', label: 'a trivial Worker (the floor)', path: '/', headersFor: bearer(warmToken), worker: trivial },
    { name: 'passBare', label: 'pass-through, request without a token', path: '/pass/hello', headersFor: () => ({}) },
    { name: 'warm', label: 'FixedTtl access token, seen before', path: '/app/hello', headersFor: bearer(warmToken) },
    { name: 'first', label: 'access token seen for the first time', path: '/app/hello', headersFor: fromPool(sameSession) },
    { name: 'firstNewSession', label: 'first-seen token of a new session', path: '/app/hello', headersFor: fromPool(newSessions) },
    { name: 'sliding', label: 'SlidingTtl user token (busy)', path: '/app/hello', headersFor: bearer(sliding) },
    { name: 'verify', label: 'edge check GET /auth/verify (warm)', path: '/auth/verify', headersFor: bearer(warmToken) },
    { name: 'verifyFirst', label: 'edge check, first-seen token', path: '/auth/verify', headersFor: fromPool(verifySession) },
    { name: 'jwks', label: 'GET /.well-known/jwks.json', path: '/.well-known/jwks.json', headersFor: () => ({}) },
    { name: 'whoami', label: 'who-am-I GET /v1/users/status', path: '/v1/users/status', headersFor: bearer(warmToken) },
    {
      name: 'mint',
      label: 'mint: POST /v1/users/accessToken',
      path: '/v1/users/accessToken',
      method: 'POST',
      body: JSON.stringify({ refreshToken }),
      headersFor: () => ({ 'content-type': 'application/json' }),
    },
    {
      // On a second Gatehouse whose PASSWORD_HASH costs next to nothing: what a sign-in costs
      // beyond its hash (D1, the session, the token), spread over many users as real traffic is.
      name: 'signin',
      label: `sign-in, ${SIGN_IN_HASH} hash`,
      path: '/oauth/token',
      method: 'POST',
      worker: signIn.worker,
      body: (i) =>
        new URLSearchParams({
          grant_type: 'password',
          username: signIn.users[i % signIn.users.length].email,
          password: signIn.users[0].password,
        }).toString(),
      headersFor: () => ({ 'content-type': 'application/x-www-form-urlencoded' }),
    },
  ];
  // BENCH_SCENARIOS=warm,first runs only those (and the baseline): a quicker loop while tuning.
  const only = process.env.BENCH_SCENARIOS?.split(',');
  return only ? scenarios.filter((scenario) => scenario.name === 'pass' || only.includes(scenario.name)) : scenarios;
}

async function main() {
  const outdir = join(resultsDir, 'build');
  rmSync(outdir, { recursive: true, force: true });
  console.log('bench: building the Worker (wrangler deploy --dry-run) and the password worker');
  const scriptPath = buildWorker(root, outdir);
  const passwordScript = await buildPasswordWorker(root, outdir);
  console.log(`bench: timing ${PASSWORD_CHECKS} password checks at ${PASSWORD_HASH} in workerd`);
  const password = await measurePasswordCheck(passwordScript);

  const origin = await startOrigin();
  const secrets = await benchSecrets();
  const assets = assetsOption();
  const worker = await startGatehouse(scriptPath, origin.url, secrets, assets);
  const trivial = await startWorker(join(root, 'bench', 'trivial-worker.js'), {});
  children.add(trivial.pid);
  const cheap = await startGatehouse(scriptPath, origin.url, secrets, assets, SIGN_IN_HASH);
  try {
    const user = await createBenchUser(worker, secrets);
    console.log(`bench: ${LOGINS} logins through POST /oauth/token (static assets: ${assets.mode})`);
    const login = await measureLogins(worker, user);
    const warmToken = login.accessToken ?? (await accessToken(secrets.privateKey, user));
    const refreshToken = await userServiceRefreshToken(worker, user);
    const signInUsers = [];
    for (let i = 0; i < SIGN_IN_USERS; i += 1) signInUsers.push(await createBenchUser(cheap, secrets));
    const cheapHash = await measurePasswordCheck(passwordScript, SIGN_IN_HASH, 200);
    const scenarios = await benchScenarios(secrets, user, warmToken, refreshToken, trivial, { worker: cheap, users: signInUsers });
    console.log(`bench: ${scenarios.length} scenarios x ${ROUNDS} rounds of ${MEASURED_REQUESTS} requests at concurrency ${CONCURRENCY}`);
    const results = await measureScenarios(worker, scenarios);
    console.log(`bench: a busy SlidingTtl token (ttl ${SLIDING_TTL_SECONDS} s) for ${SLIDING_BURST_SECONDS} s`);
    const slidingWrites = await countSlidingWrites(worker, secrets.privateKey, user);
    const report = {
      machine: machine(root),
      concurrency: CONCURRENCY,
      assets: assets.mode,
      password,
      cheapHash,
      login: { ...login, accessToken: undefined },
      results,
      slidingWrites,
    };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(report, null, 2));
    printReport(report);
  } finally {
    await cheap.mf.dispose();
    await trivial.mf.dispose();
    await worker.mf.dispose();
    origin.child.stdin.end();
    origin.child.kill();
  }
}

main()
  .then(() => clearTimeout(watchdog))
  .catch((error) => {
    console.error(error);
    abort('failed');
  });
