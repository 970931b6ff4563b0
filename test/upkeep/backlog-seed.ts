// A backlog for upkeep, seeded straight into D1: each statement an INSERT ... SELECT over a
// recursive counter, so ten thousand rows cost one statement and a handful of bound values (D1
// allows 100 per statement), and a hundred thousand seed in a few seconds.
//
// For every n ended sessions: n/3 refresh sessions revoked two hours ago (each with two spent
// secrets), n/3 refresh sessions expired two hours ago, n/3 FixedTtl user tokens expired an hour
// ago; and n one-time codes, half used two days ago and half expired two days ago.
const ROWS_PER_STATEMENT = 10_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `count` rows numbered from `from`, as a recursive CTE that selects `i`. */
const counter = `with recursive n(i) as (select ?1 union all select i + 1 from n where i < ?2)`;

/** An INSERT of rows numbered ?1 to ?2 whose ids start with ?3, and its values from ?4 on. */
type Shape = (userId: string, now: number) => { sql: string; values: unknown[] };

const SHAPES: Record<'revoked' | 'expired' | 'fixedTtl' | 'spent' | 'codeUsed' | 'codeExpired', Shape> = {
  revoked: (userId, now) => ({
    sql: `insert into sessions (id, user_id, kind, secret_hash, created_at, last_used_at, expires_at, revoked_at)
      ${counter} select ?3 || '-revoked-' || i, ?4, 'refresh', 'h', ?5, ?5, ?6, ?7 from n`,
    values: [userId, now - 20 * DAY, now + 10 * DAY, now - 2 * HOUR],
  }),
  expired: (userId, now) => ({
    sql: `insert into sessions (id, user_id, kind, secret_hash, created_at, last_used_at, expires_at)
      ${counter} select ?3 || '-expired-' || i, ?4, 'refresh', 'h', ?5, ?5, ?6 from n`,
    values: [userId, now - 31 * DAY, now - 2 * HOUR],
  }),
  fixedTtl: (userId, now) => ({
    sql: `insert into sessions (id, user_id, kind, rotates, expiry_type, ttl_seconds, created_at, last_used_at, expires_at)
      ${counter} select ?3 || '-fixed-' || i, ?4, 'user_token', 0, 'FixedTtl', 60, ?5, ?5, ?6 from n`,
    values: [userId, now - 2 * HOUR, now - HOUR],
  }),
  // Two secrets spent by each revoked session.
  spent: () => ({
    sql: `insert into spent_secrets (session_id, secret_hash)
      ${counter} select ?3 || '-revoked-' || i, 's1' from n union all select ?3 || '-revoked-' || i, 's2' from n`,
    values: [],
  }),
  codeUsed: (userId, now) => ({
    sql: `insert into one_time_codes (id, user_id, purpose, code_hash, expires_at, used_at, created_at)
      ${counter} select ?3 || '-used-' || i, ?4, 'reset', ?3 || '-used-' || i, ?5, ?6, ?7 from n`,
    values: [userId, now + HOUR, now - 2 * DAY, now - 3 * DAY],
  }),
  codeExpired: (userId, now) => ({
    sql: `insert into one_time_codes (id, user_id, purpose, code_hash, expires_at, created_at)
      ${counter} select ?3 || '-expired-' || i, ?4, 'confirm', ?3 || '-expired-' || i, ?5, ?6 from n`,
    values: [userId, now - 2 * DAY, now - 5 * DAY],
  }),
};

async function insertRows(db: D1Database, shape: Shape, tag: string, userId: string, now: number, count: number): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (let from = 1; from <= count; from += ROWS_PER_STATEMENT) {
    const { sql, values } = shape(userId, now);
    const to = Math.min(count, from + ROWS_PER_STATEMENT - 1);
    statements.push(db.prepare(sql).bind(from, to, tag, ...values));
  }
  await db.batch(statements);
}

export interface SeededBacklog {
  sessions: number;
  spentSecrets: number;
  codes: number;
}

/** Seeds `count` ended sessions (with spent secrets) and `count` spent codes for `userId`; ids start with `tag`. */
export async function seedBacklog(db: D1Database, tag: string, userId: string, now: number, count: number): Promise<SeededBacklog> {
  const third = Math.floor(count / 3);
  const sessionsOf = { revoked: third, expired: third, fixedTtl: count - 2 * third };
  for (const [shape, n] of Object.entries(sessionsOf)) await insertRows(db, SHAPES[shape as keyof typeof SHAPES], tag, userId, now, n);
  await insertRows(db, SHAPES.spent, tag, userId, now, third);
  await insertRows(db, SHAPES.codeUsed, tag, userId, now, Math.floor(count / 2));
  await insertRows(db, SHAPES.codeExpired, tag, userId, now, count - Math.floor(count / 2));
  return { sessions: count, spentSecrets: 2 * third, codes: count };
}
