// Threat: someone seizes the server and works out when each reporter acted, or in what order.
// The adversary here has the data folder (database, its log, any other file), every column and
// rowid, the stored keys and ciphertexts parsed with openpgp.js, the request log, and the public
// figures polled between submissions. Reporters act a little apart on the real clock.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagRetaliation, openCase, sendMessage, submitReport } from '../../src/client/reporter';
import { unlockPrivateKey } from '../../src/crypto';
import { compactFile } from '../../src/storage/at-rest';
import { demoUnit, type Harness, makeHarness, sampleReport } from '../helpers/harness';
import { finerThanDay, innerTimesOfDay, REPORTER_TABLES, storedTimes } from './forensic-checks';

let h: Harness;
/** Reporter-made message IDs, in the order the reporters acted. */
const acted: string[] = [];
const statsSeen: string[] = [];
let othersBefore = '';
let started = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomFile = (name: string) => ({
  name,
  type: 'application/octet-stream',
  bytes: crypto.getRandomValues(new Uint8Array(6000)),
});
const publicStats = async () => (await h.fetcher('/api/public/stats')).text();

/** Every table the portal has, and the ones no reporter action may touch. */
async function tables(): Promise<string[]> {
  const rows = await h.ctx.db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'`,
  );
  return rows.map((r) => r.name);
}
async function otherTables(): Promise<string> {
  const dump: unknown[] = [];
  for (const t of await tables()) {
    // Settings may gain the proof-of-work key at the first challenge: checked for times apart.
    if ((REPORTER_TABLES as readonly string[]).includes(t) || t === 'attachment_chunks') continue;
    if (t === 'settings') continue;
    dump.push(t, await h.ctx.db.all(sql.raw(`select * from "${t}" order by 1`)));
  }
  return JSON.stringify(dump);
}

beforeAll(async () => {
  h = await makeHarness();
  const units = await h.units();
  const unit = demoUnit(units, 'basic');
  await h.ctx.db.run(sql`update units set publish_stats = 1 where id = ${unit.id}`);
  othersBefore = await otherTables();
  started = Date.now();
  statsSeen.push(await publicStats());
  for (let i = 0; i < 6; i++) {
    const sent = await submitReport(h.fetcher, {
      units,
      unitId: unit.id,
      copyToParent: false,
      report: sampleReport(`Report ${i}: ${'details '.repeat(400)}`),
      files: [randomFile(`evidence-${i}.bin`)],
    });
    acted.push(sent.messageId);
    if (i % 2 === 1) {
      const s = await openCase(h.fetcher, sent.receipt);
      acted.push(
        (await sendMessage(s, `More ${i} ${'x'.repeat(3000)}`, [randomFile('m')])).messageId,
      );
      const flag = { kind: 'threats' as const, startedOn: '2026-11-01', details: 'y'.repeat(3000) };
      acted.push((await flagRetaliation(s, flag, [randomFile('f')])).messageId);
    }
    statsSeen.push(await publicStats());
    // A little apart on the real clock, so each action falls in a second of its own.
    await sleep(1100);
  }
}, 120_000);
afterAll(() => h.close());

/** Byte offset in the database file of a piece taken from the middle of each message. */
async function offsetsInFile(ids: string[]): Promise<number[]> {
  const file = await readFile(h.dbFile);
  const offsets: number[] = [];
  for (const id of ids) {
    const [row] = await h.ctx.db.all<{ c: string }>(
      sql`select ciphertext as c from messages where id = ${id}`,
    );
    const text = row!.c;
    const piece = Buffer.from(text.slice(text.length / 2, text.length / 2 + 48));
    offsets.push(file.indexOf(piece));
  }
  return offsets;
}
/** The attachments of the acted messages, in the order of the actions, and where each lies. */
async function attachmentsInFile(): Promise<{ ids: string[]; offsets: number[] }> {
  const file = await readFile(h.dbFile);
  const ids: string[] = [];
  const offsets: number[] = [];
  for (const messageId of acted) {
    const [row] = await h.ctx.db.all<{ id: string }>(
      sql`select id from attachments where message_id = ${messageId}`,
    );
    const bytes = (await h.ctx.blobs.get(row!.id))!;
    ids.push(row!.id);
    offsets.push(
      file.indexOf(Buffer.from(bytes.subarray(bytes.length / 2, bytes.length / 2 + 48))),
    );
  }
  return { ids, offsets };
}
const orderBy = (ids: string[], keys: number[]) =>
  ids
    .map((id, i) => ({ id, k: keys[i]! }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.id);

/** Kendall's tau between the order of `keys` and their listing order: 1 is the same order. */
function tau(keys: number[]): number {
  let agree = 0;
  let pairs = 0;
  for (let i = 0; i < keys.length; i++)
    for (let j = i + 1; j < keys.length; j++) {
      pairs++;
      agree += Math.sign(keys[j]! - keys[i]!);
    }
  return pairs === 0 ? 0 : agree / pairs;
}

describe('a seized server', () => {
  it('has no rowid in any reporter table to sort its rows by', async () => {
    const seized = new Database(h.dbFile, { readonly: true });
    try {
      for (const table of [...REPORTER_TABLES, 'attachment_chunks']) {
        // With a rowid, sorting by it would replay the order in which reporters acted.
        expect(() => seized.prepare(`select rowid from ${table}`).all(), table).toThrow(
          /no such column: rowid/,
        );
      }
    } finally {
      seized.close();
    }
  });

  it('keeps no time finer than a day in any column (spent proofs of work: the hour)', async () => {
    for (const table of await tables()) {
      const rows = await h.ctx.db.all<Record<string, unknown>>(sql.raw(`select * from "${table}"`));
      if (table === 'pow_spent') {
        expect(rows.length).toBe(6);
        expect(finerThanDay(table, rows, true)).toEqual([]);
      } else if ((REPORTER_TABLES as readonly string[]).includes(table) || table === 'settings') {
        expect(finerThanDay(table, rows)).toEqual([]);
      }
    }
    // Supervisor and operator tables may hold instants, but no reporter action wrote to them.
    expect(JSON.parse(await otherTables())).toEqual(JSON.parse(othersBefore));
  });

  it('writes no file per upload: the data folder holds the database and nothing else', async () => {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(join(dir, e.name));
        else files.push(join(dir, e.name));
      }
    };
    await walk(h.dir);
    const others = [];
    for (const f of files) {
      // The database file and its log carry the time of the last write (SECURITY.md says so).
      if (/portal\.db(-wal|-shm)?$/.test(f)) continue;
      const s = await stat(f);
      others.push({ f, birth: s.birthtimeMs, m: s.mtimeMs, c: s.ctimeMs });
    }
    expect(others.filter((o) => Math.max(o.birth, o.m, o.c) >= started)).toEqual([]);
  });

  it('holds reporter keys dated 00:00 UTC, and ciphertexts whose readable packets carry no time', async () => {
    expect(await storedTimes(h.ctx)).toEqual({ keys: 6, times: [] });
  });

  it('gives supervisors messages and files whose signatures and literal data say only the day', async () => {
    const key = await unlockPrivateKey(
      h.demoKeys.find((k) => k.name === 'basic-supervisor')!.privateKey,
      h.passphrase,
    );
    const messages = await h.ctx.db.all<{ c: string }>(sql`select ciphertext as c from messages`);
    expect(messages.length).toBe(acted.length);
    for (const m of messages) expect(await innerTimesOfDay(m.c, key)).toEqual([]);
    const files = await h.ctx.db.all<{ id: string }>(sql`select id from attachments`);
    expect(files.length).toBe(12);
    for (const f of files) {
      const bytes = await h.ctx.blobs.get(f.id);
      expect(await innerTimesOfDay(bytes!, key)).toEqual([]);
    }
  });

  it('publishes figures that did not move while reports arrived', () => {
    expect(statsSeen).toHaveLength(7);
    expect(new Set(statsSeen).size).toBe(1);
  });

  it('logs no line for any single reporter request', () => {
    const reporterLines = h.logs.filter((l) => /\/api\/(reports|receipt|pow|units)\b/.test(l));
    expect(reporterLines).toEqual([]);
    // They are counted instead, for one line a day.
    expect(h.tally.drain('on the day')).toMatch(/POST \/api\/reports 201 ×6/);
  });
});

describe('what the page layout still shows (measured, SECURITY.md "At rest")', () => {
  it('before a checkpoint, the write-ahead log holds the day’s writes in the order made', async () => {
    const wal = await readFile(`${h.dbFile}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    const offsets: number[] = [];
    for (const id of acted) {
      const [row] = await h.ctx.db.all<{ c: string }>(
        sql`select ciphertext as c from messages where id = ${id}`,
      );
      const piece = Buffer.from(row!.c.slice(row!.c.length / 2, row!.c.length / 2 + 48));
      offsets.push(wal.indexOf(piece));
    }
    expect(offsets.every((o) => o >= 0)).toBe(true);
    // The adversary's method works: the log replays the order exactly.
    expect(orderBy(acted, offsets)).toEqual(acted);
  });

  it('after a checkpoint alone, overflow pages are allocated largely in the order of the writes', async () => {
    await h.ctx.db.run(sql`PRAGMA wal_checkpoint(TRUNCATE)`);
    const offsets = await offsetsInFile(acted);
    expect(offsets.every((o) => o >= 0)).toBe(true);
    // Not exactly: pages freed by finished drafts are reused out of order. Largely, though.
    expect(tau(offsets)).toBeGreaterThan(0.5);
    const files = await attachmentsInFile();
    expect(files.offsets.every((o) => o >= 0)).toBe(true);
    expect(tau(files.offsets)).toBeGreaterThan(0.5);
  });

  it('after the daily compaction, nothing in the file follows the order of the actions', async () => {
    // The scheduler's compaction: in a worker thread, on its own connection to the file.
    await compactFile(h.dbFile);
    expect((await stat(`${h.dbFile}-wal`)).size).toBe(0);
    const offsets = await offsetsInFile(acted);
    expect(offsets.every((o) => o >= 0)).toBe(true);
    // Pages now follow the random keys; the order of the actions is gone.
    expect(orderBy(acted, offsets)).toEqual([...acted].sort());
    const files = await attachmentsInFile();
    expect(orderBy(files.ids, files.offsets)).toEqual([...files.ids].sort());
  });
});
