#!/usr/bin/env node
// `npm run bench:scale`: the same requests at 1k, 100k and 1M users. For each size a fresh local
// D1 (miniflare's SQLite file, migrations applied by the Worker's own D1) is seeded straight
// through node:sqlite, then every operation is timed through HTTP, one request at a time.
// BENCH_SIZES=1000,100000 picks sizes. Bounded: a watchdog ends the run and the workerd it
// started. Method and results: bench/README.md.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations, buildWorker, startWorker } from './lib/harness.mjs';
import { cpuSeconds } from './lib/proc.mjs';
import { machine } from './lib/report.mjs';
import { call, cursorLike, rowAt, sequentialAgent, summarize, timeOperation } from './lib/scale-ops.mjs';
import { openSeeded, scryptHash, seed, seededUser } from './lib/seed.mjs';
import { benchSecrets, ISSUER } from './lib/tokens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench', '.results');
const SIZES = (process.env.BENCH_SIZES ?? '1000,100000,1000000').split(',').map(Number);
const WATCHDOG_SECONDS = Number(process.env.BENCH_WATCHDOG_SECONDS ?? 1800);
/** Cheap on purpose, for seeded users and the Worker alike (no rehash on login): the bench times the lookup, not the hash. */
const PASSWORD_SPEC = { ln: 4, r: 8, p: 1 };
const PASSWORD_HASH = `scrypt:ln=${PASSWORD_SPEC.ln},r=${PASSWORD_SPEC.r},p=${PASSWORD_SPEC.p}`;
const PASSWORD = 'correct horse battery staple';
const ECOSYSTEM = 'default';
const OTHER_ECOSYSTEMS = ['eco-b', 'eco-c', 'eco-d'];
/** Per operation and size: 300 requests, or fewer (at least 30) once 15 s are spent, in ROUNDS turns. */
const TIMING = { count: 300, minCount: 30, warmup: 5, budgetMs: 15_000 };
/** The operations take turns, so a busy spell of the shared machine hits all of them alike. */
const ROUNDS = 3;
const PAGE = 50;

if (SIZES.some((size) => !Number.isInteger(size) || size < 1000 || size > 5_000_000)) {
  console.error('bench:scale: BENCH_SIZES must be whole numbers from 1000 to 5000000, comma-separated');
  process.exit(2);
}

let current = null;
function abort(reason) {
  console.error(`bench:scale: ${reason}`);
  if (current) {
    try {
      process.kill(current.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  // The seeded databases (about 630 MB at 1M users) go too.
  rmSync(join(resultsDir, 'scale-db'), { recursive: true, force: true });
  process.exit(1);
}
const watchdog = setTimeout(() => abort(`still running after ${WATCHDOG_SECONDS} s; giving up`), WATCHDOG_SECONDS * 1000);
watchdog.unref();
process.once('SIGINT', () => abort('interrupted'));

async function start(scriptPath, secrets, persistDir) {
  const bindings = { ACCOUNT_TOKEN: secrets.ACCOUNT_TOKEN, SIGNING_KEYS: secrets.SIGNING_KEYS, ISSUER, PASSWORD_HASH };
  // No rate-limiting binding: without it nothing is limited, and 300 logins from one address would be.
  current = await startWorker(scriptPath, bindings, {
    d1Databases: { DB: 'bench-db' },
    d1Persist: persistDir,
    kvNamespaces: { TOKENS: 'bench-tokens' },
  });
  return current;
}

async function stop(worker) {
  await worker.mf.dispose();
  current = null;
}

function sqliteFile(dir) {
  // The D1 object's own file; workerd keeps its durable-object metadata next to it.
  const found = readdirSync(dir, { recursive: true }).filter((name) => /\.sqlite$/.test(name) && !/(^|\/)metadata\.sqlite$/.test(name));
  if (found.length !== 1) throw new Error(`expected one .sqlite file under ${dir}, found ${found.length}`);
  return join(dir, String(found[0]));
}

/** `want` user numbers below `size`, spread over the whole range, that pass `keep`. */
function spread(size, want, keep) {
  const picked = [];
  for (let k = 0; picked.length < want && k < want * 4; k += 1) {
    const i = Math.floor(((k * 0.6180339887) % 1) * size);
    if (keep(seededUser(i))) picked.push(i);
  }
  return picked;
}

function operations(size, secrets, adminToken, deep) {
  const account = { headers: { authorization: `Bearer ${secrets.ACCOUNT_TOKEN}` } };
  const admin = { headers: { authorization: `Bearer ${adminToken}` } };
  const pick = (list) => (i) => list[i % list.length];
  const logins = pick(spread(size, 400, (user) => user.canLogIn).map((i) => seededUser(i).email));
  const apps = pick(spread(size, 400, (user) => user.uniqueId !== null).map((i) => seededUser(i).uniqueId));
  // A prefix as an operator types it: the start of one user's e-mail (matches that user and a few more).
  const prefixes = pick(
    spread(size, 400, () => true).map((i) => encodeURIComponent(seededUser(i).email.split('@')[0].slice(0, -1).toLowerCase())),
  );
  const deepPage = Math.floor((size * 0.9) / PAGE);
  const get = (name, path, init, check) => ({ name, path: typeof path === 'function' ? path : () => path, init: () => init, check });
  const fullPage = (body) => ((Array.isArray(body) ? body : body.items).length === PAGE ? null : 'expected a full page');
  const found = (body) => (body.items.length > 0 ? null : 'expected the prefix to find users');
  return [
    {
      name: 'login by e-mail (POST /oauth/token)',
      path: () => '/oauth/token',
      init: (i) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: logins(i), password: PASSWORD }).toString(),
      }),
    },
    get('token check (GET /auth/verify, warm token)', '/auth/verify', admin),
    get('droplit GET /api/users/ECO;USER', (i) => `/api/users/${ECOSYSTEM};${apps(i)}`, account),
    get('droplit list, first page', `/api/users?ecosystemId=${ECOSYSTEM}`, account, fullPage),
    get('droplit list, page 90% deep (cursor)', `/api/users?ecosystemId=${ECOSYSTEM}&cursor=${deep.droplit}`, account, fullPage),
    get('admin list with ecosystemId, first page', `/admin/v1/users?ecosystemId=${ECOSYSTEM}`, account, fullPage),
    get('admin list with ecosystemId, 90% deep', `/admin/v1/users?ecosystemId=${ECOSYSTEM}&cursor=${deep.adminEco}`, account, fullPage),
    get('admin list, all ecosystems, first page', '/admin/v1/users', account, fullPage),
    get('admin list, all ecosystems, 90% deep', `/admin/v1/users?cursor=${deep.adminAll}`, account, fullPage),
    get('admin search q=', (i) => `/admin/v1/users?q=${prefixes(i)}`, account, found),
    get('admin search q= with ecosystemId', (i) => `/admin/v1/users?ecosystemId=${ECOSYSTEM}&q=${prefixes(i)}`, account, found),
    get('Gatekeeper GET /api/v2/users, first page', `/api/v2/users?limit=${PAGE}`, admin, fullPage),
    get(`Gatekeeper GET /api/v2/users, offset 90% deep`, `/api/v2/users?offset=${deepPage}&limit=${PAGE}`, admin, fullPage),
  ];
}

/** Cursors 90% deep into each keyset listing, in the format the service's first page gave out. */
async function deepCursors(agent, url, secrets, file) {
  const account = { headers: { authorization: `Bearer ${secrets.ACCOUNT_TOKEN}` } };
  const first = await call(agent, `${url}/admin/v1/users?ecosystemId=${ECOSYSTEM}`, account, 'admin list first page');
  const sample = first.json.next;
  const db = openSeeded(file);
  try {
    const eco = { where: 'ecosystem_id = ?', params: [ECOSYSTEM], fraction: 0.9 };
    return {
      adminEco: cursorLike(sample, rowAt(db, eco)),
      adminAll: cursorLike(sample, rowAt(db, { fraction: 0.9 })),
      droplit: cursorLike(sample, rowAt(db, { ...eco, where: `${eco.where} AND unique_id IS NOT NULL` })),
    };
  } finally {
    db.close();
  }
}

async function runSize(scriptPath, secrets, passwordHash, size) {
  const dir = join(resultsDir, 'scale-db', String(size));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let worker = await start(scriptPath, secrets, dir);
  await applyMigrations(worker.mf, root);
  await stop(worker);
  const file = sqliteFile(dir);
  const plan = { [ECOSYSTEM]: size, ...Object.fromEntries(OTHER_ECOSYSTEMS.map((id) => [id, Math.ceil(size / 30)])) };
  const seedStarted = performance.now();
  const written = seed(file, plan, { passwordHash });
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  console.log(`bench:scale: ${size}: seeded ${JSON.stringify(written)} in ${seedSeconds.toFixed(1)} s`);
  worker = await start(scriptPath, secrets, dir);
  const agent = sequentialAgent();
  try {
    const adminUser = seededUser(7);
    const form = new URLSearchParams({ grant_type: 'password', username: adminUser.email, password: PASSWORD }).toString();
    const login = await call(
      agent,
      `${worker.url}/oauth/token`,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form },
      'admin login',
    );
    const deep = await deepCursors(agent, worker.url, secrets, file);
    const ops = operations(size, secrets, login.json.access_token, deep);
    const rounds = ops.map(() => []);
    for (let round = 0; round < ROUNDS; round += 1) {
      const timing = {
        count: TIMING.count / ROUNDS,
        minCount: TIMING.minCount / ROUNDS,
        warmup: round === 0 ? TIMING.warmup : 1,
        budgetMs: TIMING.budgetMs / ROUNDS,
        first: round * 1000,
      };
      console.log(`bench:scale: ${size}: round ${round + 1} of ${ROUNDS}`);
      for (const [index, op] of ops.entries())
        rounds[index].push(await timeOperation(agent, worker.url, op, timing, () => cpuSeconds(worker.pid)));
    }
    const results = ops.map((op, index) => summarize(op.name, rounds[index]));
    for (const result of results) {
      console.log(
        `bench:scale: ${size}: ${result.name}: median ${result.medianMs.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, workerd CPU ${result.cpuMs.toFixed(2)} ms/req (${result.count} requests)`,
      );
    }
    return { size, plan, written, seedSeconds, results };
  } finally {
    agent.destroy();
    await stop(worker);
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (value) => (value < 10 ? value.toFixed(2) : value.toFixed(1));

/** The tables, as Markdown, for the terminal and bench/README.md alike: wall time, then workerd CPU. */
function tables(runs) {
  const [small, large] = [runs[0], runs[runs.length - 1]];
  const sizeName = (size) => (size >= 1e6 ? `${size / 1e6}M` : size >= 1e3 ? `${size / 1e3}k` : String(size));
  const ratioHead = `${sizeName(large.size)}/${sizeName(small.size)}`;
  const table = (what, cell, value) => {
    const head = ['Operation', ...runs.map((run) => `${sizeName(run.size)} ${what}`)];
    if (runs.length > 1) head.push(ratioHead);
    const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
    for (const [index, { name }] of small.results.entries()) {
      const cells = runs.map((run) => cell(run.results[index]));
      if (runs.length > 1) cells.push(`${(value(large.results[index]) / value(small.results[index])).toFixed(2)}x`);
      lines.push(`| ${name} | ${cells.join(' | ')} |`);
    }
    return lines.join('\n');
  };
  return [
    table(
      'median / p99 (ms)',
      (result) => `${ms(result.medianMs)} / ${ms(result.p99Ms)}`,
      (result) => result.medianMs,
    ),
    table(
      'workerd CPU ms/req',
      (result) => ms(result.cpuMs),
      (result) => result.cpuMs,
    ),
  ].join('\n\n');
}

async function main() {
  const started = performance.now();
  const outdir = join(resultsDir, 'build');
  rmSync(outdir, { recursive: true, force: true });
  console.log('bench:scale: building the Worker (wrangler deploy --dry-run)');
  const scriptPath = buildWorker(root, outdir);
  const secrets = await benchSecrets();
  const passwordHash = scryptHash(PASSWORD, PASSWORD_SPEC);
  const runs = [];
  for (const size of SIZES) runs.push(await runSize(scriptPath, secrets, passwordHash, size));
  const report = {
    date: new Date().toISOString(),
    machine: machine(root),
    passwordHash: PASSWORD_HASH,
    timing: TIMING,
    seconds: (performance.now() - started) / 1000,
    runs,
  };
  mkdirSync(resultsDir, { recursive: true });
  const stamp = report.date.replace(/[:.]/g, '-');
  writeFileSync(join(resultsDir, `scale-${stamp}.json`), JSON.stringify(report, null, 2));
  writeFileSync(join(resultsDir, 'scale-latest.json'), JSON.stringify(report, null, 2));
  const m = report.machine;
  const summary = `${tables(runs)}\n\nRun ${report.date.slice(0, 10)} in ${report.seconds.toFixed(0)} s on ${m.nproc} CPUs (${m.cpu}); node ${m.node}; ${m.workerd}; miniflare ${m.miniflare}.`;
  writeFileSync(join(resultsDir, 'scale-latest.md'), `${summary}\n`);
  console.log(`\n${summary}\n\nraw results: bench/.results/scale-${stamp}.json`);
}

main()
  .then(() => clearTimeout(watchdog))
  .catch((error) => {
    console.error(error);
    abort('failed');
  });
