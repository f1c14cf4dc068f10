// Opens a libSQL database for Node (embedded file by default, or a remote libSQL URL), makes
// file databases durable (WAL, synchronous=FULL) and applies the migrations under db/migrations.
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import Database from 'libsql';
import * as schema from '../../db/schema';
import { type DirectRead, groupedCommit, plainStorage, type Storage } from './db';
import { groupCommitter } from './group-commit';
import { cachingClient, StatementCaches } from './statement-cache';

export const MIGRATIONS_FOLDER = new URL('../../db/migrations', import.meta.url).pathname;

/** An opened libSQL database: see `Storage`. */
export type OpenedDb = Storage;

export async function openLibsql(url: string, authToken?: string): Promise<Storage> {
  // One connection for a local file: the PRAGMAs below are per connection, and the native calls
  // run one at a time on this thread anyway.
  const local = url.startsWith('file:');
  // A database file gets this storage's own statement cache (statement-cache.ts); other local
  // URLs (in memory, or with options) take the client as it is.
  const path = local ? filePath(url) : null;
  const statements = new StatementCaches();
  const client = path
    ? cachingClient(path, statements)
    : createClient({
        url,
        ...(authToken ? { authToken } : {}),
        ...(local ? { concurrency: 1 } : {}),
      });
  if (local) {
    // WAL lets readers run beside the writer; synchronous=FULL makes every commit survive a
    // power cut, so an acknowledged report is never lost.
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA synchronous = FULL');
    await client.execute('PRAGMA busy_timeout = 5000');
    // Freed pages are zeroed, and the log is cut back to nothing whenever it is reset, so that
    // deleted rows and old log frames do not linger in the file (SECURITY.md, "At rest").
    await client.execute('PRAGMA secure_delete = ON');
    await client.execute('PRAGMA journal_size_limit = 0');
  }
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  const storage = plainStorage(db, () => client.close());
  if (!local) return storage;
  storage.commit = groupedCommit(groupCommitter(client));
  if (!path) return storage;
  storage.memo.set('statements', statements);
  const reader = statements.adopt(new Database(path));
  reader.exec('PRAGMA busy_timeout = 5000');
  storage.directRead = readOn(reader);
  storage.close = () => {
    reader.close();
    client.close();
  };
  return storage;
}

/**
 * The file behind a `file:` URL (`file:relative.db`, `file:/absolute.db`, `file:///absolute.db`),
 * or null for anything else, such as an in-memory database or a URL with options, which a second
 * connection could not share.
 */
export function filePath(url: string): string | null {
  const match = /^file:(?:\/\/(?:localhost)?(?=\/))?([^?#]+)$/.exec(url)?.[1];
  if (!match || match.startsWith('//') || match.includes(':memory:')) return null;
  try {
    return decodeURIComponent(match);
  } catch {
    return null;
  }
}

/**
 * Reads on a second connection: under WAL it sees every commit of the first and never waits for
 * its writes. Its statements are kept like the client's (see `statement-cache.ts`).
 */
function readOn(reader: Database.Database): DirectRead {
  return (sql, args) => {
    const row = reader
      .prepare(sql)
      .raw(true)
      .get(...args) as unknown[] | undefined;
    const value = row?.[0];
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    if (value instanceof Uint8Array) {
      return new Uint8Array(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength);
    }
    throw new TypeError(`A direct read returned a ${typeof value}, not text or bytes.`);
  };
}
