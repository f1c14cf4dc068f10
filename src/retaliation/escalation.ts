// Escalation continues: a retaliation flag still unanswered ("received") after its deadline is
// passed one more level up, to the unit above the unit above, and the reporter's page says so.
// Computed from stored days only; one exported function, so whatever runs the daily work can call
// it (today: the housekeeping in lib/housekeeping.ts). At the top of the tree there is nowhere
// further to go: the flag stays overdue in the inboxes that have it (README, "Retaliation").
import { and, eq, isNull, sql } from 'drizzle-orm';
import { reports } from '../../db/schema';
import { withAudit } from '../audit/service';
import type { Ctx } from '../context';
import { toDay } from '../lib/days';

/** Passes every overdue unanswered flag's case up one level; returns how many cases moved. */
export async function escalateOverdueFlags(ctx: Ctx): Promise<number> {
  const today = toDay(ctx.now());
  const due = await ctx.db.all<{ id: string; parent: string; grandparent: string }>(sql`
    SELECT r.id AS id, u.parent_id AS parent, p.parent_id AS grandparent
    FROM reports r JOIN units u ON u.id = r.unit_id JOIN units p ON p.id = u.parent_id
    WHERE r.escalated_unit_id IS NULL AND p.parent_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM retaliation_flags f
                  WHERE f.report_id = r.id AND f.state = 'received' AND f.due_by < ${today})`);
  for (const row of due) {
    await withAudit(
      ctx,
      {
        actorId: null,
        action: 'retaliation.escalate',
        unitId: row.grandparent,
        reportId: row.id,
        detail: { from: row.parent, to: row.grandparent },
      },
      () => [
        ctx.db
          .update(reports)
          .set({ escalatedUnitId: row.grandparent })
          .where(and(eq(reports.id, row.id), isNull(reports.escalatedUnitId))),
      ],
    );
  }
  return due.length;
}
