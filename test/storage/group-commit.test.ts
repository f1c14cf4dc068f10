// Group commit on a real libSQL file: writes of the same moment share one transaction, one that
// fails is rolled back alone, and a transaction that fails takes nobody's write with it silently.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommitGroup, groupCommitter } from '../../src/storage/group-commit';

let dir: string;
let client: Client;
let commit: CommitGroup;
/** Transactions the committer has opened on the client (each `batch` is one). */
let opened = 0;
const transactionsSince = (before: number) => opened - before;
const keys = async () =>
  (await client.execute('SELECT k FROM t ORDER BY k')).rows.map((r) => r.k as string);
const put = (k: string) => ({ sql: 'INSERT INTO t (k) VALUES (?)', args: [k] });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-group-'));
  const path = join(dir, 'g.db');
  client = createClient({ url: `file:${path}`, concurrency: 1 });
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA foreign_keys = ON');
  await client.execute('CREATE TABLE t (k TEXT PRIMARY KEY)');
  // A deferred foreign key is checked at COMMIT: a way to make a whole transaction fail.
  await client.execute(
    'CREATE TABLE child (k TEXT REFERENCES t (k) DEFERRABLE INITIALLY DEFERRED)',
  );
  // The real client, with its two ways of opening a transaction counted.
  const counted = new Proxy(client, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (name === 'batch' || name === 'transaction') opened += 1;
        return value.apply(target, args);
      };
    },
  });
  commit = groupCommitter(counted, 4);
});
afterAll(async () => {
  client.close();
  await rm(dir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('commits the writes of one moment in one transaction', async () => {
    const before = opened;
    await Promise.all(['a1', 'a2', 'a3'].map((k) => commit([put(k), put(`${k}x`)])));
    expect(transactionsSince(before)).toBe(1);
    expect(await keys()).toEqual(['a1', 'a1x', 'a2', 'a2x', 'a3', 'a3x']);
  });

  it('commits writes made one after another each on its own', async () => {
    const before = opened;
    await commit([put('b1')]);
    await commit([put('b2')]);
    expect(transactionsSince(before)).toBe(2);
  });

  it('splits a large moment into transactions of at most the group size', async () => {
    const before = opened;
    await Promise.all(Array.from({ length: 9 }, (_, i) => commit([put(`c${i}`)])));
    expect(transactionsSince(before)).toBe(3);
    expect((await keys()).filter((k) => k.startsWith('c'))).toHaveLength(9);
  });

  it('rolls back a failing write alone, all of its statements, and commits the others', async () => {
    const results = await Promise.allSettled([
      commit([put('d1')]),
      // Its first statement succeeds, its second hits the primary key: neither may stay.
      commit([put('d2'), put('a1')]),
      commit([put('d3')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(
      /UNIQUE constraint failed: t\.k/,
    );
    const after = await keys();
    expect(after).toContain('d1');
    expect(after).toContain('d3');
    expect(after).not.toContain('d2');
  });

  it('rejects every write of a transaction that fails to commit, and then works on', async () => {
    const before = opened;
    const results = await Promise.allSettled([
      commit([put('e1')]),
      commit([{ sql: 'INSERT INTO child (k) VALUES (?)', args: ['nobody'] }]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(transactionsSince(before)).toBe(1);
    expect(await keys()).not.toContain('e1');
    // The connection went back to the client: writes and reads go on.
    await commit([put('e2')]);
    expect(await keys()).toContain('e2');
  });
});
