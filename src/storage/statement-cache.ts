// Prepared statements kept per connection for the embedded libSQL database on Node, owned by one
// Storage (kept in `storage.memo`), not by the process.
//
// `@libsql/client` prepares every statement afresh, and for the portal's queries SQLite's parse
// and plan often cost more than running them (the reporter's one-statement view above all). The
// client runs each statement to completion inside one synchronous call, so a connection can hand
// the same prepared statement to every call with the same SQL text.
//
// The client opens its connections inside its own pool. `@libsql/client/sqlite3` exports that
// pool and the client class, so `cachingClient` builds the same client over a pool whose new
// connections get their own `prepare` (an own property of that connection object): nothing of
// `libsql` itself is changed, and a connection opened elsewhere in the process is left as it is.
//
// SQLite re-prepares a cached statement by itself when the schema changes, but the column names
// the client reads before running it are the old ones for that one run. So a statement that
// changes the schema (migrations) empties its connection's cache and is never kept itself; the
// portal changes its schema only through its own migrations, at start.
//
// The client's constructor and pool are internals, so package.json pins `libsql` exactly and
// test/storage/statement-cache.test.ts checks the behaviour through the client again.
import type { Client } from '@libsql/client';
import { ConnectionPool, Sqlite3Client } from '@libsql/client/sqlite3';
import type Database from 'libsql';

/** Statements kept per connection; the portal has a few dozen distinct SQL texts. */
export const STATEMENT_CACHE_SIZE = 256;

type Connection = Database.Database;
type Statement = ReturnType<Connection['prepare']>;

/** One Storage's statements, a cache for each connection it opened. */
export class StatementCaches {
  readonly #caches = new Map<Connection, Map<string, Statement>>();

  /** How many statements are kept for one connection, or for all of them (for tests). */
  size(db?: Connection): number {
    if (db) return this.#caches.get(db)?.size ?? 0;
    let n = 0;
    for (const cache of this.#caches.values()) n += cache.size;
    return n;
  }

  /**
   * Makes `prepare` on this connection reuse its statements (least recently used out first).
   * Running a script, a schema change or closing the connection forgets its statements, so that
   * they do not keep the file open. Idempotent.
   */
  adopt(db: Connection): Connection {
    if (this.#caches.has(db)) return db;
    const cache = new Map<string, Statement>();
    this.#caches.set(db, cache);
    const prepare = db.prepare;
    const exec = db.exec;
    const close = db.close;
    db.prepare = ((sql: string) => {
      if (SCHEMA_CHANGE.test(sql)) {
        cache.clear();
        return prepare.call(db, sql);
      }
      const hit = cache.get(sql);
      if (hit) {
        // Re-insert to mark it most recently used.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = remembering(prepare.call(db, sql));
      cache.set(sql, stmt);
      if (cache.size > STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return stmt;
    }) as Connection['prepare'];
    // A script may hold anything, schema changes included.
    db.exec = (sql: string) => {
      cache.clear();
      return exec.call(db, sql);
    };
    db.close = () => {
      cache.clear();
      this.#caches.delete(db);
      return close.call(db);
    };
    return db;
  }
}

/** What a statement that returns no rows answers when asked for raw rows (see `remembering`). */
const NOT_A_READER = new TypeError('This statement returns no data.');

/**
 * A kept statement that remembers what the client asks it before every run. The client asks
 * each statement for its columns (twice) and switches it to raw rows; a statement that returns
 * no rows answers that switch by throwing, so an insert used to build an error and its stack on
 * every run. The answers cannot change while the statement is kept: the columns of a prepared
 * statement change only with the schema, and a schema change forgets the connection's statements.
 */
function remembering(stmt: Statement): Statement {
  const columns = stmt.columns;
  let known: ReturnType<Statement['columns']> | undefined;
  stmt.columns = () => {
    known ??= columns.call(stmt);
    return known;
  };
  if (!stmt.reader) {
    stmt.raw = () => {
      throw NOT_A_READER;
    };
    return stmt;
  }
  const raw = stmt.raw;
  let mode: boolean | undefined;
  stmt.raw = (on?: boolean) => {
    const wanted = on ?? true;
    if (wanted !== mode) {
      raw.call(stmt, wanted);
      mode = wanted;
    }
    return stmt;
  };
  return stmt;
}

/** Statements that change the schema, after optional leading comments and white space. */
const SCHEMA_CHANGE = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:create|alter|drop)\b/i;

/** The client's pool, handing every connection it opens to the caches first. */
class CachingPool extends ConnectionPool {
  constructor(
    path: string,
    private readonly caches: StatementCaches,
  ) {
    super(path, {}, 1);
  }

  override acquireSync(forTransaction = false) {
    return this.caches.adopt(super.acquireSync(forTransaction));
  }
}

/**
 * A `@libsql/client` client for one database file, with one connection (as `createClient` with
 * `concurrency: 1` makes), whose statements are kept in `caches`.
 */
export function cachingClient(path: string, caches: StatementCaches): Client {
  const pool = new CachingPool(path, caches);
  // As createClient does: fail now, not at the first query, if the file cannot be opened.
  const db = pool.acquireSync();
  try {
    db.prepare('SELECT 1 AS checkThatTheDatabaseCanBeOpened').get();
  } catch (err) {
    pool.close();
    throw err;
  }
  pool.release(db);
  return new Sqlite3Client(pool, 'number');
}
