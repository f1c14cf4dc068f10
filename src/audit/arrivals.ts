// Arrivals in the log, a day late: each case that arrived on a day that has ended gets a
// `case.arrive` entry (its id, unit, copy and day, nothing else), then one `case.arrivals` entry
// says "every arrival through this day is logged". Written after the day, in id order, so an
// entry's place in the chain says nothing finer than the day (a report's own time never shows).
// The sweep runs at a fixed time, 00:05 UTC, from the scheduler (jobs/list.ts), and at any
// verified sign-in after it (auth/service.ts), never at a submission: no reporter's action
// decides when an entry is written. So a case is out of the log only on its own day (and until
// 00:05 the next): reconcile.ts reports such cases as not yet logged, and names any older one.
import { and, asc, count, desc, eq, gt, inArray, lte, notInArray, sql } from 'drizzle-orm';
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

/** Entries written in one batch: a first sweep over a long history goes in many small ones. */
export const ARRIVALS_PER_BATCH = 250;

interface Arrival {
  id: string;
  unitId: string;
  copiedUnitId: string | null;
  day: string;
}

/** Cases from the days after the last sweep through `through` with no arrival yet, in order. */
/** The cases with an arrival in the log, as a subquery. */
const loggedIds = (ctx: Ctx) =>
  ctx.db.select({ id: auditLog.reportId }).from(auditLog).where(eq(auditLog.action, 'case.arrive'));

async function unlogged(ctx: Ctx, last: string | null, through: string): Promise<Arrival[]> {
  // Only days after the last sweep: a case dated into a day already swept was put there by hand
  // (a submission takes its day and commits within seconds, well before 00:05), and stays named.
  return ctx.db
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
        notInArray(reports.id, loggedIds(ctx)),
      ),
    )
    .orderBy(asc(reports.receivedDay), asc(reports.id));
}

/**
 * One batch's entries, decided against the head they will extend: the arrivals of `batch` not
 * logged meanwhile (by a sweep running at the same time), and, with the last batch, the entry that
 * closes the sweep. Nothing when another sweep has closed it already.
 */
async function batchEntries(
  ctx: Ctx,
  batch: Arrival[],
  close: { last: string | null; through: string } | null,
): Promise<AuditEvent[]> {
  const last = await arrivalsThrough(ctx);
  if (close && last !== null && last >= close.through) return [];
  // The batch's ids as one JSON parameter: D1 binds at most 100 values a statement.
  const ids = JSON.stringify(batch.map((a) => a.id));
  const done = new Set(
    batch.length === 0
      ? []
      : (
          await ctx.db
            .select({ id: auditLog.reportId })
            .from(auditLog)
            .where(
              and(
                eq(auditLog.action, 'case.arrive'),
                sql`${auditLog.reportId} in (select value from json_each(${ids}))`,
              ),
            )
        ).map((r) => r.id),
  );
  const events: AuditEvent[] = batch
    .filter((a) => !done.has(a.id))
    .map((a) => ({
      actorId: null,
      action: 'case.arrive',
      unitId: a.unitId,
      reportId: a.id,
      detail: { day: a.day, copiedUnitId: a.copiedUnitId },
    }));
  if (close) {
    // The swept days' cases in the log, with those this batch adds: earlier runs of a long
    // sweep may have logged part of them.
    const [inLog] = await ctx.db
      .select({ n: count() })
      .from(reports)
      .where(
        and(
          lte(reports.receivedDay, close.through),
          close.last === null ? undefined : gt(reports.receivedDay, close.last),
          inArray(reports.id, loggedIds(ctx)),
        ),
      );
    const detail = { through: close.through, count: (inLog?.n ?? 0) + events.length };
    events.push({ actorId: null, action: 'case.arrivals', detail });
  }
  return events;
}

/** Lets other work in (requests, on Node) between two batches of a long sweep. */
const yieldTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Logs the arrivals of every day whose sweep is due and not yet done, in (day, id) order, in
 * batches of ARRIVALS_PER_BATCH entries; the last batch closes the sweep with a `case.arrivals`
 * entry. A first sweep over a long history (a portal upgraded with many cases) thus never holds
 * the database or the thread for long. With `most`, stops after about that many entries and leaves
 * the rest (and the closing entry) to the next run: a sign-in is not kept waiting. Returns how
 * many arrivals it logged.
 */
export async function logArrivals(ctx: Ctx, most = Number.POSITIVE_INFINITY): Promise<number> {
  const through = sweptThrough(ctx.now());
  const last = await arrivalsThrough(ctx);
  if (last !== null && last >= through) return 0;
  const rows = await unlogged(ctx, last, through);
  let logged = 0;
  for (let start = 0; ; start += ARRIVALS_PER_BATCH) {
    if (start > 0) {
      if (start >= most) return logged;
      await yieldTurn();
    }
    const batch = rows.slice(start, start + ARRIVALS_PER_BATCH);
    const closing = start + ARRIVALS_PER_BATCH >= rows.length;
    let written = 0; // from the attempt that went in (a lost race is retried on the new head)
    await withAuditMany(ctx, async () => {
      const events = await batchEntries(ctx, batch, closing ? { last, through } : null);
      written = events.filter((e) => e.action === 'case.arrive').length;
      return events;
    });
    logged += written;
    if (closing) return logged;
  }
}
