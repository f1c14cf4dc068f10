// The second connection the embedded database offers for the reporter's view and the inbox:
// which URLs get one, that it sees every commit of the client at once, and what it hands back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filePath, type OpenedDb, openLibsql } from '../../src/storage/libsql';

let dir: string;
let opened: OpenedDb;
const clientOf = (o: OpenedDb) => (o.db as OpenedDb['db'] & { $client: Client }).$client;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-direct-'));
  opened = await openLibsql(`file:${join(dir, 'portal.db')}`);
});
afterAll(async () => {
  opened.close();
  await rm(dir, { recursive: true, force: true });
});

describe('direct reads on the embedded database', () => {
  it('are offered for a database file, not for memory or a URL with options', () => {
    expect(filePath('file:./data/portal.db')).toBe('./data/portal.db');
    expect(filePath('file:/srv/portal.db')).toBe('/srv/portal.db');
    expect(filePath('file:///srv/a%20b.db')).toBe('/srv/a b.db');
    expect(filePath('file://localhost/srv/portal.db')).toBe('/srv/portal.db');
    for (const url of [
      'file::memory:',
      'file:portal.db?mode=ro',
      'file:',
      'file://host/srv/portal.db',
      'file:%E0%A4%A.db',
      'libsql://portal.example.turso.io',
    ]) {
      expect(filePath(url), url).toBeNull();
    }
  });

  it('see what the client has just committed, and give text, bytes or null', async () => {
    const read = opened.directRead;
    expect(read).toBeDefined();
    const client = clientOf(opened);
    await client.execute('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
    const get = 'SELECT v FROM t WHERE k = ?';
    expect(read!(get, ['a'])).toBeNull();
    await client.execute({ sql: 'INSERT INTO t VALUES (?, ?)', args: ['a', 'first'] });
    expect(read!(get, ['a'])).toBe('first');
    await client.batch(
      [
        { sql: 'UPDATE t SET v = ? WHERE k = ?', args: ['second', 'a'] },
        { sql: 'INSERT INTO t VALUES (?, ?)', args: ['b', '甲乙'] },
      ],
      'write',
    );
    expect(read!(get, ['a'])).toBe('second');
    const bytes = read!('SELECT CAST(v AS BLOB) FROM t WHERE k = ?', ['b']);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(bytes as Uint8Array)).toBe('甲乙');
    expect(() => read!('SELECT 1', [])).toThrow(TypeError);
  });

  it('do not see a transaction before it commits', async () => {
    const read = opened.directRead!;
    const tx = await clientOf(opened).transaction('write');
    await tx.execute({ sql: 'UPDATE t SET v = ? WHERE k = ?', args: ['pending', 'a'] });
    expect(read('SELECT v FROM t WHERE k = ?', ['a'])).toBe('second');
    await tx.commit();
    expect(read('SELECT v FROM t WHERE k = ?', ['a'])).toBe('pending');
  });
});
