#!/usr/bin/env node
// `npm run bench:timing`: does an enumeration-sensitive route answer a known identity as fast as
// an unknown one? For each route, PAIRS alternating requests (known, unknown, then unknown, known,
// ...), one at a time and spaced apart so nothing overlaps, timed from the client over loopback;
// the medians and their difference are printed as bench/README.md's table. Not a test: wall time
// on a shared machine is noisy, and workerd's clock stands still inside one. Bounded, with a watchdog.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { applyMigrations, buildWorker, startWorker } from './lib/harness.mjs';
import { machine } from './lib/report.mjs';
import { benchSecrets, ISSUER } from './lib/tokens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'bench', '.results', 'timing-build');
const PAIRS = Number(process.env.BENCH_PAIRS ?? 31);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 60);
/** Both paths hash once at the same cost (an unknown account checks a dummy hash), so a cheap cost
 * keeps the run short and the noise small without hiding a difference; BENCH_PASSWORD_HASH overrides. */
const PASSWORD_HASH = process.env.BENCH_PASSWORD_HASH ?? 'scrypt:ln=10,r=8,p=1';
const LOCK_THRESHOLD = 3;
/** src/core/mail.ts's MAIL_PER_RECIPIENT_LIMIT: mails one address may be sent an hour. */
const MAIL_PER_RECIPIENT_LIMIT = 5;
/** BENCH_ONLY=register runs only the routes whose name contains it (a quicker look at one). */
const ONLY = process.env.BENCH_ONLY ?? '';
const WATCHDOG_SECONDS = 300;

let worker;
const watchdog = setTimeout(async () => {
  console.error(`bench:timing still running after ${WATCHDOG_SECONDS} s; giving up`);
  await worker?.mf.dispose().catch(() => {});
  process.exit(1);
}, WATCHDOG_SECONDS * 1000);
watchdog.unref();

let clients = 0;
/** A fresh client address per request, so per-client lockout and rate limits never mix in. */
const nextAddress = () => {
  clients += 1;
  return `198.18.${(clients >> 8) & 255}.${clients & 255}`;
};
const fresh = (label) => `${label}.${randomBytes(6).toString('hex')}@example.com`;
const password = () => `correct horse ${randomBytes(6).toString('hex')}`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function send(path, init = {}, address = nextAddress()) {
  const response = await fetch(`${worker.url}${path}`, { ...init, headers: { 'cf-connecting-ip': address, ...init.headers } });
  await response.arrayBuffer();
  if (response.status >= 500) throw new Error(`${path}: ${response.status}`);
  return response;
}

const json = (body) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const form = (fields, headers = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
});

async function createUser(email, secret, username) {
  const response = await fetch(`${worker.url}/admin/v1/users`, {
    ...json({ email, password: secret, ...(username ? { username } : {}) }),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.GATEHOUSE_BENCH_ACCOUNT_TOKEN}` },
  });
  if (response.status !== 201) throw new Error(`create user: ${response.status} ${await response.text()}`);
  return { email, password: secret };
}

/** A hosted page's form, read first (untimed): the POST's init with its CSRF cookie and field. */
async function pageForm(path, fields) {
  const page = await fetch(`${worker.url}${path}`, { headers: { accept: 'text/html' } });
  const text = await page.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(text)?.[1];
  const cookie = page.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return form({ csrf, ...fields }, { origin: worker.url, cookie, accept: 'text/html' });
}

/**
 * Each case: `prepare(kind)` does the untimed set-up of one request and returns the timed one.
 * `known` and `unknown` differ only in the identity.
 */
function cases(known) {
  const wrong = 'not the password at all';
  // LOGIN_ACCOUNT_CEILING (at most 100) locks an account after that many failures from any client,
  // and a locked account is refused before its hash: a known account takes at most 40 wrong
  // passwords, then a new one takes over, so no row times a lock's quick refusal instead.
  let loginAccount = known.login;
  let loginUses = 0;
  const knownLogin = async () => {
    if (loginUses >= 40) {
      loginAccount = await createUser(fresh('known'), password());
      loginUses = 0;
    }
    loginUses += 1;
    return loginAccount.email;
  };
  const loginOf = async (who) => (who === 'known' ? await knownLogin() : fresh('nobody'));
  // A reset or a registration of a known address mails its owner, at most MAIL_PER_RECIPIENT_LIMIT
  // times an hour. Each of these rows' known requests goes to an address still under that limit
  // (a new one after every few uses), so it times the write of the mail a first probe causes; the
  // rows "limit reached" time an address past it (nothing is mailed), each its own case.
  const mailable = () => {
    let account = null;
    let uses = 0;
    return async (who) => {
      if (who !== 'known') return fresh('new');
      if (!account || uses >= MAIL_PER_RECIPIENT_LIMIT - 1) {
        account = await createUser(fresh('known'), password());
        uses = 0;
      }
      uses += 1;
      return account.email;
    };
  };
  const resetOf = mailable();
  const resetPageOf = mailable();
  const registerOf = mailable();
  const signupOf = mailable();
  const pastLimit = (who) => (who === 'known' ? known.reset.email : fresh('new'));
  const lockPrelude = async (identity, path, build) => {
    const address = nextAddress();
    for (let i = 1; i < LOCK_THRESHOLD; i += 1) await send(path, await build(identity), address);
    return async () => send(path, await build(identity), address);
  };
  return [
    {
      name: 'POST /v1/users/newPassword',
      prepare: async (who) => {
        const email = await resetOf(who);
        return () => send('/v1/users/newPassword', json({ email }));
      },
    },
    {
      name: 'POST /forgot-password (hosted page)',
      prepare: async (who) => {
        const init = await pageForm('/forgot-password', { email: await resetPageOf(who) });
        return () => send('/forgot-password', init);
      },
    },
    {
      name: 'POST /v1/users/register (EMAIL_CONFIRMATION=on)',
      prepare: async (who) => {
        const email = await registerOf(who);
        return () => send('/v1/users/register', json({ email, password: password() }));
      },
    },
    {
      name: "POST /v1/users/register (EMAIL_CONFIRMATION=on), the address's hourly mail limit reached",
      prepare: (who) => () => send('/v1/users/register', json({ email: pastLimit(who), password: password() })),
    },
    {
      name: 'POST /signup (hosted page, EMAIL_CONFIRMATION=on)',
      prepare: async (who) => {
        const init = await pageForm('/signup', { email: await signupOf(who), password: password() });
        return () => send('/signup', init);
      },
    },
    {
      name: 'POST /v1/users/login, wrong password',
      prepare: async (who) => {
        const email = await loginOf(who);
        return () => send('/v1/users/login', json({ email, password: wrong }));
      },
    },
    {
      name: 'POST /api/v2/sessions, wrong password',
      prepare: async (who) => {
        const username = await loginOf(who);
        return () => send('/api/v2/sessions', json({ username, password: wrong }));
      },
    },
    {
      name: 'POST /oauth/token (password grant), wrong password',
      prepare: async (who) => {
        const username = await loginOf(who);
        return () => send('/oauth/token', form({ grant_type: 'password', username, password: wrong }));
      },
    },
    {
      name: 'POST /signin (hosted page), wrong password',
      prepare: async (who) => {
        const init = await pageForm('/signin', {
          login: await loginOf(who),
          password: wrong,
          return: '/account',
        });
        return () => send('/signin', init);
      },
    },
    {
      name: `POST /v1/users/login, the failure that starts a lock (threshold ${LOCK_THRESHOLD}; the owner is mailed)`,
      prepare: async (who) => {
        const identity = who === 'known' ? (await createUser(fresh('locked'), password())).email : fresh('nobody');
        return lockPrelude(identity, '/v1/users/login', (email) => json({ email, password: wrong }));
      },
    },
  ];
}

async function measure(testCase) {
  const times = { known: [], unknown: [] };
  for (let pair = 0; pair < PAIRS; pair += 1) {
    const order = pair % 2 === 0 ? ['known', 'unknown'] : ['unknown', 'known'];
    for (const who of order) {
      const timed = await testCase.prepare(who);
      await sleep(GAP_MS); // the previous request's deferred work has finished
      const started = performance.now();
      await timed();
      times[who].push(performance.now() - started);
    }
  }
  // The first pair warms the route up; it is left out.
  const known = median(times.known.slice(1));
  const unknown = median(times.unknown.slice(1));
  return { name: testCase.name, known, unknown, difference: known - unknown };
}

async function main() {
  const secrets = await benchSecrets();
  process.env.GATEHOUSE_BENCH_ACCOUNT_TOKEN = secrets.ACCOUNT_TOKEN;
  rmSync(outdir, { recursive: true, force: true });
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
    },
    // The Worker's log lines (one per mail) are not the report: drop workerd's output.
    {
      d1Databases: { DB: 'bench-timing-db' },
      kvNamespaces: { TOKENS: 'bench-timing-tokens' },
      handleRuntimeStdio: (stdout, stderr) => (stdout.resume(), stderr.resume()),
    },
  );
  try {
    await applyMigrations(worker.mf, root);
    const known = { reset: await createUser(fresh('known'), password()), login: await createUser(fresh('known'), password()) };
    // Past its hourly mail limit before any timed request (the limit-reached row's known address).
    for (let i = 0; i < MAIL_PER_RECIPIENT_LIMIT; i += 1) await send('/v1/users/newPassword', json({ email: known.reset.email }));
    const m = machine(root);
    console.log(`machine: ${m.nproc} CPUs, ${m.cpu}; node ${m.node}; ${m.workerd}; miniflare ${m.miniflare}`);
    console.log(
      `${PAIRS - 1} pairs per route after one warm-up pair, one request at a time, ${GAP_MS} ms apart; PASSWORD_HASH=${PASSWORD_HASH}\n`,
    );
    console.log('| Route | known, median ms | unknown, median ms | known − unknown |');
    console.log('|---|---|---|---|');
    for (const testCase of cases(known).filter((each) => each.name.includes(ONLY))) {
      const result = await measure(testCase);
      console.log(
        `| ${result.name} | ${result.known.toFixed(2)} | ${result.unknown.toFixed(2)} | ${result.difference >= 0 ? '+' : ''}${result.difference.toFixed(2)} |`,
      );
    }
  } finally {
    await worker.mf.dispose();
  }
}

main().catch(async (error) => {
  console.error(error);
  await worker?.mf.dispose().catch(() => {});
  process.exit(1);
});
