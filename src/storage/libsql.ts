// Opens a libSQL database for Node (embedded file by default, or a remote libSQL URL), makes
// file databases durable (WAL, synchronous=FULL) and applies the migrations under db/migrations.
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from '../../db/schema';
import type { Db } from './db';
import { installStatementCache } from './statement-cache';

export const MIGRATIONS_FOLDER = new URL('../../db/migrations', import.meta.url).pathname;

export interface OpenedDb {
  db: Db;
  close: () => void;
}

export async function openLibsql(url: string, authToken?: string): Promise<OpenedDb> {
  // One connection for a local file: the PRAGMAs below are per connection, and the native calls
  // run one at a time on this thread anyway.
  const local = url.startsWith('file:');
  if (local) installStatementCache();
  const client = createClient({
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
  }
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return { db, close: () => client.close() };
}
