// The operations the scale bench times through HTTP, and the sequential timer: one request at a
// time over one keep-alive connection, each timed from send to the last byte of the body.
import { Agent, request as httpRequest } from 'node:http';

const REQUEST_TIMEOUT_MS = 30_000;

function send(agent, url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(url, { agent, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          ms: performance.now() - started,
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`request timed out: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function sequentialAgent() {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}

/** One request that must answer 200; its parsed JSON body (or null) and headers. */
export async function call(agent, url, init, what) {
  const response = await send(agent, url, init);
  if (response.status !== 200) throw new Error(`${what}: ${response.status} ${response.body.slice(0, 300)}`);
  return { json: response.body ? JSON.parse(response.body) : null, headers: response.headers };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Times `op` sequentially: `warmup` untimed requests, then up to `count` timed ones, stopping
 * early (after at least `minCount`) once `budgetMs` of wall time is spent; request i is op's
 * number `first + i`. Every answer must be 200.
 * `cpuSeconds()` reads the CPU the workerd process has used so far: its mean per request is what
 * the Worker and its SQLite spent, which other work on a shared machine barely moves.
 */
export async function timeOperation(agent, baseUrl, op, { count, minCount, warmup, budgetMs, first = 0 }, cpuSeconds) {
  const request = (i) => send(agent, `${baseUrl}${op.path(first + i)}`, op.init?.(first + i));
  for (let i = 0; i < warmup; i += 1) {
    const { status, body } = await request(i);
    if (status !== 200) throw new Error(`${op.name}: warm-up answered ${status} ${body.slice(0, 300)}`);
    // A bench that times empty pages measures nothing: each operation says what a real answer holds.
    const problem = op.check?.(body ? JSON.parse(body) : null);
    if (problem) throw new Error(`${op.name}: ${problem}`);
  }
  const samples = [];
  const cpuBefore = cpuSeconds();
  const deadline = performance.now() + budgetMs;
  while (samples.length < count && (samples.length < minCount || performance.now() < deadline)) {
    const { ms, status, body } = await request(warmup + samples.length);
    if (status !== 200) throw new Error(`${op.name}: answered ${status} ${body.slice(0, 300)}`);
    samples.push(ms);
  }
  return { samples, cpuSeconds: cpuSeconds() - cpuBefore };
}

/** One operation's rounds merged: median and p99 of all its requests, workerd CPU per request. */
export function summarize(name, rounds) {
  const samples = rounds.flatMap((round) => round.samples);
  const sorted = [...samples].sort((a, b) => a - b);
  const cpuMs = (rounds.reduce((total, round) => total + round.cpuSeconds, 0) * 1000) / samples.length;
  return {
    name,
    count: samples.length,
    cpuMs,
    medianMs: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
    samples,
  };
}

/**
 * A cursor 90% deep, in the format of the cursor the first page gave out: today base64url of the
 * JSON `[createdAt, id]` of the last row before the page (src/core/user-listing.ts). If that
 * format changes, this says so instead of timing 400s.
 */
export function cursorLike(sample, row) {
  let decoded;
  try {
    decoded = JSON.parse(Buffer.from(sample, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== 'number' || typeof decoded[1] !== 'string') {
    throw new Error(
      `the list's cursor is no longer base64url JSON [createdAt, id] (got ${sample}); teach bench/lib/scale-ops.mjs the new format`,
    );
  }
  return Buffer.from(JSON.stringify([row.created_at, row.id])).toString('base64url');
}

/** The row `fraction` of the way through a listing in its order (created_at, id), read from the seeded file. */
export function rowAt(db, { where = '1 = 1', params = [], fraction }) {
  const { n } = db.prepare(`SELECT count(*) AS n FROM users WHERE ${where}`).get(...params);
  const offset = Math.floor(n * fraction);
  return db.prepare(`SELECT id, created_at FROM users WHERE ${where} ORDER BY created_at, id LIMIT 1 OFFSET ?`).get(...params, offset);
}
