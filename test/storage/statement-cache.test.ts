// The per-connection statement cache on the embedded libSQL database: the same statement object
// for the same SQL, still right after errors and schema changes, bounded, and dropped on close;
// kept by one Storage, so a connection it did not open is left alone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibsql } from '../../src/storage/libsql';
import {
  cachingClient,
  STATEMENT_CACHE_SIZE,
  StatementCaches,
} from '../../src/storage/statement-cache';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-stmt-'));
});
const caches = new StatementCaches();
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('statement cache', () => {
  it('hands back the same prepared statement for the same SQL, per connection', () => {
    const a = caches.adopt(new Database(join(dir, 'a.db')));
    const b = caches.adopt(caches.adopt(new Database(join(dir, 'a.db'))));
    expect(a.prepare('SELECT 1')).toBe(a.prepare('SELECT 1'));
    expect(a.prepare('SELECT 1')).not.toBe(b.prepare('SELECT 1'));
    expect(a.prepare('SELECT 1')).not.toBe(a.prepare('SELECT 2'));
    a.close();
    b.close();
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const db = caches.adopt(new Database(':memory:'));
    const first = db.prepare('SELECT 0');
    const kept = db.prepare('SELECT -1');
    for (let i = 1; i < STATEMENT_CACHE_SIZE; i++) {
      db.prepare(`SELECT ${i}`);
      if (i % 50 === 0) db.prepare('SELECT -1');
    }
    expect(db.prepare('SELECT -1')).toBe(kept);
    expect(db.prepare('SELECT 0')).not.toBe(first);
    expect(caches.size(db)).toBe(STATEMENT_CACHE_SIZE);
    db.close();
    expect(caches.size(db)).toBe(0);
  });

  it('changes nothing for a connection it did not open, in this process or another storage', async () => {
    const plain = new Database(join(dir, 'plain.db'));
    expect(plain.prepare('SELECT 1')).not.toBe(plain.prepare('SELECT 1'));
    plain.close();
    const one = await openLibsql(`file:${join(dir, 'one.db')}`);
    const two = await openLibsql(`file:${join(dir, 'two.db')}`);
    const a = one.memo.get('statements');
    const b = two.memo.get('statements');
    expect(a).toBeInstanceOf(StatementCaches);
    expect(b).toBeInstanceOf(StatementCaches);
    expect(a).not.toBe(b);
    one.close();
    two.close();
  });

  it('gives right answers through the client after a failed statement and a schema change', async () => {
    const url = `file:${join(dir, 'c.db')}`;
    const statements = new StatementCaches();
    const client = cachingClient(join(dir, 'c.db'), statements);
    await client.execute('CREATE TABLE t (id TEXT PRIMARY KEY)');
    const insert = 'INSERT INTO t (id) VALUES (?)';
    await client.execute({ sql: insert, args: ['a'] });
    await expect(client.execute({ sql: insert, args: ['a'] })).rejects.toThrow(/UNIQUE/);
    await client.execute({ sql: insert, args: ['b'] });
    await expect(
      client.batch(
        [
          { sql: insert, args: ['c'] },
          { sql: insert, args: ['a'] },
        ],
        'write',
      ),
    ).rejects.toThrow(/UNIQUE/);
    // A read that fails part-way through its rows leaves the cached statement usable.
    await client.execute('CREATE TABLE j (n INTEGER, x TEXT)');
    await client.execute("INSERT INTO j VALUES (1, '[1]'), (2, 'not json'), (3, '[3]')");
    const read = 'SELECT n, json(x) AS v FROM j WHERE n >= ? ORDER BY n';
    await expect(client.execute({ sql: read, args: [1] })).rejects.toThrow(/malformed JSON/);
    expect((await client.execute({ sql: read, args: [3] })).rows.map((r) => r.v)).toEqual(['[3]']);
    const all = 'SELECT * FROM t ORDER BY id';
    expect((await client.execute(all)).rows.map((r) => r.id)).toEqual(['a', 'b']);
    await client.execute("ALTER TABLE t ADD COLUMN note TEXT NOT NULL DEFAULT 'n'");
    const after = await client.execute(all);
    expect(after.columns).toEqual(['id', 'note']);
    expect(after.rows.map((r) => r.note)).toEqual(['n', 'n']);
    await client.executeMultiple('CREATE TABLE u (x); ALTER TABLE t ADD COLUMN more TEXT');
    expect((await client.execute(all)).columns).toEqual(['id', 'note', 'more']);
    // The client's statements were kept in this storage's caches, and let go on close.
    expect(statements.size()).toBeGreaterThan(0);
    client.close();
    expect(statements.size()).toBe(0);
    // Closing let go of the file: it can be removed and opened afresh.
    await rm(join(dir, 'c.db'), { force: true });
    const again = createClient({ url });
    expect(
      (await again.execute("SELECT count(*) AS n FROM sqlite_master WHERE name = 't'")).rows[0]?.n,
    ).toBe(0);
    again.close();
  });
});
