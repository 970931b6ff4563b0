#!/usr/bin/env node
// `npm run bench:races`: 1,000 concurrent requests at one secret or one name each (issue 21,
// "Races at a thousand"), against one Worker built and run as `npm run bench` runs it (miniflare,
// direct socket, local D1 and KV). For each race: the answers by status, the winners against what
// the rule allows, no 5xx, and the state D1 holds afterwards. Prints a table; exits 1 if any rule
// breaks. Method and results: bench/README.md, "Races at a thousand".
import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { burst as burstOn, burstAgent, byStatus, send } from './lib/burst.mjs';
import { applyMigrations, buildWorker, startWorker } from './lib/harness.mjs';
import { machine } from './lib/report.mjs';
import { benchSecrets, ISSUER } from './lib/tokens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'bench', '.results', 'races-build');
const N = Number(process.env.RACES_N ?? 1000);
/** So cheap that 1,000 sign-ins, registrations and resets are not the bottleneck: the races are. */
const PASSWORD_HASH = process.env.RACES_PASSWORD_HASH ?? 'scrypt:ln=1,r=1,p=1';
const LOCK_THRESHOLD = 10;
/** The longest allowed (default 10): one local workerd may take longer than 10 s to get through a
 * thousand requests on a busy machine, and a retry later than the window is reuse by design. */
const REFRESH_GRACE_SECONDS = 60;
const CALLBACK = 'https://app.example/callback';
const WATCHDOG_SECONDS = 600;
/** One client address for every request (the lockout race is "from one client"). */
const CLIENT_IP = '198.18.0.1';

let worker;
const watchdog = setTimeout(async () => {
  console.error(`bench:races still running after ${WATCHDOG_SECONDS} s; giving up`);
  await worker?.mf.dispose().catch(() => {});
  process.exit(1);
}, WATCHDOG_SECONDS * 1000);
watchdog.unref();

/** The socket errors of the current race's requests (answered by no status). */
let socketErrors = [];
/** For the set-up requests, one at a time, each on a new connection. */
const agent = new Agent({ keepAlive: false });
/** How many requests of the current race workerd dropped unread and the bench sent again. */
let resent = 0;
const RESENDS = 3;
/** A request workerd closed without an answer: it never reached the Worker (see bench/README.md). */
const dropped = (answer) => answer.status === 0 && /socket hang up|ECONNRESET/.test(answer.text);

/**
 * `count` requests at once, each on a new connection of its own (closed after). Requests that
 * workerd dropped unread are sent again, together, up to RESENDS times: they never reached the
 * Worker (workerd's HTTP server gives a connection 15 s to have its request read, and one
 * single-threaded workerd on a busy machine may not get to all of a thousand in time).
 */
async function burst(_agent, count, requestFor, onAnswer) {
  const own = burstAgent(count);
  try {
    const result = await burstOn(own, count, requestFor, onAnswer);
    for (let round = 0; round < RESENDS; round += 1) {
      const again = result.answers.map((answer, i) => (dropped(answer) ? i : -1)).filter((i) => i >= 0);
      if (again.length === 0) break;
      resent += again.length;
      const retried = await burstOn(
        own,
        again.length,
        (j) => requestFor(again[j]),
        (answer, j) => onAnswer?.(answer, again[j]),
      );
      again.forEach((i, j) => (result.answers[i] = retried.answers[j]));
    }
    socketErrors.push(...result.answers.filter((answer) => answer.status === 0).map((answer) => answer.text));
    return result;
  } finally {
    own.destroy();
  }
}

const fresh = (label) => `${label}.${randomBytes(6).toString('hex')}@example.com`;
const password = (i = '') => `correct horse ${i} ${randomBytes(6).toString('hex')}`;
const sha256Hex = (text) => createHash('sha256').update(text).digest('hex');
const json = (body, headers = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'cf-connecting-ip': CLIENT_IP, ...headers },
  body: JSON.stringify(body),
});
const form = (fields, headers = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': CLIENT_IP, ...headers },
  body: new URLSearchParams(fields).toString(),
});

async function call(path, init = {}) {
  const answer = await send(agent, `${worker.url}${path}`, { ...init, headers: { 'cf-connecting-ip': CLIENT_IP, ...init.headers } });
  return { ...answer, json: () => JSON.parse(answer.text) };
}

async function must(path, init, status, what) {
  const answer = await call(path, init);
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  return answer;
}

const operator = () => ({ authorization: `Bearer ${process.env.GATEHOUSE_BENCH_ACCOUNT_TOKEN}` });

async function createUser(fields = {}) {
  const credentials = { email: fresh('race'), password: password(), ...fields };
  const created = await must('/admin/v1/users', json(credentials, operator()), 201, 'create user');
  return { ...created.json(), password: credentials.password, email: credentials.email };
}

let db;
const rows = (sql, ...params) =>
  db
    .prepare(sql)
    .bind(...params)
    .all()
    .then((result) => result.results);
const one = async (sql, ...params) => (await rows(sql, ...params))[0];

/** The `code=` of the newest mail to `to` with a link to `path` (the hosted page; mail is queued after the answer). */
async function mailedCode(to, path) {
  for (let tries = 0; tries < 100; tries += 1) {
    for (const mail of await rows('select text from outbox where "to" = ?1 order by created_at desc', to)) {
      const link = [...mail.text.matchAll(/https?:\/\/[^\s<>"')]+/g)]
        .map((match) => new URL(match[0]))
        .find((url) => url.pathname === path);
      const code = link?.searchParams.get('code');
      if (code) return code;
    }
    await sleep(50);
  }
  throw new Error(`no mail to ${to} with a link to ${path}`);
}

/** Waits until the Worker's deferred work has settled: `probe()` gives the same value twice, 300 ms apart. */
async function settled(probe) {
  let last = JSON.stringify(await probe());
  for (let tries = 0; tries < 100; tries += 1) {
    await sleep(300);
    const now = JSON.stringify(await probe());
    if (now === last) return JSON.parse(now);
    last = now;
  }
  return JSON.parse(last);
}

/** Every race returns { name, statuses, winners, allowed, rule, state, ok, notes }. */
const races = [];
const race = (name, run) => races.push({ name, run });

race('refresh token (POST /oauth/token, refresh_token)', async () => {
  const user = await createUser();
  const login = await must(
    '/oauth/token',
    form({ grant_type: 'password', username: user.email, password: user.password }),
    200,
    'password grant',
  );
  const { refresh_token: refreshToken } = login.json();
  const { answers, seconds } = await burst(agent, N, () => ({
    url: `${worker.url}/oauth/token`,
    ...form({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  }));
  const successors = new Set(answers.filter((a) => a.status === 200).map((a) => JSON.parse(a.text).refresh_token));
  const [successor] = successors;
  const [sessionId] = refreshToken.split('.');
  const row = await one('select secret_hash, revoked_at, revoked_reason from sessions where id = ?1', sessionId);
  const stored = successor !== undefined && row.secret_hash === sha256Hex(successor.split('.')[1]);
  const next = successor === undefined ? null : await call('/oauth/token', form({ grant_type: 'refresh_token', refresh_token: successor }));
  const live = row.revoked_at === null;
  return {
    statuses: byStatus(answers),
    seconds,
    winners: successors.size,
    allowed: 1,
    rule: `every 200 hands out the same successor (a retry within the ${REFRESH_GRACE_SECONDS} s grace gets the winner's); D1 holds exactly it`,
    state: `session ${live ? 'live' : `revoked (${row.revoked_reason})`}; stored secret = the successor: ${stored}; the successor refreshes: ${next?.status}`,
    ok: successors.size === 1 && live && stored && next?.status === 200,
  };
});

race('authorization code (code exchange, PKCE)', async () => {
  const client = (
    await must('/admin/v1/clients', json({ name: 'Race app', redirectUris: [CALLBACK], public: true }, operator()), 201, 'create client')
  ).json();
  const user = await createUser();
  // Signed in on the hosted page, as the browser that authorizes.
  const page = await must('/signin?return=%2Faccount', { headers: { accept: 'text/html' } }, 200, 'sign-in page');
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
  const jar = new Map();
  const keep = (answer) => {
    for (const line of [answer.headers['set-cookie'] ?? []].flat()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  keep(page);
  const signedIn = await must(
    '/signin',
    form(
      { csrf, login: user.email, password: user.password, return: '/account' },
      { origin: worker.url, cookie: cookie(), accept: 'text/html' },
    ),
    303,
    'sign in',
  );
  keep(signedIn);
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: CALLBACK,
    scope: 'openid profile email',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const authorized = await must(`/oauth/authorize?${query}`, { headers: { cookie: cookie(), accept: 'text/html' } }, 302, 'authorize');
  const code = new URL(authorized.headers.location).searchParams.get('code');
  if (!code) throw new Error(`authorize: no code in ${authorized.headers.location}`);
  const exchange = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, client_id: client.clientId };
  const { answers, seconds } = await burst(agent, N, () => ({ url: `${worker.url}/oauth/token`, ...form(exchange) }));
  const ok200 = answers.filter((a) => a.status === 200).length;
  const sessions = await settled(() => rows('select id, revoked_at, revoked_reason from sessions where client_id = ?1', client.clientId));
  const live = sessions.filter((s) => s.revoked_at === null).length;
  return {
    statuses: byStatus(answers),
    seconds,
    winners: sessions.length,
    allowed: 1,
    rule: 'the code is spent once: exactly one session started from it, at most one 200; a replay revokes that session (RFC 6749 4.1.2), so none is left live',
    state: `${sessions.length} session(s) started by the code, ${live} live${sessions[0]?.revoked_reason ? ` (revoked: ${sessions[0].revoked_reason})` : ''}; ${ok200} answer(s) 200`,
    ok: sessions.length === 1 && ok200 <= 1 && live === 0,
  };
});

race('reset code (POST /v1/users/resetPassword)', async () => {
  const user = await createUser();
  await must('/v1/users/newPassword', json({ email: user.email }), 200, 'reset request');
  const code = await mailedCode(user.email, '/reset-password');
  const passwords = Array.from({ length: N }, (_, i) => password(i));
  const { answers, seconds } = await burst(agent, N, (i) => ({
    url: `${worker.url}/v1/users/resetPassword`,
    ...json({ code, password: passwords[i] }),
  }));
  const winners = answers.map((a, i) => (a.status === 200 ? i : -1)).filter((i) => i >= 0);
  const codes = await rows("select used_at from one_time_codes where user_id = ?1 and purpose = 'reset'", user.id);
  const winnerLogin =
    winners.length === 1 ? (await call('/v1/users/login', json({ email: user.email, password: passwords[winners[0]] }))).status : null;
  const loser = winners[0] === 0 ? 1 : 0;
  const loserLogin = (await call('/v1/users/login', json({ email: user.email, password: passwords[loser] }))).status;
  return {
    statuses: byStatus(answers),
    seconds,
    winners: winners.length,
    allowed: 1,
    rule: "exactly one reset sets its password; the winner's password signs in, a loser's does not",
    state: `code used: ${codes.every((row) => row.used_at !== null)}; sign-in with the winner's password ${winnerLogin}, with a loser's ${loserLogin}`,
    ok: winners.length === 1 && winnerLogin === 200 && loserLogin === 401 && codes.every((row) => row.used_at !== null),
  };
});

race('confirmation code (POST /v1/users/activate)', async () => {
  const email = fresh('confirm');
  await must('/v1/users/register', json({ email, password: password() }), 200, 'register');
  const code = await mailedCode(email, '/confirm-email');
  const { answers, seconds } = await burst(agent, N, () => ({ url: `${worker.url}/v1/users/activate`, ...json({ code }) }));
  const winners = answers.filter((a) => a.status === 200 && JSON.parse(a.text).user?.confirmed === true).length;
  const user = await one('select id, confirmed from users where email_key = ?1', email.toLowerCase());
  const codes = await rows("select used_at from one_time_codes where user_id = ?1 and purpose = 'confirm'", user.id);
  return {
    statuses: byStatus(answers),
    seconds,
    winners,
    allowed: 1,
    rule: 'exactly one activation answers 200 (confirmed); the rest are refused',
    state: `user confirmed: ${user.confirmed === 1}; code used: ${codes.every((row) => row.used_at !== null)}`,
    ok: winners === 1 && user.confirmed === 1 && codes.every((row) => row.used_at !== null),
  };
});

race('registration address (POST /v1/users/register, EMAIL_CONFIRMATION=on)', async () => {
  const email = fresh('register');
  const { answers, seconds } = await burst(agent, N, (i) => ({
    url: `${worker.url}/v1/users/register`,
    ...json({ email, password: password(i) }),
  }));
  const users = await rows('select id, confirmed from users where email_key = ?1', email.toLowerCase());
  // Each loser's sign-up replaces the pending one's password and voids its links (deferred, after
  // the answer): wait for that work to finish, then count the links still good.
  const liveCodes =
    users.length === 1
      ? await settled(
          async () =>
            (
              await one(
                "select count(*) as n from one_time_codes where user_id = ?1 and purpose = 'confirm' and used_at is null",
                users[0].id,
              )
            ).n,
        )
      : null;
  return {
    statuses: byStatus(answers),
    seconds,
    winners: users.length,
    allowed: 1,
    rule: 'one user row for the address; every answer the same 200 (a taken address answers as a new one); one confirmation link left live',
    state: `${users.length} user row(s), confirmed: ${users.map((u) => u.confirmed).join(',')}; live confirmation links: ${liveCodes}`,
    ok: users.length === 1 && byStatus(answers)[200] === N && liveCodes === 1,
  };
});

race('username (POST /api/v2/users)', async () => {
  const username = `race${randomBytes(5).toString('hex')}`;
  const { answers, seconds } = await burst(agent, N, (i) => ({
    url: `${worker.url}/api/v2/users`,
    ...json({ username, password: password(i), email: fresh(`gk${i}`), user_type: 'customer' }),
  }));
  const statuses = byStatus(answers);
  const users = await rows('select id from users where username_key = ?1', username);
  return {
    statuses,
    seconds,
    winners: statuses[201] ?? 0,
    allowed: 1,
    rule: 'exactly one 201; every other answer 409 (username in use)',
    state: `${users.length} user row(s) with the username`,
    ok: statuses[201] === 1 && statuses[409] === N - 1 && users.length === 1,
  };
});

race('droplit token issue + logout (POST and DELETE /api/users/ECO;USER/tokens)', async () => {
  const ecosystem = (await must('/admin/v1/ecosystems', json({ name: 'races' }, operator()), 201, 'create ecosystem')).json().id;
  const path = `/api/users/${ecosystem};race-user/tokens`;
  await must(
    `/api/users/${ecosystem};race-user`,
    { method: 'PUT', headers: { 'content-type': 'application/json', ...operator() }, body: JSON.stringify({ email: fresh('droplit') }) },
    201,
    'create app user',
  );
  const issue = (on = agent) => send(on, `${worker.url}${path}?expiryType=FixedTtl&ttl=3600`, { method: 'POST', headers: operator() });
  // N - 1 issues at once; the logout goes out (on a connection of its own) when half of them have answered.
  let answeredIssues = 0;
  let logoutSent;
  const started = performance.now();
  const issues = burst(
    agent,
    N - 1,
    () => ({ url: `${worker.url}${path}?expiryType=FixedTtl&ttl=3600`, method: 'POST', headers: operator() }),
    (answer) => {
      if (answer.status === 0) return;
      answeredIssues += 1;
      if (answeredIssues === Math.floor((N - 1) / 2))
        logoutSent = send(agent, `${worker.url}${path}`, { method: 'DELETE', headers: operator() });
    },
  );
  const { answers } = await issues;
  const logout = await logoutSent;
  const seconds = (performance.now() - started) / 1000;
  const tokens = answers
    .filter((a) => a.status === 200)
    .map((a) => ({ token: JSON.parse(a.text).token, before: a.answeredAt < logout.sentAt, after: a.sentAt > logout.answeredAt }));
  // Every token checked once, after the logout answered, at the edge (never seen before, so no cache).
  const checks = await burst(agent, tokens.length, (i) => ({
    url: `${worker.url}/auth/verify?ecosystem=${ecosystem}`,
    headers: { authorization: `Bearer ${tokens[i].token}` },
  }));
  const verdicts = tokens.map((t, i) => ({ ...t, live: checks.answers[i].status === 200 }));
  const beforeLive = verdicts.filter((t) => t.before && t.live).length;
  const beforeCount = verdicts.filter((t) => t.before).length;
  const overlapping = verdicts.filter((t) => !t.before);
  // D1: a token issued before the logout must belong to an ended session or an older epoch.
  const user = await one('select id, token_epoch from users where ecosystem_id = ?1 and unique_id = ?2', ecosystem, 'race-user');
  const liveRows = await rows(
    "select id from sessions where user_id = ?1 and kind = 'user_token' and revoked_at is null and user_epoch = ?2",
    user.id,
    user.token_epoch,
  );
  const sidOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid;
  const liveSids = new Set(liveRows.map((row) => row.id));
  const beforeLiveInD1 = verdicts.filter((t) => t.before && liveSids.has(sidOf(t.token))).length;
  const edgeAgreesWithD1 = verdicts.every((t) => t.live === liveSids.has(sidOf(t.token)));
  const afterwards = await issue(agent);
  const afterwardsLive =
    afterwards.status === 200 &&
    (await call(`/auth/verify?ecosystem=${ecosystem}`, { headers: { authorization: `Bearer ${JSON.parse(afterwards.text).token}` } }))
      .status === 200;
  const statuses = byStatus(answers);
  statuses[`logout ${logout.status}`] = 1;
  return {
    statuses,
    seconds,
    winners: beforeLive,
    allowed: 0,
    rule: 'after the logout answered, no token whose issue answered before the logout was sent still verifies (edge and D1); overlapping issues may land on either side; a token issued afterwards works',
    state: `answered before the logout: ${beforeCount} (still verifying: ${beforeLive}, live in D1: ${beforeLiveInD1}); overlapping: ${overlapping.length} (${overlapping.filter((t) => t.live).length} live, ${overlapping.filter((t) => !t.live).length} dead); edge agrees with D1 for every token: ${edgeAgreesWithD1}; issued afterwards verifies: ${afterwardsLive}`,
    ok: logout.status === 200 && beforeLive === 0 && beforeLiveInD1 === 0 && edgeAgreesWithD1 && afterwardsLive && beforeCount > 0,
  };
});

race(`lockout counter (POST /v1/users/login, wrong password, one client; threshold ${LOCK_THRESHOLD})`, async () => {
  const user = await createUser();
  const { answers, seconds } = await burst(agent, N, () => ({
    url: `${worker.url}/v1/users/login`,
    ...json({ email: user.email, password: 'not the password at all' }),
  }));
  const statuses = byStatus(answers);
  const counted = statuses[401] ?? 0;
  const failures = await rows(
    'select key, failures, locked_until from login_failures where key = ?1 or key like ?2',
    `user:${user.id}`,
    `client:user:${user.id}:%`,
  );
  const account = failures.find((row) => row.key === `user:${user.id}`);
  const client = failures.find((row) => row.key !== `user:${user.id}`);
  const notices = await settled(async () => (await rows('select subject from outbox where "to" = ?1', user.email)).length);
  return {
    statuses,
    seconds,
    winners: counted,
    allowed: LOCK_THRESHOLD,
    rule: `exactly ${LOCK_THRESHOLD} failures counted (answered 401) before the lock; the rest refused as locked (429) uncounted; one lock notice mailed`,
    state: `D1 failures: client row ${client?.failures}, account row ${account?.failures}; client locked: ${client?.locked_until > Date.now()}; lock notices mailed: ${notices}`,
    ok:
      counted === LOCK_THRESHOLD &&
      statuses[429] === N - LOCK_THRESHOLD &&
      client?.failures === LOCK_THRESHOLD &&
      account?.failures === LOCK_THRESHOLD &&
      notices === 1,
  };
});

async function main() {
  const secrets = await benchSecrets();
  process.env.GATEHOUSE_BENCH_ACCOUNT_TOKEN = secrets.ACCOUNT_TOKEN;
  rmSync(outdir, { recursive: true, force: true });
  console.log('bench:races: building the Worker (wrangler deploy --dry-run)');
  const scriptPath = buildWorker(root, outdir);
  worker = await startWorker(
    scriptPath,
    {
      ACCOUNT_TOKEN: secrets.ACCOUNT_TOKEN,
      SIGNING_KEYS: secrets.SIGNING_KEYS,
      ISSUER,
      PUBLIC_URL: ISSUER,
      PASSWORD_HASH,
      EMAIL_CONFIRMATION: 'on',
      LOGIN_LOCKOUT_THRESHOLD: String(LOCK_THRESHOLD),
      REFRESH_GRACE_SECONDS: String(REFRESH_GRACE_SECONDS),
    },
    {
      d1Databases: { DB: 'bench-races-db' },
      kvNamespaces: { TOKENS: 'bench-races-tokens' },
      // The per-client limit lifted: a thousand requests from one client are the point here.
      ratelimits: { AUTH_RATE_LIMITER: { namespace_id: '1001', simple: { limit: 1_000_000, period: 60 } } },
      // The Worker's log lines (one per mail and per refused attempt) are not the report.
      handleRuntimeStdio: (stdout, stderr) => (stdout.resume(), stderr.resume()),
    },
  );
  const results = [];
  try {
    await applyMigrations(worker.mf, root);
    db = await worker.mf.getD1Database('DB');
    const only = process.env.RACES_ONLY?.split(',');
    for (const [index, { name, run }] of races.entries()) {
      if (only && !only.includes(String(index + 1))) continue;
      process.stdout.write(`bench:races: ${index + 1}. ${name} ... `);
      socketErrors = [];
      resent = 0;
      try {
        const result = { name: `${index + 1}. ${name}`, ...(await run()) };
        const fiveXX = Object.entries(result.statuses)
          .filter(([status]) => /^(5\d\d|0)$/.test(status))
          .reduce((sum, [, n]) => sum + n, 0);
        result.fiveXX = fiveXX;
        if (socketErrors.length) result.state += `; ${socketErrors.length} socket errors, e.g. ${socketErrors[0]}`;
        result.resent = resent;
        result.ok = result.ok && fiveXX === 0;
        results.push(result);
        console.log(
          `${result.ok ? 'ok' : 'BROKEN'} (${result.seconds.toFixed(1)} s${resent ? `, ${resent} dropped by workerd unread and sent again` : ''})`,
        );
      } catch (error) {
        results.push({
          name: `${index + 1}. ${name}`,
          statuses: {},
          winners: '-',
          allowed: '-',
          rule: '',
          state: `failed to run: ${error.message}`,
          fiveXX: '-',
          ok: false,
          seconds: 0,
        });
        console.log(`FAILED: ${error.message}`);
      }
    }
  } finally {
    await worker.mf.dispose();
    agent.destroy();
  }
  const m = machine(root);
  console.log(`\nmachine: ${m.nproc} CPUs, ${m.cpu}; node ${m.node}; ${m.workerd}; miniflare ${m.miniflare}`);
  console.log(
    `${N} concurrent requests per race over ${N} keep-alive connections; PASSWORD_HASH=${PASSWORD_HASH}; EMAIL_CONFIRMATION=on; LOGIN_LOCKOUT_THRESHOLD=${LOCK_THRESHOLD}\n`,
  );
  console.log('| Race | Answers by status | Winners / allowed | 5xx | State afterwards (D1) | Burst s (resent) | Verdict |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const statuses = Object.entries(r.statuses)
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ');
    console.log(
      `| ${r.name} | ${statuses} | ${r.winners} / ${r.allowed} | ${r.fiveXX} | ${r.state} | ${r.seconds.toFixed(1)} (${r.resent ?? 0}) | ${r.ok ? 'held' : 'BROKEN'} |`,
    );
  }
  console.log('\nRules:');
  for (const r of results) console.log(`- ${r.name}: ${r.rule}`);
  if (results.some((r) => !r.ok)) {
    console.error('\nbench:races: a rule broke');
    process.exit(1);
  }
}

main()
  .then(() => clearTimeout(watchdog))
  .catch(async (error) => {
    console.error(error);
    await worker?.mf.dispose().catch(() => {});
    process.exit(1);
  });
