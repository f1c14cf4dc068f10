// Arrivals in the audit log: a submission writes no entry; the first sign-in after the day has
// ended logs each arrival as its id, unit, copy and day, in id order, with every entry dated by
// the day (00:00 UTC), never the second.
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema';
import { signIn } from '../../src/client/supervisor';
import { toDay } from '../../src/lib/days';
import { demoKey, type Harness, makeHarness, reportTo, withCookies } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(() => h.close());

const entries = () => h.ctx.db.select().from(auditLog).orderBy(asc(auditLog.seq));

describe('arrivals in the audit log', () => {
  it('are not written by a submission, and are swept in at the next day’s first sign-in', async () => {
    await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const before = (await entries()).length;
    await reportTo(h, 'basic', 'First report.');
    await reportTo(h, 'basic', 'Second report.');
    expect((await entries()).length).toBe(before);
    const day = toDay(h.ctx.now());

    h.advance(86_400_000);
    await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const all = await entries();
    const arrivals = all.filter((e) => e.action === 'case.arrive');
    expect(arrivals).toHaveLength(2);
    const ids = arrivals.map((e) => e.reportId!);
    expect(ids).toEqual([...ids].sort());
    for (const e of arrivals) {
      expect(e.actorId).toBeNull();
      expect(JSON.parse(e.detail)).toEqual({ day, copiedUnitId: null });
    }
    const sweep = all.filter((e) => e.action === 'case.arrivals').at(-1);
    expect(JSON.parse(sweep!.detail)).toEqual({ through: day, count: 2 });
    // Every entry's time is the start of its day.
    expect(all.filter((e) => e.at % 86_400 !== 0)).toEqual([]);

    // A second sign-in the same day logs nothing again.
    await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    expect((await entries()).filter((e) => e.action === 'case.arrive')).toHaveLength(2);
  });
});
