// The database handle every service uses: drizzle over SQLite (libSQL on Node and Turso, D1 at
// the edge). Only `batch` is used for multi-statement atomic writes, which both drivers support;
// new reports go through `storage.commit`, which on Node groups the writes of one moment.
import type { InArgs } from '@libsql/client';
import { fillPlaceholders, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type * as schema from '../../db/schema';
import type { CommitGroup } from './group-commit';

export type Db = LibSQLDatabase<typeof schema>;

/** The messages of an error and of its causes (a driver wraps the database's own error). */
function errorTexts(err: unknown): string[] {
  const texts: string[] = [];
  for (
    let e: unknown = err;
    e instanceof Error && texts.length < 5;
    e = (e as { cause?: unknown }).cause
  ) {
    texts.push(e.message);
  }
  return texts;
}

/** True when a write failed on a UNIQUE constraint of the named table. */
export function isUniqueViolation(err: unknown, table: string): boolean {
  return errorTexts(err).some(
    (t) => t.includes('UNIQUE constraint failed') && t.includes(`${table}.`),
  );
}

/**
 * True when the database stayed locked past the busy timeout: another connection held it (the
 * nightly compaction rewriting the file, on Node). Worth a retry, not a server error.
 */
export function isDatabaseBusy(err: unknown): boolean {
  return errorTexts(err).some((t) => /SQLITE_BUSY|database is locked/i.test(t));
}

/**
 * True for the embedded libSQL file database on Node, where a query can hand back bytes
 * (a BLOB) as one buffer. D1 turns a BLOB into an array of numbers, and a remote libSQL server
 * sends it base64-encoded, so there a large result is better read as text.
 */
export function returnsBuffers(db: Db): boolean {
  const client = (db as { $client?: { protocol?: unknown } }).$client;
  return client?.protocol === 'file';
}

/**
 * One value read synchronously on a connection of its own to the embedded database, past the
 * drizzle and client layers (which cost about as much as SQLite's own work on a small read).
 * Text comes back as a string, a BLOB as bytes; no row gives null.
 */
export type DirectRead = (
  sql: string,
  args: (string | number)[],
) => string | Uint8Array<ArrayBuffer> | null;

/**
 * One opened database, as each opener returns it (libSQL file, Turso, D1) and the entry puts into
 * the context: the ORM, the direct read path where there is one, how atomic writes are committed,
 * and what this running portal keeps in memory beside it (prepared queries, the MAC key, guards).
 */
export interface Storage {
  db: Db;
  /** The embedded file database's second connection (Node); absent on D1 and Turso. */
  directRead?: DirectRead;
  /** Commits `writes` atomically; on the embedded file database, grouped with the same moment's. */
  commit: (writes: [Write, ...Write[]]) => Promise<void>;
  /** Made once per storage and kept by key: see `remember`. */
  memo: Map<string, unknown>;
  close: () => void;
}

export type Write = BatchItem<'sqlite'> & { toSQL(): { sql: string; params: unknown[] } };

/** A storage with neither a direct read nor group commit: D1, Turso, and tests' own handles. */
export function plainStorage(db: Db, close: () => void = () => {}): Storage {
  return {
    db,
    commit: async (writes) => {
      await db.batch(writes);
    },
    memo: new Map(),
    close,
  };
}

/** The storage's commit made into group commit (see `group-commit.ts`). */
export function groupedCommit(group: CommitGroup): Storage['commit'] {
  return (writes) =>
    group(
      writes.map((w) => {
        const { sql, params } = w.toSQL();
        return { sql, args: params as InArgs };
      }),
    );
}

/** The value kept under `key` for this storage, made by `make` the first time. */
export function remember<T>(storage: Storage, key: string, make: () => T): T {
  if (!storage.memo.has(key)) storage.memo.set(key, make());
  return storage.memo.get(key) as T;
}

/**
 * The statement `build` makes, ready for the direct read: turned into text with its parameters
 * as placeholders once per storage and `key`, then run with the values given. Undefined where
 * the database offers no direct read (go through drizzle then).
 */
export function directStatement(
  storage: Storage,
  key: string,
  build: () => SQL,
): ((values: Record<string, unknown>) => ReturnType<DirectRead>) | undefined {
  const read = storage.directRead;
  if (!read) return undefined;
  const query = remember(storage, `direct|${key}`, () =>
    new SQLiteSyncDialect().sqlToQuery(build()),
  );
  return (values) => read(query.sql, fillPlaceholders(query.params, values) as (string | number)[]);
}

/**
 * The query `build` makes for the storage's database, built and prepared once per storage and
 * `key`: for the hot paths whose SQL costs about as much to build as to run. The key must name
 * everything that shapes the SQL; values go in as placeholders.
 */
export function preparedOnce<T>(storage: Storage, key: string, build: (db: Db) => T): T {
  return remember(storage, `prepared|${key}`, () => build(storage.db));
}
