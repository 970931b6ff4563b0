// The fault sweep: a flow is counted once (every D1 and KV call it makes, before and after its
// answer), then run again from a fresh start with each call failed in turn, thrown and timed out,
// and each outcome judged by the same rules:
//   - an answer of 5xx is clean: the face's error shape, a request id (header, and the logged
//     cause under the same id), nothing of the request's secrets or of the storage error; D1 is as
//     it was (every table compared), but for the tables the flow declares a legitimate first step
//     of; and the same request through a healthy Worker then succeeds (retryable);
//   - an answer below 500 is the flow's success (never a 4xx that blames the caller for a storage
//     failure), and the flow's own check proves the thing happened.
import { expect } from 'vitest';
import { readTables, changesBetween } from '../robustness/traces';
import type { Face } from '../robustness/shapes';
import { newClient, type Client } from '../support/driver';
import { faults, indexesOf, type Binding, type Call, type FaultMode } from '../support/faults';

export interface Attempt {
  /** The flow's request (or Cron run), through `c`. */
  run: (c: Client) => Promise<Response | void>;
  /** What must never be in an answer: passwords, tokens, codes. */
  secrets: string[];
  /** The user the flow acts on, when it acts on one. */
  subject?: string;
  /** After a success: proves, through a healthy client, that the thing happened. */
  done: (healthy: Client) => Promise<void>;
  /** After a failure: proves, through a healthy client, that nothing happened (optional). */
  undone?: (healthy: Client) => Promise<void>;
  /** After a failure that left a declared first step (Flow.partial): proves that state consistent. */
  afterPartial?: (healthy: Client) => Promise<void>;
}

export interface Flow {
  name: string;
  face: Face;
  vars?: Record<string, string>;
  fetch?: typeof fetch;
  /** Builds the flow's starting state through `healthy` and answers the attempt to make. */
  prepare: (healthy: Client) => Promise<Attempt>;
  /** Tables a failed attempt may leave changed, each with the reason (docs/faults.md says the same). */
  partial?: Record<string, string>;
  /** Fault every call with 'throw' (default) or only the first, middle and last. */
  everyIndex?: boolean;
}

export interface Outcome {
  flow: string;
  binding: Binding;
  index: number;
  mode: FaultMode;
  call: string;
  status: number | 'run';
  changed: string[];
}

/** Prints each flow's calls and outcomes (for docs/faults.md) when set while developing. */
const PRINT_TABLE = false;

/** Tables that are not the service's data. */
const IGNORED = ['d1_migrations'];

const text = expect.any(String);

/** The face's error body for an unexpected failure. */
function errorShape(face: Face, status: number): unknown {
  switch (face) {
    case 'droplit':
      return { errorType: text, errors: expect.any(Array) };
    case 'gatekeeper':
      return { error: { code: status, message: text } };
    case 'userService':
      return { error: text };
    case 'oauth':
      return { error: text, error_description: text };
    case 'management':
      return { error: { code: text, message: text }, requestId: text };
    case 'page':
      return null;
  }
}

/** Leaks a failure answer must not carry, besides the request's own secrets. */
const LEAKS = ['D1_ERROR', 'injected', 'SQLITE', 'select ', 'insert ', 'update ', ' at '];

async function expectCleanFailure(response: Response, face: Face, logs: Client['logs'], secrets: string[], label: string): Promise<void> {
  const raw = await response.text();
  expect.soft(response.status, `${label}: ${raw.slice(0, 200)}`).toBeGreaterThanOrEqual(500);
  const requestId = response.headers.get('x-request-id');
  expect.soft(requestId, `${label}: a request id`).toMatch(/^[0-9a-f-]{36}$/);
  for (const secret of [...secrets, ...LEAKS])
    expect.soft(raw.includes(secret), `${label}: the answer holds "${secret.slice(0, 12)}..."`).toBe(false);
  if (face === 'page') {
    expect.soft(response.headers.get('content-type'), label).toMatch(/^text\/html/);
    if (response.status === 500) expect.soft(raw, `${label}: the page gives the reference`).toContain(requestId);
  } else {
    // An unexpected error (500) names its request id in the body too, on every face.
    const { requestId: named, ...body } = JSON.parse(raw) as Record<string, unknown>;
    expect
      .soft(face === 'management' ? { ...body, requestId: named } : body, `${label}: the ${face} error shape`)
      .toEqual(errorShape(face, response.status));
    if (response.status === 500 || named !== undefined) expect.soft(named, `${label}: the body's request id`).toBe(requestId);
  }
  // The cause is logged, under the answer's request id where the log line carries one.
  const errors = logs.filter((line) => line.level === 'error');
  expect.soft(errors.length, `${label}: the failure is logged`).toBeGreaterThan(0);
  const unhandled = errors.find((line) => line.event === 'unhandled_error');
  if (unhandled) expect.soft(unhandled.fields?.requestId, label).toBe(requestId);
}

function describeCall(call: Call | undefined): string {
  if (!call) return '(not reached)';
  const detail =
    call.binding === 'd1'
      ? (/^\s*(\w+)(?:.*?\b(?:from|into|update)\s+"?(\w+))?/is.exec(call.detail)?.slice(1).join(' ') ?? '')
      : call.detail;
  const statements = call.op === 'batch' ? ` of ${call.detail.split(' ; ').length}` : '';
  return `${call.op}${statements} ${detail.toLowerCase()}${call.afterAnswer ? ' (after the answer)' : ''}`.trim();
}

/**
 * The flow's two Workers, kept for all its attempts (a Worker's first request reads the
 * configuration and imports the keys): a healthy one that prepares and checks, and one whose D1 and
 * KV fail as armed. Each attempt gives both a new client address, so rate limits never add up.
 */
function workersFor(flow: Flow) {
  const healthy = newClient({ vars: flow.vars, fetch: flow.fetch });
  const f = faults();
  const faulty = newClient({ vars: flow.vars, fetch: flow.fetch, wrapEnv: f.wrapEnv, onAnswer: f.onAnswer, clock: healthy.clock });
  return { healthy, faulty, f };
}
type Workers = ReturnType<typeof workersFor>;

/** Runs the flow once, counting its calls. */
export async function countCalls(flow: Flow, workers: Workers = workersFor(flow)): Promise<Call[]> {
  const { healthy, faulty, f } = workers;
  const attempt = await flow.prepare(healthy);
  f.arm();
  const response = await attempt.run(faulty);
  if (response) expect(response.status, `${flow.name} without a fault: ${await response.clone().text()}`).toBeLessThan(400);
  await attempt.done(healthy);
  return [...f.calls];
}

/** One attempt with one fault; returns what happened. */
async function attemptWith(
  flow: Flow,
  workers: Workers,
  binding: Binding,
  index: number,
  mode: FaultMode,
  sticky: boolean,
): Promise<Outcome> {
  const { healthy, faulty, f } = workers;
  healthy.newAddress();
  faulty.newAddress();
  const attempt = await flow.prepare(healthy);
  f.arm({ binding, index, mode, sticky });
  const logged = faulty.logs.length;
  const before = await readTables(healthy.env.DB);
  const response = await attempt.run(faulty);
  const after = await readTables(healthy.env.DB);
  const logs = faulty.logs.slice(logged);
  const failedCall = f.failed()[0];
  const label = `${flow.name}: ${binding} call ${index} (${describeCall(failedCall)}) ${mode}${sticky ? ' and after' : ''}`;
  const changes = changesBetween({ tables: before, kv: {} }, { tables: after, kv: {} }, IGNORED);
  const outcome: Outcome = {
    flow: flow.name,
    binding,
    index,
    mode,
    call: describeCall(failedCall),
    status: response ? response.status : 'run',
    changed: Object.keys(changes),
  };
  expect.soft(failedCall, `${label}: the flow reached the call the count found`).toBeDefined();
  const failedBeforeAnswer = f.failed().some((call) => !call.afterAnswer);
  if (response && response.status >= 500) {
    await expectCleanFailure(response, flow.face, logs, attempt.secrets, label);
    const unexpected = Object.fromEntries(Object.entries(changes).filter(([table]) => !(flow.partial && table in flow.partial)));
    expect.soft(unexpected, `${label} -> ${response.status} must leave D1 as it was`).toEqual({});
    if (Object.keys(changes).length > 0 && attempt.afterPartial) {
      // A declared first step landed that a retry cannot repeat: the flow checks the state it leaves.
      await attempt.afterPartial?.(healthy);
    } else {
      await attempt.undone?.(healthy);
      const again = await attempt.run(healthy);
      if (again) expect.soft(again.status, `${label}: the retry`).toBeLessThan(400);
      await attempt.done(healthy);
    }
  } else {
    if (response) {
      const body = await response.clone().text();
      // A storage failure is never the caller's fault: no 4xx, which would make a client drop a good token or code.
      expect.soft(response.status, `${label}: ${body.slice(0, 200)}`).toBeLessThan(400);
      if (failedBeforeAnswer) outcome.status = response.status;
    }
    await attempt.done(healthy);
  }
  return outcome;
}

/**
 * Fails every call of the flow in turn: each with a thrown error (or the first, middle and last only
 * when `everyIndex` is false), and the first, middle and last with a timeout. Returns the outcomes.
 */
export async function sweepFaults(flow: Flow): Promise<Outcome[]> {
  const workers = workersFor(flow);
  const calls = await countCalls(flow, workers);
  const outcomes: Outcome[] = [];
  for (const binding of ['d1', 'kv'] as const) {
    const count = calls.filter((call) => call.binding === binding).length;
    for (const index of indexesOf(count, flow.everyIndex ?? true))
      outcomes.push(await attemptWith(flow, workers, binding, index, 'throw', false));
    for (const index of indexesOf(count, false)) outcomes.push(await attemptWith(flow, workers, binding, index, 'timeout', false));
  }
  if (PRINT_TABLE) {
    console.log(
      [
        `${flow.name}: ${calls.map(describeCall).join(' | ')}`,
        ...outcomes.map((o) => `  ${o.binding}#${o.index} ${o.mode} ${o.call} -> ${o.status} [${o.changed.join(',')}]`),
      ].join('\n'),
    );
  }
  return outcomes;
}

async function backlogKeys(client: Client, userId: string): Promise<string[]> {
  const rows = await client.env.DB.prepare('SELECT key FROM kv_backlog WHERE key = ?').bind(`epoch:${userId}`).all<{ key: string }>();
  return rows.results.map((row) => row.key);
}

/**
 * A revocation while KV refuses every write: D1 takes it and the answer says so (2xx), the epoch
 * mark KV refused three times waits in kv_backlog, and the next Cron run lands it. The flow's
 * attempt names its user (`subject`): other files share this database.
 */
export async function revocationDuringKvOutage(flow: Flow): Promise<void> {
  const healthy = newClient();
  const attempt = await flow.prepare(healthy);
  const userId = attempt.subject!;
  const f = faults();
  const down = newClient({ wrapEnv: f.wrapEnv, clock: healthy.clock });
  f.arm({ binding: 'kv', index: 0, mode: 'throw', sticky: true, match: (call) => call.op === 'put' });
  const response = (await attempt.run(down))!;
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  expect(f.failed().length, 'every try of the mark failed').toBeGreaterThanOrEqual(3);
  expect(
    f.calls.some((call) => call.binding === 'd1' && /insert into "?kv_backlog/i.test(call.detail) && !call.failed),
    'the mark was queued in kv_backlog',
  ).toBe(true);
  // Other files share this database and run Cron too: the queued mark is either still waiting
  // or already landed by one of their runs, never lost.
  const waiting = await backlogKeys(healthy, userId);
  if (waiting.length === 0) expect(await healthy.env.TOKENS.get(`epoch:${userId}`), 'landed by another Cron run').not.toBeNull();
  else expect(waiting).toEqual([`epoch:${userId}`]);
  expect(down.logs.some((line) => line.event === 'revocation_publish_failed')).toBe(true);
  await healthy.scheduled();
  expect(await backlogKeys(healthy, userId)).toEqual([]);
  await attempt.done(healthy);
}
