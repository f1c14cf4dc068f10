// Inserts whose SQL text is built once (`preparedInsert`): the statement and parameters group
// commit reads are exactly drizzle's own for the same values (defaults, nulls, booleans), a text
// is kept per table and set of columns, and the rows committed read back as given.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reports, units } from '../../db/schema';
import { preparedInsert, type Storage } from '../../src/storage/db';
import { openLibsql } from '../../src/storage/libsql';

let dir: string;
let storage: Storage;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-insert-'));
  storage = await openLibsql(`file:${join(dir, 'p.db')}`);
});
afterAll(async () => {
  storage?.close();
  await rm(dir, { recursive: true, force: true });
});

const report = (id: string, extra: Partial<typeof reports.$inferInsert> = {}) => ({
  id,
  unitId: 'u1',
  copiedUnitId: null,
  lookupHash: `hash-${id}`,
  reporterPublicKey: 'public',
  reporterLockedKey: 'locked',
  reporterKeyIds: '["a"]',
  receivedDay: '2026-12-03',
  acknowledgeBy: '2026-12-10',
  feedbackBy: '2027-03-03',
  sortKey: `1|2026-12-10|${id}`,
  ...extra,
});

describe('prepared inserts', () => {
  it('give group commit the SQL and parameters drizzle itself would', () => {
    const cases: [typeof reports.$inferInsert, string][] = [
      [report('r1'), 'defaults left out'],
      [report('r2', { retaliationFlagged: true, legalHold: false, state: 'closed' }), 'booleans'],
      [report('r3', { outcome: null, copiedUnitId: 'u2', lastSeenDay: undefined }), 'nulls'],
    ];
    for (const [values, label] of cases) {
      const fast = preparedInsert(storage, reports, values).toSQL();
      const own = storage.db.insert(reports).values(values).toSQL();
      expect(fast, label).toEqual({ sql: own.sql, params: own.params });
    }
    const unit = { id: 'u1', name: 'A', nameZh: '甲', level: 'basic' as const, isDemo: true };
    const fast = preparedInsert(storage, units, unit).toSQL();
    const own = storage.db.insert(units).values(unit).toSQL();
    expect(fast).toEqual({ sql: own.sql, params: own.params });
    expect(own.params).toContain(1);
    // One text per table and set of columns given.
    const kept = [...storage.memo.keys()].filter((k) => k.startsWith('insert|reports|'));
    expect(kept).toHaveLength(3);
  });

  it('commit rows that read back as given, through group commit and as drizzle runs them', async () => {
    await storage.commit([
      preparedInsert(storage, reports, report('c1', { retaliationFlagged: true })),
      preparedInsert(storage, reports, report('c2')),
    ]);
    await preparedInsert(storage, reports, report('c3', { legalHold: true }));
    const rows = await storage.db.select().from(reports);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get('c1')).toMatchObject({ retaliationFlagged: true, legalHold: false });
    expect(byId.get('c2')).toMatchObject({ retaliationFlagged: false, state: 'received' });
    expect(byId.get('c3')).toMatchObject({ legalHold: true, copiedUnitId: null });
    const [one] = await storage.db.select().from(reports).where(eq(reports.id, 'c1'));
    expect(one?.sortKey).toBe('1|2026-12-10|c1');
  });
});
