// Many requests at once: each over its own keep-alive connection of one node:http Agent whose
// socket limit is the burst's size, so all of them are in flight together (no queueing in the
// client). Each answer keeps its status, body and when it was sent and answered.
import { Agent, request as httpRequest } from 'node:http';

export function burstAgent(size) {
  return new Agent({ keepAlive: true, maxSockets: size, maxFreeSockets: size });
}

/** One request; resolves with { status, headers, text, sentAt, answeredAt } (times from performance.now()). */
export function send(agent, url, { method = 'GET', headers = {}, body } = {}, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const req = httpRequest(
      url,
      { agent, method, headers: body === undefined ? headers : { 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            sentAt,
            answeredAt: performance.now(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `count` requests started in the same tick: `requestFor(i)` gives request i's { url, method,
 * headers, body }; `onAnswer(answer, i)` sees each answer as it comes. A request that fails at the
 * socket counts as status 0 (with its error).
 */
export async function burst(agent, count, requestFor, onAnswer = () => {}) {
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const { url, ...init } = requestFor(i);
      return send(agent, url, init)
        .catch((error) => ({ status: 0, text: String(error), sentAt: started, answeredAt: performance.now() }))
        .then((answer) => (onAnswer(answer, i), answer));
    }),
  );
  return { answers, seconds: (performance.now() - started) / 1000 };
}

/** { status: count } of a burst's answers. */
export function byStatus(answers) {
  const counts = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
