// Prepared statements kept per connection for the embedded libSQL database on Node.
//
// `@libsql/client` prepares every statement afresh, and for the portal's queries SQLite's parse
// and plan often cost more than running them (the reporter's one-statement view above all). The
// client runs each statement to completion inside one synchronous call, so a connection can hand
// the same prepared statement to every call with the same SQL text.
//
// SQLite re-prepares a cached statement by itself when the schema changes, but the column names
// the client reads before running it are the old ones for that one run. So a statement that
// changes the schema (migrations) empties its connection's cache and is never kept itself; the
// portal changes its schema only through its own migrations, at start.
//
// This patches `libsql`'s Database.prototype, so package.json pins `libsql` to the exact version
// whose internals it was checked against; test/storage/statement-cache.test.ts checks it again.
import Database from 'libsql';

/** Statements kept per connection; the portal has a few dozen distinct SQL texts. */
export const STATEMENT_CACHE_SIZE = 256;

type Connection = Database.Database;
type Statement = ReturnType<Connection['prepare']>;

const caches = new WeakMap<Connection, Map<string, Statement>>();
const INSTALLED = Symbol.for('whistle-portal.statement-cache');
/** Statements that change the schema, after optional leading comments and white space. */
const SCHEMA_CHANGE = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:create|alter|drop)\b/i;

function cacheOf(db: Connection): Map<string, Statement> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

/**
 * Makes `prepare` on every libSQL connection reuse its statements (least recently used out
 * first). Idempotent. Closing a connection forgets its statements first, so that they do not
 * keep the file open; so does running a script or a schema change.
 */
export function installStatementCache(): void {
  const proto = Database.prototype as Connection & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  const prepare = proto.prepare;
  const close = proto.close;
  const exec = proto.exec;
  proto.prepare = function cachedPrepare(this: Connection, sql: string) {
    if (SCHEMA_CHANGE.test(sql)) {
      caches.delete(this);
      return prepare.call(this, sql);
    }
    const cache = cacheOf(this);
    const hit = cache.get(sql);
    if (hit) {
      // Re-insert to mark it most recently used.
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const stmt = prepare.call(this, sql);
    cache.set(sql, stmt);
    if (cache.size > STATEMENT_CACHE_SIZE) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return stmt;
  } as typeof proto.prepare;
  // A script may hold anything, schema changes included.
  proto.exec = function execForgettingStatements(this: Connection, sql: string) {
    caches.delete(this);
    return exec.call(this, sql);
  } as typeof proto.exec;
  proto.close = function closeForgettingStatements(this: Connection) {
    caches.delete(this);
    return close.call(this);
  } as typeof proto.close;
  Object.defineProperty(proto, INSTALLED, { value: true });
}
