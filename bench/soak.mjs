#!/usr/bin/env node
// `npm run bench:soak`: mixed traffic for SOAK_MINUTES (default 10) at SOAK_CONCURRENCY (default
// 16) against one Worker built and run as `npm run bench` runs it (miniflare, direct socket, local
// D1 and KV kept on disk, the real default password hash), with a gateway route to a loopback
// origin. Reports per minute: requests, answers by status, p50/p99 wall time and workerd's RSS and
// CPU; then judges: no 5xx, p99 of the last minute within 20% of the first, RSS growth after the
// warm-up (SOAK_WARMUP_MINUTES, default 1) within 10%, and no write lost (every created user,
// session and rotation is in D1).
// Method and results: bench/README.md, "Soak".
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { burstAgent, send } from './lib/burst.mjs';
import { startOrigin as startLoopbackOrigin } from './lib/origin-process.mjs';
import { applyMigrations, buildWorker, startWorker } from './lib/harness.mjs';
import { cpuSeconds } from './lib/proc.mjs';
import { machine } from './lib/report.mjs';
import { mallocFigures, releaseFreeMemory } from './lib/tcmalloc.mjs';
import { benchSecrets, ISSUER } from './lib/tokens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench', '.results');
const outdir = join(resultsDir, 'soak-build');
const stateDir = join(resultsDir, 'soak-state');
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 16);
/** The report's time bucket: a minute, unless shortened for a quick look while developing. */
const BUCKET_SECONDS = Number(process.env.SOAK_BUCKET_SECONDS ?? 60);
/**
 * Memory is judged from the end of the warm-up: a local workerd's D1 and outbound connections grow
 * for about 10 minutes at the full mix's rate before they level off (bench/README.md, "Soak").
 */
const WARMUP_MINUTES = Number(process.env.SOAK_WARMUP_MINUTES ?? 1);
const WARMUP_BUCKETS = Math.max(1, Math.ceil((WARMUP_MINUTES * 60) / BUCKET_SECONDS));
if (!(WARMUP_MINUTES > 0 && WARMUP_MINUTES < MINUTES)) throw new Error('SOAK_WARMUP_MINUTES: more than 0, less than SOAK_MINUTES');
/** The deployment's default: a sign-in and a registration each cost about 150 ms of CPU. */
const PASSWORD_HASH = 'scrypt:ln=14,r=8,p=5';
const P99_DRIFT_LIMIT = 0.2;
const MEMORY_GROWTH_LIMIT = 0.1;
const SIGN_IN_USERS = 4;
const WATCHDOG_SECONDS = MINUTES * 60 + 300;

/** The mix, by weight (per 1,000 requests). Sign-in and registration hash at the real cost: a small share. */
const MIX = [
  ['verify', 250], // GET /auth/verify with the slot's current access token
  ['gateway', 200], // GET /app/hello, forwarded to the loopback origin
  ['whoami', 150], // GET /v1/users/status
  ['refresh', 100], // POST /oauth/token grant_type=refresh_token, the slot's own session
  ['signinPage', 80], // GET /signin
  ['signupPage', 40], // GET /signup
  ['jwks', 50], // GET /.well-known/jwks.json
  ['droplitPut', 40], // PUT /api/users/<ecosystem>;<new id>: a new application user (no password)
  ['droplitUpdate', 0], // PUT of one of 16 application users again (a diagnostic: writes that add no user)
  ['register', 2], // POST /v1/users/register, a new address, the real hash
  ['signin', 2], // POST /oauth/token grant_type=password, the real hash
];
// SOAK_WEIGHTS=register=0,signin=0 changes weights (a diagnostic: what grows without the hashes?).
for (const setting of (process.env.SOAK_WEIGHTS ?? '').split(',').filter(Boolean)) {
  const [kind, weight] = setting.split('=');
  const entry = MIX.find(([name]) => name === kind);
  if (!entry || !(Number(weight) >= 0)) throw new Error(`SOAK_WEIGHTS: ${setting}`);
  entry[1] = Number(weight);
}
const TOTAL_WEIGHT = MIX.reduce((sum, [, weight]) => sum + weight, 0);

const children = new Set();
let worker;
let origin;

async function stop() {
  await worker?.mf.dispose().catch(() => {});
  origin?.child.stdin.end();
  origin?.child.kill();
  rmSync(stateDir, { recursive: true, force: true });
}

const watchdog = setTimeout(async () => {
  console.error(`bench:soak still running after ${WATCHDOG_SECONDS} s; giving up`);
  await stop();
  process.exit(1);
}, WATCHDOG_SECONDS * 1000);
watchdog.unref();
process.once('SIGINT', async () => {
  await stop();
  process.exit(1);
});

async function startOrigin() {
  const origin = await startLoopbackOrigin();
  children.add(origin.child.pid);
  return origin;
}

const agent = burstAgent(CONCURRENCY + 2);
const operator = () => ({ authorization: `Bearer ${process.env.GATEHOUSE_BENCH_ACCOUNT_TOKEN}` });
const jsonInit = (method, body, headers = {}) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const formInit = (fields) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const fresh = (label) => `${label}.${randomBytes(6).toString('hex')}@example.com`;
const password = () => `correct horse ${randomBytes(6).toString('hex')}`;

async function must(path, init, status, what) {
  const answer = await send(agent, `${worker.url}${path}`, init);
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  return JSON.parse(answer.text || 'null');
}

async function createUser() {
  const credentials = { email: fresh('soak'), password: password() };
  await must('/admin/v1/users', jsonInit('POST', credentials, operator()), 201, 'create user');
  return credentials;
}

const signIn = (user) => formInit({ grant_type: 'password', username: user.email, password: user.password });

/** What the run wrote, to find in D1 at the end. */
const written = { registered: [], droplit: [], signIns: 0 };
let droplitCount = 0;
/** The droplit face's ecosystem of the run. */
let ecosystem;

/** One request of `kind` for slot `slot` (its session: refresh token and current access token). */
function requestOf(kind, slot, signInUsers) {
  const bearer = { authorization: `Bearer ${slot.accessToken}` };
  switch (kind) {
    case 'verify':
      return { path: '/auth/verify', init: { headers: bearer } };
    case 'gateway':
      return { path: '/app/hello', init: { headers: bearer } };
    case 'whoami':
      return { path: '/v1/users/status', init: { headers: bearer } };
    case 'refresh':
      return {
        path: '/oauth/token',
        init: formInit({ grant_type: 'refresh_token', refresh_token: slot.refreshToken }),
        then: (answer) => {
          if (answer.status !== 200) return;
          const body = JSON.parse(answer.text);
          slot.refreshToken = body.refresh_token;
          slot.accessToken = body.access_token;
          slot.rotations += 1;
        },
      };
    case 'signinPage':
      return { path: '/signin', init: { headers: { accept: 'text/html' } } };
    case 'signupPage':
      return { path: '/signup', init: { headers: { accept: 'text/html' } } };
    case 'jwks':
      return { path: '/.well-known/jwks.json', init: {} };
    case 'droplitPut': {
      droplitCount += 1;
      const id = `soak-${droplitCount}`;
      return {
        path: `/api/users/${ecosystem};${id}`,
        init: jsonInit('PUT', { email: fresh('app') }, operator()),
        then: (answer) => answer.status === 201 && written.droplit.push(id),
      };
    }
    case 'droplitUpdate': {
      droplitCount += 1;
      return {
        path: `/api/users/${ecosystem};soak-again-${droplitCount % 16}`,
        init: jsonInit('PUT', { email: fresh('app') }, operator()),
        then: () => {},
      };
    }
    case 'register': {
      const email = fresh('reg');
      return {
        path: '/v1/users/register',
        init: jsonInit('POST', { email, password: password() }),
        then: (answer) => answer.status === 200 && written.registered.push(email),
      };
    }
    case 'signin':
      return {
        path: '/oauth/token',
        init: signIn(signInUsers[Math.floor(Math.random() * signInUsers.length)]),
        then: (answer) => answer.status === 200 && (written.signIns += 1),
      };
    default:
      throw new Error(kind);
  }
}

function pick() {
  let at = Math.random() * TOTAL_WEIGHT;
  for (const [kind, weight] of MIX) {
    at -= weight;
    if (at < 0) return kind;
  }
  return MIX[0][0];
}

/** workerd's resident memory, in bytes: all of it, and its anonymous (heap) and file-backed parts. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile'), stored: bytesUnder(stateDir) };
}

/** The bytes of the files below `dir` (the local D1 and KV as they grow on disk). */
function bytesUnder(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** A free loopback port (for workerd's inspector). */
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

/**
 * The V8 heaps of workerd's isolates, through its inspector (the Worker is `core:user:`, the D1
 * database's object `d1:db:<name>`): used and total bytes, garbage not yet collected included.
 */
async function heapReader(port, ids) {
  const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const sockets = await Promise.all(
    ids.map(async (id) => {
      const target = list.find((entry) => entry.id === id);
      if (!target) throw new Error(`no inspector target ${id} (${list.map((entry) => entry.id).join(', ')})`);
      const ws = new WebSocket(target.webSocketDebuggerUrl);
      await new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = reject)));
      const pending = new Map();
      ws.onmessage = (event) => {
        const message = JSON.parse(event.data);
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      };
      let next = 0;
      const call = (method) =>
        new Promise((resolve) => {
          next += 1;
          pending.set(next, resolve);
          ws.send(JSON.stringify({ id: next, method }));
          setTimeout(() => resolve(null), 5_000).unref();
        });
      return { id, ws, call };
    }),
  );
  return {
    async read() {
      const usage = await Promise.all(sockets.map((socket) => socket.call('Runtime.getHeapUsage')));
      return Object.fromEntries(
        sockets.map((socket, i) => [socket.id, usage[i] ? { used: usage[i].usedSize, total: usage[i].totalSize } : null]),
      );
    },
    close: () => sockets.forEach((socket) => socket.ws.close()),
  };
}

const quantile = (sorted, q) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);

async function main() {
  const secrets = await benchSecrets();
  process.env.GATEHOUSE_BENCH_ACCOUNT_TOKEN = secrets.ACCOUNT_TOKEN;
  rmSync(outdir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
  console.log('bench:soak: building the Worker (wrangler deploy --dry-run)');
  const scriptPath = buildWorker(root, outdir);
  origin = await startOrigin();
  const inspectorPort = await freePort();
  worker = await startWorker(
    scriptPath,
    {
      ACCOUNT_TOKEN: secrets.ACCOUNT_TOKEN,
      SIGNING_KEYS: secrets.SIGNING_KEYS,
      ISSUER,
      PUBLIC_URL: ISSUER,
      PASSWORD_HASH,
      GATEWAY_ROUTES: JSON.stringify([{ prefix: '/app/', origin: origin.url }]),
    },
    {
      // On disk, so D1's and KV's growing data are not counted as the Worker's memory.
      d1Databases: { DB: 'bench-soak-db' },
      kvNamespaces: { TOKENS: 'bench-soak-tokens' },
      d1Persist: join(stateDir, 'd1'),
      kvPersist: join(stateDir, 'kv'),
      // Lifted: all traffic comes from one client address.
      ratelimits: { AUTH_RATE_LIMITER: { namespace_id: '1001', simple: { limit: 1_000_000_000, period: 60 } } },
      handleRuntimeStdio: (stdout, stderr) => (stdout.resume(), stderr.resume()),
      inspectorPort,
    },
  );
  children.add(worker.pid);
  const heaps = await heapReader(inspectorPort, ['core:user:', 'd1:db:bench-soak-db']);
  await applyMigrations(worker.mf, root);
  const db = await worker.mf.getD1Database('DB');
  ecosystem = (await must('/admin/v1/ecosystems', jsonInit('POST', { name: 'soak' }, operator()), 201, 'create ecosystem')).id;

  console.log(`bench:soak: ${SIGN_IN_USERS + CONCURRENCY} users and ${CONCURRENCY} sessions (hash ${PASSWORD_HASH})`);
  const signInUsers = [];
  for (let i = 0; i < SIGN_IN_USERS; i += 1) signInUsers.push(await createUser());
  const slots = [];
  for (let i = 0; i < CONCURRENCY; i += 1) {
    const tokens = await must('/oauth/token', signIn(await createUser()), 200, 'sign in');
    slots.push({ refreshToken: tokens.refresh_token, accessToken: tokens.access_token, rotations: 0 });
  }

  const buckets = [];
  const bucketOf = (index) => (buckets[index] ??= { latencies: [], statuses: {}, kinds: {}, rss: [], cpuStart: null });
  const started = performance.now();
  const deadline = started + MINUTES * 60_000;
  const samples = setInterval(async () => {
    const index = Math.floor((performance.now() - started) / (BUCKET_SECONDS * 1000));
    try {
      const sample = memory(worker.pid);
      sample.heaps = await heaps.read();
      bucketOf(index).rss.push(sample);
    } catch {
      // workerd ended; the run reports it.
    }
  }, 5_000);
  const cpuAt = [cpuSeconds(worker.pid)];
  const cpuTimer = setInterval(() => cpuAt.push(cpuSeconds(worker.pid)), BUCKET_SECONDS * 1000);
  const fiveXX = [];
  const progress = setInterval(() => {
    const index = Math.floor((performance.now() - started) / (BUCKET_SECONDS * 1000));
    const bucket = buckets[index - 1];
    if (bucket)
      process.stdout.write(
        `bench:soak: ${index} of ${Math.ceil((MINUTES * 60) / BUCKET_SECONDS)} done, ${bucket.latencies.length} requests in the last\n`,
      );
  }, BUCKET_SECONDS * 1000);

  console.log(`bench:soak: ${MINUTES} minute(s) at concurrency ${CONCURRENCY}`);
  await Promise.all(
    slots.map(async (slot) => {
      while (performance.now() < deadline) {
        const kind = pick();
        const request = requestOf(kind, slot, signInUsers);
        const sent = performance.now();
        let answer;
        try {
          answer = await send(agent, `${worker.url}${request.path}`, request.init);
        } catch (error) {
          answer = { status: 0, text: String(error) };
        }
        const done = performance.now();
        const bucket = bucketOf(Math.floor((sent - started) / (BUCKET_SECONDS * 1000)));
        bucket.latencies.push(done - sent);
        const key = `${kind} ${answer.status}`;
        bucket.statuses[answer.status] = (bucket.statuses[answer.status] ?? 0) + 1;
        bucket.kinds[key] = (bucket.kinds[key] ?? 0) + 1;
        if (answer.status >= 500 || answer.status === 0) fiveXX.push({ kind, status: answer.status, text: answer.text.slice(0, 300) });
        request.then?.(answer);
      }
    }),
  );
  clearInterval(samples);
  clearInterval(cpuTimer);
  clearInterval(progress);
  cpuAt.push(cpuSeconds(worker.pid));
  const finalRss = { ...memory(worker.pid), heaps: await heaps.read() };
  heaps.close();

  // Nothing lost: every write the run was told succeeded is in D1, and every session still refreshes.
  const count = async (sql, ...params) =>
    (
      await db
        .prepare(sql)
        .bind(...params)
        .first()
    ).n;
  const droplitRows = await count('select count(*) as n from users where ecosystem_id = ?', ecosystem);
  let registeredRows = 0;
  for (let i = 0; i < written.registered.length; i += 100) {
    const chunk = written.registered.slice(i, i + 100).map((email) => email.toLowerCase());
    registeredRows += await count(`select count(*) as n from users where email_key in (${chunk.map(() => '?').join(',')})`, ...chunk);
  }
  const liveSlots = [];
  for (const slot of slots)
    liveSlots.push(
      (await send(agent, `${worker.url}/oauth/token`, formInit({ grant_type: 'refresh_token', refresh_token: slot.refreshToken }))).status,
    );
  const signInSessions = await count(
    `select count(*) as n from sessions s join users u on u.id = s.user_id where u.email_key in (${signInUsers.map(() => '?').join(',')})`,
    ...signInUsers.map((user) => user.email.toLowerCase()),
  );

  // What holds workerd's memory: tcmalloc's figures once the load is over, then its free pages
  // released (gdb stops workerd for a few seconds each time; SOAK_MALLOC=0 skips this).
  let malloc = null;
  if (process.env.SOAK_MALLOC !== '0') {
    console.log('bench:soak: reading tcmalloc through gdb, then releasing its free pages');
    const figures = mallocFigures(worker.pid);
    const released = releaseFreeMemory(worker.pid);
    malloc = figures && released ? { ...figures, released, after: mallocFigures(worker.pid) } : null;
  }

  // The report.
  const m = machine(root);
  const rows = buckets
    .map((bucket, index) => {
      if (!bucket) return null;
      const sorted = [...bucket.latencies].sort((a, b) => a - b);
      // The bucket's last sample: its memory as the bucket ends.
      const mem =
        bucket.rss.length > 0
          ? bucket.rss[bucket.rss.length - 1]
          : index === buckets.length - 1
            ? finalRss
            : { rss: NaN, anon: NaN, file: NaN, stored: NaN, heaps: {} };
      const heap = (id) => mem.heaps?.[id] ?? { used: NaN, total: NaN };
      const seconds = Math.min(BUCKET_SECONDS, MINUTES * 60 - index * BUCKET_SECONDS);
      const cpu = cpuAt[index + 1] !== undefined ? cpuAt[index + 1] - cpuAt[index] : NaN;
      return {
        index: index + 1,
        requests: sorted.length,
        rps: sorted.length / seconds,
        statuses: bucket.statuses,
        kinds: bucket.kinds,
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        rssMiB: mem.rss / 2 ** 20,
        anonMiB: mem.anon / 2 ** 20,
        fileMiB: mem.file / 2 ** 20,
        storedMiB: mem.stored / 2 ** 20,
        workerHeap: heap('core:user:'),
        d1Heap: heap('d1:db:bench-soak-db'),
        cpuShare: cpu / seconds,
      };
    })
    .filter((row) => row && row.requests > 0);
  const allStatuses = {};
  for (const row of rows) for (const [status, n] of Object.entries(row.statuses)) allStatuses[status] = (allStatuses[status] ?? 0) + n;
  const first = rows[0];
  const last = rows[rows.length - 1];
  const drift = (last.p99 - first.p99) / first.p99;
  const warm = rows[Math.min(WARMUP_BUCKETS, rows.length) - 1];
  const growth = (last.rssMiB - warm.rssMiB) / warm.rssMiB;
  const unexpected = Object.entries(allStatuses).filter(([status]) => !['200', '201'].includes(status));
  const lost = {
    droplit: written.droplit.length - droplitRows,
    registered: written.registered.length - registeredRows,
    sessions: liveSlots.filter((status) => status !== 200).length,
    signIns: written.signIns - signInSessions,
  };
  const verdicts = [
    ['no 5xx (nor dropped connection)', fiveXX.length === 0, `${fiveXX.length}`],
    [
      `p99 drift, ${BUCKET_SECONDS === 60 ? 'minute' : 'bucket'} 1 → last, <= ${P99_DRIFT_LIMIT * 100}%`,
      drift <= P99_DRIFT_LIMIT,
      `${first.p99.toFixed(1)} → ${last.p99.toFixed(1)} ms (${(drift * 100).toFixed(1)}%)`,
    ],
    [
      `workerd RSS growth after a ${WARMUP_MINUTES}-minute warm-up <= ${MEMORY_GROWTH_LIMIT * 100}%`,
      growth <= MEMORY_GROWTH_LIMIT,
      `${warm.rssMiB.toFixed(1)} → ${last.rssMiB.toFixed(1)} MiB (${(growth * 100).toFixed(1)}%; from ${BUCKET_SECONDS === 60 ? 'minute' : 'bucket'} 1: ${first.rssMiB.toFixed(1)} MiB, ${(((last.rssMiB - first.rssMiB) / first.rssMiB) * 100).toFixed(1)}%)`,
    ],
    [
      'nothing lost',
      Object.values(lost).every((n) => n === 0),
      `droplit users ${droplitRows} of ${written.droplit.length} answered 201; registrations ${registeredRows} of ${written.registered.length}; sessions refreshing at the end ${liveSlots.filter((s) => s === 200).length} of ${slots.length} (after ${slots.reduce((sum, s) => sum + s.rotations, 0)} rotations); sign-in sessions ${signInSessions} of ${written.signIns}`,
    ],
  ];
  const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
  const lines = [];
  const out = (line = '') => (lines.push(line), console.log(line));
  out(
    `\nmachine: ${m.nproc} CPUs, ${m.cpu}; node ${m.node}; ${m.workerd}; miniflare ${m.miniflare}; load average at the end ${(
      await import('node:os')
    )
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
  );
  out(
    `${MINUTES} minute(s) at concurrency ${CONCURRENCY}, keep-alive, loopback; PASSWORD_HASH=${PASSWORD_HASH}; buckets of ${BUCKET_SECONDS} s\n`,
  );
  out(
    `| ${BUCKET_SECONDS === 60 ? 'Minute' : 'Bucket'} | Requests | req/s | Answers by status | p50 ms | p99 ms | workerd RSS MiB (anon + file) | V8 heap MiB, Worker / D1 object (used of total) | workerd CPU (share of one) | D1 + KV on disk MiB |`,
  );
  out('|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const statuses = Object.entries(row.statuses)
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ');
    out(
      `| ${row.index} | ${row.requests} | ${row.rps.toFixed(0)} | ${statuses} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(1)} | ${row.rssMiB.toFixed(1)} (${row.anonMiB.toFixed(1)} + ${row.fileMiB.toFixed(1)}) | ${mib(row.workerHeap.used)} of ${mib(row.workerHeap.total)} / ${mib(row.d1Heap.used)} of ${mib(row.d1Heap.total)} | ${Number.isNaN(row.cpuShare) ? 'n/a' : row.cpuShare.toFixed(2)} | ${row.storedMiB.toFixed(1)} |`,
    );
  }
  const total = rows.reduce((sum, row) => sum + row.requests, 0);
  out(
    `\nTotal: ${total} requests; ${Object.entries(allStatuses)
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ')}${unexpected.length ? ` (unexpected: ${unexpected.map(([s]) => s).join(', ')})` : ''}`,
  );
  const byKind = {};
  for (const row of rows) for (const [key, n] of Object.entries(row.kinds)) byKind[key] = (byKind[key] ?? 0) + n;
  out(
    `By request: ${Object.entries(byKind)
      .sort()
      .map(([key, n]) => `${key}: ${n}`)
      .join(', ')}\n`,
  );
  if (malloc) {
    out(
      `workerd's native heap at the end, from tcmalloc (load over): ${mib(malloc.allocated)} MiB in use, ${mib(malloc.heapSize)} MiB held ` +
        `(${mib(malloc.pageheapFree)} MiB of it free but mapped, ${mib(malloc.pageheapUnmapped)} MiB returned); ` +
        `RSS ${mib(malloc.released.before)} → ${mib(malloc.released.after)} MiB once tcmalloc released its free pages` +
        (malloc.after ? ` (then ${mib(malloc.after.allocated)} MiB in use, ${mib(malloc.after.pageheapFree)} MiB free but mapped)` : '') +
        '\n',
    );
  } else if (process.env.SOAK_MALLOC !== '0') out('tcmalloc figures not read (gdb missing or refused)\n');
  out('| Goal | Measured | |');
  out('|---|---|---|');
  for (const [goal, ok, measured] of verdicts) out(`| ${goal} | ${measured} | ${ok ? 'met' : 'NOT MET'} |`);
  if (fiveXX.length) {
    out('\nFirst 5xx answers:');
    for (const item of fiveXX.slice(0, 5)) out(`- ${item.kind} ${item.status}: ${item.text}`);
  }
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'soak-latest.md'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(resultsDir, 'soak-latest.json'),
    JSON.stringify(
      {
        rows,
        allStatuses,
        fiveXX,
        lost,
        malloc,
        written: { droplit: written.droplit.length, registered: written.registered.length, signIns: written.signIns },
      },
      null,
      2,
    ),
  );
  return verdicts.every(([, ok]) => ok);
}

main()
  .then(async (ok) => {
    clearTimeout(watchdog);
    await stop();
    agent.destroy();
    if (!ok) {
      console.error('bench:soak: a goal was not met');
      process.exit(1);
    }
  })
  .catch(async (error) => {
    console.error(error);
    await stop();
    process.exit(1);
  });
