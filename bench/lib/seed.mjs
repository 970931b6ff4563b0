// Seeds the users-sized tables straight into the SQLite file behind miniflare's local D1, with
// node:sqlite (Node 22.13+): prepared statements, one transaction per chunk. Rows look like the
// app's own (lower-cased key columns, every NOT NULL column set, times in ms), so whatever
// queries and indexes the source tree holds are measured on a realistic table.
import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';

const CHUNK = 20_000;
const DAY = 86_400_000;
const SPAN = 3 * 365 * DAY;
const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Emma',
  'Felix',
  'Greta',
  'Hugo',
  'Ida',
  'Jonas',
  'Karla',
  'Luca',
  'Mia',
  'Noah',
  'Olga',
  'Paul',
];
const LAST = ['Schmidt', 'Meyer', 'Weber', 'Wagner', 'Becker', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Braun'];
const DOMAINS = ['Example.com', 'mail.example.org', 'example.net', 'Firma.example', 'uni.example.edu'];

/** A stored hash in src/crypto/password.ts's format (`$scrypt$ln=..$salt$key`, unpadded base64). */
export function scryptHash(password, { ln, r, p }) {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 2 ** ln, r, p });
  const b64 = (bytes) => bytes.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
}

/** Fails clearly when the schema grew a NOT NULL column without a default that the seeder does not write. */
function checkColumns(db, table, written) {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all();
  if (columns.length === 0) throw new Error(`seed: table ${table} does not exist`);
  const missing = columns.filter((c) => c.notnull && c.dflt_value === null && !c.pk && !written.includes(c.name)).map((c) => c.name);
  if (missing.length > 0)
    throw new Error(`seed: ${table} has NOT NULL columns the seeder does not write: ${missing.join(', ')} (update bench/lib/seed.mjs)`);
}

function insertStatement(db, table, columns) {
  checkColumns(db, table, columns);
  return db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
}

const USER_COLUMNS = [
  'id',
  'ecosystem_id',
  'unique_id',
  'username',
  'username_key',
  'email',
  'email_key',
  'password_hash',
  'role',
  'first_name',
  'last_name',
  'language',
  'confirmed',
  'disabled',
  'user_number',
  'created_at',
  'updated_at',
];
const SESSION_COLUMNS = [
  'id',
  'user_id',
  'kind',
  'rotates',
  'secret_hash',
  'generation',
  'created_at',
  'last_used_at',
  'expires_at',
  'revoked_at',
  'revoked_reason',
];
const FAILURE_COLUMNS = ['key', 'failures', 'locked_until', 'updated_at'];
const CODE_COLUMNS = ['id', 'user_id', 'purpose', 'code_hash', 'expires_at', 'used_at', 'created_at'];

/**
 * The user number `i` of an ecosystem: name parts cycle, the number makes the keys unique; every
 * third user has no unique id (registered through the Gatekeeper or OAuth faces, not droplit).
 */
export function seededUser(i) {
  const first = FIRST[i % FIRST.length];
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
  return {
    first,
    last,
    email: `${first}.${last}${i}@${DOMAINS[i % DOMAINS.length]}`,
    username: `${first}${last}_${i}`,
    uniqueId: i % 3 === 2 ? null : `app-${i}`,
    role: i % 500 === 7 ? 'admin' : i % 50 === 3 ? 'developer' : 'user',
    canLogIn: i % 20 !== 19 && i % 200 !== 11,
  };
}

function userRow(ecosystemId, i, count, now, passwordHash) {
  const { first, last, email, username, uniqueId, role } = seededUser(i);
  // Registered over three years in user-number order, with jitter (and so some out of order).
  const createdAt = now - SPAN + Math.floor(((i + Math.random() * 4) / (count + 4)) * (SPAN - DAY));
  return {
    id: randomUUID(),
    values: [
      null,
      ecosystemId,
      uniqueId,
      username,
      username.toLowerCase(),
      email,
      email.toLowerCase(),
      passwordHash,
      role,
      first,
      last,
      i % 4 === 0 ? 'de' : 'en',
      i % 20 === 19 ? 0 : 1,
      i % 200 === 11 ? 1 : 0,
      i + 1,
      createdAt,
      createdAt + Math.floor(Math.random() * DAY),
    ],
    createdAt,
  };
}

const hex = (bytes) => randomBytes(bytes).toString('hex');

/**
 * Writes `count` users into each ecosystem of `plan` ({ id: count }), and for some of them a
 * session (10%), a counted login failure (1%) and a one-time code (2%). Returns the rows written.
 */
export function seed(file, plan, { passwordHash, now = Date.now() }) {
  const db = new DatabaseSync(file);
  try {
    // Not durable while seeding (a crash means a new seed); journal mode left as workerd set it.
    // Not durable while seeding (a crash means a new seed): no journal, no fsync, and a cache that
    // holds the indexes so random-order keys (UUIDs, e-mails) insert without paging. workerd's
    // journal mode (WAL) is put back at the end.
    const { journal_mode: journalMode } = db.prepare('PRAGMA journal_mode').get();
    db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY');
    const insertEcosystem = db.prepare('INSERT OR IGNORE INTO ecosystems (id, name, created_at) VALUES (?, ?, ?)');
    const insertUser = insertStatement(db, 'users', USER_COLUMNS);
    const insertSession = insertStatement(db, 'sessions', SESSION_COLUMNS);
    const insertFailure = insertStatement(db, 'login_failures', FAILURE_COLUMNS);
    const insertCode = insertStatement(db, 'one_time_codes', CODE_COLUMNS);
    const written = { users: 0, sessions: 0, loginFailures: 0, codes: 0 };
    for (const [ecosystemId, count] of Object.entries(plan)) {
      insertEcosystem.run(ecosystemId, ecosystemId, now - SPAN - DAY);
      for (let start = 0; start < count; start += CHUNK) {
        db.exec('BEGIN');
        for (let i = start; i < Math.min(start + CHUNK, count); i += 1) {
          const user = userRow(ecosystemId, i, count, now, passwordHash);
          user.values[0] = user.id;
          insertUser.run(...user.values);
          written.users += 1;
          if (i % 10 === 1) {
            const revoked = i % 30 === 1;
            const usedAt = user.createdAt + Math.floor(Math.random() * (now - user.createdAt));
            insertSession.run(
              randomUUID(),
              user.id,
              'refresh',
              1,
              hex(32),
              i % 5,
              user.createdAt,
              usedAt,
              usedAt + 30 * DAY,
              revoked ? usedAt : null,
              revoked ? 'logout' : null,
            );
            written.sessions += 1;
          }
          if (i % 100 === 5) {
            insertFailure.run(`user:${user.id}`, 1 + (i % 3), 0, now - Math.floor(Math.random() * SPAN));
            written.loginFailures += 1;
          }
          if (i % 50 === 9) {
            const createdAt = now - Math.floor(Math.random() * 7 * DAY);
            insertCode.run(
              randomUUID(),
              user.id,
              i % 2 ? 'confirm' : 'reset',
              hex(32),
              createdAt + DAY,
              i % 4 === 1 ? createdAt + 60_000 : null,
              createdAt,
            );
            written.codes += 1;
          }
        }
        db.exec('COMMIT');
      }
      // Users carry their numbers (1..count, as the users_number trigger would give them), so the
      // ecosystem's counter is set to match; its user_count is kept by the users_count_insert
      // trigger, as for the app's own inserts.
      db.prepare(
        'UPDATE ecosystems SET last_user_number = (SELECT COALESCE(MAX(user_number), 0) FROM users WHERE ecosystem_id = ?) WHERE id = ?',
      ).run(ecosystemId, ecosystemId);
    }
    // No ANALYZE: the planner sees what a deployed database that never ran it would.
    db.exec(`PRAGMA journal_mode = ${journalMode}`);
    return written;
  } finally {
    db.close();
  }
}

/** Opens the seeded file read-only for the bench's own look-ups (the row 90% deep into a listing). */
export function openSeeded(file) {
  return new DatabaseSync(file, { readOnly: true });
}
