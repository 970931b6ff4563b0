#!/usr/bin/env node
// `npm run bench:soak-floor`: the soak's memory floor. The trivial Worker of `npm run bench`
// (bench/trivial-worker.js, a constant answer) in its own workerd, started the way the soak starts
// Gatehouse (miniflare, direct socket), under the soak's load generator: SOAK_CONCURRENCY (16)
// keep-alive connections sending `GET /` one after another for SOAK_MINUTES (3), workerd's RSS read
// every 5 s and reported per SOAK_BUCKET_SECONDS (30). Then tcmalloc's figures and its free pages
// released, as at the end of the soak (bench/lib/tcmalloc.mjs). What it shows: how much of the
// soak's RSS any Worker's traffic costs workerd, with none of Gatehouse's code or storage.
// SOAK_FLOOR=d1 runs bench/trivial-d1-worker.js instead (one `select 1` on a local D1 per request:
// what the local D1, a SQLite Durable Object inside the same workerd, costs), and SOAK_FLOOR=fetch
// bench/trivial-fetch-worker.js (one fetch of the loopback origin per request, as the gateway does).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { burstAgent, send } from './lib/burst.mjs';
import { startWorker } from './lib/harness.mjs';
import { startOrigin } from './lib/origin-process.mjs';
import { mallocFigures, releaseFreeMemory } from './lib/tcmalloc.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MINUTES = Number(process.env.SOAK_MINUTES ?? 3);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 16);
const BUCKET_SECONDS = Number(process.env.SOAK_BUCKET_SECONDS ?? 30);
const FLOORS = {
  plain: { script: 'trivial-worker.js', what: '' },
  d1: { script: 'trivial-d1-worker.js', what: ' with one D1 query a request' },
  fetch: { script: 'trivial-fetch-worker.js', what: ' with one fetch of a loopback origin a request' },
};
const FLOOR = FLOORS[process.env.SOAK_FLOOR ?? 'plain'];
if (!FLOOR) throw new Error(`SOAK_FLOOR: one of ${Object.keys(FLOORS).join(', ')}`);

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const rssOf = (pid) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

const origin = FLOOR === FLOORS.fetch ? await startOrigin() : null;
const worker = await startWorker(join(root, 'bench', FLOOR.script), origin ? { ORIGIN: origin.url } : {}, {
  handleRuntimeStdio: (out, err) => (out.resume(), err.resume()),
  ...(FLOOR === FLOORS.d1 ? { d1Databases: { DB: 'bench-floor-db' } } : {}),
});
const watchdog = setTimeout(
  async () => {
    console.error('bench:soak-floor: still running; giving up');
    await worker.mf.dispose().catch(() => {});
    origin?.child.kill();
    process.exit(1);
  },
  (MINUTES * 60 + 180) * 1000,
);
watchdog.unref();
try {
  const agent = burstAgent(CONCURRENCY);
  const idle = rssOf(worker.pid);
  const buckets = [];
  const started = performance.now();
  const deadline = started + MINUTES * 60_000;
  const bucketOf = (at) => (buckets[Math.floor((at - started) / (BUCKET_SECONDS * 1000))] ??= { requests: 0, rss: NaN, errors: 0 });
  const sampler = setInterval(() => (bucketOf(performance.now()).rss = rssOf(worker.pid)), 5_000);
  console.log(
    `bench:soak-floor: ${MINUTES} minute(s) of GET / at concurrency ${CONCURRENCY} on the trivial Worker${FLOOR.what}; RSS idle ${mib(idle)} MiB`,
  );
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const answer = await send(agent, `${worker.url}/`).catch(() => ({ status: 0 }));
        const bucket = bucketOf(sent);
        bucket.requests += 1;
        if (answer.status !== 200) bucket.errors += 1;
      }
    }),
  );
  clearInterval(sampler);
  agent.destroy();
  console.log(`\n| Bucket (${BUCKET_SECONDS} s) | Requests | not 200 | workerd RSS MiB |\n|---|---|---|---|`);
  buckets.forEach((bucket, i) => bucket && console.log(`| ${i + 1} | ${bucket.requests} | ${bucket.errors} | ${mib(bucket.rss)} |`));
  const figures = mallocFigures(worker.pid);
  const released = releaseFreeMemory(worker.pid);
  if (figures && released) {
    console.log(
      `\ntcmalloc (load over): ${mib(figures.allocated)} MiB in use, ${mib(figures.heapSize)} MiB held (${mib(figures.pageheapFree)} MiB free but mapped); ` +
        `RSS ${mib(released.before)} → ${mib(released.after)} MiB once tcmalloc released its free pages`,
    );
  } else console.log('\ntcmalloc figures not read (gdb missing or refused)');
} finally {
  clearTimeout(watchdog);
  await worker.mf.dispose().catch(() => {});
  origin?.child.kill();
}
