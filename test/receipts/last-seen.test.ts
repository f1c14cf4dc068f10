// The day of the reporter's last look-up, kept in the case as a day and nothing finer, so the
// follow-up page can mark replies since then as new.
// scenario: node and workerd
import { describe, expect, it } from 'vitest';
import { reports } from '../../db/schema';
import { openCase, submitReport } from '../../src/client/reporter';
import { toDay } from '../../src/lib/days';
import { demoUnit, sampleReport, useHarness } from '../helpers/harness';

const h = useHarness();

describe("the reporter's last look-up", () => {
  it('is null on the first visit, then the day of the visit before, as a day only', async () => {
    const units = await h.units();
    const { receipt } = await submitReport(h.fetcher, {
      units,
      unitId: demoUnit(units, 'basic').id,
      copyToParent: false,
      report: sampleReport('Last seen test.'),
      files: [],
    });
    const first = toDay(h.ctx.now());
    expect((await openCase(h.fetcher, receipt)).view.lastSeenDay).toBeNull();
    expect((await openCase(h.fetcher, receipt)).view.lastSeenDay).toBe(first);
    h.advance(3 * 86_400_000);
    expect((await openCase(h.fetcher, receipt)).view.lastSeenDay).toBe(first);
    expect((await openCase(h.fetcher, receipt)).view.lastSeenDay).toBe(toDay(h.ctx.now()));
    const stored = await h.ctx.db.select({ day: reports.lastSeenDay }).from(reports);
    expect(stored.map((r) => r.day)).toEqual([toDay(h.ctx.now())]);
    expect(stored[0]?.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
