// The daily compaction on Node runs in a worker thread on its own connection, so the portal keeps
// answering while the file is rewritten. A write that meets the file locked past the busy timeout
// (the compaction, or any other holder of the lock) is answered 503 with Retry-After, stores
// nothing, and goes in once the lock is gone.
import Database from 'libsql';
import { describe, expect, it } from 'vitest';
import { reports } from '../../db/schema';
import { ApiError } from '../../src/client/api';
import { compactFile, freePages } from '../../src/storage/at-rest';
import { reportTo, useHarness } from '../helpers/harness';

const h = useHarness();

describe('the compaction and a locked database', () => {
  it('a write that finds the file locked gets 503 and Retry-After, stores nothing, and goes in after', async () => {
    await reportTo(h, 'basic', 'Before the lock.');
    const count = async () => (await h.ctx.db.select({ id: reports.id }).from(reports)).length;
    const before = await count();
    // Another connection holds the write lock, as a VACUUM does for its whole run.
    const holder = new Database(h.dbFile);
    holder.exec('BEGIN IMMEDIATE');
    let refused: unknown;
    try {
      await reportTo(h, 'basic', 'While the file is locked.');
    } catch (err) {
      refused = err;
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(503);
    expect((refused as ApiError).code).toBe('unavailable');
    expect((refused as ApiError).retryAfter).toBe(30);
    expect(await count()).toBe(before);
    await reportTo(h, 'basic', 'After the lock.');
    expect(await count()).toBe(before + 1);
  });

  it('compacts the file from a worker thread, and the portal’s connections read on after it', async () => {
    await h.ctx.db.delete(reports);
    expect(await freePages(h.ctx.db)).toBeGreaterThan(0);
    await compactFile(h.dbFile);
    expect(await freePages(h.ctx.db)).toBe(0);
    // The file was rewritten under the portal's open connections: they still read and write.
    expect(await h.ctx.db.select({ id: reports.id }).from(reports)).toEqual([]);
    await reportTo(h, 'basic', 'After the compaction.');
    expect(await h.ctx.db.select({ id: reports.id }).from(reports)).toHaveLength(1);
  });
});
