// The seizing adversary at the edge: D1 rows and R2 objects after reporters act, read as the
// Node forensic test reads the libSQL file (test/security/forensic.test.ts). What R2 itself
// records (an upload time per object) is the one time left, said in SECURITY.md.
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { flagRetaliation, openCase, sendMessage, submitReport } from '../../src/client/reporter';
import { finerThanDay, REPORTER_TABLES, storedTimes } from '../security/forensic-checks';
import { demoUnit, type Harness, makeHarness, sampleReport } from './harness';

interface R2Listed {
  key: string;
  uploaded: Date;
  httpMetadata?: Record<string, unknown>;
  customMetadata?: Record<string, string>;
}
type Bucket = {
  list(o: { prefix?: string; include?: string[] }): Promise<{ objects: R2Listed[] }>;
};

let h: Harness;
const statsSeen: string[] = [];

beforeAll(async () => {
  h = await makeHarness();
  const units = await h.units();
  const unit = demoUnit(units, 'basic');
  await h.ctx.db.run(sql`update units set publish_stats = 1 where id = ${unit.id}`);
  statsSeen.push(await (await h.fetcher('/api/public/stats')).text());
  for (let i = 0; i < 6; i++) {
    const file = { name: `f${i}`, type: 'text/plain', bytes: new Uint8Array(3000).fill(i) };
    const sent = await submitReport(h.fetcher, {
      units,
      unitId: unit.id,
      copyToParent: false,
      report: sampleReport(`edge ${i}`),
      files: [file],
    });
    if (i === 1) {
      const s = await openCase(h.fetcher, sent.receipt);
      await sendMessage(s, 'more', [file]);
      await flagRetaliation(s, { kind: 'threats', startedOn: '2026-11-01', details: 'x' });
    }
    statsSeen.push(await (await h.fetcher('/api/public/stats')).text());
  }
});

describe('a seized edge deployment', () => {
  it('has no rowid in any reporter table of D1', async () => {
    for (const table of REPORTER_TABLES) {
      await expect(h.ctx.db.all(sql.raw(`select rowid from ${table}`)), table).rejects.toThrow();
      const rows = await h.ctx.db.all<Record<string, unknown>>(sql.raw(`select * from ${table}`));
      // Drafts become reports once their files are in, so none is left here to read.
      if (table !== 'report_drafts') expect(rows.length, table).toBeGreaterThan(0);
      expect(finerThanDay(table, rows, table === 'pow_spent')).toEqual([]);
    }
  });

  it('keeps reporter keys dated 00:00 UTC and no time in readable packets', async () => {
    expect(await storedTimes(h.ctx)).toEqual({ keys: 6, times: [] });
  });

  it('puts no metadata on R2 objects beyond the upload time R2 itself records', async () => {
    const bucket = env.BLOBS as unknown as Bucket;
    const { objects } = await bucket.list({
      prefix: 'blobs/',
      include: ['httpMetadata', 'customMetadata'],
    });
    expect(objects).toHaveLength(7);
    for (const o of objects) {
      expect(o.key).toMatch(/^blobs\/[A-Za-z0-9_-]{22}$/);
      // A file sent in chunks is stored as fixed-size frames, marked by one constant that says
      // how to read it back (src/storage/r2-blobs.ts): nothing of time, order or reporter.
      expect([{}, { framing: 'chunks-v1' }]).toContainEqual(o.customMetadata ?? {});
      expect(Object.values(o.httpMetadata ?? {}).filter((v) => v !== undefined)).toEqual([]);
      // The known limit: R2 dates each object to the millisecond (SECURITY.md, "At the edge").
      expect(o.uploaded).toBeInstanceOf(Date);
    }
  });

  it('publishes figures that did not move while reports arrived', () => {
    expect(statsSeen).toHaveLength(7);
    expect(new Set(statsSeen).size).toBe(1);
  });
});
