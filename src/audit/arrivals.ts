// Arrivals in the log, a day late: each case that arrived on a day that has ended gets a
// `case.arrive` entry (its id, unit, copy and day, nothing else), then one `case.arrivals` entry
// says "every arrival through this day is logged". Written after the day, in id order, so an
// entry's place in the chain says nothing finer than the day (a report's own time never shows).
// The sweep runs at a verified sign-in (auth/service.ts), never at a submission, so no reporter's
// action decides when an entry is written. The price: a case is not in the log until the first
// sign-in after its day (reconcile.ts treats it as waiting until then).
import { and, desc, eq, gt, lt, notInArray } from 'drizzle-orm';
import { auditLog, reports } from '../../db/schema';
import type { Ctx } from '../context';
import { addDays, toDay } from '../lib/days';
import { type AuditEvent, withAuditMany } from './service';

/** The last day whose arrivals are all in the log, or null before the first sweep. */
export async function arrivalsThrough(ctx: Ctx): Promise<string | null> {
  const [last] = await ctx.db
    .select({ detail: auditLog.detail })
    .from(auditLog)
    .where(eq(auditLog.action, 'case.arrivals'))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  if (!last) return null;
  const through = (JSON.parse(last.detail) as { through?: unknown }).through;
  return typeof through === 'string' ? through : null;
}

/** Logs the arrivals of every ended day not yet logged. Returns how many were logged. */
export async function logArrivals(ctx: Ctx): Promise<number> {
  const yesterday = addDays(toDay(ctx.now()), -1);
  const through = await arrivalsThrough(ctx);
  if (through !== null && through >= yesterday) return 0;
  const logged = ctx.db
    .select({ id: auditLog.reportId })
    .from(auditLog)
    .where(eq(auditLog.action, 'case.arrive'));
  const rows = await ctx.db
    .select({
      id: reports.id,
      unitId: reports.unitId,
      copiedUnitId: reports.copiedUnitId,
      day: reports.receivedDay,
    })
    .from(reports)
    .where(
      and(
        lt(reports.receivedDay, toDay(ctx.now())),
        through === null ? undefined : gt(reports.receivedDay, through),
        notInArray(reports.id, logged),
      ),
    );
  rows.sort((a, b) => (a.day === b.day ? (a.id < b.id ? -1 : 1) : a.day < b.day ? -1 : 1));
  const events: AuditEvent[] = rows.map((r) => ({
    actorId: null,
    action: 'case.arrive',
    unitId: r.unitId,
    reportId: r.id,
    detail: { day: r.day, copiedUnitId: r.copiedUnitId },
  }));
  events.push({
    actorId: null,
    action: 'case.arrivals',
    detail: { through: yesterday, count: rows.length },
  });
  await withAuditMany(ctx, events);
  return rows.length;
}
