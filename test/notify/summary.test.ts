// The counts behind digests and reminders follow the inbox: a unit that reaches a case from below
// (a retaliation flag passed up to it) is told about the unanswered flag, as its inbox shows it,
// and a key excluded from a case is told nothing of it.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { caseExclusions, reports, supervisors } from '../../db/schema';
import { flagRetaliation, openCase, submitReport } from '../../src/client/reporter';
import type { UnitView } from '../../src/client/types';
import { summary } from '../../src/notify/service';
import { demoUnit, sampleReport, useHarness } from '../helpers/harness';

const DAY = 86_400_000;
const h = useHarness({}, async (made) => ({ units: (await made.units()) as UnitView[] }));

const supervisorOf = async (unitId: string) => {
  const [row] = await h.ctx.db
    .select({ id: supervisors.id, unitId: supervisors.unitId, role: supervisors.role })
    .from(supervisors)
    .where(and(eq(supervisors.unitId, unitId), eq(supervisors.role, 'supervisor')))
    .limit(1);
  if (!row) throw new Error('no supervisor in the unit');
  return row;
};

describe('what a notice counts', () => {
  it('counts a flag passed up to the unit above, and nothing for a key excluded from the case', async () => {
    const { units } = h.setup;
    const basic = demoUnit(units, 'basic');
    const above = await supervisorOf(basic.parentId ?? '');
    const before = await summary(h.ctx, above);
    const { receipt } = await submitReport(h.fetcher, {
      units,
      unitId: basic.id,
      copyToParent: false,
      report: sampleReport('counted above, never read here'),
      files: [],
    });
    await flagRetaliation(await openCase(h.fetcher, receipt), {
      kind: 'transfer',
      startedOn: '2026-11-10',
      details: 'Moved to another court.',
    });
    const [row] = await h.ctx.db
      .select({ id: reports.id })
      .from(reports)
      .where(eq(reports.unitId, basic.id));
    const caseId = row?.id ?? '';
    h.advance(2 * DAY);
    const after = await summary(h.ctx, above);
    expect(after.flagsUnanswered).toBe(before.flagsUnanswered + 1);

    await h.ctx.db.insert(caseExclusions).values({ reportId: caseId, supervisorId: above.id });
    const excluded = await summary(h.ctx, above);
    expect(excluded.flagsUnanswered).toBe(before.flagsUnanswered);
  });
});
