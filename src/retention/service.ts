// Deleting closed cases after their unit's retention period, and early on the word of two
// administrators. What stays is what the published figures need (unit, classification, days,
// outcome) under a new id, and the receipt's hash so the reporter learns the case was deleted.

import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  attachmentChunks,
  attachments,
  caseEvents,
  caseExclusions,
  caseGrants,
  caseRequests,
  caseShares,
  caseStats,
  deletedReceipts,
  grantPackets,
  messages,
  reports,
  retaliationFlags,
  supervisors,
  units,
} from '../../db/schema';
import { exclusionCommitment } from '../audit/exclusion';
import { withAudit } from '../audit/service';
import type { Ctx } from '../context';
import { addDays, addMonths, toDay } from '../lib/days';
import { newId } from '../lib/ids';
import { dropUploadsOf } from '../uploads/service';

/** Default months a closed case is kept (the `units.retention_months` column default). */
export const DEFAULT_RETENTION_MONTHS = 24;
/** Supervisors are warned this many days before a case is deleted. */
export const WARNING_DAYS = 30;

export interface DueCase {
  id: string;
  unitId: string;
  closedDay: string;
  deletesOn: string;
}

/** Closed cases not under a legal hold, each with the day its retention period ends. */
export async function closedCases(ctx: Ctx, unitIds?: string[]): Promise<DueCase[]> {
  const rows = await ctx.db
    .select({
      id: reports.id,
      unitId: reports.unitId,
      months: units.retentionMonths,
      closedDay: sql<string | null>`(select max(${caseEvents.day}) from ${caseEvents}
        where ${caseEvents.reportId} = ${reports.id} and ${caseEvents.state} = 'closed')`,
    })
    .from(reports)
    .innerJoin(units, eq(units.id, reports.unitId))
    .where(
      and(
        eq(reports.state, 'closed'),
        eq(reports.legalHold, false),
        unitIds ? inArray(reports.unitId, unitIds) : undefined,
      ),
    );
  return rows
    .filter((r): r is typeof r & { closedDay: string } => Boolean(r.closedDay))
    .map((r) => ({
      id: r.id,
      unitId: r.unitId,
      closedDay: r.closedDay,
      deletesOn: addMonths(r.closedDay, r.months),
    }));
}

/** Cases of these units to be deleted within WARNING_DAYS: the inbox's warning. */
export async function upcomingDeletions(ctx: Ctx, unitIds: string[]) {
  const limit = addDays(toDay(ctx.now()), WARNING_DAYS);
  return (await closedCases(ctx, unitIds))
    .filter((c) => c.deletesOn <= limit)
    .map((c) => ({ id: c.id, deletesOn: c.deletesOn }))
    .sort((a, b) => a.deletesOn.localeCompare(b.deletesOn) || a.id.localeCompare(b.id));
}

/**
 * Deletes one case and everything that could be decrypted (messages, files, the reporter's keys),
 * keeping its figures, all in one batch with its `case.delete` audit entry. Safe to repeat: a case
 * already gone is left alone. File bytes held outside the database (R2) are removed after.
 */
export async function deleteCase(
  ctx: Ctx,
  reportId: string,
  audit: { actorId: string | null; reason: 'retention' | 'early'; requestedBy?: string },
): Promise<boolean> {
  const [report] = await ctx.db.select().from(reports).where(eq(reports.id, reportId)).limit(1);
  if (!report) return false;
  const events = await ctx.db
    .select({ state: caseEvents.state, day: caseEvents.day, position: caseEvents.position })
    .from(caseEvents)
    .where(eq(caseEvents.reportId, reportId));
  const firstAck = events.find((e) => e.position === 1);
  const closedDay = events
    .filter((e) => e.state === 'closed')
    .map((e) => e.day)
    .sort()
    .at(-1);
  const files = await ctx.db
    .select({ id: attachments.id })
    .from(attachments)
    .where(eq(attachments.reportId, reportId));
  const fileIds = files.map((f) => f.id);
  const ackInTime = Boolean(firstAck && firstAck.day <= report.acknowledgeBy);
  // The exclusion's commitment goes into the deletion's entry, so that reconciliation knows its
  // rows went with the case rather than behind the log (audit/reconcile.ts).
  const excluded = await ctx.db
    .select({ fingerprint: supervisors.fingerprint })
    .from(caseExclusions)
    .innerJoin(supervisors, eq(supervisors.id, caseExclusions.supervisorId))
    .where(eq(caseExclusions.reportId, reportId));
  const exclusion =
    excluded.length > 0
      ? await exclusionCommitment(
          reportId,
          excluded.map((e) => e.fingerprint),
        )
      : undefined;
  await withAudit(
    ctx,
    {
      actorId: audit.actorId,
      action: 'case.delete',
      unitId: report.unitId,
      reportId,
      detail: {
        reason: audit.reason,
        ...(audit.requestedBy ? { requestedBy: audit.requestedBy } : {}),
        ...(exclusion ? { exclusion } : {}),
      },
    },
    () => [
      // From the live row: a second deletion racing this one finds no row and adds no figures.
      ctx.db.insert(caseStats).select(
        ctx.db
          .select({
            id: sql`${newId()}`.as('id'),
            unitId: reports.unitId,
            classification: reports.classification,
            receivedDay: reports.receivedDay,
            acknowledgedInTime: sql`${ackInTime ? 1 : 0}`.as('acknowledged_in_time'),
            outcome: reports.outcome,
            closedDay: sql`${closedDay ?? null}`.as('closed_day'),
          })
          .from(reports)
          .where(eq(reports.id, reportId)),
      ),
      ctx.db
        .insert(deletedReceipts)
        .values({ lookupHash: report.lookupHash, day: toDay(ctx.now()) })
        .onConflictDoNothing(),
      ...(fileIds.length
        ? [ctx.db.delete(attachmentChunks).where(inArray(attachmentChunks.attachmentId, fileIds))]
        : []),
      ctx.db.delete(attachments).where(eq(attachments.reportId, reportId)),
      ctx.db.delete(messages).where(eq(messages.reportId, reportId)),
      ctx.db.delete(retaliationFlags).where(eq(retaliationFlags.reportId, reportId)),
      ctx.db.delete(caseEvents).where(eq(caseEvents.reportId, reportId)),
      ctx.db.delete(caseGrants).where(eq(caseGrants.reportId, reportId)),
      // Granted session-key packets would open what is left anywhere else (a backup, a copy).
      ctx.db.delete(grantPackets).where(eq(grantPackets.reportId, reportId)),
      ctx.db.delete(caseExclusions).where(eq(caseExclusions.reportId, reportId)),
      ctx.db.delete(caseShares).where(eq(caseShares.reportId, reportId)),
      ctx.db.delete(caseRequests).where(eq(caseRequests.reportId, reportId)),
      ctx.db.delete(reports).where(eq(reports.id, reportId)),
    ],
  );
  for (const id of fileIds) await ctx.blobs.delete(id);
  // Files still arriving, and follow-ups waiting for them, go with the case.
  await dropUploadsOf(ctx, [reportId]);
  return true;
}

/** The retention job: deletes every closed case whose period has ended. Returns how many. */
export async function deleteExpiredCases(ctx: Ctx): Promise<number> {
  const today = toDay(ctx.now());
  let deleted = 0;
  for (const c of await closedCases(ctx)) {
    if (c.deletesOn > today) continue;
    if (await deleteCase(ctx, c.id, { actorId: null, reason: 'retention' })) deleted++;
  }
  return deleted;
}
