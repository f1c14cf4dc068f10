// The database handle every service uses: drizzle over SQLite (libSQL on Node and Turso, D1 at
// the edge). Only `batch` is used for multi-statement atomic writes, which both drivers support;
// new reports go through `commitWrites`, which on Node groups the writes of one moment.
import type { InArgs } from '@libsql/client';
import { fillPlaceholders, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type * as schema from '../../db/schema';
import type { CommitGroup } from './group-commit';

export type Db = LibSQLDatabase<typeof schema>;

/** True when a write failed on a UNIQUE constraint of the named table. */
export function isUniqueViolation(err: unknown, table: string): boolean {
  const texts: string[] = [];
  for (
    let e: unknown = err;
    e instanceof Error && texts.length < 5;
    e = (e as { cause?: unknown }).cause
  ) {
    texts.push(e.message);
  }
  return texts.some((t) => t.includes('UNIQUE constraint failed') && t.includes(`${table}.`));
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

const directReads = new WeakMap<object, DirectRead>();

/** Offers `read` for queries on `db` (the embedded file database on Node does). */
export function offerDirectRead(db: Db, read: DirectRead): void {
  directReads.set(db, read);
}

/** The direct read for `db`, where the database offers one; otherwise go through drizzle. */
export function directRead(db: Db): DirectRead | undefined {
  return directReads.get(db);
}

/**
 * The statement `build` makes, ready for the direct read on `db`: turned into text with its
 * parameters as placeholders once per database handle and `key`, then run with the values given.
 * Undefined where the database offers no direct read (go through drizzle then).
 */
export function directStatement(
  db: Db,
  key: string,
  build: () => SQL,
): ((values: Record<string, unknown>) => ReturnType<DirectRead>) | undefined {
  const read = directRead(db);
  if (!read) return undefined;
  const query = preparedOnce(db, `direct|${key}`, () =>
    new SQLiteSyncDialect().sqlToQuery(build()),
  );
  return (values) => read(query.sql, fillPlaceholders(query.params, values) as (string | number)[]);
}

const groupCommits = new WeakMap<object, CommitGroup>();

/** Offers group commit for atomic writes on `db` (the embedded file database on Node does). */
export function offerGroupCommit(db: Db, commit: CommitGroup): void {
  groupCommits.set(db, commit);
}

type Write = BatchItem<'sqlite'> & { toSQL(): { sql: string; params: unknown[] } };

/**
 * Commits `writes` atomically, as `db.batch` does; where the database offers group commit, in
 * one transaction with the other writes of the same moment (see `group-commit.ts`).
 */
export async function commitWrites(db: Db, writes: [Write, ...Write[]]): Promise<void> {
  const group = groupCommits.get(db);
  if (!group) {
    await db.batch(writes);
    return;
  }
  await group(
    writes.map((w) => {
      const { sql, params } = w.toSQL();
      return { sql, args: params as InArgs };
    }),
  );
}

const preparedQueries = new WeakMap<object, Map<string, unknown>>();

/**
 * The query `build` makes for `db`, built and prepared once per database handle and `key`: for
 * the hot paths whose SQL costs about as much to build as to run. The key must name everything
 * that shapes the SQL; values go in as placeholders.
 */
export function preparedOnce<T>(db: Db, key: string, build: (db: Db) => T): T {
  let byKey = preparedQueries.get(db);
  if (!byKey) {
    byKey = new Map();
    preparedQueries.set(db, byKey);
  }
  if (!byKey.has(key)) byKey.set(key, build(db));
  return byKey.get(key) as T;
}
