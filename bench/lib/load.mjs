// The load generator: a fixed number of requests at a fixed concurrency over keep-alive
// connections to loopback, each with its own headers (so every request may carry another token).
import { Agent, request as httpRequest } from 'node:http';

function send(url, { method = 'GET', headers = {}, body } = {}, agent) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent, method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

export function keepAliveAgent(concurrency) {
  return new Agent({ keepAlive: true, maxSockets: concurrency });
}

/**
 * Sends up to `count` requests (and for at most `seconds`, when given), `concurrency` at a time;
 * `headersFor(i)` gives request i's headers; `method` is the same for all (GET by default), and
 * `body` is a string for all or `(i) => string` for request i's (none by default). Returns the wall time and the statuses seen.
 */
export async function runLoad({ url, count, concurrency, agent, seconds = Infinity, headersFor = () => ({}), method = 'GET', body }) {
  let next = 0;
  const statuses = new Map();
  const deadline = performance.now() + seconds * 1000;
  async function loop() {
    while (next < count && performance.now() < deadline) {
      const i = next++;
      const status = await send(url, { method, headers: headersFor(i), body: typeof body === 'function' ? body(i) : body }, agent);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { seconds: (performance.now() - started) / 1000, count: next, statuses: Object.fromEntries(statuses) };
}
