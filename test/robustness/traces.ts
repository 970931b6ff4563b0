// Everything a request can leave behind, read straight from the bindings: every row of every D1
// table (one batch of `SELECT *`) and every KV key with its value, metadata and expiry. Each test
// file has its own D1 and KV and runs its tests one after another, so between two snapshots only
// the request in between can have changed anything.
import type { Client } from '../support/driver';

/**
 * Per table, its rows as one JSON array (SQLite builds it, rows sorted, so two equal tables read as
 * equal text and only a table that differs is ever parsed); per KV key, its value, metadata and
 * expiry as JSON.
 */
export interface Traces {
  tables: Record<string, string>;
  kv: Record<string, string>;
}

/** What changed between two snapshots: rows and keys that went, and rows and keys that came. */
export type Changes = Record<string, { removed: unknown[]; added: unknown[] }>;

/** The most keys one KV get may read. */
const KV_BULK_GET = 100;

const tableNames = new WeakMap<D1Database, Promise<string[]>>();

/** The tables of this database (the schema does not change while the tests run). */
function tablesOf(db: D1Database): Promise<string[]> {
  let names = tableNames.get(db);
  if (!names) {
    names = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name")
      .all<{ name: string }>()
      .then((result) => result.results.map((row) => row.name));
    tableNames.set(db, names);
  }
  return names;
}

const tableColumns = new WeakMap<D1Database, Map<string, Promise<string[]>>>();

/** The columns of a table, in order (the schema does not change while the tests run). */
function columnsOf(db: D1Database, table: string): Promise<string[]> {
  let tables = tableColumns.get(db);
  if (!tables) tableColumns.set(db, (tables = new Map()));
  let columns = tables.get(table);
  if (!columns) {
    columns = db
      .prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid')
      .bind(table)
      .all<{ name: string }>()
      .then((result) => result.results.map((row) => row.name));
    tables.set(table, columns);
  }
  return columns;
}

/** One statement per table, answering its rows as a sorted JSON array of objects (no blob columns here). */
export async function readTables(db: D1Database): Promise<Traces['tables']> {
  const names = await tablesOf(db);
  const statements = await Promise.all(
    names.map(async (name) => {
      const fields = (await columnsOf(db, name)).map((column) => `'${column}', "${column}"`).join(', ');
      return db.prepare(`SELECT json_group_array(json(r)) AS rows FROM (SELECT json_object(${fields}) AS r FROM "${name}" ORDER BY r)`);
    }),
  );
  const results = await db.batch<{ rows: string }>(statements);
  return Object.fromEntries(names.map((name, i) => [name, results[i]!.results[0]!.rows]));
}

/** A table's rows, each as JSON text, from its snapshot. */
function rowsOf(table: string | undefined): string[] {
  return table === undefined ? [] : (JSON.parse(table) as unknown[]).map((row) => JSON.stringify(row));
}

async function readKv(kv: KVNamespace): Promise<Traces['kv']> {
  const keys: KVNamespaceListKey<unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list({ cursor });
    keys.push(...page.keys);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  const values = new Map<string, string | null>();
  for (let i = 0; i < keys.length; i += KV_BULK_GET) {
    const batch = await kv.get(
      keys.slice(i, i + KV_BULK_GET).map((key) => key.name),
      'text',
    );
    for (const [name, value] of batch) values.set(name, value);
  }
  return Object.fromEntries(
    keys.map((key) => [
      key.name,
      JSON.stringify({ value: values.get(key.name), metadata: key.metadata ?? null, expiration: key.expiration ?? null }),
    ]),
  );
}

/** Deletes every KV key that carries an expiration time. */
export async function dropExpiringKeys(client: Client): Promise<void> {
  const kv = client.env.TOKENS;
  const expiring = Object.entries(await readKv(kv)).filter(([, entry]) => JSON.parse(entry).expiration !== null);
  await Promise.all(expiring.map(([key]) => kv.delete(key)));
}

/** Every row of every D1 table and every KV entry the client's Worker sees. */
export async function snapshot(client: Client): Promise<Traces> {
  const [tables, kv] = await Promise.all([readTables(client.env.DB), readKv(client.env.TOKENS)]);
  return { tables, kv };
}

const primaryKeys = new WeakMap<D1Database, Map<string, Promise<string[]>>>();

/** The primary key columns of a table (the schema does not change while the tests run). */
function primaryKeyOf(db: D1Database, table: string): Promise<string[]> {
  let tables = primaryKeys.get(db);
  if (!tables) primaryKeys.set(db, (tables = new Map()));
  let columns = tables.get(table);
  if (!columns) {
    columns = db
      .prepare(`SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`)
      .bind(table)
      .all<{ name: string }>()
      .then((result) => result.results.map((row) => row.name));
    tables.set(table, columns);
  }
  return columns;
}

/**
 * The statements that turn a table's `current` rows into `target`, row by row by primary key:
 * rows that came are deleted, rows that went are inserted, rows that changed are updated in place.
 * Never a DELETE of a row the target still holds, so no ON DELETE CASCADE reaches a row that did
 * not change (emptying and refilling a table did: a user row put back cost every session it had).
 */
async function tableRestore(db: D1Database, table: string, current: string[], target: string[]): Promise<D1PreparedStatement[]> {
  const keys = await primaryKeyOf(db, table);
  const parse = (rows: string[]) => rows.map((text) => JSON.parse(text) as Record<string, unknown>);
  const keyOf = (row: Record<string, unknown>) => JSON.stringify(keys.map((column) => row[column]));
  const now = new Map(parse(current).map((row) => [keyOf(row), row]));
  const wanted = new Map(parse(target).map((row) => [keyOf(row), row]));
  const where = keys.map((column) => `"${column}" = ?`).join(' AND ');
  const statements: D1PreparedStatement[] = [];
  for (const [key, row] of now) {
    if (!wanted.has(key)) statements.push(db.prepare(`DELETE FROM "${table}" WHERE ${where}`).bind(...keys.map((column) => row[column])));
  }
  for (const [key, row] of wanted) {
    const columns = Object.keys(row);
    const was = now.get(key);
    if (!was) {
      const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
      statements.push(db.prepare(sql).bind(...Object.values(row)));
    } else if (JSON.stringify(was) !== JSON.stringify(row)) {
      const changed = columns.filter((column) => !keys.includes(column));
      const sql = `UPDATE "${table}" SET ${changed.map((c) => `"${c}" = ?`).join(', ')} WHERE ${where}`;
      statements.push(db.prepare(sql).bind(...changed.map((column) => row[column]), ...keys.map((column) => row[column])));
    }
  }
  return statements;
}

/**
 * Puts D1 and KV back as they were in `target`: each row that differs is deleted, inserted or
 * updated by its primary key (foreign keys checked at the end of the batch), each KV key that
 * differs is written or deleted.
 */
export async function restore(client: Client, target: Traces): Promise<void> {
  const { DB: db, TOKENS: kv } = client.env;
  const now = await snapshot(client);
  let tables = now.tables;
  // Triggers keep counters (ecosystems.user_count) in step with the rows: putting rows back moves
  // them again, so a second pass sets what the first one's triggers left different.
  for (let pass = 0; pass < 2; pass++) {
    const statements: D1PreparedStatement[] = [db.prepare('PRAGMA defer_foreign_keys = true')];
    for (const [table, rows] of Object.entries(target.tables)) {
      if (tables[table] === rows) continue;
      statements.push(...(await tableRestore(db, table, rowsOf(tables[table]), rowsOf(rows))));
    }
    if (statements.length === 1) break;
    await db.batch(statements);
    if (pass === 0) tables = await readTables(db);
  }
  await Promise.all([
    ...Object.keys(now.kv)
      .filter((key) => !(key in target.kv))
      .map((key) => kv.delete(key)),
    ...Object.entries(target.kv)
      .filter(([key, entry]) => now.kv[key] !== entry)
      .map(([key, entry]) => {
        const { value, metadata, expiration } = JSON.parse(entry) as { value: string; metadata: unknown; expiration: number | null };
        return kv.put(key, value, { metadata, ...(expiration === null ? {} : { expiration }) });
      }),
  ]);
}

/** Rows in `before` but not `after` (and back), as a multiset. */
function rowChanges(before: string[], after: string[]): { removed: unknown[]; added: unknown[] } {
  const left = new Map<string, number>();
  for (const row of before) left.set(row, (left.get(row) ?? 0) + 1);
  const added: unknown[] = [];
  for (const row of after) {
    const count = left.get(row) ?? 0;
    if (count > 0) left.set(row, count - 1);
    else added.push(JSON.parse(row));
  }
  const removed = [...left].flatMap(([row, count]) => Array.from({ length: count }, () => JSON.parse(row)));
  return { removed, added };
}

/**
 * Every table and KV key (as `kv:<key>`) whose contents differ, but for the `ignored` tables;
 * empty when nothing changed.
 */
export function changesBetween(before: Traces, after: Traces, ignored: string[] = []): Changes {
  const changes: Changes = {};
  for (const table of new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])) {
    if (ignored.includes(table) || before.tables[table] === after.tables[table]) continue;
    const change = rowChanges(rowsOf(before.tables[table]), rowsOf(after.tables[table]));
    if (change.removed.length > 0 || change.added.length > 0) changes[table] = change;
  }
  for (const key of new Set([...Object.keys(before.kv), ...Object.keys(after.kv)])) {
    const [was, is] = [before.kv[key], after.kv[key]];
    if (was !== is) {
      changes[`kv:${key}`] = { removed: was === undefined ? [] : [JSON.parse(was)], added: is === undefined ? [] : [JSON.parse(is)] };
    }
  }
  return changes;
}
