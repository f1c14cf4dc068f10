// Keeps the embedded database free of the order and times of reporters' actions: the one-time
// move of older installations' attachment files into it, and the compaction that rewrites its
// pages in key order (SECURITY.md, "At rest").
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sql } from 'drizzle-orm';
import { ID_PATTERN } from '../lib/ids';
import type { Db } from './db';
import { DbBlobStore } from './db-blobs';
import { filePath } from './libsql';

/**
 * Moves attachment files written by earlier versions (`<dir>/<two letters>/<id>`) into the
 * database, then deletes them: their file-system times dated each upload. Files in key order,
 * so the new pages follow the random IDs. Returns how many were moved.
 */
export async function importFileBlobs(db: Db, dir: string): Promise<number> {
  let shards: string[];
  try {
    shards = (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const store = new DbBlobStore(db);
  let moved = 0;
  for (const shard of shards) {
    const names = (await readdir(join(dir, shard))).sort();
    for (const name of names) {
      const path = join(dir, shard, name);
      // A `.tmp` left by a crash was never acknowledged: it goes with the rest.
      if (ID_PATTERN.test(name) && !(await store.get(name))) {
        await store.put(name, new Uint8Array(await readFile(path)));
        moved++;
      }
      await rm(path, { force: true });
    }
    await rmdir(join(dir, shard));
  }
  await rmdir(dir);
  return moved;
}

/**
 * Rewrites the database file in key order (VACUUM) and empties the write-ahead log. Until it
 * runs, the page numbers of rows written since the last compaction, and the frames in the log,
 * follow the order of the writes (measured in SECURITY.md).
 */
export async function compactDatabase(db: Db): Promise<void> {
  await db.run(sql`VACUUM`);
  await db.run(sql`PRAGMA wal_checkpoint(TRUNCATE)`);
}

/** Pages on the free list: rows deleted or tables dropped since the last compaction. */
export async function freePages(db: Db): Promise<number> {
  const [row] = await db.all<{ freelist_count: number }>(sql`PRAGMA freelist_count`);
  return Number(row?.freelist_count ?? 0);
}

/**
 * The compaction of a database file, run in a worker thread on a connection of its own. A
 * VACUUM rewrites the whole file: on the serving thread it would stop every request until done
 * (measured at 220 s for a 3 GB file of 100,000 cases, with no timer firing). In the worker,
 * reads go on from the write-ahead log meanwhile; a write waits for the file's lock and, past the
 * busy timeout, is answered 503 with Retry-After (http/errors.ts) and stores nothing.
 */
export function compactFile(path: string): Promise<void> {
  const module = createRequire(import.meta.url).resolve('libsql');
  const code = `
    const { workerData } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.path);
    try {
      db.exec('PRAGMA busy_timeout = 60000');
      db.exec('PRAGMA secure_delete = ON');
      db.exec('PRAGMA journal_size_limit = 0');
      db.exec('VACUUM');
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }`;
  return new Promise<void>((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { module, path } });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`compaction stopped (exit ${code})`)),
    );
  });
}

/**
 * At start on Node: older installations kept attachments as files, so move them into the
 * database; then, on a local file, compact now if rows were deleted or tables rebuilt (an
 * upgrade), before the portal serves. The daily compaction is a job of the one scheduler
 * (src/jobs/list.ts), run off the serving thread. Returns that compaction for a local file, or
 * undefined for a remote database.
 */
export async function keepAtRest(
  db: Db,
  config: { dataDir: string; databaseUrl: string },
  log: (line: string) => void,
): Promise<(() => Promise<void>) | undefined> {
  const moved = await importFileBlobs(db, join(config.dataDir, 'blobs'));
  if (moved > 0) log(`Moved ${moved} attachment files into the database.`);
  if (!config.databaseUrl.startsWith('file:')) return undefined;
  if (moved > 0 || (await freePages(db)) > 0) await compactDatabase(db);
  const path = filePath(config.databaseUrl);
  return path ? () => compactFile(path) : () => compactDatabase(db);
}
