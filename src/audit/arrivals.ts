// Arrivals in the log, a day late: each case that arrived on a day that has ended gets a
// `case.arrive` entry (its id, unit, copy and day, nothing else), then one `case.arrivals` entry
// says "every arrival through this day is logged". Written after the day, in id order, so an
// entry's place in the chain says nothing finer than the day (a report's own time never shows).
// The sweep runs at a fixed time, 00:05 UTC, from the scheduler (jobs/list.ts), and at any
// verified sign-in after it (auth/service.ts), never at a submission: no reporter's action
// decides when an entry is written. So a case is out of the log only on its own day (and until
// 00:05 the next): reconcile.ts reports such cases as not yet logged, and names any older one.
import { and, desc, eq, gt, lte, notInArray } from 'drizzle-orm';
import { auditLog, reports } from '../../db/schema';
import type { Ctx } from '../context';
import { addDays, toDay } from '../lib/days';
import { type AuditEvent, withAuditMany } from './service';

/**
 * Minutes after 00:00 UTC before a day's arrivals are swept: a submission that took its day just
 * before midnight (then stored its last file, or waited for a group commit) is in by then.
 */
export const SWEEP_MINUTE = 5;

/** The last day whose sweep is due by `now`: yesterday from 00:05 UTC, else the day before. */
export const sweptThrough = (now: Date) =>
  addDays(toDay(new Date(now.getTime() - SWEEP_MINUTE * 60_000)), -1);

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

/** The entries of a sweep through `through`, decided against the head they will extend. */
async function sweep(ctx: Ctx, through: string): Promise<AuditEvent[]> {
  const last = await arrivalsThrough(ctx);
  if (last !== null && last >= through) return [];
  const logged = ctx.db
    .select({ id: auditLog.reportId })
    .from(auditLog)
    .where(eq(auditLog.action, 'case.arrive'));
  // Only days after the last sweep: a case dated into a day already swept was put there by hand
  // (a submission takes its day and commits within seconds, well before 00:05), and stays named.
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
        lte(reports.receivedDay, through),
        last === null ? undefined : gt(reports.receivedDay, last),
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
  events.push({ actorId: null, action: 'case.arrivals', detail: { through, count: rows.length } });
  return events;
}

/** Logs the arrivals of every day whose sweep is due and not yet done. Returns how many. */
export async function logArrivals(ctx: Ctx): Promise<number> {
  const through = sweptThrough(ctx.now());
  let logged = 0;
  await withAuditMany(ctx, async () => {
    const events = await sweep(ctx, through);
    logged = events.filter((e) => e.action === 'case.arrive').length;
    return events;
  });
  return logged;
}
