// An installation made before issue #17 (rowid tables, attachment files, spent proofs of work to
// the second) is upgraded at start: rows rebuilt without rowids, files moved into the database
// and deleted, expiries rounded to the hour, the file compacted. Content is unchanged.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { keepAtRest } from '../../src/storage/at-rest';
import { DbBlobStore } from '../../src/storage/db-blobs';
import { MIGRATIONS_FOLDER, openLibsql } from '../../src/storage/libsql';

let dir: string;
const files = new Map<string, Uint8Array>();
const reports: string[] = [];

/** The migrations as they stood before this upgrade (0000 to 0003). */
async function oldMigrations(): Promise<string> {
  const out = join(dir, 'old-migrations');
  await mkdir(join(out, 'meta'), { recursive: true });
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'));
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= 3);
  await writeFile(join(out, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries as { tag: string }[])
    await cp(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(out, `${e.tag}.sql`));
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-upgrade-'));
  const client = createClient({ url: `file:${join(dir, 'portal.db')}` });
  const db = drizzle(client);
  await migrate(db, { migrationsFolder: await oldMigrations() });
  for (let i = 0; i < 5; i++) {
    const id = newId();
    const messageId = newId();
    const attachmentId = newId();
    reports.push(id);
    await db.run(sql`insert into reports (id, unit_id, lookup_hash, reporter_public_key, reporter_locked_key, received_day, acknowledge_by, feedback_by, sort_key)
      values (${id}, 'u', ${`h${i}`}, 'pub', 'locked', '2026-11-30', '2026-12-07', '2027-02-28', ${`1|2026-12-07|${id}`})`);
    await db.run(sql`insert into messages (id, report_id, position, kind, ciphertext, day)
      values (${messageId}, ${id}, 0, 'report', ${`cipher ${i}`}, '2026-11-30')`);
    await db.run(sql`insert into attachments (id, report_id, message_id, size, day)
      values (${attachmentId}, ${id}, ${messageId}, 700000, '2026-11-30')`);
    await db.run(
      sql`insert into pow_spent (challenge_hash, expires_at) values (${`c${i}`}, ${1796205407 + i})`,
    );
    const bytes = crypto.getRandomValues(new Uint8Array(65_536)).slice();
    const big = new Uint8Array(700_000);
    for (let at = 0; at < big.length; at += bytes.length)
      big.set(bytes.subarray(0, big.length - at), at);
    files.set(attachmentId, big);
    await mkdir(join(dir, 'blobs', attachmentId.slice(0, 2)), { recursive: true });
    await writeFile(join(dir, 'blobs', attachmentId.slice(0, 2), attachmentId), big);
  }
  client.close();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('upgrading an existing installation', () => {
  it('rebuilds the rows without rowids, moves the files in and compacts the database', async () => {
    const { db, close } = await openLibsql(`file:${join(dir, 'portal.db')}`);
    const lines: string[] = [];
    const compact = await keepAtRest(
      db,
      { dataDir: dir, databaseUrl: `file:${join(dir, 'portal.db')}` },
      (l) => lines.push(l),
    );
    expect(compact).toBeTypeOf('function');
    try {
      expect(lines).toEqual(['Moved 5 attachment files into the database.']);
      for (const table of ['reports', 'messages', 'attachments', 'pow_spent']) {
        await expect(db.all(sql.raw(`select rowid from ${table}`))).rejects.toThrow(/rowid/);
      }
      const ids = await db.all<{ id: string }>(sql`select id from reports order by id`);
      expect(ids.map((r) => r.id)).toEqual([...reports].sort());
      const expiries = await db.all<{ e: number }>(sql`select expires_at as e from pow_spent`);
      expect(expiries.map((r) => r.e % 3600)).toEqual([0, 0, 0, 0, 0]);
      const store = new DbBlobStore(db);
      for (const [id, bytes] of files) {
        const stored = await store.get(id);
        expect(stored && Buffer.from(stored).equals(bytes), id).toBe(true);
      }
      expect(await readdir(dir)).not.toContain('blobs');
      const [free] = await db.all<{ n: number }>(
        sql`select freelist_count as n from pragma_freelist_count`,
      );
      expect(Number(free!.n)).toBe(0);
      expect((await stat(join(dir, 'portal.db-wal'))).size).toBe(0);
    } finally {
      close();
    }
  });
});
